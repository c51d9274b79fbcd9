/*
 * test_interop.c — C and Python (Debian's python3-msgpack) read each other's
 * msgpack: C writes every message kind, interop.py decodes and compares field
 * by field (and checks Python packs the same bytes); interop.py writes its own
 * encodings (other key orders, int quantities, unknown keys), C decodes and
 * compares field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define PYTHON "/usr/bin/python3"

static char tmpdir[] = "/tmp/nw-interop-XXXXXX";
static uint8_t origin[NW_ORIGIN_LEN];

/* Write len bytes to DIR/name.msgpack. */
static void
put(const char *name, const char *buf, size_t len)
{
        char path[256];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s.msgpack", tmpdir, name);
        f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(buf, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
}

/* Read DIR/name.msgpack. */
static char *
get(const char *name, size_t *len)
{
        char path[256], *buf;

        snprintf(path, sizeof path, "%s/%s.msgpack", tmpdir, name);
        buf = helpers_read_file(path, len);
        assert_non_null(buf);
        return buf;
}

/* Run interop.py with mode on the temp dir; return its exit status. */
static int
run_python(const char *mode)
{
        const char *src = getenv("NW_SOURCE_DIR");
        char script[1024];
        pid_t pid;
        int status;

        if (src != NULL)
                snprintf(script, sizeof script, "%s/tests/proto/interop.py", src);
        else
                snprintf(script, sizeof script, "interop.py");
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                execl(PYTHON, PYTHON, script, mode, tmpdir, (char *)NULL);
                _exit(127);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

/* The test origin and a temporary directory for the exchanged files. */
static int
setup(void **state)
{
        int i;

        for (i = 0; i < NW_ORIGIN_LEN; i++)
                origin[i] = (uint8_t)(i * 0x11);
        return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Remove the exchanged files and the temporary directory. */
static int
teardown(void **state)
{
        static const char *const names[] = {
            "c-event",      "c-event-edge", "c-trailer", "c-heartbeat", "c-request",
            "c-end",        "c-error",      "c-stats",   "py-event",    "py-trailer",
            "py-heartbeat", "py-request",   "py-end",    "py-error",    "py-stats"};
        char path[256];
        size_t i;

        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
                snprintf(path, sizeof path, "%s/%s.msgpack", tmpdir, names[i]);
                unlink(path);
        }
        return rmdir(tmpdir);
}

/* C encodes; Python decodes and compares (and packs identical bytes). */
static void
test_c_to_python(void **state)
{
        struct nw_event *ev = helpers_sample_event();
        struct nw_trailer t = {.epoch = 1764370000, .seq = UINT64_MAX};
        struct nw_heartbeat h = {.epoch = 3, .last_seq = 99, .time_ms = 1764370000123ull};
        struct nw_request rq = {
            .op = NW_REQ_REPLAY, .req_id = 17, .since = 41, .limit = 1000, .prefix = "product."};
        struct nw_end e = {
            .req_id = 17, .count = 2, .last_seq = 43, .head_seq = 50, .more = true, .epoch = 3};
        struct nw_error_reply er = {
            .req_id = 18, .code = NW_E_VERSION, .message = "request: version 2"};
        struct nw_stat st[3] = {{"published", 50}, {"subscribers", 2}, {"dropped", 0}};
        char *buf;
        size_t len;

        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        put("c-event", buf, len);
        free(buf);
        nw_event_destroy(&ev);

        ev = nw_event_new();
        nw_event_set_id(ev, "");
        ev->has_seq = true;
        ev->seq = UINT64_MAX;
        nw_event_set_type(ev, "t");
        nw_event_add_quantity(ev, "percent", -12.5, "%", NULL);
        nw_event_set_summary(ev, "\xf0\x9f\x98\x80 \xf0\xa0\x80\x80 \"\\\n\x01");
        ev->evidence_end = UINT64_MAX;
        assert_int_equal(nw_event_encode(ev, &buf, &len), 0);
        put("c-event-edge", buf, len);
        free(buf);
        nw_event_destroy(&ev);

        memcpy(t.origin, origin, sizeof origin);
        assert_int_equal(nw_trailer_encode(&t, &buf, &len), 0);
        put("c-trailer", buf, len);
        free(buf);
        memcpy(h.origin, origin, sizeof origin);
        assert_int_equal(nw_heartbeat_encode(&h, &buf, &len), 0);
        put("c-heartbeat", buf, len);
        free(buf);
        assert_int_equal(nw_request_encode(&rq, &buf, &len), 0);
        put("c-request", buf, len);
        free(buf);
        memcpy(e.origin, origin, sizeof origin);
        assert_int_equal(nw_end_encode(&e, &buf, &len), 0);
        put("c-end", buf, len);
        free(buf);
        assert_int_equal(nw_error_encode(&er, &buf, &len), 0);
        put("c-error", buf, len);
        free(buf);
        assert_int_equal(nw_stats_encode(19, st, 3, &buf, &len), 0);
        put("c-stats", buf, len);
        free(buf);

        assert_int_equal(run_python("verify"), 0);
}

/* Python encodes; C decodes and compares field by field. */
static void
test_python_to_c(void **state)
{
        struct nw_event *want = helpers_sample_event(), *ev = NULL;
        struct nw_trailer t;
        struct nw_heartbeat h;
        struct nw_request rq;
        struct nw_end e;
        struct nw_error_reply er;
        struct nw_stat *st = NULL;
        uint64_t req;
        char *buf, *cause = NULL;
        size_t len, n, i;

        assert_int_equal(run_python("write"), 0);

        buf = get("py-event", &len);
        assert_int_equal(nw_event_decode(buf, len, &ev, &cause), NW_OK);
        assert_true(nw_event_equal(ev, want));
        assert_string_equal(ev->id, "ev-0001");
        assert_true(ev->has_seq);
        assert_int_equal(ev->seq, 42);
        assert_true(ev->confidence == 0.82);
        assert_int_equal(ev->nargs, 2);
        for (i = 0; i < 2; i++) {
                assert_string_equal(ev->args[i].role, want->args[i].role);
                assert_string_equal(ev->args[i].id, want->args[i].id);
                assert_string_equal(ev->args[i].text, want->args[i].text);
        }
        assert_string_equal(nw_event_attr(ev, "stage"), "beta");
        assert_string_equal(nw_event_attr(ev, "codename"), "true");
        assert_true(ev->quantities[1].value == 3e7);
        assert_null(ev->reported_by[1].id);
        assert_string_equal(ev->time_text, "明年春天");
        assert_int_equal(ev->evidence_end, 180);
        assert_string_equal(ev->article.title, "Meta 明年春天");
        free(buf);
        nw_event_destroy(&ev);
        nw_event_destroy(&want);

        buf = get("py-trailer", &len);
        assert_int_equal(nw_trailer_decode(buf, len, &t, NULL), NW_OK);
        assert_memory_equal(t.origin, origin, NW_ORIGIN_LEN);
        assert_true(t.epoch == UINT64_MAX);
        assert_int_equal(t.seq, 7);
        free(buf);

        buf = get("py-heartbeat", &len);
        assert_int_equal(nw_heartbeat_decode(buf, len, &h, NULL), NW_OK);
        assert_memory_equal(h.origin, origin, NW_ORIGIN_LEN);
        assert_int_equal(h.epoch, 5);
        assert_int_equal(h.last_seq, 0);
        assert_int_equal(h.time_ms, 1);
        free(buf);

        buf = get("py-request", &len);
        assert_int_equal(nw_request_decode(buf, len, &rq, NULL), NW_OK);
        assert_int_equal(rq.op, NW_REQ_STATS);
        assert_true(rq.req_id == UINT64_MAX);
        assert_int_equal(rq.since, 0);
        assert_int_equal(rq.limit, 0);
        assert_string_equal(rq.prefix, "");
        free(buf);

        buf = get("py-end", &len);
        assert_int_equal(nw_end_decode(buf, len, &e, NULL), NW_OK);
        assert_int_equal(e.req_id, 1);
        assert_int_equal(e.count, 0);
        assert_int_equal(e.last_seq, 9);
        assert_int_equal(e.head_seq, 10);
        assert_false(e.more);
        assert_memory_equal(e.origin, origin, NW_ORIGIN_LEN);
        assert_int_equal(e.epoch, 5);
        free(buf);

        buf = get("py-error", &len);
        assert_int_equal(nw_error_decode(buf, len, &er, NULL), NW_OK);
        assert_int_equal(er.req_id, 0);
        assert_int_equal(er.code, NW_E_VALUE);
        assert_string_equal(er.message, "unknown operation \"dump\" — 不明");
        free(buf);

        buf = get("py-stats", &len);
        assert_int_equal(nw_stats_decode(buf, len, &req, &st, &n, NULL), NW_OK);
        assert_int_equal(req, 4);
        assert_int_equal(n, 2);
        assert_string_equal(st[0].name, "a");
        assert_int_equal(st[0].value, 1);
        assert_string_equal(st[1].name, "b");
        assert_true(st[1].value == UINT64_MAX);
        free(st);
        free(buf);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_c_to_python),
            cmocka_unit_test(test_python_to_c),
        };

        return cmocka_run_group_tests_name("proto_interop", tests, setup, teardown);
}
