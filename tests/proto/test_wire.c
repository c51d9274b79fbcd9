/*
 * test_wire.c — control messages: trailer, heartbeat, request, $end, $error,
 * $stats round trips with edge values, and their decode errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const uint8_t origin[NW_ORIGIN_LEN] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                              0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

/* Decode function shapes, to run the generic error checks on each message. */
typedef int (*decode_fn)(const void *, size_t, char **);

/* nw_trailer_decode as a decode_fn. */
static int
dec_trailer(const void *b, size_t n, char **c)
{
        struct nw_trailer t;

        return nw_trailer_decode(b, n, &t, c);
}

/* nw_heartbeat_decode as a decode_fn. */
static int
dec_heartbeat(const void *b, size_t n, char **c)
{
        struct nw_heartbeat h;

        return nw_heartbeat_decode(b, n, &h, c);
}

/* nw_request_decode as a decode_fn. */
static int
dec_request(const void *b, size_t n, char **c)
{
        struct nw_request r;

        return nw_request_decode(b, n, &r, c);
}

/* nw_end_decode as a decode_fn. */
static int
dec_end(const void *b, size_t n, char **c)
{
        struct nw_end e;

        return nw_end_decode(b, n, &e, c);
}

/* nw_error_decode as a decode_fn. */
static int
dec_error(const void *b, size_t n, char **c)
{
        struct nw_error_reply e;

        return nw_error_decode(b, n, &e, c);
}

/* nw_stats_decode as a decode_fn (the stats are freed). */
static int
dec_stats(const void *b, size_t n, char **c)
{
        struct nw_stat *s = NULL;
        uint64_t req;
        size_t k;
        int r = nw_stats_decode(b, n, &req, &s, &k, c);

        free(s);
        return r;
}

/* Decode buf after a mutation; returns the code and checks cause is set on error. */
static int
mutated(decode_fn fn, const char *buf, size_t len, const char *path, enum helpers_op op,
        msgpack_object repl)
{
        char *m, *cause = NULL;
        size_t mlen;
        int r;

        helpers_mutate(buf, len, path, op, &repl, &m, &mlen);
        r = fn(m, mlen, &cause);
        assert_true((r == NW_OK) == (cause == NULL));
        free(cause);
        free(m);
        return r;
}

/* Errors every control message shares: truncation at every length, trailing
 * bytes, not a map, no "v", a newer "v", wrong-typed "v", unknown keys skipped. */
static void
common_errors(decode_fn fn, const char *buf, size_t len)
{
        char *copy, *cause = NULL;
        size_t i;

        assert_int_equal(fn(buf, len, NULL), NW_OK);
        for (i = 0; i < len; i++) {
                assert_int_equal(fn(buf, i, &cause), NW_E_TRUNCATED);
                free(cause);
                cause = NULL;
        }
        copy = malloc(len + 1);
        memcpy(copy, buf, len);
        copy[len] = (char)0xc0;
        assert_int_equal(fn(copy, len + 1, NULL), NW_E_MALFORMED);
        free(copy);
        assert_int_equal(fn("\x92\x01\x02", 3, NULL), NW_E_TYPE);
        assert_int_equal(mutated(fn, buf, len, "v", HELPERS_DELETE, helpers_nil()), NW_E_MISSING);
        assert_int_equal(mutated(fn, buf, len, "v", HELPERS_REPLACE, helpers_uint(2)),
                         NW_E_VERSION);
        assert_int_equal(mutated(fn, buf, len, "v", HELPERS_REPLACE, helpers_str("1")), NW_E_TYPE);
        assert_int_equal(mutated(fn, buf, len, "zz_future", HELPERS_ADD, helpers_uint(1)), NW_OK);
        assert_int_equal(mutated(fn, buf, len, "v", HELPERS_ADD, helpers_uint(1)), NW_E_VALUE);
}

static void
test_trailer(void **state)
{
        struct nw_trailer t = {.epoch = UINT64_MAX, .seq = 0}, got;
        char *buf;
        size_t len;

        memcpy(t.origin, origin, sizeof origin);
        assert_int_equal(nw_trailer_encode(&t, &buf, &len), 0);
        assert_int_equal(nw_trailer_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&t, &got, sizeof t);
        common_errors(dec_trailer, buf, len);
        assert_int_equal(
            mutated(dec_trailer, buf, len, "origin", HELPERS_REPLACE, helpers_bin(origin, 15)),
            NW_E_VALUE);
        assert_int_equal(mutated(dec_trailer, buf, len, "origin", HELPERS_REPLACE,
                                 helpers_strn((const char *)origin, 16)),
                         NW_E_TYPE);
        assert_int_equal(mutated(dec_trailer, buf, len, "seq", HELPERS_DELETE, helpers_nil()),
                         NW_E_MISSING);
        assert_int_equal(mutated(dec_trailer, buf, len, "epoch", HELPERS_REPLACE, helpers_int(-1)),
                         NW_E_VALUE);
        free(buf);
        t.seq = UINT64_MAX;
        t.epoch = 0;
        assert_int_equal(nw_trailer_encode(&t, &buf, &len), 0);
        assert_int_equal(nw_trailer_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&t, &got, sizeof t);
        free(buf);
}

static void
test_heartbeat(void **state)
{
        struct nw_heartbeat h = {.epoch = 7, .last_seq = UINT64_MAX, .time_ms = 1764370000000ull},
                            got;
        char *buf;
        size_t len;

        memcpy(h.origin, origin, sizeof origin);
        assert_int_equal(nw_heartbeat_encode(&h, &buf, &len), 0);
        assert_int_equal(nw_heartbeat_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&h, &got, sizeof h);
        common_errors(dec_heartbeat, buf, len);
        assert_int_equal(
            mutated(dec_heartbeat, buf, len, "last_seq", HELPERS_REPLACE, helpers_double(1)),
            NW_E_TYPE);
        assert_int_equal(mutated(dec_heartbeat, buf, len, "time_ms", HELPERS_DELETE, helpers_nil()),
                         NW_E_MISSING);
        free(buf);
}

static void
test_request(void **state)
{
        struct nw_request r = {.op = NW_REQ_REPLAY,
                               .req_id = UINT64_MAX,
                               .since = 0,
                               .limit = UINT32_MAX},
                          got;
        char *buf, pfx[128];
        size_t len;

        strcpy(r.prefix, "product.");
        assert_int_equal(nw_request_encode(&r, &buf, &len), 0);
        assert_int_equal(nw_request_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&r, &got, sizeof r);
        common_errors(dec_request, buf, len);
        assert_int_equal(mutated(dec_request, buf, len, "op", HELPERS_REPLACE, helpers_str("dump")),
                         NW_E_VALUE);
        assert_int_equal(mutated(dec_request, buf, len, "op", HELPERS_REPLACE,
                                 helpers_str("a-very-long-operation-name")),
                         NW_E_VALUE);
        assert_int_equal(mutated(dec_request, buf, len, "op", HELPERS_REPLACE, helpers_uint(1)),
                         NW_E_TYPE);
        assert_int_equal(mutated(dec_request, buf, len, "op", HELPERS_DELETE, helpers_nil()),
                         NW_E_MISSING);
        assert_int_equal(mutated(dec_request, buf, len, "limit", HELPERS_REPLACE,
                                 helpers_uint((uint64_t)UINT32_MAX + 1)),
                         NW_E_VALUE);
        assert_int_equal(mutated(dec_request, buf, len, "since", HELPERS_REPLACE, helpers_str("1")),
                         NW_E_TYPE);
        memset(pfx, 'p', sizeof pfx);
        assert_int_equal(
            mutated(dec_request, buf, len, "prefix", HELPERS_REPLACE, helpers_strn(pfx, 128)),
            NW_E_LIMIT);
        assert_int_equal(
            mutated(dec_request, buf, len, "prefix", HELPERS_REPLACE, helpers_strn(pfx, 127)),
            NW_OK);
        assert_int_equal(
            mutated(dec_request, buf, len, "prefix", HELPERS_REPLACE, helpers_strn("\xff", 1)),
            NW_E_VALUE);
        free(buf);

        /* An empty prefix is the same as none. */
        assert_int_equal(
            nw_request_decode("\x83\xa1v\x01\xa2op\xa6replay\xa6prefix\xa0", 22, &got, NULL),
            NW_OK);
        assert_string_equal(got.prefix, "");

        /* Only v and op are required; the rest default to 0 / "". */
        assert_int_equal(nw_request_decode("\x82\xa1v\x01\xa2op\xa5stats", 13, &got, NULL), NW_OK);
        assert_int_equal(got.op, NW_REQ_STATS);
        assert_int_equal(got.req_id, 0);
        assert_int_equal(got.since, 0);
        assert_int_equal(got.limit, 0);
        assert_string_equal(got.prefix, "");

        memset(&r, 0, sizeof r);
        r.op = NW_REQ_STATS;
        r.req_id = 9;
        assert_int_equal(nw_request_encode(&r, &buf, &len), 0);
        assert_int_equal(nw_request_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&r, &got, sizeof r);
        free(buf);

        r.op = 7;
        assert_int_equal(nw_request_encode(&r, &buf, &len), -1);
        r.op = NW_REQ_REPLAY;
        memset(r.prefix, 'x', sizeof r.prefix);
        assert_int_equal(nw_request_encode(&r, &buf, &len), -1);
}

static void
test_end(void **state)
{
        struct nw_end e = {.req_id = 3,
                           .count = 1000,
                           .last_seq = UINT64_MAX,
                           .head_seq = 0,
                           .more = true,
                           .epoch = 12},
                      got;
        char *buf;
        size_t len;

        memcpy(e.origin, origin, sizeof origin);
        assert_int_equal(nw_end_encode(&e, &buf, &len), 0);
        assert_int_equal(nw_end_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&e, &got, sizeof e);
        common_errors(dec_end, buf, len);
        assert_int_equal(mutated(dec_end, buf, len, "more", HELPERS_REPLACE, helpers_uint(1)),
                         NW_E_TYPE);
        assert_int_equal(mutated(dec_end, buf, len, "count", HELPERS_DELETE, helpers_nil()),
                         NW_E_MISSING);
        assert_int_equal(
            mutated(dec_end, buf, len, "origin", HELPERS_REPLACE, helpers_bin(origin, 0)),
            NW_E_VALUE);
        free(buf);
        e.more = false;
        assert_int_equal(nw_end_encode(&e, &buf, &len), 0);
        assert_int_equal(nw_end_decode(buf, len, &got, NULL), NW_OK);
        assert_false(got.more);
        free(buf);
}

static void
test_error(void **state)
{
        struct nw_error_reply e = {.req_id = 5, .code = NW_E_VERSION}, got;
        char *buf, longmsg[400];
        size_t len;

        strcpy(e.message, "request: version 2, this library speaks 1 — 版本");
        assert_int_equal(nw_error_encode(&e, &buf, &len), 0);
        assert_int_equal(nw_error_decode(buf, len, &got, NULL), NW_OK);
        assert_memory_equal(&e, &got, sizeof e);
        common_errors(dec_error, buf, len);
        assert_int_equal(mutated(dec_error, buf, len, "code", HELPERS_REPLACE,
                                 helpers_int((int64_t)INT32_MIN - 1)),
                         NW_E_VALUE);
        assert_int_equal(mutated(dec_error, buf, len, "code", HELPERS_REPLACE, helpers_str("x")),
                         NW_E_TYPE);
        assert_int_equal(mutated(dec_error, buf, len, "message", HELPERS_REPLACE, helpers_nil()),
                         NW_E_TYPE);
        /* An empty message is "" (msgpack-c gives an empty string no pointer). */
        {
                char *m;
                size_t mlen;
                msgpack_object s = helpers_str("");

                helpers_mutate(buf, len, "message", HELPERS_REPLACE, &s, &m, &mlen);
                assert_int_equal(nw_error_decode(m, mlen, &got, NULL), NW_OK);
                assert_string_equal(got.message, "");
                free(m);
        }
        /* A long message is cut at a character boundary below 256 bytes. */
        memset(longmsg, 0, sizeof longmsg);
        memcpy(longmsg, "a", 1);
        while (strlen(longmsg) + 3 < sizeof longmsg)
                strcat(longmsg, "中");
        {
                char *m;
                size_t mlen;
                msgpack_object s = helpers_str(longmsg);

                helpers_mutate(buf, len, "message", HELPERS_REPLACE, &s, &m, &mlen);
                assert_int_equal(nw_error_decode(m, mlen, &got, NULL), NW_OK);
                assert_int_equal(strlen(got.message), 1 + 3 * 84);
                assert_true(nw_utf8_valid(got.message, strlen(got.message)));
                free(m);
        }
        free(buf);
        /* Invalid UTF-8 in an outgoing message is repaired, negative codes kept. */
        e.code = INT32_MIN;
        strcpy(e.message, "bad \xff byte");
        assert_int_equal(nw_error_encode(&e, &buf, &len), 0);
        assert_int_equal(nw_error_decode(buf, len, &got, NULL), NW_OK);
        assert_int_equal(got.code, INT32_MIN);
        assert_string_equal(got.message, "bad \xef\xbf\xbd byte");
        free(buf);
}

static void
test_stats(void **state)
{
        struct nw_stat in[3] = {{"published", 12}, {"subscribers", 0}, {"dropped", UINT64_MAX}},
                       *got = NULL;
        uint64_t req;
        char *buf, name[64];
        size_t len, n, i;

        assert_int_equal(nw_stats_encode(77, in, 3, &buf, &len), 0);
        assert_int_equal(nw_stats_decode(buf, len, &req, &got, &n, NULL), NW_OK);
        assert_int_equal(req, 77);
        assert_int_equal(n, 3);
        for (i = 0; i < n; i++) {
                assert_string_equal(got[i].name, in[i].name);
                assert_true(got[i].value == in[i].value);
        }
        free(got);
        common_errors(dec_stats, buf, len);
        assert_int_equal(mutated(dec_stats, buf, len, "dropped", HELPERS_REPLACE, helpers_int(-1)),
                         NW_E_VALUE);
        assert_int_equal(mutated(dec_stats, buf, len, "dropped", HELPERS_REPLACE, helpers_str("1")),
                         NW_E_TYPE);
        assert_int_equal(mutated(dec_stats, buf, len, "req", HELPERS_DELETE, helpers_nil()),
                         NW_E_MISSING);
        memset(name, 'n', sizeof name);
        assert_int_equal(mutated(dec_stats, buf, len, "", HELPERS_REPLACE, helpers_uint(1)),
                         NW_E_TYPE);
        {
                char *m;
                size_t mlen;
                msgpack_object one = helpers_uint(1);

                /* A 64-byte name does not fit struct nw_stat. */
                name[63] = '\0';
                helpers_mutate(buf, len, name, HELPERS_ADD, &one, &m, &mlen);
                assert_int_equal(dec_stats(m, mlen, NULL), NW_OK);
                free(m);
                char longname[65];
                memset(longname, 'n', 64);
                longname[64] = '\0';
                helpers_mutate(buf, len, longname, HELPERS_ADD, &one, &m, &mlen);
                assert_int_equal(dec_stats(m, mlen, NULL), NW_E_LIMIT);
                free(m);
        }
        free(buf);

        /* An empty name is refused (msgpack-c gives an empty map key no pointer). */
        assert_int_equal(
            nw_stats_decode("\x83\xa0\x05\xa1v\x01\xa3req\x02", 11, &req, &got, &n, NULL),
            NW_E_VALUE);
        assert_null(got);

        /* No stats at all. */
        assert_int_equal(nw_stats_encode(0, NULL, 0, &buf, &len), 0);
        assert_int_equal(nw_stats_decode(buf, len, &req, &got, &n, NULL), NW_OK);
        assert_int_equal(n, 0);
        free(got);
        free(buf);

        /* Reserved and empty names are refused. */
        strcpy(in[0].name, "v");
        assert_int_equal(nw_stats_encode(0, in, 1, &buf, &len), -1);
        strcpy(in[0].name, "req");
        assert_int_equal(nw_stats_encode(0, in, 1, &buf, &len), -1);
        in[0].name[0] = '\0';
        assert_int_equal(nw_stats_encode(0, in, 1, &buf, &len), -1);
}

/* The topics of control messages start with '$' so no type prefix matches them. */
static void
test_topics(void **state)
{
        assert_string_equal(NW_TOPIC_HEARTBEAT, "$hb");
        assert_string_equal(NW_TOPIC_END, "$end");
        assert_string_equal(NW_TOPIC_ERROR, "$error");
        assert_string_equal(NW_TOPIC_STATS, "$stats");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_trailer), cmocka_unit_test(test_heartbeat),
            cmocka_unit_test(test_request), cmocka_unit_test(test_end),
            cmocka_unit_test(test_error),   cmocka_unit_test(test_stats),
            cmocka_unit_test(test_topics),
        };

        return cmocka_run_group_tests_name("proto_wire", tests, NULL, NULL);
}
