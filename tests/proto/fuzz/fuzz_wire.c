/*
 * fuzz_wire.c — libFuzzer target for every control message decoder. The
 * first byte picks the decoder (modulo 6), the rest is the message. Any
 * accepted message must re-encode and decode again to the same value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop the fuzzer with a message: an invariant broke. */
static void
fuzz_die(const char *what)
{
        fprintf(stderr, "fuzz_wire: %s\n", what);
        abort();
}

/* Check the result of a decode: a cause exactly on error. */
static bool
fuzz_ok(int r, char *cause)
{
        if ((r == NW_OK) != (cause == NULL) || r > 0)
                fuzz_die("cause set wrongly");
        free(cause);
        return r == NW_OK;
}

/* Trailer: decode, re-encode, compare. */
static void
fuzz_trailer(const uint8_t *p, size_t n)
{
        struct nw_trailer a, b;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_trailer_decode(p, n, &a, &cause), cause))
                return;
        if (nw_trailer_encode(&a, &buf, &len) != 0 || nw_trailer_decode(buf, len, &b, NULL) != 0 ||
            memcmp(&a, &b, sizeof a) != 0)
                fuzz_die("trailer round trip");
        free(buf);
}

/* Heartbeat: decode, re-encode, compare. */
static void
fuzz_heartbeat(const uint8_t *p, size_t n)
{
        struct nw_heartbeat a, b;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_heartbeat_decode(p, n, &a, &cause), cause))
                return;
        if (nw_heartbeat_encode(&a, &buf, &len) != 0 ||
            nw_heartbeat_decode(buf, len, &b, NULL) != 0 || memcmp(&a, &b, sizeof a) != 0)
                fuzz_die("heartbeat round trip");
        free(buf);
}

/* Request: decode, re-encode, compare. */
static void
fuzz_request(const uint8_t *p, size_t n)
{
        struct nw_request a, b;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_request_decode(p, n, &a, &cause), cause))
                return;
        if (a.op == NW_REQ_STATS) /* stats requests carry no replay fields */
                a.since = 0, a.limit = 0, memset(a.prefix, 0, sizeof a.prefix);
        if (nw_request_encode(&a, &buf, &len) != 0 || nw_request_decode(buf, len, &b, NULL) != 0 ||
            memcmp(&a, &b, sizeof a) != 0)
                fuzz_die("request round trip");
        free(buf);
}

/* End: decode, re-encode, compare. */
static void
fuzz_end(const uint8_t *p, size_t n)
{
        struct nw_end a, b;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_end_decode(p, n, &a, &cause), cause))
                return;
        if (nw_end_encode(&a, &buf, &len) != 0 || nw_end_decode(buf, len, &b, NULL) != 0 ||
            memcmp(&a, &b, sizeof a) != 0)
                fuzz_die("end round trip");
        free(buf);
}

/* Error: decode, re-encode, compare. */
static void
fuzz_error(const uint8_t *p, size_t n)
{
        struct nw_error_reply a, b;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_error_decode(p, n, &a, &cause), cause))
                return;
        if (!nw_utf8_valid(a.message, strlen(a.message)))
                fuzz_die("error message not UTF-8");
        if (nw_error_encode(&a, &buf, &len) != 0 || nw_error_decode(buf, len, &b, NULL) != 0 ||
            a.req_id != b.req_id || a.code != b.code || strcmp(a.message, b.message) != 0)
                fuzz_die("error round trip");
        free(buf);
}

/* Stats: decode, re-encode, compare. */
static void
fuzz_stats(const uint8_t *p, size_t n)
{
        struct nw_stat *a = NULL, *b = NULL;
        uint64_t ra, rb;
        size_t na, nb, i;
        char *buf, *cause = NULL;
        size_t len;

        if (!fuzz_ok(nw_stats_decode(p, n, &ra, &a, &na, &cause), cause))
                return;
        if (nw_stats_encode(ra, a, na, &buf, &len) != 0 ||
            nw_stats_decode(buf, len, &rb, &b, &nb, NULL) != 0 || ra != rb || na != nb)
                fuzz_die("stats round trip");
        for (i = 0; i < na; i++) {
                if (strcmp(a[i].name, b[i].name) != 0 || a[i].value != b[i].value)
                        fuzz_die("stats round trip values");
        }
        free(a);
        free(b);
        free(buf);
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static void (*const fn[])(const uint8_t *, size_t) = {
            fuzz_trailer, fuzz_heartbeat, fuzz_request, fuzz_end, fuzz_error, fuzz_stats,
        };

        if (size == 0)
                return 0;
        fn[data[0] % 6](data + 1, size - 1);
        return 0;
}
