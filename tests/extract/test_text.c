/* test_text.c — normalisation (UTF-8 repair, folding, entities, markup,
 * noise lines) with its offset map, and sentence/clause splitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* Normalise s (lang) into t with the repository's cue lists. */
static void
norm(struct text *t, const char *s, int lang)
{
        text_init(t, th_extractor(), s, strlen(s), lang);
}

/* The sentence i of t as a new string. */
static char *
sent(const struct text *t, size_t i)
{
        return ex_xstrndup(t->s + t->sent[i].start, t->sent[i].end - t->sent[i].start);
}

/* Full-width digits, letters and punctuation fold; offsets still point back. */
static void
test_fold_map(void **state)
{
        struct text t;
        const char *s = "在２０２５年“开源年”，ＧＬＭ！";
        norm(&t, s, EX_ZH);
        assert_string_equal(t.s, "在2025年“开源年”,GLM!");
        /* '2' of 2025 came from the full-width ２ at byte 3 */
        const char *two = strchr(t.s, '2');
        assert_int_equal(text_orig(&t, (size_t)(two - t.s)), 3);
        assert_int_equal(memcmp(s + text_orig(&t, (size_t)(two - t.s)), "２", 3), 0);
        assert_int_equal(text_orig(&t, t.len), strlen(s));
        assert_string_equal(t.low, "在2025年“开源年”,glm!");
        text_free(&t);
}

/* Invalid bytes become U+FFFD and are counted; the result is valid UTF-8. */
static void
test_bad_utf8(void **state)
{
        struct text t;
        const char s[] = "ab\xff\xc3(cd\xe4\xb8 \xed\xa0\x80z";
        text_init(&t, th_extractor(), s, sizeof s - 1, EX_EN);
        assert_true(nw_utf8_valid(t.s, t.len));
        assert_int_equal(t.bad, 6);
        assert_non_null(strstr(t.s, "ab\xef\xbf\xbd"));
        text_free(&t);
}

/* Entities decode, markup becomes a space, noise lines are blanked. */
static void
test_entities_markup_noise(void **state)
{
        struct text t;
        norm(&t,
             "betting that&nbsp;talent &amp; <b>power</b> &#x4e2d;&#22269;\n"
             "点击阅读原文\n责任编辑：李晓明\nClick here to read the full story\nend",
             EX_ZH);
        assert_non_null(strstr(t.s, "betting that talent & "));
        assert_non_null(strstr(t.s, " power "));
        assert_non_null(strstr(t.s, "中国"));
        assert_null(strstr(t.s, "nbsp"));
        assert_null(strstr(t.s, "阅读原文"));
        assert_null(strstr(t.s, "李晓明"));
        assert_null(strstr(t.s, "Click"));
        assert_non_null(strstr(t.s, "end"));
        /* an '&' that is no entity stays */
        text_free(&t);
        norm(&t, "AT&T and R&D; x < y", EX_EN);
        assert_string_equal(t.s, "AT&T and R&D; x < y");
        text_free(&t);
}

/* Chinese sentences end at 。！？；, keep closing quotes, clauses split at commas. */
static void
test_split_zh(void **state)
{
        struct text t;
        norm(&t, "百度宣布开源。“这是重大调整！”他说；阿里巴巴发布了Qwen3-Max，性能领先？最后一句",
             EX_ZH);
        assert_int_equal(t.nsent, 5);
        char *s1 = sent(&t, 1);
        assert_string_equal(s1, "“这是重大调整!”");
        free(s1);
        char *s3 = sent(&t, 3);
        assert_string_equal(s3, "阿里巴巴发布了Qwen3-Max,性能领先?");
        free(s3);
        size_t c = text_clause_of(&t, strstr(t.s, "性能") - t.s);
        assert_int_equal(t.clause[c].start, strstr(t.s, "性能") - t.s);
        text_free(&t);
}

/* English: abbreviations, initials and decimals do not end a sentence. */
static void
test_split_en(void **state)
{
        struct text t;
        norm(&t,
             "Apple Inc. said U.S. District Judge W. Alsup agreed. Revenue rose 3.5% to $44.1 "
             "billion. Did it? Yes.",
             EX_EN);
        assert_int_equal(t.nsent, 4);
        char *s0 = sent(&t, 0);
        assert_string_equal(s0, "Apple Inc. said U.S. District Judge W. Alsup agreed.");
        free(s0);
        char *s1 = sent(&t, 1);
        assert_string_equal(s1, " Revenue rose 3.5% to $44.1 billion.");
        free(s1);
        text_free(&t);
}

/* A sentence with no terminator is cut at a bounded length (linear work). */
static void
test_long_run(void **state)
{
        size_t n = 30000;
        char *s = malloc(n * 3 + 1);
        for (size_t i = 0; i < n; i++)
                memcpy(s + 3 * i, "字", 3);
        s[n * 3] = '\0';
        struct text t;
        norm(&t, s, EX_ZH);
        assert_true(t.nsent > 10);
        for (size_t i = 0; i < t.nsent; i++)
                assert_true(t.sent[i].end - t.sent[i].start <= 2400 + 8);
        text_free(&t);
        free(s);
}

/* Long runs without a sentence end, of Chinese characters, letters, spaces,
 * two-byte characters and commas: the length cuts fall where a character
 * by character reading of the rule puts them (a sentence cut at the first
 * space or non-ASCII character more than 2400 bytes in, a clause at 1200),
 * at a character's start, whatever the characters around the cut. */
static void
test_long_cuts(void **state)
{
        static const char *pieces[] = {"字", "字", "字", "é", "a", " ", ","};
        uint32_t seed = 9;
        for (int round = 0; round < 40; round++) {
                size_t n = 0, cap = 12000;
                char *s = malloc(cap + 4);
                while (n < cap) {
                        seed = seed * 1103515245u + 12345u;
                        /* commas rare in some rounds: long clauses */
                        size_t np = round % 2 ? 6 : 7;
                        const char *c = pieces[(seed >> 16) % np];
                        memcpy(s + n, c, strlen(c));
                        n += strlen(c);
                }
                s[n] = '\0';
                struct text t;
                norm(&t, s, EX_ZH);
                /* the rule, a character at a time */
                struct ex_span *sent = malloc(n * sizeof *sent),
                               *clause = malloc(n * sizeof *clause);
                size_t ns = 0, nc = 0, start = 0, cstart = 0;
                for (size_t i = 0; i < n;) {
                        unsigned char b = (unsigned char)s[i];
                        size_t k = b < 0x80 ? 1 : b < 0xe0 ? 2 : 3;
                        bool cut = b == ' ' || b >= 0x80;
                        if (b == ',') {
                                clause[nc++] =
                                    (struct ex_span){(uint32_t)cstart, (uint32_t)(i + 1)};
                                cstart = i + 1;
                        } else if (i - start > 2400 && cut) {
                                if (cstart < i) /* not right after a comma */
                                        clause[nc++] =
                                            (struct ex_span){(uint32_t)cstart, (uint32_t)i};
                                sent[ns++] = (struct ex_span){(uint32_t)start, (uint32_t)i};
                                start = cstart = i;
                        } else if (i - cstart > 1200 && cut) {
                                clause[nc++] = (struct ex_span){(uint32_t)cstart, (uint32_t)i};
                                cstart = i;
                        }
                        i += k;
                }
                if (cstart < n)
                        clause[nc++] = (struct ex_span){(uint32_t)cstart, (uint32_t)n};
                if (start < n)
                        sent[ns++] = (struct ex_span){(uint32_t)start, (uint32_t)n};
                assert_int_equal(t.len, n);
                assert_int_equal(t.nsent, ns);
                assert_int_equal(t.nclause, nc);
                assert_memory_equal(t.sent, sent, ns * sizeof *sent);
                assert_memory_equal(t.clause, clause, nc * sizeof *clause);
                text_free(&t);
                free(sent);
                free(clause);
                free(s);
        }
}

/* The span of v[0..n) holding offset i, found the slow way: the first
 * whose end is past i, else the last. */
static size_t
naive_find(const struct ex_span *v, size_t n, size_t i)
{
        for (size_t k = 0; k < n; k++)
                if (v[k].end > i)
                        return k;
        return n ? n - 1 : 0;
}

/* text_sentence_of and text_clause_of (a block index) agree with a linear
 * search at every offset, in short and long texts, past the end too. */
static void
test_span_lookup(void **state)
{
        const char *texts[] = {"甲。", "a, b. C",
                               "一二三，四五六。七八九：十（一）二！\n三四？ok; yes.",
                               "Revenue rose 5%, the company said. Shares fell."};
        struct text t;
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
                norm(&t, texts[k], k % 2 ? EX_EN : EX_ZH);
                for (size_t i = 0; i < t.len + 3; i++) {
                        assert_int_equal(text_sentence_of(&t, i), naive_find(t.sent, t.nsent, i));
                        assert_int_equal(text_clause_of(&t, i), naive_find(t.clause, t.nclause, i));
                }
                text_free(&t);
        }
        /* many short clauses and a few long sentences in one text */
        size_t n = 4000;
        char *s = malloc(n * 4 + 1), *p = s;
        for (size_t i = 0; i < n; i++) {
                memcpy(p, i % 7 == 0 ? "，" : i % 1000 == 0 ? "。" : "字", 3);
                p += 3;
                if (i % 13 == 0)
                        *p++ = 'x';
        }
        *p = '\0';
        norm(&t, s, EX_ZH);
        assert_true(t.nsent > 1 && t.nclause > 100);
        for (size_t i = 0; i < t.len + 3; i++) {
                assert_int_equal(text_sentence_of(&t, i), naive_find(t.sent, t.nsent, i));
                assert_int_equal(text_clause_of(&t, i), naive_find(t.clause, t.nclause, i));
        }
        text_free(&t);
        free(s);
}

/* Empty input is fine. */
static void
test_empty(void **state)
{
        struct text t;
        norm(&t, "", EX_ZH);
        assert_int_equal(t.len, 0);
        assert_int_equal(t.nsent, 0);
        text_free(&t);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fold_map),
            cmocka_unit_test(test_bad_utf8),
            cmocka_unit_test(test_entities_markup_noise),
            cmocka_unit_test(test_split_zh),
            cmocka_unit_test(test_split_en),
            cmocka_unit_test(test_long_run),
            cmocka_unit_test(test_long_cuts),
            cmocka_unit_test(test_span_lookup),
            cmocka_unit_test(test_empty),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
