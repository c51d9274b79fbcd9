/* test_acm.c — the Aho–Corasick automaton (acm.c) against a naive search,
 * with a small automaton (16-bit transition table) and one of more than
 * 65536 states (32-bit table). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract-int.h"

/* A deterministic pseudo-random generator (xorshift). */
static uint32_t
rnd(uint32_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 17;
        *s ^= *s << 5;
        return *s;
}

struct hits {
        struct ex_hit *h;
        size_t n, cap;
};

/* Scan callback: collect. */
static void
collect(void *arg, size_t start, size_t end, uint32_t value)
{
        struct hits *hs = arg;
        if (hs->n == hs->cap) {
                hs->cap = hs->cap ? hs->cap * 2 : 64;
                hs->h = realloc(hs->h, hs->cap * sizeof *hs->h);
                assert_non_null(hs->h);
        }
        hs->h[hs->n].start = start;
        hs->h[hs->n].end = end;
        hs->h[hs->n++].pay = value;
}

/* Hits by end, then start, then value. */
static int
cmp_hit(const void *pa, const void *pb)
{
        const struct ex_hit *a = pa, *b = pb;
        if (a->end != b->end)
                return a->end < b->end ? -1 : 1;
        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        return a->pay < b->pay ? -1 : a->pay > b->pay;
}

/* Small alphabet, many overlapping patterns (some repeated, some UTF-8): the
 * automaton finds exactly what a naive search finds, in order of end. */
static void
test_acm_naive(void **state)
{
        (void)state;
        static const char *alpha[] = {"a", "b", "c", "中", "国"};
        uint32_t seed = 7;
        char pats[300][32];
        size_t plen[300];
        struct acm *a = acm_new();
        for (size_t p = 0; p < 300; p++) {
                size_t n = 0, k = 1 + rnd(&seed) % 5;
                for (size_t j = 0; j < k; j++) {
                        const char *c = alpha[rnd(&seed) % 5];
                        memcpy(pats[p] + n, c, strlen(c));
                        n += strlen(c);
                }
                plen[p] = n;
                assert_int_equal(acm_add(a, pats[p], n, (uint32_t)p), 0);
        }
        acm_build(a);
        assert_true(acm_states(a) < 65536);
        char text[6000];
        size_t len = 0;
        while (len + 3 < sizeof text) {
                const char *c = alpha[rnd(&seed) % 5];
                memcpy(text + len, c, strlen(c));
                len += strlen(c);
        }
        struct hits got = {0}, want = {0};
        acm_scan(a, text, len, collect, &got);
        for (size_t i = 1; i < got.n; i++)
                assert_true(got.h[i - 1].end <= got.h[i].end);
        for (size_t e = 1; e <= len; e++)
                for (size_t p = 0; p < 300; p++)
                        if (plen[p] <= e && memcmp(text + e - plen[p], pats[p], plen[p]) == 0)
                                collect(&want, e - plen[p], e, (uint32_t)p);
        assert_true(want.n > 1000);
        assert_int_equal(got.n, want.n);
        qsort(got.h, got.n, sizeof *got.h, cmp_hit);
        qsort(want.h, want.n, sizeof *want.h, cmp_hit);
        for (size_t i = 0; i < got.n; i++)
                assert_int_equal(cmp_hit(&got.h[i], &want.h[i]), 0);
        free(got.h);
        free(want.h);
        acm_destroy(&a);
        assert_null(a);
}

/* More than 65536 states: every hit is real and every planted pattern found. */
static void
test_acm_large(void **state)
{
        (void)state;
        enum { NPAT = 20000, PLEN = 10 };
        uint32_t seed = 11;
        char(*pats)[PLEN] = malloc((size_t)NPAT * PLEN);
        assert_non_null(pats);
        struct acm *a = acm_new();
        for (size_t p = 0; p < NPAT; p++) {
                for (size_t j = 0; j < PLEN; j++)
                        pats[p][j] = (char)('a' + rnd(&seed) % 26);
                assert_int_equal(acm_add(a, pats[p], PLEN, (uint32_t)p), 0);
        }
        acm_build(a);
        assert_true(acm_states(a) > 65536);
        char text[PLEN * 400];
        size_t planted[200];
        for (size_t k = 0; k < 200; k++) {
                size_t p = rnd(&seed) % NPAT;
                planted[k] = p;
                memcpy(text + 2 * k * PLEN, pats[p], PLEN);
                memset(text + (2 * k + 1) * PLEN, '-', PLEN); /* no pattern holds '-' */
        }
        struct hits got = {0};
        acm_scan(a, text, sizeof text, collect, &got);
        for (size_t i = 0; i < got.n; i++) {
                assert_int_equal(got.h[i].end - got.h[i].start, PLEN);
                assert_memory_equal(text + got.h[i].start, pats[got.h[i].pay], PLEN);
        }
        for (size_t k = 0; k < 200; k++) {
                bool found = false;
                for (size_t i = 0; i < got.n && !found; i++)
                        found = got.h[i].start == 2 * k * PLEN &&
                                memcmp(pats[got.h[i].pay], pats[planted[k]], PLEN) == 0;
                assert_true(found);
        }
        free(got.h);
        free(pats);
        acm_destroy(&a);
}

/* A text long enough to be scanned as two halves at once: a pattern as long
 * as the longest one ending on each place around the middle is found once,
 * and every report comes in order of end. */
static void
test_acm_middle(void **state)
{
        (void)state;
        enum { LEN = 600, PLEN = 40 };
        char pat[PLEN], other[3] = {'x', 'y', 'x'};
        for (size_t j = 0; j < PLEN; j++)
                pat[j] = (char)('a' + j % 26);
        pat[PLEN - 1] = 'Z';
        struct acm *a = acm_new();
        assert_int_equal(acm_add(a, pat, PLEN, 1), 0);
        assert_int_equal(acm_add(a, other, 3, 2), 0);
        acm_build(a);
        for (size_t end = LEN / 2 - 3; end <= LEN / 2 + PLEN + 3; end++) {
                char text[LEN];
                memset(text, '-', LEN);
                memcpy(text + end - PLEN, pat, PLEN);
                memcpy(text + LEN - 3, other, 3);
                memcpy(text, other, 3);
                struct hits got = {0};
                acm_scan(a, text, LEN, collect, &got);
                assert_int_equal(got.n, 3);
                assert_int_equal(got.h[0].end, 3);
                assert_int_equal(got.h[1].pay, 1);
                assert_int_equal(got.h[1].start, end - PLEN);
                assert_int_equal(got.h[1].end, end);
                assert_int_equal(got.h[2].end, LEN);
                free(got.h);
        }
        acm_destroy(&a);
}

/* Texts of every length up to 400 (scanned by one to four walks side by
 * side, see acm_scan), over a small alphabet and patterns of up to 30 bytes
 * so that the automaton is deep in a pattern where a walk's piece starts:
 * the reports are exactly a naive search's, in the order of a single walk
 * (by end, then longer first, then the pattern added last first). */
static void
test_acm_order(void **state)
{
        (void)state;
        static const char *alpha[] = {"a", "b", "中"};
        enum { NPAT = 60 };
        uint32_t seed = 5;
        char pats[NPAT][96];
        size_t plen[NPAT];
        struct acm *a = acm_new();
        for (size_t p = 0; p < NPAT; p++) {
                size_t n = 0, k = 1 + rnd(&seed) % (p < 10 ? 30 : 6);
                for (size_t j = 0; j < k; j++) {
                        const char *c = alpha[rnd(&seed) % (p < 10 ? 2 : 3)];
                        memcpy(pats[p] + n, c, strlen(c));
                        n += strlen(c);
                }
                if (p % 7 == 6) { /* the same pattern again */
                        memcpy(pats[p], pats[p - 1], plen[p - 1]);
                        n = plen[p - 1];
                }
                plen[p] = n;
                assert_int_equal(acm_add(a, pats[p], n, (uint32_t)p), 0);
        }
        acm_build(a);
        for (size_t len = 0; len <= 400; len++) {
                char text[400 + 3];
                size_t n = 0;
                while (n < len) {
                        /* long runs of a: deep states everywhere */
                        const char *c = rnd(&seed) % 4 != 0 ? "a" : alpha[rnd(&seed) % 3];
                        size_t k = strlen(c) <= len - n ? strlen(c) : 1;
                        memcpy(text + n, c, k);
                        n += k;
                }
                struct hits got = {0}, want = {0};
                acm_scan(a, text, len, collect, &got);
                for (size_t e = 1; e <= len; e++)
                        for (size_t l = 96; l > 0; l--)
                                for (size_t p = NPAT; p-- > 0;)
                                        if (plen[p] == l && l <= e &&
                                            memcmp(text + e - l, pats[p], l) == 0)
                                                collect(&want, e - l, e, (uint32_t)p);
                assert_int_equal(got.n, want.n);
                for (size_t i = 0; i < got.n; i++) {
                        assert_int_equal(got.h[i].start, want.h[i].start);
                        assert_int_equal(got.h[i].end, want.h[i].end);
                        assert_int_equal(got.h[i].pay, want.h[i].pay);
                }
                free(got.h);
                free(want.h);
        }
        acm_destroy(&a);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_acm_naive),
            cmocka_unit_test(test_acm_large),
            cmocka_unit_test(test_acm_middle),
            cmocka_unit_test(test_acm_order),
        };
        return cmocka_run_group_tests_name("extract_acm", tests, NULL, NULL);
}
