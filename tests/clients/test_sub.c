/*
 * test_sub.c — the subscriber library against a real in-process publisher
 * (fakepub.c: PUB + ROUTER on 127.0.0.1): live order, gaps filled from the
 * replay socket, tail gaps found by heartbeats, --since, type prefixes with
 * overlapping replays, a stalled subscriber behind tiny high-water marks,
 * heartbeat-timeout reconnects, an unreachable publisher, stats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "fakepub.h"

#include <zmq.h>

/* Notices seen, concatenated. */
static char notices[8192];

/* sub_notify_fn: append a notice to notices. */
static void
record_notice(void *arg, const char *m)
{
        size_t n = strlen(notices);

        snprintf(notices + n, sizeof notices - n, "%s\n", m);
}

/* What a collection saw. */
struct got {
        uint64_t seqs[4096];
        char types[4096][32];
        size_t n;
};

/* Call sub_next with heartbeats every 100 ms until want events or max_ms. */
static void
collect(struct fakepub *f, struct sub *s, size_t want, int64_t max_ms, struct got *g,
        bool heartbeats)
{
        int64_t end = client_now_ms() + max_ms, last_hb = 0;
        struct sub_msg m;
        char *cause = NULL;
        int rc;

        while (g->n < want || want == 0) {
                int64_t now = client_now_ms();

                if (now >= end)
                        break;
                if (heartbeats && now - last_hb >= 100) {
                        fakepub_heartbeat(f);
                        last_hb = now;
                }
                rc = sub_next(s, 20, &m, &cause);
                if (rc < 0)
                        fail_msg("sub_next: %s", cause);
                if (rc == 1) {
                        assert_true(g->n < 4096);
                        g->seqs[g->n] = m.sm_trailer.seq;
                        snprintf(g->types[g->n], sizeof g->types[0], "%s", m.sm_event->type);
                        assert_int_equal(m.sm_event->seq, m.sm_trailer.seq);
                        g->n++;
                        nw_event_destroy(&m.sm_event);
                }
        }
}

/* A subscriber of f. */
static struct sub *
new_sub(struct fakepub *f, int64_t hb_ms)
{
        struct sub *s = sub_new();

        sub_add_endpoint(s, f->fp_pub_ep, f->fp_replay_ep);
        sub_set_heartbeat_timeout(s, hb_ms);
        sub_set_replay_timeout(s, 3000);
        sub_set_notify(s, record_notice, NULL);
        notices[0] = '\0';
        return s;
}

/* Start s and let it hear f (slow joiner). */
static void
warm_up(struct fakepub *f, struct sub *s)
{
        struct got g = {.n = 0};
        char *cause = NULL;

        if (sub_start(s, &cause) != 0)
                fail_msg("sub_start: %s", cause);
        collect(f, s, 0, 400, &g, true);
        assert_int_equal(g.n, 0);
}

/* Assert g holds exactly first..last, in order. */
static void
assert_run(const struct got *g, uint64_t first, uint64_t last)
{
        size_t i;

        assert_int_equal(g->n, last - first + 1);
        for (i = 0; i < g->n; i++)
                assert_int_equal(g->seqs[i], first + i);
}

static void
test_live_in_order(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        s = new_sub(&f, 5000);
        warm_up(&f, s);
        for (i = 0; i < 20; i++)
                fakepub_event(&f, "product.release", "meta", false);
        collect(&f, s, 20, 5000, &g, true);
        assert_run(&g, 1, 20);
        assert_int_equal(sub_replayed_count(s), 0);
        sub_destroy(&s);
        assert_null(s);
        fakepub_stop(&f);
}

static void
test_gap_filled(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        s = new_sub(&f, 5000);
        warm_up(&f, s);
        for (i = 1; i <= 15; i++)
                fakepub_event(&f, "product.release", "meta", i >= 6 && i <= 10);
        collect(&f, s, 15, 5000, &g, false);
        assert_run(&g, 1, 15);
        assert_true(sub_replayed_count(s) >= 5);
        assert_non_null(strstr(notices, "replayed"));
        /* nothing more arrives: no duplicates later either */
        collect(&f, s, 0, 300, &g, true);
        assert_int_equal(g.n, 15);
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_tail_gap_heartbeat(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        s = new_sub(&f, 5000);
        warm_up(&f, s);
        for (i = 1; i <= 6; i++)
                fakepub_event(&f, "finance.funding", NULL, i > 3);
        collect(&f, s, 3, 2000, &g, false);
        assert_run(&g, 1, 3);
        collect(&f, s, 6, 3000, &g, true); /* the heartbeat says 6 */
        assert_run(&g, 1, 6);
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_since(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        for (i = 0; i < 10; i++)
                fakepub_event(&f, "org.change", NULL, true);
        s = new_sub(&f, 5000);
        sub_set_since(s, 4);
        assert_int_equal(sub_start(s, NULL), 0);
        collect(&f, s, 6, 3000, &g, true); /* replay first */
        fakepub_event(&f, "org.change", NULL, false);
        fakepub_event(&f, "org.change", NULL, false);
        collect(&f, s, 8, 5000, &g, true);
        assert_run(&g, 5, 12);
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_prefixes(void **state)
{
        static const char *types[] = {"product.plan", "finance.funding", "product.release",
                                      "people.move", "product.plan"};
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        uint64_t want[64];
        size_t nwant = 0, i;

        fakepub_start(&f, 0);
        s = new_sub(&f, 5000);
        sub_add_prefix(s, "product.");
        sub_add_prefix(s, "product.plan"); /* overlaps: replays must not duplicate */
        warm_up(&f, s);
        for (i = 0; i < 40; i++) {
                const char *t = types[i % 5];
                uint64_t seq = fakepub_event(&f, t, NULL, i % 7 == 3);

                if (strncmp(t, "product.", 8) == 0)
                        want[nwant++] = seq;
        }
        collect(&f, s, nwant, 5000, &g, true);
        collect(&f, s, 0, 300, &g, true);
        assert_int_equal(g.n, nwant);
        for (i = 0; i < nwant; i++) {
                assert_int_equal(g.seqs[i], want[i]);
                assert_memory_equal(g.types[i], "product.", 8);
        }
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_origin_mismatch(void **state)
{
        uint8_t other[NW_ORIGIN_LEN] = {0};
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        for (i = 0; i < 5; i++) /* history of a store we never saw */
                fakepub_event(&f, "org.change", NULL, true);
        s = new_sub(&f, 5000);
        sub_set_since(s, 2);
        sub_set_origin(s, other);
        assert_int_equal(sub_start(s, NULL), 0);
        collect(&f, s, 0, 500, &g, true);
        assert_int_equal(g.n, 0); /* seq 3..5 of the other store: not replayed */
        assert_non_null(strstr(notices, "start position is for another publisher"));
        fakepub_event(&f, "org.change", NULL, false);
        collect(&f, s, 1, 3000, &g, true);
        assert_run(&g, 6, 6);
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_replay_paging(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        for (i = 0; i < 50; i++)
                fakepub_event(&f, i % 2 ? "market.ranking" : "market.milestone", NULL, true);
        s = new_sub(&f, 5000);
        sub_add_prefix(s, "market.r");
        sub_add_prefix(s, "market.m");
        sub_set_replay_limit(s, 7);
        sub_set_since(s, 0);
        assert_int_equal(sub_start(s, NULL), 0);
        collect(&f, s, 50, 5000, &g, true);
        assert_run(&g, 1, 50);
        assert_true(f.fp_requests >= 8);
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_stalled_tiny_hwm(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 1);
        f.fp_pad = 64 * 1024; /* fill the kernel buffers fast */
        s = new_sub(&f, 10000);
        sub_set_rcvhwm(s, 1);
        warm_up(&f, s);
        for (i = 0; i < 300; i++) /* the subscriber does not read meanwhile */
                fakepub_event(&f, "product.release", NULL, false);
        collect(&f, s, 300, 20000, &g, true);
        assert_run(&g, 1, 300);
        assert_true(sub_replayed_count(s) > 0); /* the HWM did drop some */
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_reconnect(void **state)
{
        struct fakepub f;
        struct got g = {.n = 0};
        struct sub *s;
        int i;

        fakepub_start(&f, 0);
        s = new_sub(&f, 400);
        warm_up(&f, s);
        collect(&f, s, 0, 1000, &g, false); /* silence: > heartbeat timeout */
        assert_non_null(strstr(notices, "reconnecting"));
        assert_true(sub_reconnect_count(s) >= 1);
        for (i = 0; i < 3; i++) /* published while we were away */
                fakepub_event(&f, "legal.action", NULL, true);
        collect(&f, s, 3, 5000, &g, true);
        assert_run(&g, 1, 3);
        assert_non_null(strstr(notices, "is back"));
        sub_destroy(&s);
        fakepub_stop(&f);
}

static void
test_unreachable(void **state)
{
        struct sub *s = sub_new();
        struct sub_msg m;
        char *cause = NULL;
        int64_t t0 = client_now_ms();

        sub_add_endpoint(s, "tcp://127.0.0.1:1", "tcp://127.0.0.1:2");
        sub_set_heartbeat_timeout(s, 300);
        sub_set_notify(s, record_notice, NULL);
        assert_int_equal(sub_start(s, &cause), 0);
        assert_int_equal(sub_next(s, 5000, &m, &cause), -1);
        assert_non_null(strstr(cause, "no heartbeat from tcp://127.0.0.1:1"));
        assert_true(client_now_ms() - t0 < 3000);
        free(cause);
        sub_destroy(&s);
}

static void
test_stats(void **state)
{
        struct fakepub f;
        struct replay *r;
        struct nw_stat *st;
        char *cause = NULL;
        size_t n;
        void *ctx = zmq_ctx_new();

        fakepub_start(&f, 0);
        fakepub_event(&f, "product.plan", NULL, true);
        r = replay_new(ctx, f.fp_replay_ep, NULL, &cause);
        assert_non_null(r);
        assert_int_equal(replay_stats(r, 3000, &st, &n, &cause), 0);
        assert_int_equal(n, 1);
        assert_string_equal(st[0].name, "head_seq");
        assert_int_equal(st[0].value, 1);
        free(st);
        replay_destroy(&r);
        zmq_ctx_term(ctx);
        fakepub_stop(&f);
}

int
main(void)
{
        /* clang-format off */
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_live_in_order),
                cmocka_unit_test(test_gap_filled),
                cmocka_unit_test(test_tail_gap_heartbeat),
                cmocka_unit_test(test_since),
                cmocka_unit_test(test_prefixes),
                cmocka_unit_test(test_origin_mismatch),
                cmocka_unit_test(test_replay_paging),
                cmocka_unit_test(test_stalled_tiny_hwm),
                cmocka_unit_test(test_reconnect),
                cmocka_unit_test(test_unreachable),
                cmocka_unit_test(test_stats),
        };
        /* clang-format on */

        client_init("test_sub");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
