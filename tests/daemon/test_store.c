/*
 * test_store.c — the SQLite store: schema and permissions, articles once by
 * id, sequences assigned in a transaction and given back on rollback, never
 * going back across a reopen, origin kept and epoch bumped, pending
 * articles, replay reads with a type prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract.h"
#include "newswired.h"

static char dir[] = "/tmp/nwstoreXXXXXX";

/* An article with an id and a title (the store reads only these fields). */
static struct article
mkarticle(const char *id)
{
        struct article a;

        memset(&a, 0, sizeof a);
        snprintf(a.id, sizeof a.id, "%s", id);
        a.title = (char *)"t";
        a.url = (char *)"http://example.com/x";
        a.lang = (char *)"en";
        return a;
}

/* A fresh temporary directory; *state is its state/ path. */
static int
setup(void **state)
{
        char *cmd;

        strcpy(dir, "/tmp/nwstoreXXXXXX");
        if (mkdtemp(dir) == NULL)
                return -1;
        xasprintf(&cmd, "%s/state", dir);
        *state = cmd;
        return 0;
}

/* Remove the temporary directory. */
static int
teardown(void **state)
{
        char *cmd;

        xasprintf(&cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                return -1;
        free(cmd);
        free(*state);
        return 0;
}

static void
test_open_perms(void **state)
{
        const char *sd = *state;
        char *cause = NULL, *db;
        struct store *st = store_open(sd, "full", &cause);
        struct stat sb;

        assert_non_null(st);
        assert_int_equal(stat(sd, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0700);
        xasprintf(&db, "%s/newswire.db", sd);
        assert_int_equal(stat(db, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        assert_int_equal(store_epoch(st), 1);
        assert_int_equal(store_last_seq(st), 0);
        store_close(&st);
        assert_null(st);
        free(db);
}

static void
test_articles_and_seqs(void **state)
{
        const char *sd = *state;
        char *cause = NULL, *status = NULL, *error = NULL;
        struct store *st = store_open(sd, "normal", &cause);
        struct article a = mkarticle("0123456789abcdef"), b = mkarticle("fedcba9876543210");
        uint8_t origin[NW_ORIGIN_LEN];
        uint64_t n;

        assert_non_null(st);
        memcpy(origin, store_origin(st), NW_ORIGIN_LEN);
        assert_int_equal(store_begin(st, &cause), 0);
        assert_int_equal(store_add_article(st, &a, STORE_TEXT, "raw a", 5, &cause), 1);
        assert_int_equal(store_add_article(st, &a, STORE_TEXT, "raw a", 5, &cause), 0);
        assert_int_equal(store_add_article(st, &b, STORE_JSON, "{}", 2, &cause), 1);
        assert_int_equal(store_commit(st, &cause), 0);
        assert_int_equal(store_count_articles(st, "queued"), 2);

        /* Events of a: seqs 1, 2; a duplicate event id uses no seq. */
        assert_int_equal(store_begin(st, &cause), 0);
        assert_int_equal(store_add_event(st, "e1", "product.plan", a.id, "p1", 2, 1, &cause), 1);
        assert_int_equal(store_add_event(st, "e2", "market.ranking", a.id, "p2", 2, 2, &cause), 1);
        assert_int_equal(store_last_seq(st), 2);
        assert_int_equal(store_add_event(st, "e1", "product.plan", a.id, "p1", 2, 3, &cause), 0);
        assert_int_equal(store_last_seq(st), 2);
        assert_int_equal(store_finish_article(st, a.id, true, NULL, 2, &cause), 0);
        assert_int_equal(store_commit(st, &cause), 0);

        /* A rolled-back transaction gives its seqs back. */
        assert_int_equal(store_begin(st, &cause), 0);
        assert_int_equal(store_add_event(st, "e3", "product.release", b.id, "p3", 2, 3, &cause), 1);
        assert_int_equal(store_last_seq(st), 3);
        store_rollback(st);
        assert_int_equal(store_last_seq(st), 2);
        assert_int_equal(store_count_events(st), 2);

        assert_int_equal(store_article_info(st, a.id, &status, &error, &n, NULL, &cause), 1);
        assert_string_equal(status, "done");
        assert_null(error);
        assert_int_equal(n, 2);
        free(status);
        assert_int_equal(store_begin(st, &cause), 0);
        assert_int_equal(store_finish_article(st, b.id, false, "broken", 0, &cause), 0);
        assert_int_equal(store_commit(st, &cause), 0);
        assert_int_equal(store_article_info(st, b.id, &status, &error, &n, NULL, &cause), 1);
        assert_string_equal(status, "failed");
        assert_string_equal(error, "broken");
        free(status);
        free(error);
        assert_int_equal(store_article_info(st, "0000000000000000", NULL, NULL, NULL, NULL, &cause),
                         0);
        store_close(&st);

        /* Reopen: same origin, next epoch, seq continues. */
        st = store_open(sd, "full", &cause);
        assert_non_null(st);
        assert_memory_equal(origin, store_origin(st), NW_ORIGIN_LEN);
        assert_int_equal(store_epoch(st), 2);
        assert_int_equal(store_last_seq(st), 2);
        store_close(&st);
}

static void
test_pending_and_events(void **state)
{
        const char *sd = *state;
        char *cause = NULL;
        struct store *st = store_open(sd, "normal", &cause);
        struct store_pending *p;
        struct store_event *e;
        size_t n, i;
        char id[17], eid[32];
        int64_t upto;

        assert_non_null(st);
        assert_int_equal(store_begin(st, &cause), 0);
        for (i = 0; i < 10; i++) {
                struct article a;
                snprintf(id, sizeof id, "%016zx", i);
                a = mkarticle(id);
                assert_int_equal(store_add_article(st, &a, (int)(i % 2), "body", 4, &cause), 1);
        }
        assert_int_equal(store_commit(st, &cause), 0);
        upto = store_max_rowid(st);
        assert_int_equal(store_pending(st, 0, upto, 4, &p, &n, &cause), 0);
        assert_int_equal(n, 4);
        assert_string_equal(p[0].sp_id, "0000000000000000");
        assert_int_equal(p[1].sp_format, STORE_JSON);
        assert_int_equal(p[2].sp_rawlen, 4);
        assert_string_equal(p[2].sp_raw, "body");
        int64_t after = p[3].sp_rowid;
        store_pending_free(p, n);
        assert_int_equal(store_pending(st, after, upto, 100, &p, &n, &cause), 0);
        assert_int_equal(n, 6);
        store_pending_free(p, n);
        assert_int_equal(store_pending(st, 0, upto - 3, 100, &p, &n, &cause), 0);
        assert_int_equal(n, 7);
        store_pending_free(p, n);

        /* 300 events alternating two types. */
        assert_int_equal(store_begin(st, &cause), 0);
        for (i = 1; i <= 300; i++) {
                snprintf(eid, sizeof eid, "ev%zu", i);
                assert_int_equal(store_add_event(st, eid,
                                                 i % 2 ? "product.release" : "finance.funding",
                                                 "0000000000000000", "x", 1, i, &cause),
                                 1);
        }
        assert_int_equal(store_commit(st, &cause), 0);
        assert_int_equal(store_events(st, 0, "", 1000, &e, &n, &cause), 0);
        assert_int_equal(n, 300);
        for (i = 0; i < n; i++)
                assert_int_equal(e[i].se_seq, i + 1);
        store_events_free(e, n);
        assert_int_equal(store_events(st, 100, "product.", 1000, &e, &n, &cause), 0);
        assert_int_equal(n, 100);
        assert_int_equal(e[0].se_seq, 101);
        assert_string_equal(e[0].se_type, "product.release");
        store_events_free(e, n);
        assert_int_equal(store_events(st, 0, "finance.funding", 7, &e, &n, &cause), 0);
        assert_int_equal(n, 7);
        assert_int_equal(e[6].se_seq, 14);
        store_events_free(e, n);
        assert_int_equal(store_events(st, 300, "", 10, &e, &n, &cause), 0);
        assert_int_equal(n, 0);
        store_events_free(e, n);
        store_close(&st);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_open_perms, setup, teardown),
            cmocka_unit_test_setup_teardown(test_articles_and_seqs, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pending_and_events, setup, teardown),
        };

        umask(0077);
        log_init(LOG_LEVEL_WARN, false);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
