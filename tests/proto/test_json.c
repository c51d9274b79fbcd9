/*
 * test_json.c — the JSON form: exact escaping of every character class,
 * exact round trips, and each parse error code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* The JSON rendering of a summary, extracted from the full line. */
static char *
render_summary(const char *summary)
{
        struct nw_event *ev = nw_event_new();
        char *json, *start, *end, *out;

        nw_event_set_id(ev, "i");
        nw_event_set_type(ev, "t");
        nw_event_set_summary(ev, summary);
        json = nw_event_to_json(ev);
        start = strstr(json, "\"summary\":");
        assert_non_null(start);
        start += strlen("\"summary\":");
        end = strstr(start, ",\"evidence\":");
        assert_non_null(end);
        out = strndup(start, (size_t)(end - start));
        free(json);
        nw_event_destroy(&ev);
        return out;
}

/* Check that summary renders exactly as want. */
static void
check_escape(const char *summary, const char *want)
{
        char *got = render_summary(summary);

        assert_string_equal(got, want);
        free(got);
}

static void
test_escape_specials(void **state)
{
        check_escape("plain", "\"plain\"");
        check_escape("", "\"\"");
        check_escape("q\"b\\s/", "\"q\\\"b\\\\s/\"");
        check_escape("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
}

static void
test_escape_controls(void **state)
{
        char in[2] = {0, 0}, want[16];
        int c;

        for (c = 1; c < 0x20; c++) {
                if (strchr("\b\f\n\r\t", c) != NULL)
                        continue;
                in[0] = (char)c;
                snprintf(want, sizeof want, "\"\\u%04x\"", c);
                check_escape(in, want);
        }
        check_escape("\x7f", "\"\\u007f\"");
}

static void
test_escape_unicode_passes(void **state)
{
        check_escape("牛油果 é \xf0\x9f\x98\x80", "\"牛油果 é \xf0\x9f\x98\x80\"");
        check_escape("\xe2\x80\xa8|\xe2\x80\xa9", "\"\\u2028|\\u2029\"");
}

static void
test_escape_invalid_bytes(void **state)
{
        /* Each maximal invalid subpart becomes one U+FFFD. */
        check_escape("a\xff", "\"a\xef\xbf\xbd\"");
        check_escape("\xe2\x82z", "\"\xef\xbf\xbdz\"");
        check_escape("\xf0\x9f\x98", "\"\xef\xbf\xbd\"");
        check_escape("\xc0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
        check_escape("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        check_escape("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        check_escape("\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

/* Every rendering, whatever its input bytes, is valid JSON that jansson reads. */
static void
test_render_is_valid_json(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        char bytes[256], *json;
        json_error_t err;
        json_t *j;
        int i;

        for (i = 1; i < 256; i++)
                bytes[i - 1] = (char)i;
        bytes[255] = '\0';
        nw_event_set_summary(ev, bytes);
        nw_event_set_attr(ev, bytes, bytes);
        json = nw_event_to_json(ev);
        assert_null(strchr(json, '\n'));
        j = json_loads(json, 0, &err);
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "type")), "product.plan");
        json_decref(j);
        free(json);
        nw_event_destroy(&ev);
}

/* to_json, from_json gives an equal event, and rendering again the same line. */
static void
roundtrip(const struct nw_event *ev)
{
        struct nw_event *got = NULL;
        char *json, *json2, *cause = NULL;

        json = nw_event_to_json(ev);
        assert_int_equal(nw_event_from_json(json, strlen(json), &got, &cause), NW_OK);
        assert_null(cause);
        assert_true(nw_event_equal(ev, got));
        json2 = nw_event_to_json(got);
        assert_string_equal(json, json2);
        free(json);
        free(json2);
        nw_event_destroy(&got);
}

static void
test_roundtrip_sample(void **state)
{
        struct nw_event *ev = helpers_sample_event();

        roundtrip(ev);
        nw_event_destroy(&ev);
}

static void
test_roundtrip_edges(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        static const double values[] = {
            0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, -0.0, 1e21, 123456789012345678.0, 0.82};
        char *big = malloc(64 * 1024 + 1);
        size_t i;

        for (i = 0; i < sizeof values / sizeof values[0]; i++)
                nw_event_add_quantity(ev, "count", values[i], "x", NULL);
        ev->confidence = 1.0 / 3;
        ev->seq = 0;
        roundtrip(ev);
        ev->seq = INT64_MAX; /* the JSON form's integer ceiling (jansson) */
        roundtrip(ev);
        ev->has_seq = false;
        nw_event_set_time(ev, NULL, NULL);
        roundtrip(ev);
        memset(big, 'e', 64 * 1024);
        big[64 * 1024] = '\0';
        nw_event_set_evidence(ev, big, 64 * 1024, 0, 64 * 1024);
        nw_event_set_summary(ev, "\"\\\b\f\n\r\t\x01\x1f\x7f \xe2\x80\xa8 \xf0\x9f\x98\x80 牛");
        nw_event_add_arg(ev, "x", NULL, "");
        roundtrip(ev);
        free(big);
        nw_event_destroy(&ev);
}

static void
test_render_shortest_numbers(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        char *json = nw_event_to_json(ev);

        assert_non_null(strstr(json, "\"confidence\":0.82,"));
        assert_non_null(strstr(json, "\"value\":380000000000,"));
        assert_non_null(strstr(json, "\"seq\":42,"));
        assert_non_null(strstr(json, "{\"v\":1,\"id\":\"ev-0001\","));
        free(json);
        nw_event_destroy(&ev);
}

/* The example of event-model.md parses. */
static void
test_parse_model_example(void **state)
{
        static const char doc[] =
            "{\n  \"v\": 1,\n  \"id\": \"e1\",\n  \"seq\": 42,\n  \"type\": \"product.plan\",\n"
            "  \"modality\": \"planned\",\n  \"confidence\": 0.82,\n  \"args\": [\n"
            "    {\"role\": \"agent\",   \"id\": \"meta\",    \"text\": \"Meta\"},\n"
            "    {\"role\": \"product\", \"id\": \"avocado\", \"text\": \"牛油果\"}\n  ],\n"
            "  \"attrs\": {\"codename\": \"true\"},\n"
            "  \"time\": {\"value\": \"2026-21\", \"text\": \"明年春天\"},\n  \"quantities\": [],\n"
            "  \"reported_by\": [{\"id\": \"bloomberg\", \"text\": \"彭博社\"}],\n"
            "  \"summary\": \"Meta plans to release Avocado (spring 2026)\",\n"
            "  \"evidence\": {\"text\": \"the sentence\", \"start\": 0, \"end\": 180},\n"
            "  \"article\": {\"id\": \"abc\", \"url\": \"\", \"title\": \"\",\n"
            "              \"published\": \"2025-12-11\", \"source\": \"\", \"lang\": \"zh\"}\n}\n";
        struct nw_event *ev = NULL;

        assert_int_equal(nw_event_from_json(doc, strlen(doc), &ev, NULL), NW_OK);
        assert_string_equal(ev->type, "product.plan");
        assert_int_equal(ev->seq, 42);
        assert_string_equal(nw_event_arg(ev, "product")->text, "牛油果");
        assert_string_equal(nw_event_attr(ev, "codename"), "true");
        assert_string_equal(ev->time_value, "2026-21");
        assert_int_equal(ev->evidence_end, 180);
        assert_string_equal(ev->article.url, "");
        nw_event_destroy(&ev);
}

/* Parse s and return the code. */
static int
parse(const char *s)
{
        struct nw_event *ev = NULL;
        char *cause = NULL;
        int r = nw_event_from_json(s, strlen(s), &ev, &cause);

        assert_true((r == NW_OK) == (ev != NULL));
        assert_true((r == NW_OK) == (cause == NULL));
        free(cause);
        nw_event_destroy(&ev);
        return r;
}

#define MIN "\"v\":1,\"id\":\"i\",\"type\":\"t\",\"modality\":\"asserted\",\"confidence\":0.5"

static void
test_parse_minimal(void **state)
{
        assert_int_equal(parse("{" MIN "}"), NW_OK);
        assert_int_equal(parse(" {" MIN "} \n"), NW_OK);
        assert_int_equal(parse("{" MIN ",\"future\":{\"a\":[1,2,{\"b\":null}]}}"), NW_OK);
}

static void
test_parse_err_truncated(void **state)
{
        assert_int_equal(parse(""), NW_E_TRUNCATED);
        assert_int_equal(parse("{" MIN), NW_E_TRUNCATED);
        assert_int_equal(parse("{\"v\":1,\"id\":\"ab"), NW_E_TRUNCATED);
}

static void
test_parse_err_malformed(void **state)
{
        assert_int_equal(parse("{" MIN ",}"), NW_E_MALFORMED);
        assert_int_equal(parse("{v:1}"), NW_E_MALFORMED);
        assert_int_equal(parse("nonsense"), NW_E_MALFORMED);
}

static void
test_parse_err_trailing(void **state)
{
        assert_int_equal(parse("{" MIN "} x"), NW_E_MALFORMED);
        assert_int_equal(parse("{" MIN "}{" MIN "}"), NW_E_MALFORMED);
}

static void
test_parse_err_type(void **state)
{
        assert_int_equal(parse("[" MIN "]"), NW_E_MALFORMED);
        assert_int_equal(parse("[1]"), NW_E_TYPE);
        assert_int_equal(parse("{" MIN ",\"seq\":\"1\"}"), NW_E_TYPE);
        assert_int_equal(parse("{" MIN ",\"seq\":1.5}"), NW_E_TYPE);
        assert_int_equal(parse("{" MIN ",\"args\":{}}"), NW_E_TYPE);
        assert_int_equal(parse("{" MIN ",\"attrs\":{\"a\":1}}"), NW_E_TYPE);
        assert_int_equal(parse("{" MIN ",\"quantities\":[{\"kind\":\"x\",\"value\":\"1\"}]}"),
                         NW_E_TYPE);
        assert_int_equal(parse("{\"v\":1,\"id\":1,\"type\":\"t\",\"modality\":\"m\","
                               "\"confidence\":0}"),
                         NW_E_TYPE);
}

static void
test_parse_err_missing(void **state)
{
        assert_int_equal(parse("{\"id\":\"i\",\"type\":\"t\",\"modality\":\"m\",\"confidence\":0}"),
                         NW_E_MISSING);
        assert_int_equal(parse("{\"v\":1,\"id\":\"i\",\"modality\":\"m\",\"confidence\":0}"),
                         NW_E_MISSING);
        assert_int_equal(parse("{" MIN ",\"args\":[{\"id\":\"x\"}]}"), NW_E_MISSING);
}

static void
test_parse_err_version(void **state)
{
        assert_int_equal(parse("{\"v\":2,\"id\":5}"), NW_E_VERSION);
}

static void
test_parse_err_value(void **state)
{
        assert_int_equal(parse("{" MIN ",\"summary\":\"a\xff\"}"), NW_E_VALUE);
        assert_int_equal(parse("{" MIN ",\"summary\":\"a\\u0000b\"}"), NW_E_VALUE);
        assert_int_equal(parse("{" MIN ",\"summary\":\"a\",\"summary\":\"b\"}"), NW_E_VALUE);
        assert_int_equal(parse("{" MIN ",\"seq\":-1}"), NW_E_VALUE);
        assert_int_equal(parse("{" MIN ",\"evidence\":{\"start\":5,\"end\":4}}"), NW_E_VALUE);
}

static void
test_parse_err_limit(void **state)
{
        char *big;
        size_t n = NW_MAX_MESSAGE + 16;

        assert_int_equal(parse("{" MIN ",\"x\":[[[[[[[1]]]]]]]}"), NW_OK);
        assert_int_equal(parse("{" MIN ",\"x\":[[[[[[[[1]]]]]]]]}"), NW_E_LIMIT);
        assert_int_equal(parse("{" MIN ",\"seq\":18446744073709551615}"), NW_E_LIMIT);
        big = malloc(n + 1);
        memset(big, ' ', n);
        big[n] = '\0';
        memcpy(big, "{" MIN "}", strlen("{" MIN "}"));
        assert_int_equal(parse(big), NW_E_LIMIT);
        free(big);
        /* A 1 MiB + 1 string. */
        n = NW_MAX_STRING + 1;
        big = malloc(n + 256);
        strcpy(big, "{" MIN ",\"summary\":\"");
        memset(big + strlen(big), 's', n);
        strcpy(big + strlen("{" MIN ",\"summary\":\"") + n, "\"}");
        assert_int_equal(parse(big), NW_E_LIMIT);
        free(big);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_escape_specials),
            cmocka_unit_test(test_escape_controls),
            cmocka_unit_test(test_escape_unicode_passes),
            cmocka_unit_test(test_escape_invalid_bytes),
            cmocka_unit_test(test_render_is_valid_json),
            cmocka_unit_test(test_roundtrip_sample),
            cmocka_unit_test(test_roundtrip_edges),
            cmocka_unit_test(test_render_shortest_numbers),
            cmocka_unit_test(test_parse_model_example),
            cmocka_unit_test(test_parse_minimal),
            cmocka_unit_test(test_parse_err_truncated),
            cmocka_unit_test(test_parse_err_malformed),
            cmocka_unit_test(test_parse_err_trailing),
            cmocka_unit_test(test_parse_err_type),
            cmocka_unit_test(test_parse_err_missing),
            cmocka_unit_test(test_parse_err_version),
            cmocka_unit_test(test_parse_err_value),
            cmocka_unit_test(test_parse_err_limit),
        };

        return cmocka_run_group_tests_name("proto_json", tests, NULL, NULL);
}
