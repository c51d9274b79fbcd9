/*
 * test_event.c — the in-memory event: new/destroy/dup, builders, accessors,
 * equality.
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

static void
test_new_defaults(void **state)
{
        struct nw_event *ev = nw_event_new();

        assert_int_equal(ev->v, NW_VERSION_MAJOR);
        assert_string_equal(ev->modality, "asserted");
        assert_null(ev->id);
        assert_false(ev->has_seq);
        assert_int_equal(ev->nargs, 0);
        assert_null(ev->args);
        nw_event_destroy(&ev);
        assert_null(ev);
        nw_event_destroy(&ev); /* idempotent */
        nw_event_destroy(NULL);
}

static void
test_builders_copy(void **state)
{
        struct nw_event *ev = nw_event_new();
        char buf[16];

        strcpy(buf, "meta");
        nw_event_add_arg(ev, "agent", buf, buf);
        strcpy(buf, "XXXX");
        assert_string_equal(ev->args[0].id, "meta");
        assert_string_equal(ev->args[0].text, "meta");
        nw_event_set_id(ev, "a");
        nw_event_set_id(ev, "b"); /* replaces */
        assert_string_equal(ev->id, "b");
        nw_event_set_summary(ev, NULL);
        assert_null(ev->summary);
        nw_event_set_evidence(ev, "hello world", 5, 3, 8);
        assert_string_equal(ev->evidence_text, "hello");
        assert_int_equal(ev->evidence_start, 3);
        assert_int_equal(ev->evidence_end, 8);
        nw_event_set_evidence(ev, NULL, 0, 0, 0);
        assert_null(ev->evidence_text);
        nw_event_destroy(&ev);
}

static void
test_attrs_replace(void **state)
{
        struct nw_event *ev = nw_event_new();

        nw_event_set_attr(ev, "stage", "beta");
        nw_event_set_attr(ev, "from", "open");
        nw_event_set_attr(ev, "stage", "ga");
        assert_int_equal(ev->nattrs, 2);
        assert_string_equal(nw_event_attr(ev, "stage"), "ga");
        assert_string_equal(nw_event_attr(ev, "from"), "open");
        assert_null(nw_event_attr(ev, "to"));
        nw_event_destroy(&ev);
}

static void
test_arg_lookup(void **state)
{
        struct nw_event *ev = helpers_sample_event();

        nw_event_add_arg(ev, "agent", "second", NULL);
        assert_string_equal(nw_event_arg(ev, "agent")->id, "meta");
        assert_string_equal(nw_event_arg(ev, "product")->text, "牛油果");
        assert_null(nw_event_arg(ev, "rival"));
        nw_event_destroy(&ev);
}

static void
test_article_and_time(void **state)
{
        struct nw_event *ev = nw_event_new();
        struct nw_article_ref art = {.id = "abc", .lang = "en"};

        nw_event_set_article(ev, &art);
        art.id = "changed";
        assert_string_equal(ev->article.id, "abc");
        assert_null(ev->article.url);
        nw_event_set_article(ev, NULL);
        assert_null(ev->article.id);
        nw_event_set_time(ev, NULL, "soon");
        assert_null(ev->time_value);
        assert_string_equal(ev->time_text, "soon");
        nw_event_destroy(&ev);
}

static void
test_dup_equal(void **state)
{
        struct nw_event *ev = helpers_sample_event(), *d = nw_event_dup(ev);

        assert_true(nw_event_equal(ev, d));
        assert_ptr_not_equal(ev->args, d->args);
        assert_ptr_not_equal(ev->args[0].role, d->args[0].role);
        /* Each field difference is seen. */
        d->seq++;
        assert_false(nw_event_equal(ev, d));
        d->seq--;
        d->has_seq = false;
        assert_false(nw_event_equal(ev, d));
        d->has_seq = true;
        nw_event_add_reported_by(d, "x", "y");
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        d = nw_event_dup(ev);
        { /* attrs compare as a map: swapped order is equal */
                struct nw_attr tmp = d->attrs[0];

                d->attrs[0] = d->attrs[1];
                d->attrs[1] = tmp;
        }
        assert_true(nw_event_equal(ev, d));
        nw_event_set_attr(d, "stage", "ga");
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        d = nw_event_dup(ev);
        d->quantities[1].value = 1;
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        d = nw_event_dup(ev);
        nw_event_set_time(d, "2026-21", NULL);
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        d = nw_event_dup(ev);
        /* a malloc'd string hung on a field directly is the event's to free
         * (the builders' copy it replaces stays in the pool) */
        d->article.lang = strdup("en");
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        d = nw_event_dup(ev);
        d->evidence_end++;
        assert_false(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        nw_event_destroy(&ev);
}

static void
test_dup_empty(void **state)
{
        struct nw_event *ev = nw_event_new(), *d = nw_event_dup(ev);

        assert_true(nw_event_equal(ev, d));
        assert_null(d->args);
        nw_event_destroy(&d);
        nw_event_destroy(&ev);
}

/* Many elements and long strings outgrow the block an event starts in; a
 * copy and a decoder's malloc'd array keep growing right. */
static void
test_pool_growth(void **state)
{
        struct nw_event *ev = nw_event_new(), *d;
        char role[32], text[600];
        size_t i;

        memset(text, 'x', sizeof text - 1);
        text[sizeof text - 1] = '\0';
        for (i = 0; i < 100; i++) {
                snprintf(role, sizeof role, "role%zu", i);
                nw_event_add_arg(ev, role, i % 7 == 0 ? NULL : role, text + (i * 37) % 599);
                nw_event_add_quantity(ev, "count", (double)i, "users", role);
                if (i % 3 == 0)
                        nw_event_add_reported_by(ev, role, text + 590);
                snprintf(role, sizeof role, "key%zu", i % 10);
                nw_event_set_attr(ev, role, text + 500 + i);
        }
        assert_int_equal(ev->nargs, 100);
        assert_int_equal(ev->nattrs, 10);
        for (i = 0; i < 100; i++) {
                snprintf(role, sizeof role, "role%zu", i);
                assert_string_equal(ev->args[i].role, role);
                assert_string_equal(ev->args[i].text, text + (i * 37) % 599);
                assert_true(ev->quantities[i].value == (double)i);
        }
        d = nw_event_dup(ev);
        assert_true(nw_event_equal(ev, d));
        for (i = 0; i < 3; i++) { /* past a dup's room */
                nw_event_add_arg(d, "more", NULL, text);
                nw_event_add_arg(ev, "more", NULL, text);
        }
        assert_true(nw_event_equal(ev, d));
        nw_event_destroy(&d);
        nw_event_destroy(&ev);

        ev = nw_event_new(); /* as a decoder leaves it: its own mallocs */
        ev->args = calloc(1, sizeof *ev->args);
        ev->args[0].role = strdup("agent");
        ev->args[0].text = strdup("meta");
        ev->nargs = 1;
        ev->summary = strdup("s");
        for (i = 0; i < 9; i++)
                nw_event_add_arg(ev, "target", "t", "T");
        assert_string_equal(ev->args[0].role, "agent");
        assert_string_equal(ev->args[9].text, "T");
        nw_event_set_summary(ev, "replaced");
        assert_string_equal(ev->summary, "replaced");
        nw_event_destroy(&ev);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_new_defaults),     cmocka_unit_test(test_builders_copy),
            cmocka_unit_test(test_attrs_replace),    cmocka_unit_test(test_arg_lookup),
            cmocka_unit_test(test_article_and_time), cmocka_unit_test(test_dup_equal),
            cmocka_unit_test(test_dup_empty),        cmocka_unit_test(test_pool_growth),
        };

        return cmocka_run_group_tests_name("proto_event", tests, NULL, NULL);
}
