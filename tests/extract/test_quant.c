/* test_quant.c — Chinese, Arabic, mixed and English quantities. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* Check the quantity whose text is want_text in s. */
static void
check(const char *s, int lang, const char *want_text, const char *kind, double value,
      const char *unit)
{
        struct text t;
        text_init(&t, th_extractor(), s, strlen(s), lang);
        struct ex_date d = {2025, 6, 1};
        struct ex_time *tm = NULL;
        size_t nt = 0, ct = 0;
        timex_scan(&t, lang, &d, 0, t.len, &tm, &nt, &ct);
        struct ex_qty *q = NULL;
        size_t n = 0, cap = 0;
        quant_scan(th_extractor(), &t, lang, 0, t.len, tm, nt, &q, &n, &cap);
        bool found = false;
        for (size_t i = 0; i < n; i++) {
                char *text = ex_xstrndup(t.s + q[i].start, q[i].end - q[i].start);
                if (strcmp(text, want_text) == 0) {
                        found = true;
                        if (strcmp(q[i].kind, kind) != 0 || strcmp(q[i].unit, unit) != 0 ||
                            q[i].value < value * 0.9999 || q[i].value > value * 1.0001)
                                fail_msg("\"%s\": %s = %s %.15g %s, want %s %.15g %s", s, text,
                                         q[i].kind, q[i].value, q[i].unit, kind, value, unit);
                }
                free(text);
        }
        if (!found) {
                for (size_t i = 0; i < n; i++)
                        fprintf(stderr, "  have: %.*s\n", (int)(q[i].end - q[i].start),
                                t.s + q[i].start);
                fail_msg("\"%s\": no quantity \"%s\"", s, want_text);
        }
        free(q);
        free(tm);
        text_free(&t);
}

/* The number of quantities found in s. */
static size_t
count(const char *s, int lang)
{
        struct text t;
        text_init(&t, th_extractor(), s, strlen(s), lang);
        struct ex_date d = {2025, 6, 1};
        struct ex_time *tm = NULL;
        size_t nt = 0, ct = 0;
        timex_scan(&t, lang, &d, 0, t.len, &tm, &nt, &ct);
        struct ex_qty *q = NULL;
        size_t n = 0, cap = 0;
        quant_scan(th_extractor(), &t, lang, 0, t.len, tm, nt, &q, &n, &cap);
        free(q);
        free(tm);
        text_free(&t);
        return n;
}

/* A quantity after a run of any length of other Chinese characters, at the
 * end of the text or not (the skip steps over two characters at a time). */
static void
test_zh_runs(void **state)
{
        for (int k = 0; k < 8; k++) {
                char s[64] = "";
                for (int j = 0; j < k; j++)
                        strcat(s, "的");
                strcat(s, "三千");
                if (count(s, EX_ZH) != 1)
                        fail_msg("no quantity at the end of \"%s\"", s);
                strcat(s, "的");
                if (count(s, EX_ZH) != 1)
                        fail_msg("no quantity in \"%s\"", s);
        }
}

/* Scanned a span at a time, as the engine does (the times of all spans
 * first), a text has the quantities of one scan of the whole: none inside a
 * time of a later span, none lost to one of an earlier span. */
static void
test_spans(void **state)
{
        const char *s = "2024年3月公司投资3000万元，2025年5月增加两千台。"
                        "2026年1月再投资5亿元，3月底新增三千名员工。";
        struct text t;
        text_init(&t, th_extractor(), s, strlen(s), EX_ZH);
        struct ex_date d = {2025, 6, 1};
        size_t cut[] = {0, strstr(s, "，") - s, strstr(s, "。") - s, strstr(s, "再") - s, t.len};
        struct ex_time *tm = NULL;
        size_t nt = 0, ct = 0;
        for (size_t k = 0; k + 1 < sizeof cut / sizeof cut[0]; k++)
                timex_scan(&t, EX_ZH, &d, cut[k], cut[k + 1], &tm, &nt, &ct);
        struct ex_qty *q = NULL, *all = NULL;
        size_t n = 0, cap = 0, nall = 0, capall = 0;
        for (size_t k = 0; k + 1 < sizeof cut / sizeof cut[0]; k++)
                quant_scan(th_extractor(), &t, EX_ZH, cut[k], cut[k + 1], tm, nt, &q, &n, &cap);
        quant_scan(th_extractor(), &t, EX_ZH, 0, t.len, tm, nt, &all, &nall, &capall);
        assert_int_equal(n, nall);
        assert_int_equal(n, 4);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(q[i].start, all[i].start);
                assert_int_equal(q[i].end, all[i].end);
        }
        free(q);
        free(all);
        free(tm);
        text_free(&t);
}

/* Numbers alone: Arabic, Chinese, mixed. */
static void
test_numbers(void **state)
{
        static const struct {
                const char *s;
                double v;
        } cases[] = {{"3000万", 3e7},      {"3800亿", 3.8e11}, {"两千", 2000},
                     {"十", 10},           {"十二", 12},       {"二十三", 23},
                     {"三千八百", 3800},   {"一万", 1e4},      {"16.4万亿", 1.64e13},
                     {"1,300", 1300},      {"3.5", 3.5},       {"两万五千", 25000},
                     {"一亿二千万", 1.2e8}};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                double v = 0;
                size_t n = quant_number(cases[i].s, strlen(cases[i].s), 0, &v);
                assert_int_equal(n, strlen(cases[i].s));
                if (v < cases[i].v * 0.9999 || v > cases[i].v * 1.0001)
                        fail_msg("%s = %.15g, want %.15g", cases[i].s, v, cases[i].v);
        }
}

/* Chinese quantities of every kind. */
static void
test_zh(void **state)
{
        check("下载量已突破3亿次，衍生模型数量超过10万个", EX_ZH, "3亿次", "count", 3e8,
              "downloads");
        check("会投入3800亿元人民币用以AI基础设施建设", EX_ZH, "3800亿元人民币", "money", 3.8e11,
              "CNY");
        check("完成一轮超过10亿美元的融资", EX_ZH, "10亿美元", "money", 1e9, "USD");
        check("出资人民币13491万元投资", EX_ZH, "人民币13491万元", "money", 1.3491e8, "CNY");
        check("月度活跃用户数便突破了3000万", EX_ZH, "3000万", "count", 3e7, "users");
        check("达到原有规模的十倍", EX_ZH, "十倍", "multiple", 10, "x");
        check("增长了137倍", EX_ZH, "137倍", "multiple", 137, "x");
        check("成功地跻身于全球前三", EX_ZH, "前三", "rank", 3, "rank");
        check("下载量于全球范围内已处于首位", EX_ZH, "首位", "rank", 1, "rank");
        check("登上免费榜第一名", EX_ZH, "第一", "rank", 1, "rank");
        check("仅仅用了23天时间", EX_ZH, "23天", "duration", 23, "day");
        check("市场份额达到50%", EX_ZH, "50%", "percent", 50, "%");
        check("扩展至3万卡", EX_ZH, "3万卡", "count", 3e4, "chips");
        check("开源了6个小模型", EX_ZH, "6个", "count", 6, "models");
}

/* English quantities. */
static void
test_en(void **state)
{
        check("agreed to pay $1.5 billion to settle", EX_EN, "$1.5 billion", "money", 1.5e9, "USD");
        check("raised $6.6 billion in", EX_EN, "$6.6 billion", "money", 6.6e9, "USD");
        check("roughly $3,000 per work", EX_EN, "$3,000", "money", 3000, "USD");
        check("has 30 million users now", EX_EN, "30 million users", "count", 3e7, "users");
        check("covers about 500,000 books", EX_EN, "500,000 books", "count", 5e5, "books");
        check("usage grew more than tenfold", EX_EN, "tenfold", "multiple", 10, "x");
        check("joined the top three", EX_EN, "top three", "rank", 3, "rank");
        check("revenue up 69% from", EX_EN, "69%", "percent", 69, "%");
        check("over the next four years", EX_EN, "four years", "duration", 4, "year");
        check("more than 1.3 million GPUs", EX_EN, "1.3 million GPUs", "count", 1.3e6, "gpus");
        check("fined it 500 million euros on", EX_EN, "500 million euros", "money", 5e8, "EUR");
        check("raised €600 million in", EX_EN, "€600 million", "money", 6e8, "EUR");
        check("for 2 trillion won in", EX_EN, "2 trillion won", "money", 2e12, "KRW");
        check("for 300 billion yen, it said", EX_EN, "300 billion yen", "money", 3e11, "JPY");
        check("aims to double its revenue", EX_EN, "double", "multiple", 2, "x");
        check("took second place on the chart", EX_EN, "second place", "rank", 2, "rank");
        check("downloaded more than 100 million times", EX_EN, "100 million times", "count", 1e8,
              "downloads");
}

/* Every first word of the English lists starts a quantity (the scan looks
 * each word up in quant_en_words and tries only the lists it starts). */
static void
test_en_first_words(void **state)
{
        static const struct {
                const char *w;
                double v;
        } fold[] = {{"twofold", 2},       {"threefold", 3},     {"fourfold", 4}, {"fivefold", 5},
                    {"tenfold", 10},      {"hundredfold", 100}, {"doubled", 2},  {"tripled", 3},
                    {"nearly triple", 3}, {"doubling", 2},      {"tripling", 3}, {"double", 2},
                    {"triple", 3}},
          rank[] = {
              {"first place", 1},   {"number one", 1},   {"No. 1", 1},        {"ranked first", 1},
              {"top spot", 1},      {"top-ranked", 1},   {"second place", 2}, {"third place", 3},
              {"No. 2", 2},         {"No. 3", 3},        {"number two", 2},   {"number three", 3},
              {"ranked second", 2}, {"ranked third", 3}, {"second spot", 2},  {"top three", 3}};
        static const char *numbers[] = {
            "zero",     "one",     "two",     "three",     "four",     "five",     "six",
            "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
            "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
        char s[80], want[40];
        for (size_t i = 0; i < sizeof fold / sizeof fold[0]; i++) {
                snprintf(s, sizeof s, "Sales %s in a year.", fold[i].w);
                check(s, EX_EN, fold[i].w, "multiple", fold[i].v, "x");
        }
        for (size_t i = 0; i < sizeof rank / sizeof rank[0]; i++) {
                snprintf(s, sizeof s, "It took %s on the chart.", rank[i].w);
                check(s, EX_EN, rank[i].w, "rank", rank[i].v, "rank");
        }
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
                snprintf(want, sizeof want, "%s days", numbers[i]);
                snprintf(s, sizeof s, "It took %s to ship.", want);
                check(s, EX_EN, want, "duration", (double)i, "day");
        }
}

/* English words are looked up whole and in either case: a word that only
 * begins like one of the lists starts no quantity. */
static void
test_en_words_whole(void **state)
{
        check("Sales DOUBLED in a year.", EX_EN, "DOUBLED", "multiple", 2, "x");
        check("It took Third Place on the chart.", EX_EN, "Third Place", "rank", 3, "rank");
        check("It took Seven Days to ship.", EX_EN, "Seven Days", "duration", 7, "day");
        assert_int_equal(count("Tenfolds of Topaz, Nobody, Sevenths, Oneness days", EX_EN), 0);
        assert_int_equal(count("Someone took twentytwo days and notwo weeks", EX_EN), 0);
}

/* Quantities rendered for summaries. */
static void
test_display(void **state)
{
        static const struct {
                struct ex_qty q;
                const char *want;
        } w[] = {
            {{0, 0, "money", 8e9, "USD"}, "$8 billion"},
            {{0, 0, "money", 4.41e10, "USD"}, "$44.1 billion"},
            {{0, 0, "money", 6e8, "EUR"}, "€600 million"},
            {{0, 0, "money", 3.8e11, "CNY"}, "380 billion yuan"},
            {{0, 0, "count", 5e8, "users"}, "500 million users"},
            {{0, 0, "count", 300000, "customers"}, "300,000 customers"},
            {{0, 0, "rank", 1, "rank"}, "#1"},
            {{0, 0, "percent", 69, "%"}, "69%"},
            {{0, 0, "multiple", 10, "x"}, "10x"},
            {{0, 0, "duration", 3, "month"}, "3 months"},
        };
        for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
                struct ex_buf b = {0};
                quant_display(&w[i].q, &b);
                assert_string_equal(b.data, w[i].want);
                free(b.data);
        }
}

/* Names and dates are no quantities. */
static void
test_not_quantities(void **state)
{
        assert_int_equal(count("GLM-4.5和Qwen3发布", EX_ZH), 0);
        assert_int_equal(count("在2024年8月", EX_ZH), 0);
        assert_int_equal(count("iOS 18.1 and the H20 chip", EX_EN), 0);
        assert_int_equal(count("一款新模型", EX_ZH), 0);
        assert_int_equal(count("double-digit growth", EX_EN), 0);
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_numbers),
            cmocka_unit_test(test_zh_runs),
            cmocka_unit_test(test_spans),
            cmocka_unit_test(test_zh),
            cmocka_unit_test(test_en),
            cmocka_unit_test(test_not_quantities),
            cmocka_unit_test(test_display),
            cmocka_unit_test(test_en_first_words),
            cmocka_unit_test(test_en_words_whole),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
