/* test_golden.c — the seed article against its gold events (and the dev
 * articles against a floor), matched as ../shared/eval/score does: same type,
 * at least half of the gold fillers with the right role, each gold event once;
 * and no forbidden (injected noise) string in any argument. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "helpers.h"

/* The scorer's normalisation: drop blanks, -, _, ·, •, . and lowercase. */
static char *
norm(const char *s)
{
        struct ex_buf b = {0};
        ex_buf_adds(&b, "");
        for (const char *p = s ? s : ""; *p;) {
                if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '-' || *p == '_' || *p == '.') {
                        p++;
                        continue;
                }
                if (strncmp(p, "·", 2) == 0) {
                        p += 2;
                        continue;
                }
                if (strncmp(p, "•", 3) == 0) {
                        p += 3;
                        continue;
                }
                char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
                ex_buf_add(&b, &c, 1);
                p++;
        }
        return b.data;
}

/* Whether s is one of the '|'-separated alternatives alts (normalised). */
static bool
alt_match(const char *alts, const char *s)
{
        if (s == NULL)
                return false;
        char *ns = norm(s);
        bool ok = false;
        char *dup = ex_xstrdup(alts), *save = NULL;
        for (char *a = strtok_r(dup, "|", &save); a && !ok; a = strtok_r(NULL, "|", &save)) {
                char *na = norm(a);
                ok = strcmp(na, ns) == 0;
                free(na);
        }
        free(dup);
        free(ns);
        return ok;
}

/* Whether role (a|b) lists r. */
static bool
role_match(const char *roles, const char *r)
{
        char *dup = ex_xstrdup(roles), *save = NULL;
        bool ok = false;
        for (char *a = strtok_r(dup, "|", &save); a && !ok; a = strtok_r(NULL, "|", &save))
                ok = strcmp(a, r) == 0;
        free(dup);
        return ok;
}

/* Share of gold fillers the event has. */
static double
coverage(json_t *g, const struct nw_event *ev)
{
        json_t *args = json_object_get(g, "args");
        const char *role;
        json_t *items;
        size_t total = 0, hit = 0;
        json_object_foreach(args, role, items)
        {
                size_t i;
                json_t *it;
                json_array_foreach(items, i, it)
                {
                        total++;
                        for (size_t k = 0; k < ev->nargs; k++)
                                if (role_match(role, ev->args[k].role) &&
                                    (alt_match(json_string_value(it), ev->args[k].id) ||
                                     alt_match(json_string_value(it), ev->args[k].text))) {
                                        hit++;
                                        break;
                                }
                }
        }
        return total ? (double)hit / (double)total : 1.0;
}

struct score {
        size_t tp, fp, fn, forbidden;
};

/* Score one article file against its gold file. */
static void
score_article(const char *txt, const char *gold, struct score *s)
{
        size_t len;
        char *buf = th_slurp(txt, &len);
        char *cause = NULL;
        struct article *a = article_parse(buf, len, &cause);
        assert_non_null(a);
        struct nw_event **evs = NULL;
        size_t n = 0;
        assert_int_equal(extractor_run(th_extractor(), a, &evs, &n, &cause), 0);
        char *gb = th_slurp(gold, NULL);
        json_t *golds = json_array(), *forbid = json_array();
        for (char *line = strtok(gb, "\n"); line; line = strtok(NULL, "\n")) {
                json_t *o = json_loads(line, 0, NULL);
                if (o == NULL)
                        continue;
                if (json_object_get(o, "forbid"))
                        json_array_extend(forbid, json_object_get(o, "forbid"));
                else
                        json_array_append(golds, o);
                json_decref(o);
        }
        size_t ng = json_array_size(golds);
        bool *gused = calloc(ng + 1, 1), *pused = calloc(n + 1, 1);
        /* greedy by coverage, as the scorer ranks pairs */
        for (;;) {
                double best = -1;
                size_t bg = 0, bp = 0;
                for (size_t gi = 0; gi < ng; gi++) {
                        if (gused[gi])
                                continue;
                        json_t *g = json_array_get(golds, gi);
                        for (size_t pi = 0; pi < n; pi++) {
                                if (pused[pi] ||
                                    !role_match(json_string_value(json_object_get(g, "type")),
                                                evs[pi]->type))
                                        continue;
                                double c = coverage(g, evs[pi]);
                                if (json_is_true(json_object_get(g, "optional")))
                                        c -= 0.5;
                                if (c >= 0 && c > best && coverage(g, evs[pi]) >= 0.5) {
                                        best = c;
                                        bg = gi;
                                        bp = pi;
                                }
                        }
                }
                if (best < 0)
                        break;
                gused[bg] = pused[bp] = true;
                if (!json_is_true(json_object_get(json_array_get(golds, bg), "optional")))
                        s->tp++;
        }
        for (size_t gi = 0; gi < ng; gi++)
                if (!gused[gi] &&
                    !json_is_true(json_object_get(json_array_get(golds, gi), "optional")))
                        s->fn++;
        for (size_t pi = 0; pi < n; pi++) {
                if (!pused[pi])
                        s->fp++;
                for (size_t k = 0; k < evs[pi]->nargs; k++) {
                        size_t fi;
                        json_t *f;
                        json_array_foreach(forbid, fi, f)
                        {
                                const char *w = json_string_value(f);
                                if ((evs[pi]->args[k].text && strstr(evs[pi]->args[k].text, w)) ||
                                    (evs[pi]->args[k].id && strstr(evs[pi]->args[k].id, w)))
                                        s->forbidden++;
                        }
                }
        }
        free(gused);
        free(pused);
        json_decref(golds);
        json_decref(forbid);
        free(gb);
        extractor_free_events(&evs, n);
        article_destroy(&a);
        free(buf);
}

/* F1 of a score. */
static double
f1(const struct score *s)
{
        double p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 0;
        double r = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 0;
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* The seed: F1 at least 0.9, nothing forbidden. */
static void
test_seed(void **state)
{
        struct score s = {0};
        score_article("tests/extract/corpus/seed-avocado.txt",
                      "tests/extract/corpus/seed-avocado.gold.jsonl", &s);
        fprintf(stderr, "seed: tp=%zu fp=%zu fn=%zu F1=%.3f forbidden=%zu\n", s.tp, s.fp, s.fn,
                f1(&s), s.forbidden);
        assert_int_equal(s.forbidden, 0);
        assert_true(f1(&s) >= 0.9);
}

/* The dev articles: a floor against regressions, nothing forbidden. */
static void
test_dev(void **state)
{
        static const char *names[] = {"en-anthropic-settlement",   "en-apple-siri-shakeup",
                                      "en-meta-superintelligence", "en-nvidia-q1",
                                      "zh-baidu-ernie-open",       "zh-deepseek-r1",
                                      "zh-doubao-force",           "zh-kimi-k2",
                                      "zh-opinion-pricewar",       "zh-zhipu-glm45"};
        struct score s = {0};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                char txt[256], gold[256];
                snprintf(txt, sizeof txt, "tests/extract/corpus/dev/%s.txt", names[i]);
                snprintf(gold, sizeof gold, "tests/extract/corpus/dev/%s.gold.jsonl", names[i]);
                score_article(txt, gold, &s);
        }
        fprintf(stderr, "dev: tp=%zu fp=%zu fn=%zu F1=%.3f forbidden=%zu\n", s.tp, s.fp, s.fn,
                f1(&s), s.forbidden);
        assert_int_equal(s.forbidden, 0);
        assert_true(f1(&s) >= 0.6);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seed),
            cmocka_unit_test(test_dev),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
