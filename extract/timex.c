/*
 * timex.c — time expressions, Chinese and English, normalised to ISO 8601 /
 * EDTF against the article's Published date.
 *
 * Absolute: 2024年8月, 2025年11月17日, 二零三二年, March 2025, Dec. 10, 2025.
 * Relative to Published: 今年, 明年春天 (→ 2026-21), 上个月, 本月3日, 上周五,
 * 昨日, 10月份 (year implied), last year, next spring, last quarter, on Tuesday.
 * Vague (近期, recently) are kept as text with no value.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long
timex_days(int y, int m, int d)
{
        y -= m <= 2;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* The civil date of a day count. */
static void
timex_civil(long z, int *y, int *m, int *d)
{
        z += 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        *d = (int)(doy - (153 * mp + 2) / 5 + 1);
        *m = (int)(mp < 10 ? mp + 3 : mp - 9);
        *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day of week, 1 = Monday ... 7 = Sunday. */
static int
timex_wday(long days)
{
        long w = (days + 3) % 7; /* 1970-01-01 was a Thursday (3 with Monday 0) */
        if (w < 0)
                w += 7;
        return (int)w + 1;
}

/* Read the digits of s[0..n) as a number, or -1 when one is no digit. */
static int
timex_dec(const char *s, size_t n)
{
        int v = 0;
        for (size_t k = 0; k < n; k++) {
                if (s[k] < '0' || s[k] > '9')
                        return -1;
                v = v * 10 + (s[k] - '0');
        }
        return v;
}

void
timex_parse_date(const char *s, struct ex_date *d)
{
        memset(d, 0, sizeof *d);
        if (s == NULL)
                return;
        int y = 0, m = 0, dd = 0, n;
        /* the usual YYYY-MM-DD by hand, as sscanf reads it; the rest by sscanf */
        if ((y = timex_dec(s, 4)) >= 0 && s[4] == '-' && (m = timex_dec(s + 5, 2)) >= 0 &&
            s[7] == '-' && (dd = timex_dec(s + 8, 2)) >= 0) {
                n = 3;
        } else {
                y = m = dd = 0;
                n = sscanf(s, "%4d-%2d-%2d", &y, &m, &dd);
        }
        if (n >= 1 && y >= 1900 && y <= 2200) {
                d->y = y;
                if (m >= 1 && m <= 12) {
                        d->m = m;
                        if (dd >= 1 && dd <= 31)
                                d->d = dd;
                }
        }
}

/* The value of a Chinese digit 零一二三四五六七八九, or -1. */
static int
timex_zh_digit(uint32_t cp)
{
        switch (cp) {
        case 0x96f6: /* 零 */
                return 0;
        case 0x4e00: /* 一 */
                return 1;
        case 0x4e8c: /* 二 */
                return 2;
        case 0x4e09: /* 三 */
                return 3;
        case 0x56db: /* 四 */
                return 4;
        case 0x4e94: /* 五 */
                return 5;
        case 0x516d: /* 六 */
                return 6;
        case 0x4e03: /* 七 */
                return 7;
        case 0x516b: /* 八 */
                return 8;
        case 0x4e5d: /* 九 */
                return 9;
        default:
                return -1;
        }
}

/* The value of a small Chinese or Arabic number (1..9999) at s[i]; its length or 0. */
static size_t
timex_small(const char *s, size_t len, size_t i, int *v)
{
        size_t j = i;
        int n = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9' && j - i < 4) {
                n = n * 10 + (s[j] - '0');
                j++;
        }
        if (j > i && !(j < len && s[j] >= '0' && s[j] <= '9')) {
                *v = n;
                return j - i;
        }
        /* Chinese: 一..九, 两, 十, 十二, 二十三 */
        int total = 0, cur = 0;
        bool any = false;
        j = i;
        for (;;) {
                uint32_t cp = ex_cp3(s, len, j);
                int d = cp == 0x4e24 /* 两 */ ? 2 : timex_zh_digit(cp);
                if (d >= 0) {
                        cur = d;
                } else if (cp == 0x5341 /* 十 */) {
                        total += (cur ? cur : 1) * 10;
                        cur = 0;
                } else {
                        break;
                }
                any = true;
                j += 3;
        }
        if (!any)
                return 0;
        *v = total + cur;
        return j - i;
}

/* A Chinese-digit year (二零三二年 → 2032) at s[i], digit by digit; length or 0. */
static size_t
timex_zh_year(const char *s, size_t len, size_t i, int *y)
{
        size_t j = i;
        int v = 0, n = 0;
        while (n < 4) {
                uint32_t cp = ex_cp3(s, len, j);
                int d = cp == 0x3007 /* 〇 */ ? 0 : timex_zh_digit(cp);
                if (d < 0)
                        break;
                v = v * 10 + d;
                n++;
                j += 3;
        }
        if (n != 4 || ex_cp3(s, len, j) != 0x5e74 /* 年 */)
                return 0;
        *y = v;
        return j + 3 - i;
}

/* Whether s[i..] starts with lit; its length or 0. Byte by byte: most
 * calls fail within a character. */
static inline size_t
timex_lit(const char *s, size_t len, size_t i, const char *lit)
{
        size_t n = 0;
        for (; lit[n] != '\0'; n++)
                if (i + n >= len || s[i + n] != lit[n])
                        return 0;
        return n;
}

/* Append a time. */
static void
timex_push(struct ex_time **out, size_t *n, size_t *cap, const struct ex_time *tm)
{
        if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *out = ex_xrealloc(*out, *cap * sizeof **out);
        }
        (*out)[(*n)++] = *tm;
}

/* Set tm to the date pub + delta days. */
static void
timex_shift(struct ex_time *tm, const struct ex_date *pub, long delta)
{
        if (pub->d == 0) {
                tm->prec = TP_VAGUE;
                return;
        }
        timex_civil(timex_days(pub->y, pub->m, pub->d) + delta, &tm->y, &tm->m, &tm->d);
        tm->prec = TP_DAY;
}

/* Set tm to weekday wd (1..7) of the week weeks from pub's week (0 this week). */
static void
timex_weekday(struct ex_time *tm, const struct ex_date *pub, int wd, int weeks, bool past)
{
        if (pub->d == 0) {
                tm->prec = TP_VAGUE;
                return;
        }
        long p = timex_days(pub->y, pub->m, pub->d);
        int pw = timex_wday(p);
        long day;
        if (weeks == 0 && past) {
                /* bare weekday: the most recent one, Published included */
                day = p - ((pw - wd + 7) % 7);
        } else {
                day = p - (pw - 1) + 7 * weeks + (wd - 1);
        }
        timex_civil(day, &tm->y, &tm->m, &tm->d);
        tm->prec = TP_DAY;
}

/* Whether a season, quarter or half of timex_zh_tail can start at s[i]: Q or
 * one of 春夏秋冬第一二三四上下 (most tails are a month or nothing). */
static bool
timex_season_lead(const char *s, size_t len, size_t i)
{
        if (i < len && s[i] == 'Q')
                return true;
        switch (ex_cp3(s, len, i)) {
        case 0x6625: /* 春 */
        case 0x590f: /* 夏 */
        case 0x79cb: /* 秋 */
        case 0x51ac: /* 冬 */
        case 0x7b2c: /* 第 */
        case 0x4e00: /* 一 */
        case 0x4e8c: /* 二 */
        case 0x4e09: /* 三 */
        case 0x56db: /* 四 */
        case 0x4e0a: /* 上 */
        case 0x4e0b: /* 下 */
                return true;
        default:
                return false;
        }
}

/* Chinese month-day tail after a year: 8月, 8月17日, 春天, 第四季度; returns length. */
static size_t
timex_zh_tail(const char *s, size_t len, size_t i, struct ex_time *tm)
{
        size_t j = i, n;
        int v;
        static const struct {
                const char *w;
                int sub;
        } seasons[] = {{"春天", 21},     {"春季", 21},   {"夏天", 22},     {"夏季", 22},
                       {"秋天", 23},     {"秋季", 23},   {"冬天", 24},     {"冬季", 24},
                       {"第一季度", 33}, {"一季度", 33}, {"第二季度", 34}, {"二季度", 34},
                       {"第三季度", 35}, {"三季度", 35}, {"第四季度", 36}, {"四季度", 36},
                       {"上半年", 40},   {"下半年", 41}, {"Q1", 33},       {"Q2", 34},
                       {"Q3", 35},       {"Q4", 36}};
        bool season = timex_season_lead(s, len, j);
        for (size_t k = 0; season && k < sizeof seasons / sizeof seasons[0]; k++) {
                if ((n = timex_lit(s, len, j, seasons[k].w)) > 0) {
                        tm->sub = seasons[k].sub;
                        tm->prec = TP_SUB;
                        return j + n - i;
                }
        }
        if ((n = timex_small(s, len, j, &v)) > 0 && v >= 1 && v <= 12 &&
            timex_lit(s, len, j + n, "月") > 0) {
                tm->m = v;
                tm->prec = TP_MONTH;
                j += n + 3;
                if ((n = timex_lit(s, len, j, "份")) > 0)
                        j += n;
                int dd;
                size_t n2;
                if ((n2 = timex_small(s, len, j, &dd)) > 0 && dd >= 1 && dd <= 31 &&
                    (timex_lit(s, len, j + n2, "日") || timex_lit(s, len, j + n2, "号"))) {
                        tm->d = dd;
                        tm->prec = TP_DAY;
                        j += n2 + 3;
                }
                return j - i;
        }
        return 0;
}

/* What a Chinese time can be, by its first character: timex_zh tries only
 * the kinds its first character allows (TIMEX_ZH_LEADS). */
enum {
        TZ_ARABIC = 1 << 0,    /* 2024年...: an ASCII digit */
        TZ_ZHYEAR = 1 << 1,    /* 二零三二年: 零一二三四五六七八九〇 */
        TZ_YEARS = 1 << 2,     /* 今年 本年 去年 明年 前年 后年 */
        TZ_YEARPART = 1 << 3,  /* 年底 年内 年末 */
        TZ_MONTHS = 1 << 4,    /* 本月 这个月 当月 上个月 上月 下个月 下月 */
        TZ_SAMEMONTH = 1 << 5, /* 同月 */
        TZ_DAYS = 1 << 6,      /* 昨日 昨天 今天 今日 前天 明天 明日 前一天 */
        TZ_WEEKS = 1 << 7,     /* 本周 这周 上周 下周 周 星期 礼拜 */
        TZ_MONTHDAY = 1 << 8,  /* 10月份, 12月10日: a number of timex_small */
        TZ_VAGUE = 1 << 9,     /* 近期 最近 目前...: no value */
};

/* The characters after a Chinese numeral that let it start a time: a year
 * of Chinese digits goes on with 零..九 or 〇 (二零三二年), a month with
 * 零..九, 两, 十 or 月 (十二月, 三月; timex_small, then 月):
 * 零一二三四五六七八九〇两十月. Most numerals (一个, 三家) start none. */
/* clang-format off */
#define TIMEX_ZH_NUMERAL_NEXT(X, a) \
        X(0x96f6, a) X(0x4e00, a) X(0x4e8c, a) X(0x4e09, a) X(0x56db, a) X(0x4e94, a) \
        X(0x516d, a) X(0x4e03, a) X(0x516b, a) X(0x4e5d, a) X(0x3007, a) X(0x4e24, a) \
        X(0x5341, a) X(0x6708, a)
/* clang-format on */

/* The characters after the first one of a word of timex_zh's lists
 * (TZ_YEARS to TZ_VAGUE) that can go on with one: the second characters of
 * their words, and the weekdays and 末 after 周 (keep in step with the
 * lists): 年底内末月个日天一二三四五六周期拜前近久来后. Most (上市, 日本,
 * 不同) cannot. */
/* clang-format off */
#define TIMEX_ZH_WORD_NEXT(X, a) \
        X(0x5e74, a) X(0x5e95, a) X(0x5185, a) X(0x672b, a) X(0x6708, a) X(0x4e2a, a) \
        X(0x65e5, a) X(0x5929, a) X(0x4e00, a) X(0x4e8c, a) X(0x4e09, a) X(0x56db, a) \
        X(0x4e94, a) X(0x516d, a) X(0x5468, a) X(0x671f, a) X(0x62dc, a) X(0x524d, a) \
        X(0x8fd1, a) X(0x4e45, a) X(0x6765, a) X(0x540e, a)
/* clang-format on */

/* Whether the character after a Chinese numeral at s[i] lets it start a
 * time (TIMEX_ZH_NUMERAL_NEXT). */
static bool
timex_zh_numeral_next(const char *s, size_t len, size_t i)
{
        switch (ex_cp3(s, len, i + 3)) {
                TIMEX_ZH_NUMERAL_NEXT(EX_CPSET_CASE, 0)
                return true;
        default:
                return false;
        }
}

/* Whether the character after the first one of a word of timex_zh's lists
 * at s[i] can go on with one (TIMEX_ZH_WORD_NEXT). */
static bool
timex_zh_word_next(const char *s, size_t len, size_t i)
{
        switch (ex_cp3(s, len, i + 3)) {
                TIMEX_ZH_WORD_NEXT(EX_CPSET_CASE, 0)
                return true;
        default:
                return false;
        }
}

/* Whether a Chinese time whose first character at s[i] allows the kinds g
 * (TZ_YEARS to TZ_VAGUE, or TZ_ZHYEAR and TZ_MONTHDAY: never both) can go
 * on with the next character: timex_zh_numeral_next for a numeral,
 * timex_zh_word_next for the first character of a word of the lists. */
static inline bool
timex_zh_next(const char *s, size_t len, size_t i, unsigned g)
{
        if ((g & ~(unsigned)(TZ_ZHYEAR | TZ_MONTHDAY)) == 0)
                return timex_zh_numeral_next(s, len, i);
        if ((g & (TZ_ZHYEAR | TZ_MONTHDAY)) == 0)
                return timex_zh_word_next(s, len, i);
        return true;
}

/* Whether the character at s[j], after Arabic digits, lets them start a
 * Chinese time: 年 or a season (2024年, 2025春) or 月 (10月). */
static inline bool
timex_zh_after_digits(const char *s, size_t len, size_t j)
{
        switch (ex_cp3(s, len, j)) {
        case 0x5e74: /* 年 */
        case 0x6625: /* 春 */
        case 0x590f: /* 夏 */
        case 0x79cb: /* 秋 */
        case 0x51ac: /* 冬 */
        case 0x6708: /* 月 */
                return true;
        default:
                return false;
        }
}

/* Try a Chinese time at s[i], whose first character allows the kinds g (TZ_*)
 * and passed the scan's test of what follows it (timex_zh_next, or
 * timex_zh_after_digits at Arabic digits); fills tm and returns its length,
 * or 0. */
static size_t
timex_zh(const char *s, size_t len, size_t i, unsigned g, const struct ex_date *pub,
         struct ex_time *tm)
{
        size_t n, j;
        int v;
        memset(tm, 0, sizeof *tm);
        /* 2024年..., 二零三二年 */
        if (g & TZ_ARABIC) {
                int y = 0;
                j = i;
                while (j < len && s[j] >= '0' && s[j] <= '9' && j - i < 5)
                        y = y * 10 + (s[j++] - '0');
                if (j - i == 4 && y >= 1900 && y <= 2199 && j < len &&
                    (timex_lit(s, len, j, "年") || timex_lit(s, len, j, "春") ||
                     timex_lit(s, len, j, "夏") || timex_lit(s, len, j, "秋") ||
                     timex_lit(s, len, j, "冬"))) {
                        tm->y = y;
                        tm->prec = TP_YEAR;
                        if (timex_lit(s, len, j, "年"))
                                j += 3;
                        n = timex_zh_tail(s, len, j, tm);
                        return j + n - i;
                }
        }
        if ((g & TZ_ZHYEAR) && (n = timex_zh_year(s, len, i, &v)) > 0) {
                tm->y = v;
                tm->prec = TP_YEAR;
                return n + timex_zh_tail(s, len, i + n, tm);
        }
        /* Relative years. */
        static const struct {
                const char *w;
                int dy;
        } years[] = {{"今年", 0}, {"本年", 0},  {"去年", -1},
                     {"明年", 1}, {"前年", -2}, {"后年", 2}};
        for (size_t k = 0; (g & TZ_YEARS) && k < sizeof years / sizeof years[0]; k++) {
                if ((n = timex_lit(s, len, i, years[k].w)) > 0) {
                        if (pub->y == 0) {
                                tm->prec = TP_VAGUE;
                                return n;
                        }
                        tm->y = pub->y + years[k].dy;
                        tm->prec = TP_YEAR;
                        return n + timex_zh_tail(s, len, i + n, tm);
                }
        }
        /* 年底, 年内, 年末 alone (not after 去年/明年, which read them as their
         * tail): the year of Published */
        static const char *yearpart[] = {"年底", "年内", "年末"};
        for (size_t k = 0; (g & TZ_YEARPART) && k < sizeof yearpart / sizeof yearpart[0]; k++)
                if ((n = timex_lit(s, len, i, yearpart[k])) > 0 &&
                    !(i >= 3 && memcmp(s + i - 3, "年", 3) == 0)) {
                        if (pub->y == 0) {
                                tm->prec = TP_VAGUE;
                                return n;
                        }
                        tm->y = pub->y;
                        tm->prec = TP_YEAR;
                        return n;
                }
        /* Months: 本月3日, 上月27日, 上个月, 本月初 */
        static const struct {
                const char *w;
                int dm;
        } months[] = {{"本月", 0},  {"这个月", 0}, {"当月", 0}, {"上个月", -1},
                      {"上月", -1}, {"下个月", 1}, {"下月", 1}};
        for (size_t k = 0; (g & TZ_MONTHS) && k < sizeof months / sizeof months[0]; k++) {
                if ((n = timex_lit(s, len, i, months[k].w)) > 0) {
                        if (pub->m == 0) {
                                tm->prec = TP_VAGUE;
                                return n;
                        }
                        int m = pub->m + months[k].dm, y = pub->y;
                        if (m < 1) {
                                m += 12;
                                y--;
                        } else if (m > 12) {
                                m -= 12;
                                y++;
                        }
                        tm->y = y;
                        tm->m = m;
                        tm->prec = TP_MONTH;
                        int dd;
                        size_t n2;
                        if ((n2 = timex_small(s, len, i + n, &dd)) > 0 && dd >= 1 && dd <= 31 &&
                            (timex_lit(s, len, i + n + n2, "日") ||
                             timex_lit(s, len, i + n + n2, "号"))) {
                                tm->d = dd;
                                tm->prec = TP_DAY;
                                n += n2 + 3;
                        }
                        return n;
                }
        }
        if ((g & TZ_SAMEMONTH) && (n = timex_lit(s, len, i, "同月")) > 0) {
                tm->rel_month = true;
                tm->prec = TP_MONTH;
                return n;
        }
        /* Days. */
        static const struct {
                const char *w;
                int dd;
        } days[] = {{"昨日", -1}, {"昨天", -1}, {"今天", 0}, {"今日", 0},
                    {"前天", -2}, {"明天", 1},  {"明日", 1}, {"前一天", -1}};
        for (size_t k = 0; (g & TZ_DAYS) && k < sizeof days / sizeof days[0]; k++) {
                if ((n = timex_lit(s, len, i, days[k].w)) > 0) {
                        timex_shift(tm, pub, days[k].dd);
                        return n;
                }
        }
        /* Weekdays: 本周三, 上周五, 下周一, 周二, 星期二 */
        static const char *wdn[] = {"一", "二", "三", "四", "五", "六", "日"};
        static const struct {
                const char *w;
                int weeks;
        } weeks[] = {{"本周", 0}, {"这周", 0}, {"上周", -1}, {"下周", 1},
                     {"周", 0},   {"星期", 0}, {"礼拜", 0}};
        for (size_t k = 0; (g & TZ_WEEKS) && k < sizeof weeks / sizeof weeks[0]; k++) {
                if ((n = timex_lit(s, len, i, weeks[k].w)) == 0)
                        continue;
                for (int w = 0; w < 7; w++) {
                        if (timex_lit(s, len, i + n, wdn[w])) {
                                timex_weekday(tm, pub, w + 1, weeks[k].weeks, k >= 4);
                                return n + 3;
                        }
                }
                if (timex_lit(s, len, i + n, "末")) {
                        timex_weekday(tm, pub, 6, weeks[k].weeks, k >= 4);
                        return n + 3;
                }
                break;
        }
        /* A month without a year: 10月份, 12月10日; year implied. */
        if ((g & TZ_MONTHDAY) && (n = timex_zh_tail(s, len, i, tm)) > 0 && tm->prec >= TP_MONTH &&
            tm->prec != TP_SUB) {
                tm->y = pub->y;
                tm->year_implied = true;
                if (pub->y == 0)
                        tm->prec = TP_VAGUE;
                return n;
        }
        memset(tm, 0, sizeof *tm);
        static const char *vague[] = {"近期",   "近日", "日前", "最近", "不久前",
                                      "近年来", "未来", "此前", "随后", "目前"};
        for (size_t k = 0; (g & TZ_VAGUE) && k < sizeof vague / sizeof vague[0]; k++)
                if ((n = timex_lit(s, len, i, vague[k])) > 0) {
                        tm->prec = TP_VAGUE;
                        return n;
                }
        return 0;
}

/* Whether s[i..] starts with word w (case-insensitive, lowered text) at a word
 * end; its length or 0. Byte by byte and inline: most calls fail on the first
 * letters, and the scan makes many. */
static inline __attribute__((always_inline)) size_t
timex_word(const char *low, size_t len, size_t i, const char *w)
{
        if (i >= len || low[i] != w[0])
                return 0;
        size_t n = 1;
        for (; w[n] != '\0'; n++)
                if (i + n >= len || low[i + n] != w[n])
                        return 0;
        if (i + n < len &&
            ((low[i + n] >= 'a' && low[i + n] <= 'z') || (low[i + n] >= '0' && low[i + n] <= '9')))
                return 0;
        return n;
}

/* Skip spaces. */
static size_t
timex_sp(const char *s, size_t len, size_t i)
{
        while (i < len && s[i] == ' ')
                i++;
        return i;
}

/* An English month name at low[i]; its number in *m and length, or 0. */
static size_t
timex_month_name(const char *low, size_t len, size_t i, int *m)
{
        static const char *full[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};
        static const char *abbr[] = {"jan.", "feb.", "mar.",  "apr.", "may.", "jun.",
                                     "jul.", "aug.", "sept.", "oct.", "nov.", "dec."};
        /* the first letters of every name above: most words go no further */
        static const char first[256] = {
            ['j'] = 1, ['f'] = 1, ['m'] = 1, ['a'] = 1, ['s'] = 1, ['o'] = 1, ['n'] = 1, ['d'] = 1};
        size_t n;
        if (i >= len || !first[(unsigned char)low[i]])
                return 0;
        for (int k = 0; k < 12; k++) {
                if ((n = timex_word(low, len, i, full[k])) > 0) {
                        *m = k + 1;
                        return n;
                }
                if (i >= len || low[i] != abbr[k][0])
                        continue;
                size_t al = strlen(abbr[k]);
                if (i + al <= len && memcmp(low + i, abbr[k], al) == 0) {
                        *m = k + 1;
                        return al;
                }
        }
        if (i + 4 <= len && memcmp(low + i, "sep.", 4) == 0) {
                *m = 9;
                return 4;
        }
        return 0;
}

/* Read digits at s[i] (at most max); the count read, value in *v. */
static size_t
timex_digits(const char *s, size_t len, size_t i, size_t max, int *v)
{
        size_t j = i;
        *v = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9' && j - i < max)
                *v = *v * 10 + (s[j++] - '0');
        if (j < len && s[j] >= '0' && s[j] <= '9')
                return 0;
        return j - i;
}

/* A year after a quarter, half or season: " of 2026", " 2026", " of this
 * year", " of next year"; sets tm->y (year_implied cleared) and returns the
 * length read, or 0 (the year stays implied). */
static size_t
timex_en_year_tail(const char *low, size_t len, size_t i, const struct ex_date *pub,
                   struct ex_time *tm)
{
        size_t j = timex_sp(low, len, i), k;
        int v;
        if ((k = timex_word(low, len, j, "of")) > 0)
                j = timex_sp(low, len, j + k);
        if (j == i)
                return 0;
        if (timex_digits(low, len, j, 4, &v) == 4 && v >= 1900 && v < 2200) {
                tm->y = v;
                tm->year_implied = false;
                return j + 4 - i;
        }
        static const struct {
                const char *w;
                int delta;
        } rel[] = {{"this year", 0},
                   {"the year", 0},
                   {"next year", 1},
                   {"last year", -1},
                   {"the current year", 0}};
        for (size_t r = 0; r < sizeof rel / sizeof rel[0]; r++)
                if ((k = timex_word(low, len, j, rel[r].w)) > 0 && pub->y != 0) {
                        tm->y = pub->y + rel[r].delta;
                        tm->year_implied = false;
                        return j + k - i;
                }
        return 0;
}

/* Whether a preposition of time (in, during, by, until, over, through) ends
 * right before i, a space between. */
static bool
timex_en_after_prep(const char *low, size_t i)
{
        static const char *pre[] = {"in", "during", "by", "until", "over", "through", "for"};
        size_t b = i;
        while (b > 0 && low[b - 1] == ' ')
                b--;
        if (b == i)
                return false;
        for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
                size_t pl = strlen(pre[p]);
                if (b >= pl && memcmp(low + b - pl, pre[p], pl) == 0 &&
                    (b == pl || !(low[b - pl - 1] >= 'a' && low[b - pl - 1] <= 'z')))
                        return true;
        }
        return false;
}

/* English times relative to Published, tried at a word that starts one
 * (timex_en_relmask). */
struct timex_rel {
        const char *w;
        int kind; /* 0 year, 1 month, 2 day, 3 season, 4 quarter, 5 vague */
        int delta;
        int sub;
};
static const struct timex_rel timex_en_rel[] = {
    /* clang-format off */
    {"last year", 0, -1, 0},       {"this year", 0, 0, 0},
    {"next year", 0, 1, 0},        {"earlier this year", 0, 0, 0},
    {"later this year", 0, 0, 0},  {"last month", 1, -1, 0},
    {"this month", 1, 0, 0},       {"earlier this month", 1, 0, 0},
    {"next month", 1, 1, 0},       {"yesterday", 2, -1, 0},
    {"today", 2, 0, 0},            {"tomorrow", 2, 1, 0},
    {"next spring", 3, 1, 21},     {"this spring", 3, 0, 21},
    {"next summer", 3, 1, 22},     {"this summer", 3, 0, 22},
    {"next fall", 3, 1, 23},       {"this fall", 3, 0, 23},
    {"next autumn", 3, 1, 23},     {"this autumn", 3, 0, 23},
    {"next winter", 3, 1, 24},     {"this winter", 3, 0, 24},
    {"last quarter", 4, -1, 0},    {"this quarter", 4, 0, 0},
    {"the current quarter", 4, 0, 0}, {"next quarter", 4, 1, 0},
    {"recently", 5, 0, 0},         {"soon", 5, 0, 0},
    {"last week", 5, 0, 0},        {"in the coming year", 5, 0, 0},
    /* clang-format on */
};

/* The kinds of English time (TW_*) a word can start: the lists of timex_en
 * that have an entry beginning with the word. */
enum {
        TW_PART = 1 << 0,    /* timex_en_part: the, first, spring, q (q4), year (year-end)... */
        TW_MONTH = 1 << 1,   /* timex_month_name: march, mar (mar.), sept (sept.)... */
        TW_WEEKDAY = 1 << 2, /* monday ... sunday */
        TW_REL = 1 << 3,     /* timex_en_rel: last, this, next, today, recently... */
        TW_CLOSE = 1 << 4,   /* close: a part of a year after "the" (close the year) */
        TW_START = TW_PART | TW_MONTH | TW_WEEKDAY | TW_REL, /* where the scan tries */
};

/* Every word an English time can start with, with the kinds it starts (keep
 * in step with the lists of timex_en). "close" and "in" begin entries too
 * (close the year, in the coming year), but the scan never tried a time at a
 * word of c or i, and what it finds stays as it was: close is looked for
 * only after "the", and in the coming year never. */
static const struct {
        const char *w;
        unsigned char kinds;
} timex_en_words[] = {
    /* clang-format off */
    {"the", TW_PART | TW_REL},
    {"year", TW_PART}, {"end", TW_PART}, {"first", TW_PART}, {"second", TW_PART},
    {"third", TW_PART}, {"fourth", TW_PART}, {"q", TW_PART}, {"h", TW_PART},
    {"spring", TW_PART}, {"summer", TW_PART}, {"autumn", TW_PART}, {"fall", TW_PART},
    {"winter", TW_PART}, {"close", TW_CLOSE},
    {"january", TW_MONTH}, {"jan", TW_MONTH}, {"february", TW_MONTH}, {"feb", TW_MONTH},
    {"march", TW_MONTH}, {"mar", TW_MONTH}, {"april", TW_MONTH}, {"apr", TW_MONTH},
    {"may", TW_MONTH}, {"june", TW_MONTH}, {"jun", TW_MONTH}, {"july", TW_MONTH},
    {"jul", TW_MONTH}, {"august", TW_MONTH}, {"aug", TW_MONTH}, {"september", TW_MONTH},
    {"sept", TW_MONTH}, {"sep", TW_MONTH}, {"october", TW_MONTH}, {"oct", TW_MONTH},
    {"november", TW_MONTH}, {"nov", TW_MONTH}, {"december", TW_MONTH}, {"dec", TW_MONTH},
    {"monday", TW_WEEKDAY}, {"tuesday", TW_WEEKDAY}, {"wednesday", TW_WEEKDAY},
    {"thursday", TW_WEEKDAY}, {"friday", TW_WEEKDAY}, {"saturday", TW_WEEKDAY},
    {"sunday", TW_WEEKDAY},
    {"last", TW_REL}, {"this", TW_REL}, {"next", TW_REL}, {"earlier", TW_REL},
    {"later", TW_REL}, {"yesterday", TW_REL}, {"today", TW_REL}, {"tomorrow", TW_REL},
    {"recently", TW_REL}, {"soon", TW_REL},
    /* clang-format on */
};

/* timex_en_words by key: an open-addressing hash table, built once; slot
 * TIMEX_EN_SLOTS, of no word, answers for the words not in it. */
#define TIMEX_EN_SLOTS 256
static uint64_t timex_en_key[TIMEX_EN_SLOTS];           /* 0: a free slot */
static unsigned char timex_en_kind[TIMEX_EN_SLOTS + 1]; /* TW_* */
/* the entries of timex_en_rel that start with the word (bit k: entry k) */
static uint32_t timex_en_relmask[TIMEX_EN_SLOTS + 1];
_Static_assert(sizeof timex_en_rel / sizeof timex_en_rel[0] <= 32, "timex_en_relmask too small");

/* The first slot of key in the table. */
static inline size_t
timex_en_slot(uint64_t key)
{
        return (size_t)((key * 0x9e3779b97f4a7c15u) >> 56) % TIMEX_EN_SLOTS;
}

/* The slot of the word of key in the table, TIMEX_EN_SLOTS when it is none
 * (most words, in about one probe). */
static inline size_t
timex_en_find(uint64_t key)
{
        for (size_t h = timex_en_slot(key); timex_en_key[h] != 0; h = (h + 1) % TIMEX_EN_SLOTS)
                if (timex_en_key[h] == key)
                        return h;
        return TIMEX_EN_SLOTS;
}

/* Hash timex_en_words into the table, with the entries of timex_en_rel
 * each starts (once, by timex_init). */
static void
timex_en_init(void)
{
        for (size_t k = 0; k < sizeof timex_en_words / sizeof timex_en_words[0]; k++) {
                const char *w = timex_en_words[k].w;
                uint64_t key = ex_word_key(w, 0, strlen(w));
                size_t h = timex_en_slot(key);
                while (timex_en_key[h] != 0 && timex_en_key[h] != key)
                        h = (h + 1) % TIMEX_EN_SLOTS;
                timex_en_key[h] = key;
                timex_en_kind[h] |= timex_en_words[k].kinds;
        }
        for (size_t k = 0; k < sizeof timex_en_rel / sizeof timex_en_rel[0]; k++) {
                uint64_t key;
                ex_word_end(timex_en_rel[k].w, 0, strlen(timex_en_rel[k].w), 0, &key);
                timex_en_relmask[timex_en_find(key)] |= (uint32_t)1 << k;
        }
        /* the slot of no word: in the coming year ("in" is none) stays untried */
        timex_en_relmask[TIMEX_EN_SLOTS] = 0;
}

/* Parts of a year in English: the third quarter (of 2026), Q4 2025, the
 * second half (of the year), H1 2025, the summer of 2024, year-end; the year
 * is implied (resolved by modality) when not given. Length or 0. */
static size_t
timex_en_part(const char *low, size_t len, size_t i, const struct ex_date *pub, struct ex_time *tm)
{
        static const struct {
                const char *w;
                int sub, month;
        } parts[] = {{"first quarter", 33, 1},
                     {"second quarter", 34, 4},
                     {"third quarter", 35, 7},
                     {"fourth quarter", 36, 10},
                     {"q1", 33, 1},
                     {"q2", 34, 4},
                     {"q3", 35, 7},
                     {"q4", 36, 10},
                     {"first half", 40, 1},
                     {"second half", 41, 7},
                     {"h1", 40, 1},
                     {"h2", 41, 7},
                     {"spring", 21, 3},
                     {"summer", 22, 6},
                     {"autumn", 23, 9},
                     {"fall", 23, 9},
                     {"winter", 24, 12}};
        size_t j = i, n;
        if ((n = timex_word(low, len, j, "the")) > 0)
                j = timex_sp(low, len, j + n);
        /* most words after "the" start no part of a year */
        uint64_t key;
        ex_word_end(low, j, len, len, &key);
        if (!(timex_en_kind[timex_en_find(key)] & (TW_PART | TW_CLOSE)))
                return 0;
        /* "year-end", "the end of the year": the year itself */
        if ((n = timex_word(low, len, j, "year-end")) > 0 ||
            (n = timex_word(low, len, j, "end of the year")) > 0 ||
            (n = timex_word(low, len, j, "end of this year")) > 0 ||
            (n = timex_word(low, len, j, "end the year")) > 0 ||
            (n = timex_word(low, len, j, "close the year")) > 0 ||
            (n = timex_word(low, len, j, "year end")) > 0) {
                if (pub->y == 0)
                        return 0;
                tm->y = pub->y;
                tm->prec = TP_YEAR;
                return j + n - i;
        }
        for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
                if ((n = timex_word(low, len, j, parts[p].w)) == 0)
                        continue;
                /* seasons and halves alone must be "the summer", or have a year */
                bool bare_ok = parts[p].sub >= 33 && parts[p].sub <= 36;
                tm->sub = parts[p].sub;
                tm->m = parts[p].month;
                tm->prec = TP_SUB;
                tm->y = pub->y;
                tm->year_implied = true;
                size_t k = timex_en_year_tail(low, len, j + n, pub, tm);
                if (k == 0 && !bare_ok && (j == i || !timex_en_after_prep(low, i)))
                        return 0;
                if (tm->year_implied && pub->y == 0)
                        tm->prec = TP_VAGUE;
                return j + n + k - i;
        }
        return 0;
}

/* Try an English time at low[i] (a word start); length or 0. kinds (TW_*)
 * are those the word at i can start and rel its entries of timex_en_rel
 * (timex_en_kind, timex_en_relmask), both 0 at a number (which the scan
 * tries only as a day of one or two digits before a space or a year of
 * four). */
static size_t
timex_en(const char *low, size_t len, size_t i, const struct ex_date *pub, struct ex_time *tm,
         unsigned kinds, uint32_t rel_at)
{
        size_t n, j;
        int v, m;
        memset(tm, 0, sizeof *tm);
        if ((kinds & TW_PART) && (n = timex_en_part(low, len, i, pub, tm)) > 0)
                return n;
        /* day first: 25 March 2025 */
        if ((n = timex_digits(low, len, i, 2, &v)) > 0 && v >= 1 && v <= 31 &&
            timex_month_name(low, len, timex_sp(low, len, i + n), &m) > 0 &&
            timex_sp(low, len, i + n) > i + n) {
                size_t k = timex_month_name(low, len, timex_sp(low, len, i + n), &m);
                j = timex_sp(low, len, i + n) + k;
                tm->d = v;
                tm->m = m;
                tm->prec = TP_DAY;
                tm->y = pub->y;
                tm->year_implied = true;
                size_t j2 = timex_sp(low, len, j);
                if (timex_digits(low, len, j2, 4, &v) == 4 && v >= 1900 && v < 2200) {
                        tm->y = v;
                        tm->year_implied = false;
                        j = j2 + 4;
                }
                if (tm->year_implied && pub->y == 0)
                        tm->prec = TP_VAGUE;
                return j - i;
        }
        if ((kinds & TW_MONTH) && (n = timex_month_name(low, len, i, &m)) > 0) {
                /* "may" is also a verb: only as a date with a day or year, or after in/since. */
                tm->m = m;
                tm->prec = TP_MONTH;
                tm->year_implied = true;
                tm->y = pub->y;
                j = timex_sp(low, len, i + n);
                size_t k;
                if ((k = timex_digits(low, len, j, 2, &v)) > 0 && v >= 1 && v <= 31) {
                        tm->d = v;
                        tm->prec = TP_DAY;
                        j += k;
                        if (j + 2 < len &&
                            (low[j] == 's' || low[j] == 'n' || low[j] == 'r' || low[j] == 't') &&
                            (low[j + 1] == 't' || low[j + 1] == 'd' || low[j + 1] == 'h'))
                                j += 2;
                        size_t j2 = j;
                        if (j2 < len && low[j2] == ',')
                                j2++;
                        j2 = timex_sp(low, len, j2);
                        if ((k = timex_digits(low, len, j2, 4, &v)) == 4 && v >= 1900 && v < 2200) {
                                tm->y = v;
                                tm->year_implied = false;
                                j = j2 + 4;
                        }
                        n = j - i;
                } else if ((k = timex_digits(low, len, j, 4, &v)) == 4 && v >= 1900 && v < 2200) {
                        tm->y = v;
                        tm->year_implied = false;
                        n = j + 4 - i;
                } else if (m == 5) {
                        /* bare "may": a date only after in/since/by/until/early/late */
                        size_t b = i;
                        while (b > 0 && low[b - 1] == ' ')
                                b--;
                        static const char *pre[] = {"in",    "since", "by",  "until",
                                                    "early", "late",  "mid", "of"};
                        bool ok = false;
                        for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
                                size_t pl = strlen(pre[p]);
                                if (b >= pl && memcmp(low + b - pl, pre[p], pl) == 0 &&
                                    (b == pl ||
                                     !(low[b - pl - 1] >= 'a' && low[b - pl - 1] <= 'z')))
                                        ok = true;
                        }
                        if (!ok)
                                return 0;
                }
                if (tm->year_implied && pub->y == 0)
                        tm->prec = TP_VAGUE;
                return n;
        }
        /* Years: 4 digits after in/by/since/of/from/until or as "2025's". */
        if (low[i] >= '1' && low[i] <= '2' && (n = timex_digits(low, len, i, 4, &v)) == 4 &&
            v >= 1900 && v < 2200) {
                size_t b = i;
                while (b > 0 && low[b - 1] == ' ')
                        b--;
                static const char *pre[] = {"in",      "by",     "since",  "of",     "from",
                                            "until",   "during", "early",  "late",   "for",
                                            "through", "year",   "fiscal", "mid-",   "end",
                                            "before",  "after",  "around", "within", "and"};
                for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
                        size_t pl = strlen(pre[p]);
                        if (b >= pl && (b < i || pre[p][pl - 1] == '-') &&
                            memcmp(low + b - pl, pre[p], pl) == 0 &&
                            (b == pl || !(low[b - pl - 1] >= 'a' && low[b - pl - 1] <= 'z'))) {
                                tm->y = v;
                                tm->prec = TP_YEAR;
                                return 4;
                        }
                }
                return 0;
        }
        static const char *wd[] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday"};
        for (int k = 0; (kinds & TW_WEEKDAY) && k < 7; k++)
                if ((n = timex_word(low, len, i, wd[k])) > 0) {
                        timex_weekday(tm, pub, k + 1, 0, true);
                        tm->wday = k + 1;
                        return n;
                }
        const struct timex_rel *rel = timex_en_rel;
        for (uint32_t left = rel_at; left != 0; left &= left - 1) {
                size_t k = (size_t)__builtin_ctz(left);
                if ((n = timex_word(low, len, i, rel[k].w)) == 0)
                        continue;
                if (rel[k].kind == 5 || pub->y == 0) {
                        tm->prec = TP_VAGUE;
                        return n;
                }
                tm->y = pub->y;
                switch (rel[k].kind) {
                case 0:
                        tm->y += rel[k].delta;
                        tm->prec = TP_YEAR;
                        break;
                case 1:
                        if (pub->m == 0) {
                                tm->prec = TP_VAGUE;
                                break;
                        }
                        tm->m = pub->m + rel[k].delta;
                        if (tm->m < 1) {
                                tm->m += 12;
                                tm->y--;
                        } else if (tm->m > 12) {
                                tm->m -= 12;
                                tm->y++;
                        }
                        tm->prec = TP_MONTH;
                        break;
                case 2:
                        timex_shift(tm, pub, rel[k].delta);
                        break;
                case 3:
                        tm->y += rel[k].delta;
                        tm->sub = rel[k].sub;
                        tm->prec = TP_SUB;
                        break;
                case 4: {
                        if (pub->m == 0) {
                                tm->prec = TP_VAGUE;
                                break;
                        }
                        int q = (pub->m - 1) / 3 + rel[k].delta;
                        if (q < 0) {
                                q += 4;
                                tm->y--;
                        } else if (q > 3) {
                                q -= 4;
                                tm->y++;
                        }
                        tm->sub = 33 + q;
                        tm->prec = TP_SUB;
                        break;
                }
                }
                return n;
        }
        return 0;
}

/* The characters that can start a Chinese time, each with the kinds of time
 * it can start (TZ_*, in bits 16 and up; EX_CPSET_BIT reads only the low 12
 * bits of the code point, TIMEX_ZH_CASE both halves). */
#define TZ(cp, kinds) ((cp) | (kinds) << 16)
/* clang-format off */
#define TIMEX_ZH_LEADS(X, a) \
        X(TZ(0x4eca, TZ_YEARS | TZ_DAYS), a)                  /* 今 */ \
        X(TZ(0x672c, TZ_YEARS | TZ_MONTHS | TZ_WEEKS), a)     /* 本 */ \
        X(TZ(0x53bb, TZ_YEARS), a)                            /* 去 */ \
        X(TZ(0x660e, TZ_YEARS | TZ_DAYS), a)                  /* 明 */ \
        X(TZ(0x524d, TZ_YEARS | TZ_DAYS), a)                  /* 前 */ \
        X(TZ(0x540e, TZ_YEARS), a)                            /* 后 */ \
        X(TZ(0x5e74, TZ_YEARPART), a)                         /* 年 */ \
        X(TZ(0x8fd9, TZ_MONTHS | TZ_WEEKS), a)                /* 这 */ \
        X(TZ(0x5f53, TZ_MONTHS), a)                           /* 当 */ \
        X(TZ(0x4e0a, TZ_MONTHS | TZ_WEEKS), a)                /* 上 */ \
        X(TZ(0x4e0b, TZ_MONTHS | TZ_WEEKS), a)                /* 下 */ \
        X(TZ(0x540c, TZ_SAMEMONTH), a)                        /* 同 */ \
        X(TZ(0x6628, TZ_DAYS), a)                             /* 昨 */ \
        X(TZ(0x5468, TZ_WEEKS), a)                            /* 周 */ \
        X(TZ(0x661f, TZ_WEEKS), a)                            /* 星 */ \
        X(TZ(0x793c, TZ_WEEKS), a)                            /* 礼 */ \
        X(TZ(0x8fd1, TZ_VAGUE), a)                            /* 近 */ \
        X(TZ(0x65e5, TZ_VAGUE), a)                            /* 日 */ \
        X(TZ(0x6700, TZ_VAGUE), a)                            /* 最 */ \
        X(TZ(0x4e0d, TZ_VAGUE), a)                            /* 不 */ \
        X(TZ(0x672a, TZ_VAGUE), a)                            /* 未 */ \
        X(TZ(0x6b64, TZ_VAGUE), a)                            /* 此 */ \
        X(TZ(0x968f, TZ_VAGUE), a)                            /* 随 */ \
        X(TZ(0x76ee, TZ_VAGUE), a)                            /* 目 */ \
        X(TZ(0x96f6, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 零 */ \
        X(TZ(0x4e00, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 一 */ \
        X(TZ(0x4e8c, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 二 */ \
        X(TZ(0x4e09, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 三 */ \
        X(TZ(0x56db, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 四 */ \
        X(TZ(0x4e94, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 五 */ \
        X(TZ(0x516d, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 六 */ \
        X(TZ(0x4e03, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 七 */ \
        X(TZ(0x516b, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 八 */ \
        X(TZ(0x4e5d, TZ_ZHYEAR | TZ_MONTHDAY), a)             /* 九 */ \
        X(TZ(0x3007, TZ_ZHYEAR), a)                           /* 〇 */ \
        X(TZ(0x4e24, TZ_MONTHDAY), a)                         /* 两 */ \
        X(TZ(0x5341, TZ_MONTHDAY), a)                         /* 十 */
/* clang-format on */
#define TIMEX_ZH_CASE(e, a)                                                                        \
        case (e)&0xffff:                                                                           \
                return (unsigned)(e) >> 16;

/* The filter of the characters of TIMEX_ZH_LEADS (by the low 12 bits of
 * their code points). */
static const uint64_t timex_zh_maybe[64] = EX_CPSET_INIT(TIMEX_ZH_LEADS);
/* The characters after them that can go on with a time (timex_zh_next). */
#define TIMEX_ZH_NEXT(X, a) TIMEX_ZH_NUMERAL_NEXT(X, a) TIMEX_ZH_WORD_NEXT(X, a)
static const uint64_t timex_zh_next_maybe[64] = EX_CPSET_INIT(TIMEX_ZH_NEXT);
/* The same as timex_skip reads them (ex_lead_filter, by timex_init): each
 * lead is a time's only before one of TIMEX_ZH_NEXT (2). */
static unsigned char timex_zh_filter[EX_LEAD_FILTER_SIZE];
static unsigned char timex_zh_next_filter[EX_LEAD_FILTER_SIZE];
static pthread_once_t timex_once = PTHREAD_ONCE_INIT;

/* Build the tables of timex_scan (by pthread_once). */
static void
timex_init(void)
{
        timex_en_init();
        ex_lead_filter(timex_zh_maybe, 2, timex_zh_filter);
        ex_lead_filter(timex_zh_next_maybe, 1, timex_zh_next_filter);
}

/* The kinds of Chinese time (TZ_*) the character cp can start, 0 for most
 * (a bitmap, then a switch). */
static unsigned
timex_zh_kinds(uint32_t cp)
{
        if (!ex_cpset_maybe(timex_zh_maybe, cp))
                return 0;
        switch (cp) {
                TIMEX_ZH_LEADS(TIMEX_ZH_CASE, 0)
        default:
                return 0;
        }
}

/* What timex_scan does at a byte of the text. */
enum {
        TB_NONE,  /* nothing starts here (0, as ex_lead_skip reads it) */
        TB_DIGIT, /* a Chinese (2024年) or English (25 March) time may */
        TB_WORD,  /* a letter: an English time may start at a word (timex_en_kind) */
        TB_ZH,    /* the first byte of a character of U+3000..U+9FFF */
};
#define TB_LETTER(c) [c] = TB_WORD, [(c) - 'a' + 'A'] = TB_WORD
/* clang-format off */
static const unsigned char timex_byte[256] = {
    ['0'] = TB_DIGIT, ['1'] = TB_DIGIT, ['2'] = TB_DIGIT, ['3'] = TB_DIGIT, ['4'] = TB_DIGIT,
    ['5'] = TB_DIGIT, ['6'] = TB_DIGIT, ['7'] = TB_DIGIT, ['8'] = TB_DIGIT, ['9'] = TB_DIGIT,
    TB_LETTER('a'), TB_LETTER('b'), TB_LETTER('c'), TB_LETTER('d'), TB_LETTER('e'),
    TB_LETTER('f'), TB_LETTER('g'), TB_LETTER('h'), TB_LETTER('i'), TB_LETTER('j'),
    TB_LETTER('k'), TB_LETTER('l'), TB_LETTER('m'), TB_LETTER('n'), TB_LETTER('o'),
    TB_LETTER('p'), TB_LETTER('q'), TB_LETTER('r'), TB_LETTER('s'), TB_LETTER('t'),
    TB_LETTER('u'), TB_LETTER('v'), TB_LETTER('w'), TB_LETTER('x'), TB_LETTER('y'),
    TB_LETTER('z'),
    [0xe3] = TB_ZH, [0xe4] = TB_ZH, [0xe5] = TB_ZH, [0xe6] = TB_ZH, [0xe7] = TB_ZH,
    [0xe8] = TB_ZH, [0xe9] = TB_ZH,
};
/* clang-format on */

/* Whether the byte is an ASCII letter or digit (by its class). */
static inline bool
timex_alnum(char c)
{
        int class = timex_byte[(unsigned char)c];
        return class == TB_DIGIT || class == TB_WORD;
}

/* The first place from i on where a time may start: bytes of no class and
 * Chinese characters that miss the filter of TIMEX_ZH_LEADS, or come before
 * a Chinese character that misses the one of TIMEX_ZH_NEXT, are stepped
 * over (no lead is both a numeral and a word's first character, see
 * timex_zh_next). */
static inline size_t
timex_skip(const char *s, size_t i, size_t hi)
{
        return ex_lead_skip(s, i, hi, timex_byte, TB_ZH, timex_zh_filter, timex_zh_next_filter);
}

void
timex_scan(const struct text *t, int lang, const struct ex_date *pub, size_t lo, size_t hi,
           struct ex_time **out, size_t *n, size_t *cap)
{
        const char *s = t->s;
        size_t i = lo;
        (void)lang;
        pthread_once(&timex_once, timex_init);
        for (;;) {
                i = timex_skip(s, i, hi);
                if (i >= hi)
                        break;
                int class = timex_byte[(unsigned char)s[i]];
                struct ex_time tm;
                size_t k = 0, e, h;
                unsigned kinds;
                uint32_t cp;
                uint64_t key;
                switch (class) {
                case TB_DIGIT:
                        /* a Chinese time at the first digit of a number, an English
                         * one at a word start: at a number, only a day of one or
                         * two digits before a space (25 March) or a year of four;
                         * none starts at the digits after the first (a digit
                         * before each) */
                        for (e = i + 1; e < hi && s[e] >= '0' && s[e] <= '9';)
                                e++;
                        if ((i == lo ||
                             (s[i - 1] != '.' && !(s[i - 1] >= '0' && s[i - 1] <= '9'))) &&
                            timex_zh_after_digits(s, hi, e))
                                k = timex_zh(s, hi, i, TZ_ARABIC | TZ_MONTHDAY, pub, &tm);
                        if (k == 0 && (i == lo || !timex_alnum(s[i - 1])) &&
                            (e - i == 4 || (e - i <= 2 && e < hi && s[e] == ' ')))
                                k = timex_en(t->low, hi, i, pub, &tm, 0, 0);
                        if (k == 0)
                                i = e;
                        break;
                case TB_ZH:
                        cp = ex_cp3(s, hi, i);
                        if ((kinds = timex_zh_kinds(cp)) != 0 && (i == lo || s[i - 1] != '.') &&
                            timex_zh_next(s, hi, i, kinds))
                                k = timex_zh(s, hi, i, kinds, pub, &tm);
                        if (k == 0)
                                i += cp != 0 ? 3 : 1; /* past the character */
                        break;
                default:
                        /* a word of letters: an English time starts at its start
                         * or nowhere in it */
                        e = ex_word_end(t->low, i, hi, t->len + 1, &key);
                        if ((i == lo || !timex_alnum(s[i - 1])) &&
                            (timex_en_kind[h = timex_en_find(key)] & TW_START) != 0)
                                k = timex_en(t->low, hi, i, pub, &tm, timex_en_kind[h],
                                             timex_en_relmask[h]);
                        if (k == 0)
                                i = e;
                        break;
                }
                if (k > 0) {
                        tm.start = i;
                        tm.end = i + k;
                        timex_push(out, n, cap, &tm);
                        i += k;
                }
        }
}

/* Copy the n bytes of s into buf[cap], cut to fit (as snprintf would). */
static void
timex_copy(char *buf, size_t cap, const char *s, size_t n)
{
        if (n >= cap)
                n = cap - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
}

/* Render the first parts (1 to 3) of y, m, d into buf[cap] as snprintf's
 * "%04d-%02d-%02d" would: by hand in the usual ranges (a value per event). */
static void
timex_iso(char *buf, size_t cap, int parts, int y, int m, int d)
{
        if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
                if (parts == 3)
                        snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
                else if (parts == 2)
                        snprintf(buf, cap, "%04d-%02d", y, m);
                else
                        snprintf(buf, cap, "%04d", y);
                return;
        }
        char tmp[10] = {(char)('0' + y / 1000),
                        (char)('0' + y / 100 % 10),
                        (char)('0' + y / 10 % 10),
                        (char)('0' + y % 10),
                        '-',
                        (char)('0' + m / 10),
                        (char)('0' + m % 10),
                        '-',
                        (char)('0' + d / 10),
                        (char)('0' + d % 10)};
        timex_copy(buf, cap, tmp, parts == 3 ? 10 : parts == 2 ? 7 : 4);
}

void
timex_value(const struct ex_time *tm, const struct ex_date *pub, bool future, char *buf, size_t cap)
{
        int y = tm->y;
        buf[0] = '\0';
        if (tm->prec == TP_VAGUE || y == 0)
                return;
        if (tm->wday > 0 && future && pub->d != 0) {
                /* "will release it on Friday": the next one, Published included */
                long p = timex_days(pub->y, pub->m, pub->d);
                int m, d;
                timex_civil(p + (tm->wday - timex_wday(p) + 7) % 7, &y, &m, &d);
                timex_iso(buf, cap, 3, y, m, d);
                return;
        }
        if (tm->year_implied && pub->y != 0) {
                y = pub->y;
                int pm = pub->m ? pub->m : 12, pd = pub->d ? pub->d : 31;
                if (!future && (tm->m > pm || (tm->m == pm && tm->prec == TP_DAY && tm->d > pd)))
                        y--;
                if (future && (tm->m < pm || (tm->m == pm && tm->prec == TP_DAY && tm->d < pd)))
                        y++;
        }
        switch (tm->prec) {
        case TP_YEAR:
                timex_iso(buf, cap, 1, y, 0, 0);
                break;
        case TP_MONTH:
                timex_iso(buf, cap, 2, y, tm->m, 0);
                break;
        case TP_DAY:
                timex_iso(buf, cap, 3, y, tm->m, tm->d);
                break;
        case TP_SUB:
                timex_iso(buf, cap, 2, y, tm->sub, 0);
                break;
        }
}

/* Render an ISO 8601 / EDTF value (timex_value's output) for an English
 * summary: 2026-21 → "spring 2026", 2025-35 → "Q3 2025", 2025-40 → "H1 2025",
 * 2025-06 → "June 2025", 2025-06-10 → "June 10, 2025", 2025 → "2025". */
/* Append "%d" of v at p; the end. */
static char *
timex_add_int(char *p, int v)
{
        char tmp[12];
        size_t n = 0;
        long long u = v;
        if (u < 0) {
                *p++ = '-';
                u = -u;
        }
        do
                tmp[n++] = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        while (n > 0)
                *p++ = tmp[--n];
        return p;
}

/* Append string s at p; the end. */
static char *
timex_add_str(char *p, const char *s)
{
        size_t n = strlen(s);
        memcpy(p, s, n);
        return p + n;
}

void
timex_display(const char *value, char *buf, size_t cap)
{
        static const char *months[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
        static const char *seasons[] = {"spring", "summer", "autumn", "winter"};
        int y = 0, a = 0, b = 0;
        int n;
        /* timex_value's forms YYYY, YYYY-MM, YYYY-MM-DD by hand, as sscanf
         * would read them; anything else by sscanf */
        size_t len = strlen(value);
        if ((len == 4 || len == 7 || len == 10) && (y = timex_dec(value, 4)) >= 0 &&
            (len < 7 || (value[4] == '-' && (a = timex_dec(value + 5, 2)) >= 0)) &&
            (len < 10 || (value[7] == '-' && (b = timex_dec(value + 8, 2)) >= 0)))
                n = len == 4 ? 1 : len == 7 ? 2 : 3;
        else
                n = sscanf(value, "%d-%d-%d", &y, &a, &b);
        char out[64], *p = out;
        if (n == 3 && a >= 1 && a <= 12) {
                p = timex_add_str(p, months[a - 1]);
                *p++ = ' ';
                p = timex_add_int(p, b);
                p = timex_add_str(p, ", ");
        } else if (n == 2 && a >= 1 && a <= 12) {
                p = timex_add_str(p, months[a - 1]);
                *p++ = ' ';
        } else if (n == 2 && a >= 21 && a <= 24) {
                p = timex_add_str(p, seasons[a - 21]);
                *p++ = ' ';
        } else if (n == 2 && a >= 33 && a <= 36) {
                *p++ = 'Q';
                p = timex_add_int(p, a - 32);
                *p++ = ' ';
        } else if (n == 2 && (a == 40 || a == 41)) {
                *p++ = 'H';
                p = timex_add_int(p, a - 39);
                *p++ = ' ';
        } else {
                timex_copy(buf, cap, value, len); /* a year, or no value */
                return;
        }
        p = timex_add_int(p, y);
        timex_copy(buf, cap, out, (size_t)(p - out));
}
