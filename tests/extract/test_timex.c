/* test_timex.c — Chinese and English time expressions against Published. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

/* The value of the first time in s (lang, published pub, future or not). */
static void
check(const char *s, int lang, const char *pub, bool future, const char *want_text,
      const char *want)
{
        struct text t;
        text_init(&t, th_extractor(), s, strlen(s), lang);
        struct ex_date d;
        timex_parse_date(pub, &d);
        struct ex_time *tm = NULL;
        size_t n = 0, cap = 0;
        timex_scan(&t, lang, &d, 0, t.len, &tm, &n, &cap);
        if (n == 0)
                fail_msg("no time in \"%s\"", s);
        char buf[32];
        timex_value(&tm[0], &d, future, buf, sizeof buf);
        char *text = ex_xstrndup(t.s + tm[0].start, tm[0].end - tm[0].start);
        if (strcmp(text, want_text) != 0 || strcmp(buf, want) != 0)
                fail_msg("\"%s\": got %s = \"%s\", want %s = \"%s\"", s, text, buf, want_text,
                         want);
        free(text);
        free(tm);
        text_free(&t);
}

/* Absolute Chinese dates at their precision. */
static void
test_zh_absolute(void **state)
{
        check("在2024年8月,衍生模型", EX_ZH, "2025-12-11", false, "2024年8月", "2024-08");
        check("自2025年11月17日开启公测", EX_ZH, "2025-12-11", false, "2025年11月17日",
              "2025-11-17");
        check("计划在二零三二年时", EX_ZH, "2025-12-11", false, "二零三二年", "2032");
        check("在２０２５年“开源年”", EX_ZH, "2025-08-04", false, "2025年", "2025");
        check("成立于2023年3月的月之暗面", EX_ZH, "2025-07-15", false, "2023年3月", "2023-03");
}

/* Relative Chinese times resolve against Published. */
static void
test_zh_relative(void **state)
{
        check("正筹划于明年春天推出", EX_ZH, "2025-12-11", true, "明年春天", "2026-21");
        check("Meta在今年开展", EX_ZH, "2025-12-11", false, "今年", "2025");
        check("去年12月底发布", EX_ZH, "2025-02-08", false, "去年12月", "2024-12");
        check("彭博社于12月10日进行报道", EX_ZH, "2025-12-11", false, "12月10日", "2025-12-10");
        check("通义千问在10月份时", EX_ZH, "2025-12-11", false, "10月份", "2025-10");
        check("已于本月3日上线", EX_ZH, "2025-02-17", false, "本月3日", "2025-02-03");
        check("上月27日,应用登顶", EX_ZH, "2025-02-08", false, "上月27日", "2025-01-27");
        check("上个月发布", EX_ZH, "2025-01-15", false, "上个月", "2024-12");
        check("计划在年底前推出", EX_ZH, "2025-06-10", true, "年底", "2025");
        check("去年年底推出了", EX_ZH, "2025-06-10", false, "去年", "2024");
        check("昨日,百度搜索", EX_ZH, "2025-02-17", false, "昨日", "2025-02-16");
        check("本周三,字节跳动", EX_ZH, "2025-06-13", false, "本周三", "2025-06-11");
        check("上周五正式发布", EX_ZH, "2025-07-15", false, "上周五", "2025-07-11");
        check("计划在今年第四季度正式推出", EX_ZH, "2025-07-15", true, "今年第四季度", "2025-36");
        check("今年上半年", EX_ZH, "2025-07-15", false, "今年上半年", "2025-40");
}

/* Month-day without a year: back for facts, forward for plans. */
static void
test_zh_implied_year(void **state)
{
        check("将于6月30日起开源", EX_ZH, "2025-02-17", true, "6月30日", "2025-06-30");
        check("于12月20日发布", EX_ZH, "2025-02-17", false, "12月20日", "2024-12-20");
        check("将于1月发布", EX_ZH, "2025-11-17", true, "1月", "2026-01");
}

/* Vague times give text but no value. */
static void
test_vague(void **state)
{
        check("近期,阿里巴巴发布了", EX_ZH, "2025-12-11", false, "近期", "");
        check("The company recently said", EX_EN, "2025-12-11", false, "recently", "");
        check("今年发布", EX_ZH, NULL, false, "今年", "");
}

/* English dates. */
static void
test_en(void **state)
{
        check("according to a court filing on Friday", EX_EN, "2025-09-06", false, "Friday",
              "2025-09-05");
        check("said on Tuesday that it had raised", EX_EN, "2025-09-06", false, "Tuesday",
              "2025-09-02");
        check("sued Anthropic last year", EX_EN, "2025-09-06", false, "last year", "2024");
        check("In June, Alsup ruled", EX_EN, "2025-09-06", false, "June", "2025-06");
        check("released it in October with iOS", EX_EN, "2025-03-21", false, "October", "2024-10");
        check("is expected to preview it in June", EX_EN, "2025-03-21", true, "June", "2025-06");
        check("on Dec. 10 it said", EX_EN, "2025-12-11", false, "Dec. 10", "2025-12-10");
        check("by March 2025 the lab", EX_EN, "2025-12-11", false, "March 2025", "2025-03");
        check("launch next spring", EX_EN, "2025-12-11", true, "next spring", "2026-21");
        check("revenue last quarter rose", EX_EN, "2025-05-29", false, "last quarter", "2025-33");
        check("founded in 2015 by", EX_EN, "2025-05-29", false, "2015", "2015");
        check("on December 3, 2024 the firm", EX_EN, "2025-05-29", false, "December 3, 2024",
              "2024-12-03");
}

/* "may" is a verb unless it is dated. */
static void
test_may(void **state)
{
        struct text t;
        const char *s = "The company may sell chips.";
        text_init(&t, th_extractor(), s, strlen(s), EX_EN);
        struct ex_date d;
        timex_parse_date("2025-05-01", &d);
        struct ex_time *tm = NULL;
        size_t n = 0, cap = 0;
        timex_scan(&t, EX_EN, &d, 0, t.len, &tm, &n, &cap);
        assert_int_equal(n, 0);
        free(tm);
        text_free(&t);
        check("In May, OpenAI agreed", EX_EN, "2025-07-03", false, "May", "2025-05");
}

/* English parts of a year, day-first dates, weekdays ahead of a plan. */
static void
test_en_parts(void **state)
{
        check("release it in the third quarter.", EX_EN, "2025-06-10", true, "the third quarter",
              "2025-35");
        check("revenue in the first quarter rose", EX_EN, "2025-06-10", false, "the first quarter",
              "2025-33");
        check("to ship in the first quarter.", EX_EN, "2025-06-10", true, "the first quarter",
              "2026-33");
        check("in the fourth quarter of 2026.", EX_EN, "2025-06-10", true,
              "the fourth quarter of 2026", "2026-36");
        check("expected in Q4 2025, it said", EX_EN, "2025-06-10", true, "Q4 2025", "2025-36");
        check("in the second half of 2025.", EX_EN, "2025-06-10", true, "the second half of 2025",
              "2025-41");
        check("sales in H1 2025 fell", EX_EN, "2025-06-10", false, "H1 2025", "2025-40");
        check("launched in the summer of 2024.", EX_EN, "2025-06-10", false, "the summer of 2024",
              "2024-22");
        check("due in spring 2026", EX_EN, "2025-06-10", true, "spring 2026", "2026-21");
        check("to launch in the spring, it said", EX_EN, "2025-06-10", true, "the spring",
              "2026-21");
        check("released on 25 March 2025.", EX_EN, "2025-06-10", false, "25 March 2025",
              "2025-03-25");
        check("by the end of the year.", EX_EN, "2025-06-10", true, "the end of the year", "2025");
        check("expects to end the year with 1.3 million GPUs", EX_EN, "2025-07-03", true,
              "end the year", "2025");
        check("in fiscal 2026, it said", EX_EN, "2025-06-10", true, "2026", "2026");
        check("in mid-2024 the firm", EX_EN, "2025-06-10", false, "2024", "2024");
        /* Published 2025-06-10 is a Tuesday */
        check("will release it on Friday.", EX_EN, "2025-06-10", true, "Friday", "2025-06-13");
        check("released it on Friday.", EX_EN, "2025-06-10", false, "Friday", "2025-06-06");
}

/* Words that look like parts of a year but are none. */
static void
test_en_not_parts(void **state)
{
        const char *s[] = {"Shares fall on the news.", "It sold H100 chips.",
                           "The spring release was fine."};
        for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
                struct text t;
                text_init(&t, th_extractor(), s[i], strlen(s[i]), EX_EN);
                struct ex_date d;
                timex_parse_date("2025-06-10", &d);
                struct ex_time *tm = NULL;
                size_t n = 0, cap = 0;
                timex_scan(&t, EX_EN, &d, 0, t.len, &tm, &n, &cap);
                if (n != 0)
                        fail_msg("a time in \"%s\"", s[i]);
                free(tm);
                text_free(&t);
        }
}

/* Whether some time of s in lang has the text want (Published 2025-06-10). */
static bool
has_time(const char *s, int lang, const char *want)
{
        struct text t;
        text_init(&t, th_extractor(), s, strlen(s), lang);
        struct ex_date d;
        timex_parse_date("2025-06-10", &d);
        struct ex_time *tm = NULL;
        size_t n = 0, cap = 0;
        timex_scan(&t, lang, &d, 0, t.len, &tm, &n, &cap);
        bool found = false;
        for (size_t i = 0; i < n; i++)
                found |= tm[i].end - tm[i].start == strlen(want) &&
                         memcmp(t.s + tm[i].start, want, strlen(want)) == 0;
        free(tm);
        text_free(&t);
        return found;
}

/* Every first word of the English lists starts a time (the scan looks each
 * word up in timex_en_words and tries only the lists it starts). */
static void
test_en_first_words(void **state)
{
        /* clang-format off */
        static const char *times[] = {
            "April 2024", "Apr. 2024", "August 2024", "Aug. 2024",
            "autumn 2024", "December 2024", "Dec. 2024", "end the year",
            "earlier this year", "first quarter", "fourth quarter", "fall 2024",
            "February 2024", "Feb. 2024", "Friday", "H1 2025",
            "January 2024", "Jan. 2024", "June 2024", "Jun. 2024",
            "July 2024", "Jul. 2024", "last year", "later this year",
            "March 2024", "Mar. 2024", "May 2024", "Monday",
            "November 2024", "Nov. 2024", "next year", "October 2024",
            "Oct. 2024", "Q4 2025", "recently", "second quarter",
            "spring 2024", "summer 2024", "September 2024", "Sept. 2024",
            "Sep. 2024", "Saturday", "Sunday", "soon",
            "the third quarter", "third quarter", "this year", "today",
            "tomorrow", "Tuesday", "Thursday", "winter 2024",
            "Wednesday", "year-end", "yesterday",
        };
        /* clang-format on */
        for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
                char s[64];
                snprintf(s, sizeof s, "It happened %s, they said.", times[i]);
                if (!has_time(s, EX_EN, times[i]))
                        fail_msg("no time \"%s\" in \"%s\"", times[i], s);
        }
}

/* English words are looked up whole and in either case: a word that only
 * begins like one of the lists starts no time. */
static void
test_en_words_whole(void **state)
{
        if (!has_time("It happened in MARCH 2024, they said.", EX_EN, "MARCH 2024") ||
            !has_time("YESTERDAY, they said.", EX_EN, "YESTERDAY") ||
            !has_time("It shipped The Third Quarter.", EX_EN, "The Third Quarter"))
                fail_msg("a time in capitals missed");
        const char *none[] = {"Marchers met; Mayday.", "Thesis on Mondays, Todays, Soonish.",
                              "Septembers and Decembers come", "Lastly thistle nextdoor",
                              "Autumnwintersummerspring 2024"};
        for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
                struct text t;
                text_init(&t, th_extractor(), none[i], strlen(none[i]), EX_EN);
                struct ex_date d;
                timex_parse_date("2025-06-10", &d);
                struct ex_time *tm = NULL;
                size_t n = 0, cap = 0;
                timex_scan(&t, EX_EN, &d, 0, t.len, &tm, &n, &cap);
                if (n != 0)
                        fail_msg("a time in \"%s\"", none[i]);
                free(tm);
                text_free(&t);
        }
}

/* Every word of the Chinese lists is found from its first character (the
 * scan tries at a character only the kinds of TIMEX_ZH_LEADS it starts). */
static void
test_zh_every_lead(void **state)
{
        /* clang-format off */
        static const char *times[] = {
            "今年", "本年", "去年", "明年", "前年", "后年", "年底", "年内", "年末",
            "本月", "这个月", "当月", "上个月", "上月", "下个月", "下月", "同月",
            "昨日", "昨天", "今天", "今日", "前天", "明天", "明日", "前一天",
            "本周三", "这周三", "上周五", "下周一", "周二", "星期二", "礼拜二", "周末",
            "二零三二年", "二〇二五年", "一九九九年", "十月", "十二月", "两月", "三月份", "五月一日",
            "六月", "七月", "八月", "九月", "四月", "10月份", "2024年",
            "近期", "近日", "日前", "最近", "不久前", "近年来", "未来", "此前", "随后", "目前",
        };
        /* clang-format on */
        for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
                char s[64];
                snprintf(s, sizeof s, "他们说%s，发布了", times[i]);
                if (!has_time(s, EX_ZH, times[i]))
                        fail_msg("no time \"%s\" in \"%s\"", times[i], s);
        }
}

/* Broken UTF-8 before a time (normalised to U+FFFD by text.c) hides nothing. */
static void
test_broken_utf8(void **state)
{
        if (!has_time("\xe4"
                      "2024年8月发布",
                      EX_ZH, "2024年8月") ||
            !has_time("发\xe5\x8f"
                      "2024年8月",
                      EX_ZH, "2024年8月") ||
            !has_time("\xe6\x98今年", EX_ZH, "今年"))
                fail_msg("a time after broken UTF-8 missed");
        if (has_time("年\xe5", EX_ZH, "年\xe5"))
                fail_msg("a time in a broken character");
}

/* A time after a run of any length of other Chinese characters, at the end
 * of the text or not (the skip steps over two characters at a time). */
static void
test_zh_runs(void **state)
{
        for (int k = 0; k < 8; k++) {
                char s[64] = "";
                for (int j = 0; j < k; j++)
                        strcat(s, "的");
                strcat(s, "今年");
                if (!has_time(s, EX_ZH, "今年"))
                        fail_msg("no time at the end of \"%s\"", s);
                strcat(s, "发布");
                if (!has_time(s, EX_ZH, "今年"))
                        fail_msg("no time in \"%s\"", s);
        }
}

/* Values rendered for summaries. */
static void
test_display(void **state)
{
        char buf[48];
        timex_display("2026-21", buf, sizeof buf);
        assert_string_equal(buf, "spring 2026");
        timex_display("2025-35", buf, sizeof buf);
        assert_string_equal(buf, "Q3 2025");
        timex_display("2025-41", buf, sizeof buf);
        assert_string_equal(buf, "H2 2025");
        timex_display("2025-06", buf, sizeof buf);
        assert_string_equal(buf, "June 2025");
        timex_display("2025-06-10", buf, sizeof buf);
        assert_string_equal(buf, "June 10, 2025");
        timex_display("2025", buf, sizeof buf);
        assert_string_equal(buf, "2025");
        /* other forms as they are, cut to fit */
        timex_display("", buf, sizeof buf);
        assert_string_equal(buf, "");
        timex_display("2025-99", buf, sizeof buf);
        assert_string_equal(buf, "2025-99");
        char small[4];
        timex_display("2025", small, sizeof small);
        assert_string_equal(small, "202");
}

int
main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_zh_absolute),
            cmocka_unit_test(test_zh_runs),
            cmocka_unit_test(test_zh_relative),
            cmocka_unit_test(test_zh_implied_year),
            cmocka_unit_test(test_vague),
            cmocka_unit_test(test_en),
            cmocka_unit_test(test_may),
            cmocka_unit_test(test_en_parts),
            cmocka_unit_test(test_en_not_parts),
            cmocka_unit_test(test_en_first_words),
            cmocka_unit_test(test_en_words_whole),
            cmocka_unit_test(test_zh_every_lead),
            cmocka_unit_test(test_broken_utf8),
            cmocka_unit_test(test_display),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
