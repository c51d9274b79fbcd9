/*
 * test_codec.c — the msgpack form of events: round trips with edge values,
 * every decoder error path (one test each, asserting the code), unknown keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Encode ev, decode it, and check the result equals ev; returns the bytes' length. */
static size_t
roundtrip(const struct nw_event *ev)
{
        struct nw_event *got = NULL, *again = NULL;
        char *buf, *buf2, *cause = NULL;
        size_t len, len2;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        assert_int_equal(nw_event_decode(buf, len, &got, &cause), NW_OK);
        assert_null(cause);
        assert_non_null(got);
        assert_true(nw_event_equal(ev, got));
        /* Encoding is deterministic: the decoded event encodes to the same bytes. */
        assert_int_equal(nw_event_encode(got, &buf2, &len2), 0);
        assert_int_equal(len, len2);
        assert_memory_equal(buf, buf2, len);
        assert_int_equal(nw_event_decode(buf2, len2, &again, NULL), NW_OK);
        assert_true(nw_event_equal(got, again));
        nw_event_destroy(&again);
        nw_event_destroy(&got);
        free(buf);
        free(buf2);
        return len;
}

static void
test_roundtrip_sample(void **state)
{
        struct nw_event *ev = helpers_sample_event();

        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_minimal(void **state)
{
        struct nw_event *ev = nw_event_new(), *got = NULL;
        char *buf;
        size_t len;

        nw_event_set_id(ev, "x");
        nw_event_set_type(ev, "t");
        roundtrip(ev);
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        assert_int_equal(nw_event_decode(buf, len, &got, NULL), NW_OK);
        assert_false(got->has_seq);
        assert_null(got->time_value);
        assert_null(got->time_text);
        assert_null(got->summary);
        assert_null(got->article.id);
        assert_string_equal(got->modality, "asserted");
        assert_int_equal(got->nargs, 0);
        free(buf);
        nw_event_destroy(&got);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_empty_strings(void **state)
{
        struct nw_event *ev = nw_event_new();
        struct nw_article_ref art = {"", "", "", "", "", ""};

        nw_event_set_id(ev, "");
        nw_event_set_type(ev, "");
        nw_event_set_modality(ev, "");
        nw_event_set_summary(ev, "");
        nw_event_set_time(ev, "", "");
        nw_event_set_evidence(ev, "", 0, 0, 0);
        nw_event_add_arg(ev, "", "", "");
        nw_event_set_attr(ev, "", "");
        nw_event_add_quantity(ev, "", 0, "", "");
        nw_event_add_reported_by(ev, "", "");
        nw_event_set_article(ev, &art);
        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_nulls(void **state)
{
        struct nw_event *ev = nw_event_new();

        nw_event_set_id(ev, "n");
        nw_event_set_type(ev, "t");
        nw_event_set_time(ev, NULL, "next spring");
        nw_event_add_arg(ev, "agent", NULL, NULL);
        nw_event_add_quantity(ev, "rank", 1, NULL, NULL);
        nw_event_add_reported_by(ev, NULL, NULL);
        roundtrip(ev);
        nw_event_set_time(ev, "2026", NULL);
        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_seq_edges(void **state)
{
        struct nw_event *ev = helpers_sample_event();

        ev->seq = 0;
        roundtrip(ev);
        ev->seq = UINT64_MAX;
        roundtrip(ev);
        ev->has_seq = false;
        roundtrip(ev);
        ev->evidence_start = UINT64_MAX;
        ev->evidence_end = UINT64_MAX;
        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_big_evidence(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        size_t n = 64 * 1024, i;
        char *text = malloc(n);

        /* 64 KiB of mixed ASCII and 3-byte UTF-8, cut on a character boundary. */
        for (i = 0; i + 3 <= n; i += 4) {
                memcpy(text + i, "a\xe4\xb8\xad", 4);
        }
        nw_event_set_evidence(ev, text, n, 1000, 1000 + n);
        assert_int_equal(strlen(ev->evidence_text), n);
        assert_true(roundtrip(ev) > n);
        free(text);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_quantity_kinds(void **state)
{
        static const struct {
                const char *kind, *unit;
                double value;
        } q[] = {
            {"money", "CNY", 380000000000.0},
            {"money", "USD", 1.5e9},
            {"count", "users", 3e7},
            {"duration", "day", 90},
            {"multiple", "x", 10},
            {"rank", NULL, 1},
            {"percent", "%", 12.5},
            {"percent", "%", -3.25},
            {"count", "x", 0},
            {"money", "EUR", 5e-324},
            {"count", "x", 1.7976931348623157e308},
            {"count", "x", -0.0},
        };
        struct nw_event *ev = helpers_sample_event();
        size_t i;

        for (i = 0; i < sizeof q / sizeof q[0]; i++)
                nw_event_add_quantity(ev, q[i].kind, q[i].value, q[i].unit, "text");
        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_non_bmp(void **state)
{
        struct nw_event *ev = helpers_sample_event();

        nw_event_set_summary(ev,
                             "emoji \xf0\x9f\x98\x80 CJK-B \xf0\xa0\x80\x80 max \xf4\x8f\xbf\xbf");
        nw_event_add_arg(ev, "subject", "x", "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3");
        nw_event_set_attr(ev, "\xf0\x9f\x94\x91", "\xf0\x9f\x94\x92");
        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_max_items(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        char key[32];
        int i;

        while (ev->nargs < NW_MAX_ITEMS)
                nw_event_add_arg(ev, "party", "p", "P");
        for (i = (int)ev->nattrs; i < NW_MAX_ITEMS; i++) {
                snprintf(key, sizeof key, "k%d", i);
                nw_event_set_attr(ev, key, "v");
        }
        roundtrip(ev);
        nw_event_add_arg(ev, "party", "p", "P");
        {
                char *buf;
                size_t len;

                assert_int_equal(nw_event_encode(ev, &buf, &len), -1);
        }
        nw_event_destroy(&ev);
}

static void
test_encode_refuses_invalid(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        char *buf;
        size_t len;

        ev->confidence = NAN;
        assert_int_equal(nw_event_encode(ev, &buf, &len), -1);
        assert_null(buf);
        ev->confidence = 0.5;
        ev->quantities[0].value = INFINITY;
        assert_int_equal(nw_event_encode(ev, &buf, &len), -1);
        ev->quantities[0].value = 1;
        nw_event_set_id(ev, NULL);
        assert_int_equal(nw_event_encode(ev, &buf, &len), -1);
        nw_event_set_id(ev, "x");
        nw_event_set_type(ev, NULL);
        assert_int_equal(nw_event_encode(ev, &buf, &len), -1);
        nw_event_set_type(ev, "t");
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        free(buf);
        nw_event_destroy(&ev);
}

static void
test_encode_repairs_utf8(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        char *buf;
        size_t len;

        nw_event_set_summary(ev, "a\xff"
                                 "b\xe2\x82"
                                 "c");
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        assert_int_equal(nw_event_decode(buf, len, &got, NULL), NW_OK);
        assert_string_equal(got->summary, "a\xef\xbf\xbd"
                                          "b\xef\xbf\xbd"
                                          "c");
        free(buf);
        nw_event_destroy(&got);
        nw_event_destroy(&ev);
}

/* ---- decode errors on raw bytes ---- */

static void
test_err_truncated_every_prefix(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        char *buf, *cause = NULL;
        size_t len, i;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        for (i = 0; i < len; i++) {
                assert_int_equal(nw_event_decode(buf, i, &got, &cause), NW_E_TRUNCATED);
                assert_null(got);
                assert_non_null(cause);
                free(cause);
                cause = NULL;
        }
        free(buf);
        nw_event_destroy(&ev);
}

static void
test_err_malformed_c1(void **state)
{
        static const unsigned char bad[] = {0x81, 0xa1, 'v', 0xc1};
        struct nw_event *got = NULL;

        assert_int_equal(nw_event_decode(bad, sizeof bad, &got, NULL), NW_E_MALFORMED);
        assert_null(got);
}

static void
test_err_trailing_garbage(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        char *buf, *cause = NULL;
        size_t len;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        buf = realloc(buf, len + 1);
        buf[len] = 0x00;
        assert_int_equal(nw_event_decode(buf, len + 1, &got, &cause), NW_E_MALFORMED);
        assert_non_null(strstr(cause, "trailing"));
        free(cause);
        free(buf);
        nw_event_destroy(&ev);
}

static void
test_err_not_a_map(void **state)
{
        static const unsigned char arr[] = {0x91, 0x01};
        struct nw_event *got = NULL;

        assert_int_equal(nw_event_decode(arr, sizeof arr, &got, NULL), NW_E_TYPE);
}

static void
test_err_message_too_big(void **state)
{
        /* A real event with five 1 MiB strings under unknown keys: > 4 MiB. */
        struct nw_event *ev = helpers_sample_event();
        char *buf, *big, *cur, *next, key[8];
        size_t len, clen, nlen;
        msgpack_object s;
        int i;

        big = malloc(NW_MAX_STRING);
        memset(big, 'z', NW_MAX_STRING);
        s = helpers_strn(big, NW_MAX_STRING);
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        cur = buf;
        clen = len;
        for (i = 0; i < 5; i++) {
                snprintf(key, sizeof key, "pad%d", i);
                helpers_mutate(cur, clen, key, HELPERS_ADD, &s, &next, &nlen);
                free(cur);
                cur = next;
                clen = nlen;
        }
        assert_true(clen > NW_MAX_MESSAGE);
        {
                struct nw_event *got = NULL;

                assert_int_equal(nw_event_decode(cur, clen, &got, NULL), NW_E_LIMIT);
        }
        free(cur);
        free(big);
        nw_event_destroy(&ev);
}

/* ---- decode errors by mutation: wrong type per field kind ---- */

#define MUTATION_TEST(name, path, op, repl, expect)                                                \
        static void name(void **state)                                                             \
        {                                                                                          \
                msgpack_object r = repl;                                                           \
                char *cause = NULL;                                                                \
                assert_int_equal(helpers_decode_mutated(path, op, &r, &cause), expect);            \
                if (expect != NW_OK)                                                               \
                        assert_non_null(cause);                                                    \
                free(cause);                                                                       \
        }

MUTATION_TEST(test_type_v_string, "v", HELPERS_REPLACE, helpers_str("1"), NW_E_TYPE)
MUTATION_TEST(test_type_id_int, "id", HELPERS_REPLACE, helpers_uint(7), NW_E_TYPE)
MUTATION_TEST(test_type_id_nil, "id", HELPERS_REPLACE, helpers_nil(), NW_E_TYPE)
MUTATION_TEST(test_type_id_bin, "id", HELPERS_REPLACE, helpers_bin("ab", 2), NW_E_TYPE)
MUTATION_TEST(test_type_seq_string, "seq", HELPERS_REPLACE, helpers_str("42"), NW_E_TYPE)
MUTATION_TEST(test_type_seq_float, "seq", HELPERS_REPLACE, helpers_double(42), NW_E_TYPE)
MUTATION_TEST(test_value_seq_negative, "seq", HELPERS_REPLACE, helpers_int(-1), NW_E_VALUE)
MUTATION_TEST(test_type_confidence_string, "confidence", HELPERS_REPLACE, helpers_str("0.5"),
              NW_E_TYPE)
MUTATION_TEST(test_value_confidence_nan, "confidence", HELPERS_REPLACE, helpers_double(NAN),
              NW_E_VALUE)
MUTATION_TEST(test_type_args_map, "args", HELPERS_REPLACE, helpers_map(NULL, 0), NW_E_TYPE)
MUTATION_TEST(test_type_arg_item_string, "args[0]", HELPERS_REPLACE, helpers_str("agent"),
              NW_E_TYPE)
MUTATION_TEST(test_type_arg_role_int, "args[0].role", HELPERS_REPLACE, helpers_uint(1), NW_E_TYPE)
MUTATION_TEST(test_type_arg_id_bool, "args[1].id", HELPERS_REPLACE, helpers_bool(true), NW_E_TYPE)
MUTATION_TEST(test_type_attrs_array, "attrs", HELPERS_REPLACE, helpers_array(NULL, 0), NW_E_TYPE)
MUTATION_TEST(test_type_attr_value_int, "attrs.stage", HELPERS_REPLACE, helpers_uint(1), NW_E_TYPE)
MUTATION_TEST(test_type_attr_value_nil, "attrs.stage", HELPERS_REPLACE, helpers_nil(), NW_E_TYPE)
MUTATION_TEST(test_type_time_string, "time", HELPERS_REPLACE, helpers_str("2026"), NW_E_TYPE)
MUTATION_TEST(test_type_time_value_int, "time.value", HELPERS_REPLACE, helpers_uint(2026),
              NW_E_TYPE)
MUTATION_TEST(test_type_quantity_value_string, "quantities[0].value", HELPERS_REPLACE,
              helpers_str("1"), NW_E_TYPE)
MUTATION_TEST(test_type_quantity_kind_nil, "quantities[1].kind", HELPERS_REPLACE, helpers_nil(),
              NW_E_TYPE)
MUTATION_TEST(test_type_quantity_unit_array, "quantities[0].unit", HELPERS_REPLACE,
              helpers_array(NULL, 0), NW_E_TYPE)
MUTATION_TEST(test_type_reported_by_text_bool, "reported_by[0].text", HELPERS_REPLACE,
              helpers_bool(false), NW_E_TYPE)
MUTATION_TEST(test_type_summary_array, "summary", HELPERS_REPLACE, helpers_array(NULL, 0),
              NW_E_TYPE)
MUTATION_TEST(test_type_evidence_start_string, "evidence.start", HELPERS_REPLACE, helpers_str("0"),
              NW_E_TYPE)
MUTATION_TEST(test_value_evidence_end_negative, "evidence.end", HELPERS_REPLACE, helpers_int(-5),
              NW_E_VALUE)
MUTATION_TEST(test_value_evidence_start_after_end, "evidence.start", HELPERS_REPLACE,
              helpers_uint(181), NW_E_VALUE)
MUTATION_TEST(test_type_article_url_int, "article.url", HELPERS_REPLACE, helpers_uint(3), NW_E_TYPE)
MUTATION_TEST(test_type_article_string, "article", HELPERS_REPLACE, helpers_str("a"), NW_E_TYPE)
MUTATION_TEST(test_type_top_array, "", HELPERS_REPLACE, helpers_array(NULL, 0), NW_E_TYPE)

/* A map whose only key is an integer. */
static void
test_type_key_not_string(void **state)
{
        msgpack_object_kv kv = {helpers_uint(1), helpers_uint(2)};
        msgpack_object m = helpers_map(&kv, 1);

        assert_int_equal(helpers_decode_mutated("article", HELPERS_REPLACE, &m, NULL), NW_E_TYPE);
        assert_int_equal(helpers_decode_mutated("attrs", HELPERS_REPLACE, &m, NULL), NW_E_TYPE);
}

/* ---- missing required ---- */

MUTATION_TEST(test_missing_v, "v", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_id, "id", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_type, "type", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_modality, "modality", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_confidence, "confidence", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_arg_role, "args[0].role", HELPERS_DELETE, helpers_nil(), NW_E_MISSING)
MUTATION_TEST(test_missing_quantity_kind, "quantities[0].kind", HELPERS_DELETE, helpers_nil(),
              NW_E_MISSING)
MUTATION_TEST(test_missing_quantity_value, "quantities[1].value", HELPERS_DELETE, helpers_nil(),
              NW_E_MISSING)

/* Optional keys may be absent. */
static void
test_optional_absent(void **state)
{
        static const char *const opt[] = {
            "seq",          "args",       "attrs",          "time",        "quantities",
            "reported_by",  "summary",    "evidence",       "article",     "args[0].id",
            "args[0].text", "time.value", "evidence.start", "article.url", "quantities[0].unit"};
        msgpack_object nil = helpers_nil();
        size_t i;

        for (i = 0; i < sizeof opt / sizeof opt[0]; i++)
                assert_int_equal(helpers_decode_mutated(opt[i], HELPERS_DELETE, &nil, NULL), NW_OK);
}

/* ---- versions ---- */

MUTATION_TEST(test_version_newer, "v", HELPERS_REPLACE, helpers_uint(2), NW_E_VERSION)
MUTATION_TEST(test_version_zero, "v", HELPERS_REPLACE, helpers_uint(0), NW_E_VERSION)

/* The version is checked before any other field's type. */
static void
test_version_before_types(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        msgpack_object two = helpers_uint(2), bad = helpers_uint(1);
        char *buf, *m1, *m2;
        size_t len, l1, l2;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        helpers_mutate(buf, len, "type", HELPERS_REPLACE, &bad, &m1, &l1);
        helpers_mutate(m1, l1, "v", HELPERS_REPLACE, &two, &m2, &l2);
        assert_int_equal(nw_event_decode(m1, l1, &got, NULL), NW_E_TYPE);
        assert_int_equal(nw_event_decode(m2, l2, &got, NULL), NW_E_VERSION);
        free(buf);
        free(m1);
        free(m2);
        nw_event_destroy(&ev);
}

/* ---- invalid values ---- */

MUTATION_TEST(test_utf8_invalid_byte, "id", HELPERS_REPLACE, helpers_strn("a\xff", 2), NW_E_VALUE)
MUTATION_TEST(test_utf8_overlong, "summary", HELPERS_REPLACE, helpers_strn("\xc0\x80", 2),
              NW_E_VALUE)
MUTATION_TEST(test_utf8_surrogate, "args[0].text", HELPERS_REPLACE, helpers_strn("\xed\xa0\x80", 3),
              NW_E_VALUE)
MUTATION_TEST(test_utf8_above_max, "article.title", HELPERS_REPLACE,
              helpers_strn("\xf4\x90\x80\x80", 4), NW_E_VALUE)
MUTATION_TEST(test_utf8_truncated_seq, "attrs.stage", HELPERS_REPLACE, helpers_strn("\xe4\xb8", 2),
              NW_E_VALUE)
MUTATION_TEST(test_value_embedded_nul, "type", HELPERS_REPLACE, helpers_strn("a\0b", 3), NW_E_VALUE)

/* An empty string decodes to "", never NULL: msgpack-c gives some empty
 * strings (a map key, a lone value) no pointer. */
static void
test_value_empty_string(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        msgpack_object_kv kv = {.key = helpers_str(""), .val = helpers_str("")};
        msgpack_object m = helpers_map(&kv, 1);
        char *buf, *out;
        size_t len, outlen;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        helpers_mutate(buf, len, "attrs", HELPERS_REPLACE, &m, &out, &outlen);
        assert_int_equal(nw_event_decode(out, outlen, &got, NULL), NW_OK);
        assert_int_equal(got->nattrs, 1);
        assert_non_null(got->attrs[0].key);
        assert_string_equal(got->attrs[0].key, "");
        assert_non_null(got->attrs[0].value);
        assert_string_equal(got->attrs[0].value, "");
        nw_event_destroy(&got);
        free(out);
        free(buf);
        nw_event_destroy(&ev);
}

/* A known key given twice. */
static void
test_value_duplicate_key(void **state)
{
        msgpack_object s = helpers_str("again");

        assert_int_equal(helpers_decode_mutated("type", HELPERS_ADD, &s, NULL), NW_E_VALUE);
        assert_int_equal(helpers_decode_mutated("attrs.stage", HELPERS_ADD, &s, NULL), NW_E_VALUE);
        assert_int_equal(helpers_decode_mutated("args[0].role", HELPERS_ADD, &s, NULL), NW_E_VALUE);
}

/* ---- limits ---- */

/* A string field one byte over NW_MAX_STRING; exactly at it is accepted. */
static void
test_limit_string(void **state)
{
        char *big = malloc(NW_MAX_STRING + 1);
        msgpack_object s;

        memset(big, 'y', NW_MAX_STRING + 1);
        s = helpers_strn(big, NW_MAX_STRING + 1);
        assert_int_equal(helpers_decode_mutated("summary", HELPERS_REPLACE, &s, NULL), NW_E_LIMIT);
        assert_int_equal(helpers_decode_mutated("zz_unknown", HELPERS_ADD, &s, NULL), NW_E_LIMIT);
        s = helpers_strn(big, NW_MAX_STRING);
        assert_int_equal(helpers_decode_mutated("summary", HELPERS_REPLACE, &s, NULL), NW_OK);
        free(big);
}

/* An array of NW_MAX_ITEMS + 1 args; NW_MAX_ITEMS is accepted. */
static void
test_limit_array(void **state)
{
        msgpack_object_kv kv[3] = {{helpers_str("role"), helpers_str("party")},
                                   {helpers_str("id"), helpers_str("p")},
                                   {helpers_str("text"), helpers_nil()}};
        msgpack_object *items = calloc(NW_MAX_ITEMS + 1, sizeof *items), a;
        int i;

        for (i = 0; i <= NW_MAX_ITEMS; i++)
                items[i] = helpers_map(kv, 3);
        a = helpers_array(items, NW_MAX_ITEMS + 1);
        assert_int_equal(helpers_decode_mutated("args", HELPERS_REPLACE, &a, NULL), NW_E_LIMIT);
        assert_int_equal(helpers_decode_mutated("quantities", HELPERS_REPLACE, &a, NULL),
                         NW_E_LIMIT);
        a = helpers_array(items, NW_MAX_ITEMS);
        assert_int_equal(helpers_decode_mutated("args", HELPERS_REPLACE, &a, NULL), NW_OK);
        free(items);
}

/* A map of NW_MAX_ITEMS + 1 attrs. */
static void
test_limit_map(void **state)
{
        msgpack_object_kv *kv = calloc(NW_MAX_ITEMS + 1, sizeof *kv);
        char(*keys)[16] = calloc(NW_MAX_ITEMS + 1, 16);
        msgpack_object m;
        int i;

        for (i = 0; i <= NW_MAX_ITEMS; i++) {
                snprintf(keys[i], 16, "k%d", i);
                kv[i].key = helpers_str(keys[i]);
                kv[i].val = helpers_str("v");
        }
        m = helpers_map(kv, NW_MAX_ITEMS + 1);
        assert_int_equal(helpers_decode_mutated("attrs", HELPERS_REPLACE, &m, NULL), NW_E_LIMIT);
        m = helpers_map(kv, NW_MAX_ITEMS);
        assert_int_equal(helpers_decode_mutated("attrs", HELPERS_REPLACE, &m, NULL), NW_OK);
        free(kv);
        free(keys);
}

/* Nesting: the top map is level 1, so NW_MAX_DEPTH - 1 arrays under an
 * unknown key are accepted and one more is refused, also when skipped. */
static void
test_limit_depth(void **state)
{
        msgpack_object nest[NW_MAX_DEPTH + 1];
        int i;

        nest[0] = helpers_uint(1);
        for (i = 1; i <= NW_MAX_DEPTH; i++)
                nest[i] = helpers_array(&nest[i - 1], 1);
        /* nest[k] holds k arrays. */
        assert_int_equal(helpers_decode_mutated("deep", HELPERS_ADD, &nest[NW_MAX_DEPTH - 1], NULL),
                         NW_OK);
        assert_int_equal(helpers_decode_mutated("deep", HELPERS_ADD, &nest[NW_MAX_DEPTH], NULL),
                         NW_E_LIMIT);
        assert_int_equal(
            helpers_decode_mutated("args[0].deep", HELPERS_ADD, &nest[NW_MAX_DEPTH - 3], NULL),
            NW_OK);
        assert_int_equal(
            helpers_decode_mutated("args[0].deep", HELPERS_ADD, &nest[NW_MAX_DEPTH - 2], NULL),
            NW_E_LIMIT);
}

/* More than NW_MAX_OBJECTS values in all, each container within its limits. */
static void
test_limit_objects(void **state)
{
        msgpack_object nils[64], *rows = calloc(NW_MAX_ITEMS, sizeof *rows), a;
        int i;

        for (i = 0; i < 64; i++)
                nils[i] = helpers_nil();
        for (i = 0; i < NW_MAX_ITEMS; i++)
                rows[i] = helpers_array(nils, 64); /* 1024 * 65 values > 65536 */
        a = helpers_array(rows, NW_MAX_ITEMS);
        assert_int_equal(helpers_decode_mutated("bulk", HELPERS_ADD, &a, NULL), NW_E_LIMIT);
        for (i = 0; i < NW_MAX_ITEMS; i++)
                rows[i] = helpers_array(nils, 32); /* 1024 * 33 values */
        assert_int_equal(helpers_decode_mutated("bulk", HELPERS_ADD, &a, NULL), NW_OK);
        free(rows);
}

/* A length header claiming more than the buffer holds, or a huge count. */
static void
test_limit_hostile_headers(void **state)
{
        static const unsigned char huge_array[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
        static const unsigned char huge_map[] = {0xdf, 0x7f, 0xff, 0xff, 0xff};
        static const unsigned char huge_str[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'a'};
        static const unsigned char short_str[] = {0xa5, 'a', 'b'};
        static const unsigned char short_array[] = {0x93, 0x01};
        struct nw_event *got = NULL;

        assert_int_equal(nw_event_decode(huge_array, sizeof huge_array, &got, NULL), NW_E_LIMIT);
        assert_int_equal(nw_event_decode(huge_map, sizeof huge_map, &got, NULL), NW_E_LIMIT);
        assert_int_equal(nw_event_decode(huge_str, sizeof huge_str, &got, NULL), NW_E_LIMIT);
        assert_int_equal(nw_event_decode(short_str, sizeof short_str, &got, NULL), NW_E_TRUNCATED);
        assert_int_equal(nw_event_decode(short_array, sizeof short_array, &got, NULL),
                         NW_E_TRUNCATED);
}

/* ---- leniency ---- */

/* Unknown keys (of any type, nested) are skipped at every level. */
static void
test_unknown_keys_skipped(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        msgpack_object inner[3] = {helpers_str("x"), helpers_bin("\x00\x01", 2), helpers_nil()};
        msgpack_object_kv kv[1] = {{helpers_str("k"), helpers_array(inner, 3)}};
        msgpack_object big = helpers_map(kv, 1), n = helpers_uint(5);
        static const char *const where[] = {
            "future",         "args[0].future",       "time.future",          "evidence.future",
            "article.future", "quantities[1].future", "reported_by[0].future"};
        char *buf, *cur, *next;
        size_t len, clen, nlen, i;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        cur = buf;
        clen = len;
        for (i = 0; i < sizeof where / sizeof where[0]; i++) {
                helpers_mutate(cur, clen, where[i], HELPERS_ADD, i % 2 ? &n : &big, &next, &nlen);
                free(cur);
                cur = next;
                clen = nlen;
        }
        assert_int_equal(nw_event_decode(cur, clen, &got, NULL), NW_OK);
        assert_true(nw_event_equal(ev, got));
        free(cur);
        nw_event_destroy(&got);
        nw_event_destroy(&ev);
}

/* Numbers: ints and float32 for quantities and confidence; nil for nullable fields. */
static void
test_lenient_numbers_and_nil(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *got = NULL;
        msgpack_object i = helpers_uint(30000000), neg = helpers_int(-7), one = helpers_uint(1),
                       f32 = {.type = MSGPACK_OBJECT_FLOAT32}, nil = helpers_nil();
        char *buf, *m;
        size_t len, mlen;

        f32.via.f64 = 0.5;
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        helpers_mutate(buf, len, "quantities[0].value", HELPERS_REPLACE, &i, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_true(got->quantities[0].value == 3e7);
        nw_event_destroy(&got);
        free(m);
        helpers_mutate(buf, len, "quantities[0].value", HELPERS_REPLACE, &neg, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_true(got->quantities[0].value == -7.0);
        nw_event_destroy(&got);
        free(m);
        helpers_mutate(buf, len, "confidence", HELPERS_REPLACE, &one, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_true(got->confidence == 1.0);
        nw_event_destroy(&got);
        free(m);
        helpers_mutate(buf, len, "confidence", HELPERS_REPLACE, &f32, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_true(got->confidence == 0.5);
        nw_event_destroy(&got);
        free(m);
        helpers_mutate(buf, len, "seq", HELPERS_REPLACE, &nil, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_false(got->has_seq);
        nw_event_destroy(&got);
        free(m);
        helpers_mutate(buf, len, "article.url", HELPERS_REPLACE, &nil, &m, &mlen);
        assert_int_equal(nw_event_decode(m, mlen, &got, NULL), NW_OK);
        assert_null(got->article.url);
        nw_event_destroy(&got);
        free(m);
        free(buf);
        nw_event_destroy(&ev);
}

/* The cause is optional and the error names the field. */
static void
test_cause_names_field(void **state)
{
        msgpack_object r = helpers_uint(3);
        char *cause = NULL;

        assert_int_equal(helpers_decode_mutated("args[1].text", HELPERS_REPLACE, &r, &cause),
                         NW_E_TYPE);
        assert_non_null(strstr(cause, "args[1].text"));
        free(cause);
        assert_int_equal(helpers_decode_mutated("args[1].text", HELPERS_REPLACE, &r, NULL),
                         NW_E_TYPE);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_roundtrip_sample),
            cmocka_unit_test(test_roundtrip_minimal),
            cmocka_unit_test(test_roundtrip_empty_strings),
            cmocka_unit_test(test_roundtrip_nulls),
            cmocka_unit_test(test_roundtrip_seq_edges),
            cmocka_unit_test(test_roundtrip_big_evidence),
            cmocka_unit_test(test_roundtrip_quantity_kinds),
            cmocka_unit_test(test_roundtrip_non_bmp),
            cmocka_unit_test(test_roundtrip_max_items),
            cmocka_unit_test(test_encode_refuses_invalid),
            cmocka_unit_test(test_encode_repairs_utf8),
            cmocka_unit_test(test_err_truncated_every_prefix),
            cmocka_unit_test(test_err_malformed_c1),
            cmocka_unit_test(test_err_trailing_garbage),
            cmocka_unit_test(test_err_not_a_map),
            cmocka_unit_test(test_err_message_too_big),
            cmocka_unit_test(test_type_v_string),
            cmocka_unit_test(test_type_id_int),
            cmocka_unit_test(test_type_id_nil),
            cmocka_unit_test(test_type_id_bin),
            cmocka_unit_test(test_type_seq_string),
            cmocka_unit_test(test_type_seq_float),
            cmocka_unit_test(test_value_seq_negative),
            cmocka_unit_test(test_type_confidence_string),
            cmocka_unit_test(test_value_confidence_nan),
            cmocka_unit_test(test_type_args_map),
            cmocka_unit_test(test_type_arg_item_string),
            cmocka_unit_test(test_type_arg_role_int),
            cmocka_unit_test(test_type_arg_id_bool),
            cmocka_unit_test(test_type_attrs_array),
            cmocka_unit_test(test_type_attr_value_int),
            cmocka_unit_test(test_type_attr_value_nil),
            cmocka_unit_test(test_type_time_string),
            cmocka_unit_test(test_type_time_value_int),
            cmocka_unit_test(test_type_quantity_value_string),
            cmocka_unit_test(test_type_quantity_kind_nil),
            cmocka_unit_test(test_type_quantity_unit_array),
            cmocka_unit_test(test_type_reported_by_text_bool),
            cmocka_unit_test(test_type_summary_array),
            cmocka_unit_test(test_type_evidence_start_string),
            cmocka_unit_test(test_value_evidence_end_negative),
            cmocka_unit_test(test_value_evidence_start_after_end),
            cmocka_unit_test(test_type_article_url_int),
            cmocka_unit_test(test_type_article_string),
            cmocka_unit_test(test_type_top_array),
            cmocka_unit_test(test_type_key_not_string),
            cmocka_unit_test(test_missing_v),
            cmocka_unit_test(test_missing_id),
            cmocka_unit_test(test_missing_type),
            cmocka_unit_test(test_missing_modality),
            cmocka_unit_test(test_missing_confidence),
            cmocka_unit_test(test_missing_arg_role),
            cmocka_unit_test(test_missing_quantity_kind),
            cmocka_unit_test(test_missing_quantity_value),
            cmocka_unit_test(test_optional_absent),
            cmocka_unit_test(test_version_newer),
            cmocka_unit_test(test_version_zero),
            cmocka_unit_test(test_version_before_types),
            cmocka_unit_test(test_utf8_invalid_byte),
            cmocka_unit_test(test_utf8_overlong),
            cmocka_unit_test(test_utf8_surrogate),
            cmocka_unit_test(test_utf8_above_max),
            cmocka_unit_test(test_utf8_truncated_seq),
            cmocka_unit_test(test_value_embedded_nul),
            cmocka_unit_test(test_value_empty_string),
            cmocka_unit_test(test_value_duplicate_key),
            cmocka_unit_test(test_limit_string),
            cmocka_unit_test(test_limit_array),
            cmocka_unit_test(test_limit_map),
            cmocka_unit_test(test_limit_depth),
            cmocka_unit_test(test_limit_hostile_headers),
            cmocka_unit_test(test_limit_objects),
            cmocka_unit_test(test_unknown_keys_skipped),
            cmocka_unit_test(test_lenient_numbers_and_nil),
            cmocka_unit_test(test_cause_names_field),
        };

        return cmocka_run_group_tests_name("proto_codec", tests, NULL, NULL);
}
