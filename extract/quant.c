/*
 * quant.c — quantities: Chinese, Arabic and mixed numerals (3000万,
 * 3800亿元人民币, 两千, 十倍, 前三, 首位, 23天, 50%) and English ones ($6.6
 * billion, 30 million users, top three, tenfold), as event-model.md kinds:
 * money (ISO 4217), count, duration, multiple, rank, percent.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

/* Whether s[i..] starts with lit; its length or 0. Byte by byte: most
 * calls fail within a character. */
static inline size_t
quant_lit(const char *s, size_t len, size_t i, const char *lit)
{
        size_t n = 0;
        for (; lit[n] != '\0'; n++)
                if (i + n >= len || s[i + n] != lit[n])
                        return 0;
        return n;
}

/* The value of a Chinese digit character at s[i] (零〇一二两三...九), or -1. */
static inline int
quant_zh_digit(const char *s, size_t len, size_t i)
{
        switch (ex_cp3(s, len, i)) {
        case 0x96f6: /* 零 */
        case 0x3007: /* 〇 */
                return 0;
        case 0x4e00: /* 一 */
                return 1;
        case 0x4e8c: /* 二 */
        case 0x4e24: /* 两 */
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

/* A Chinese multiplier at s[i]: 十 百 千 万 亿; its value, 0 when none. */
static inline double
quant_zh_mult(const char *s, size_t len, size_t i)
{
        switch (ex_cp3(s, len, i)) {
        case 0x5341: /* 十 */
                return 10;
        case 0x767e: /* 百 */
                return 100;
        case 0x5343: /* 千 */
                return 1000;
        case 0x4e07: /* 万 */
                return 1e4;
        case 0x4ebf: /* 亿 */
                return 1e8;
        default:
                return 0;
        }
}

/* The value of the t digits and '.' in tmp (at most one '.'), as strtod
 * reads it: up to 15 characters exactly from m, the digits as an integer,
 * and frac, the number of them after the '.' (the integer and a power of ten
 * are exact doubles, so their quotient is the correctly rounded value);
 * longer ones by strtod. */
static double
quant_decimal(const char *tmp, size_t t, uint64_t m, size_t frac)
{
        static const double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        if (t > 15)
                return strtod(tmp, NULL);
        return (double)m / pow10[frac];
}

/* quant_number, telling in *big whether the number holds a multiplier of
 * 100 or more (百千万亿: 3000万, 两千, 1.5亿). */
static size_t
quant_number_big(const char *s, size_t len, size_t i, double *v, bool *big)
{
        size_t j = i;
        double val = 0;
        bool arabic = false;
        *big = false;
        /* Arabic with thousands commas and a decimal point. */
        if (j < len && s[j] >= '0' && s[j] <= '9') {
                char tmp[64];
                size_t t = 0, frac = 0;
                uint64_t m = 0; /* the digits, read as they come */
                bool dot = false;
                while (j < len && t < 60) {
                        if (s[j] >= '0' && s[j] <= '9') {
                                m = m * 10 + (uint64_t)(s[j] - '0');
                                frac += dot;
                                tmp[t++] = s[j++];
                        } else if (s[j] == ',' && j + 3 < len && t > 0 && s[j + 1] >= '0' &&
                                   s[j + 1] <= '9' && s[j + 2] >= '0' && s[j + 2] <= '9' &&
                                   s[j + 3] >= '0' && s[j + 3] <= '9' &&
                                   !(j + 4 < len && s[j + 4] >= '0' && s[j + 4] <= '9')) {
                                j++;
                        } else if (s[j] == '.' && j + 1 < len && s[j + 1] >= '0' &&
                                   s[j + 1] <= '9' && !dot) {
                                dot = true;
                                tmp[t++] = s[j++];
                        } else {
                                break;
                        }
                }
                tmp[t] = '\0';
                val = quant_decimal(tmp, t, m, frac);
                arabic = true;
        } else {
                /* Chinese numerals: sections of 亿 and 万. */
                double total = 0, section = 0, cur = 0;
                bool any = false;
                while (j < len) {
                        int d = quant_zh_digit(s, len, j);
                        if (d >= 0) {
                                cur = d;
                                any = true;
                                j += 3;
                                continue;
                        }
                        double m = quant_zh_mult(s, len, j);
                        if (m == 0)
                                break;
                        if (!any && m != 10)
                                break;
                        *big |= m >= 100;
                        if (m < 1e4) {
                                section += (cur == 0 && m == 10 ? 1 : cur) * m;
                                cur = 0;
                        } else {
                                section += cur;
                                total += (section == 0 ? 1 : section) * m;
                                section = cur = 0;
                        }
                        any = true;
                        j += 3;
                }
                if (!any)
                        return 0;
                val = total + section + cur;
        }
        /* Arabic followed by Chinese multipliers: 3000万, 16.4万亿, 1.5亿. */
        if (arabic) {
                double mult = 1;
                while (j < len) {
                        double m = quant_zh_mult(s, len, j);
                        if (m < 100 || m == 0)
                                break;
                        /* 千 and 百 only right after the digits (3千). */
                        mult *= m;
                        *big = true;
                        j += 3;
                }
                val *= mult;
        }
        *v = val;
        return j - i;
}

size_t
quant_number(const char *s, size_t len, size_t i, double *v)
{
        bool big;
        return quant_number_big(s, len, i, v, &big);
}

/* Copy s into buf[cap], cut to fit (as snprintf "%s" would). */
static void
quant_copy(char *buf, size_t cap, const char *s)
{
        size_t n = strlen(s);
        if (n >= cap)
                n = cap - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
}

/* Append a quantity. */
static void
quant_push(struct ex_qty **out, size_t *n, size_t *cap, size_t start, size_t end, const char *kind,
           double value, const char *unit)
{
        if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *out = ex_xrealloc(*out, *cap * sizeof **out);
        }
        struct ex_qty *q = &(*out)[(*n)++];
        q->start = start;
        q->end = end;
        quant_copy(q->kind, sizeof q->kind, kind);
        q->value = value;
        quant_copy(q->unit, sizeof q->unit, unit);
}

/* Whether s[a..b) holds a clause break: a comma, semicolon or full stop,
 * ASCII or full-width. */
static bool
quant_has_break(const char *s, size_t a, size_t b)
{
        const unsigned char *u = (const unsigned char *)s;
        for (size_t i = a; i < b; i++) {
                if (u[i] == ',' || u[i] == ';')
                        return true;
                if (i + 3 <= b &&
                    ((u[i] == 0xef && u[i + 1] == 0xbc && (u[i + 2] == 0x8c || u[i + 2] == 0x9b)) ||
                     (u[i] == 0xe3 && u[i + 1] == 0x80 && (u[i + 2] == 0x82 || u[i + 2] == 0x81))))
                        return true; /* ， ； 。 、 */
        }
        return false;
}

/* The bit of quant_unit_near's filter for a word whose second and third
 * bytes are p[1] and p[2]: 256 bits, by their low four bits each. */
static inline unsigned
quant_unit_bit(const char *p)
{
        return ((unsigned)p[1] & 15) << 4 | ((unsigned)p[2] & 15);
}

/* The unit word nearest to [start,end) in t (from rules/cues.txt units), or
 * NULL; of words equally near, the first of the list, then the first in the
 * text. One pass over the window: the words are compared only at the first
 * byte of a character (the words are whole characters) whose next two
 * bytes pass a filter of theirs (quant_unit_bit, built per call; all pass
 * when a word is shorter) and where the index of the list
 * (ex_words_starts_at) says one of them starts. */
static const char *
quant_unit_near(const struct extractor *x, const struct text *t, int lang, size_t lo, size_t hi,
                size_t start, size_t end)
{
        const struct ex_words *u = &x->units[lang];
        const char *low = t->low;
        size_t from = start > lo + 36 ? start - 36 : lo;
        size_t to = end + 24 < hi ? end + 24 : hi;
        uint64_t filter[4] = {0};
        for (size_t k = 0; k < u->n; k++) {
                if (u->l[k] < 3) {
                        memset(filter, 0xff, sizeof filter);
                        break;
                }
                unsigned b = quant_unit_bit(u->w[k]);
                filter[b >> 6] |= (uint64_t)1 << (b & 63);
        }
        size_t best = (size_t)-1, best_k = 0;
        const char *unit = NULL;
        size_t step;
        for (size_t at = from; at < to; at += step) {
                /* a character of three bytes at once (the text is
                 * well-formed), the bytes of others one at a time */
                unsigned char c = (unsigned char)low[at];
                step = c >= 0xe0 && c < 0xf0 ? 3 : 1;
                if ((c & 0xc0) == 0x80)
                        continue;
                if (at + 3 <= to) {
                        unsigned b = quant_unit_bit(low + at);
                        if (!(filter[b >> 6] >> (b & 63) & 1))
                                continue;
                }
                if (ex_words_starts_at(u, low, to, at) == 0)
                        continue;
                for (size_t k = 0; k < u->n; k++) {
                        size_t wl = u->l[k];
                        if (at + wl > to || u->w[k][0] != low[at] ||
                            memcmp(low + at, u->w[k], wl) != 0)
                                continue;
                        size_t dist = at >= end ? at - end : at >= start ? 0 : start - at;
                        if (at >= end)
                                dist /= 2; /* the noun after the number binds closer */
                        /* but not across a clause break (3亿次，衍生模型…) */
                        if (at >= end && quant_has_break(low, end, at))
                                continue;
                        if (dist < best || (dist == best && k < best_k)) {
                                best = dist;
                                best_k = k;
                                unit = x->unitmap[lang].w[k];
                        }
                }
        }
        return unit;
}

/* Whether offset i falls inside one of the times (sorted by start); *cur
 * moves forward only, so a scan stays linear. */
static bool
quant_in_time(const struct ex_time *times, size_t ntimes, size_t i, size_t *cur)
{
        while (*cur < ntimes && times[*cur].end <= i)
                (*cur)++;
        return *cur < ntimes && times[*cur].start <= i;
}

/* Whether lowercase letter c is one of set (QUANT_LETTER bits): the first
 * letters of the words of one of the English lists. */
#define QUANT_LETTER(c) ((uint32_t)1 << ((c) - 'a'))
static inline bool
quant_letter_in(char c, uint32_t set)
{
        return c >= 'a' && c <= 'z' && (set >> (c - 'a') & 1);
}

/* English number words. */
static size_t
quant_en_word(const char *low, size_t len, size_t i, double *v)
{
        static const uint32_t first = QUANT_LETTER('z') | QUANT_LETTER('o') | QUANT_LETTER('t') |
                                      QUANT_LETTER('f') | QUANT_LETTER('s') | QUANT_LETTER('e') |
                                      QUANT_LETTER('n');
        if (!quant_letter_in(low[i], first))
                return 0;
        static const char *w[] = {
            "zero",     "one",     "two",     "three",     "four",     "five",     "six",
            "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
            "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
        for (int k = 20; k >= 0; k--) {
                size_t n = low[i] == w[k][0] ? quant_lit(low, len, i, w[k]) : 0;
                if (n > 0 && !(i + n < len && low[i + n] >= 'a' && low[i + n] <= 'z')) {
                        *v = k;
                        return n;
                }
        }
        return 0;
}

/* English scale word after a number: million, billion... */
static size_t
quant_en_scale(const char *low, size_t len, size_t i, double *m)
{
        size_t j = i;
        while (j < len && low[j] == ' ')
                j++;
        static const struct {
                const char *w;
                double m;
        } sc[] = {{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9}, {"trillion", 1e12},
                  {"bn", 1e9},       {"mn", 1e6},      {"m ", 1e6},      {"k ", 1e3}};
        for (size_t k = 0; k < sizeof sc / sizeof sc[0]; k++) {
                size_t n = quant_lit(low, len, j, sc[k].w);
                if (n > 0 && !(j + n < len && low[j + n] >= 'a' && low[j + n] <= 'z')) {
                        *m = sc[k].m;
                        return j + n - i - (sc[k].w[n - 1] == ' ' ? 1 : 0);
                }
        }
        *m = 1;
        return 0;
}

/* The next English word after i: [ws, we). */
static bool
quant_en_next(const char *low, size_t len, size_t i, size_t *ws, size_t *we)
{
        size_t j = i;
        while (j < len && (low[j] == ' ' || low[j] == '-'))
                j++;
        size_t s = j;
        while (j < len && ((low[j] >= 'a' && low[j] <= 'z') || (low[j] >= '0' && low[j] <= '9')))
                j++;
        *ws = s;
        *we = j;
        return j > s;
}

/* A word after a Chinese number, and the unit it names. */
struct quant_zh_word {
        const char *w;
        const char *unit;
};
#define QUANT_NWORDS(a) (sizeof(a) / sizeof((a)[0]))
/* Money: the currency; durations: the unit; measure words: none. */
static const struct quant_zh_word quant_zh_money[] = {
    {"亿元人民币", "CNY"}, {"元人民币", "CNY"}, {"亿美元", "USD"}, {"美元", "USD"},
    {"亿欧元", "EUR"},     {"欧元", "EUR"},     {"亿港元", "HKD"}, {"港元", "HKD"},
    {"亿日元", "JPY"},     {"日元", "JPY"},     {"亿英镑", "GBP"}, {"英镑", "GBP"},
    {"亿元", "CNY"},       {"元", "CNY"}};
static const struct quant_zh_word quant_zh_dur[] = {
    {"天", "day"},      {"个月", "month"}, {"个多月", "month"}, {"周", "week"},
    {"个星期", "week"}, {"年", "year"},    {"小时", "hour"}};
static const struct quant_zh_word quant_zh_measure[] = {
    {"个", NULL}, {"款", NULL}, {"家", NULL}, {"名", NULL}, {"位", NULL},
    {"张", NULL}, {"台", NULL}, {"颗", NULL}, {"人", NULL}, {"卡", NULL},
    {"项", NULL}, {"条", NULL}, {"次", NULL}, {"辆", NULL}, {"份", NULL}};

/* The lists of words after a Chinese number (QA_*) with a word starting
 * with a character, by the low 12 bits of its code point (others that
 * share them are tried and fail): built once, with quant_en's table. */
enum {
        QA_MONEY = 1 << 0,   /* quant_zh_money */
        QA_TIMES = 1 << 1,   /* 倍 */
        QA_DUR = 1 << 2,     /* quant_zh_dur */
        QA_MEASURE = 1 << 3, /* quant_zh_measure */
};
static unsigned char quant_zh_after[4096];

/* Mark the first characters of the n words of list as starting a word of
 * the list kind (QA_*). */
static void
quant_zh_after_add(const struct quant_zh_word *list, size_t n, unsigned kind)
{
        for (size_t k = 0; k < n; k++)
                quant_zh_after[ex_cp3(list[k].w, strlen(list[k].w), 0) & 0xfff] |= kind;
}

/* Scan Chinese quantities at s[i]; length consumed or 0. */
static size_t
quant_zh(const struct extractor *x, const struct text *t, size_t lo, size_t hi, size_t i,
         struct ex_qty **out, size_t *n, size_t *cap)
{
        const char *s = t->s;
        size_t k, j;
        double v;
        /* the character at i (0 at a digit) tells the ranks and prefixes tried */
        uint32_t c0 = ex_cp3(s, hi, i);
        /* Ranks: 前三, 第一名, 首位, 榜首 */
        if (c0 == 0x524d /* 前 */ && (k = quant_lit(s, hi, i, "前")) > 0 &&
            (j = quant_number(s, hi, i + k, &v)) > 0 && v >= 1 && v <= 100) {
                size_t e = i + k + j;
                if (!(quant_lit(s, hi, e, "天") || quant_lit(s, hi, e, "年") ||
                      quant_lit(s, hi, e, "个") || quant_lit(s, hi, e, "周") ||
                      quant_lit(s, hi, e, "日") || quant_lit(s, hi, e, "次"))) {
                        quant_push(out, n, cap, i, e, "rank", v, "rank");
                        return e - i + (quant_lit(s, hi, e, "名") ? 3 : 0);
                }
        }
        if (c0 == 0x7b2c /* 第 */ && (k = quant_lit(s, hi, i, "第")) > 0 &&
            (j = quant_number(s, hi, i + k, &v)) > 0 && v >= 1 && v <= 1000) {
                size_t e = i + k + j;
                int cl;
                uint32_t nx = e < hi ? ex_cp_at(s, hi, e, &cl) : ' ';
                if (quant_lit(s, hi, e, "名") || quant_lit(s, hi, e, "位") || !ex_is_han(nx)) {
                        quant_push(out, n, cap, i, e, "rank", v, "rank");
                        return e - i;
                }
                return e - i;
        }
        if ((c0 == 0x9996 /* 首 */ || c0 == 0x699c /* 榜 */ || c0 == 0x51a0 /* 冠 */) &&
            ((k = quant_lit(s, hi, i, "首位")) || (k = quant_lit(s, hi, i, "榜首")) ||
             (k = quant_lit(s, hi, i, "冠军")))) {
                quant_push(out, n, cap, i, i + k, "rank", 1, "rank");
                return k;
        }
        if (c0 == 0x767e /* 百 */ && (k = quant_lit(s, hi, i, "百分之")) > 0 &&
            (j = quant_number(s, hi, i + k, &v)) > 0) {
                quant_push(out, n, cap, i, i + k + j, "percent", v, "%");
                return k + j;
        }
        /* 人民币13491万元 */
        bool cny = false;
        size_t pre = 0;
        if (c0 == 0x4eba /* 人 */ && (k = quant_lit(s, hi, i, "人民币")) > 0 && i + k < hi &&
            (quant_number(s, hi, i + k, &v) > 0)) {
                cny = true;
                pre = k;
        }
        size_t st = i + pre;
        if (!(s[st] >= '0' && s[st] <= '9') && quant_zh_digit(s, hi, st) < 0 &&
            !quant_lit(s, hi, st, "十"))
                return 0;
        /* A number glued to Latin letters or a '-' (GLM-4.5, Qwen3) is a name. */
        if (st > lo &&
            ((s[st - 1] >= 'A' && s[st - 1] <= 'Z') || (s[st - 1] >= 'a' && s[st - 1] <= 'z') ||
             s[st - 1] == '-' || s[st - 1] == '.' || (s[st - 1] >= '0' && s[st - 1] <= '9')))
                return 0;
        /* with a multiplier in the number: 3000万, 两千, 1.5亿 */
        bool mult;
        if ((j = quant_number_big(s, hi, st, &v, &mult)) == 0)
                return 0;
        size_t e = st + j;
        if (s[st] == '0' && e > st + 1 && s[st + 1] >= '0' && s[st + 1] <= '9')
                return e - i; /* 002621: a stock code */
        if (e < hi &&
            ((s[e] >= 'A' && s[e] <= 'Z') || (s[e] >= 'a' && s[e] <= 'z') || s[e] == '-')) {
                /* 256K, 1.6系列 handled below; Latin glue is a name */
                if (!(s[e] == 'B' || s[e] == 'M' || s[e] == 'K'))
                        return e - i;
        }
        /* the lists of the words after a number tried only when one of their
         * words starts with the character at e */
        unsigned after = quant_zh_after[ex_cp3(s, hi, e) & 0xfff];
        const struct quant_zh_word *money = quant_zh_money;
        for (size_t m = 0; (after & QA_MONEY) && m < QUANT_NWORDS(quant_zh_money); m++) {
                if ((k = quant_lit(s, hi, e, money[m].w)) > 0) {
                        double val = v * (strncmp(money[m].w, "亿", 3) == 0 ? 1e8 : 1);
                        size_t end = e + k;
                        if (quant_lit(s, hi, end, "人民币"))
                                end += 9;
                        quant_push(out, n, cap, i, end, "money", val, money[m].unit);
                        return end - i;
                }
        }
        if (cny) {
                quant_push(out, n, cap, i, e, "money", v, "CNY");
                return e - i;
        }
        if ((after & QA_TIMES) && (k = quant_lit(s, hi, e, "倍")) > 0) {
                quant_push(out, n, cap, i, e + k, "multiple", v, "x");
                return e + k - i;
        }
        if (e < hi && s[e] == '%') {
                quant_push(out, n, cap, i, e + 1, "percent", v, "%");
                return e + 1 - i;
        }
        const struct quant_zh_word *dur = quant_zh_dur;
        for (size_t m = 0; (after & QA_DUR) && m < QUANT_NWORDS(quant_zh_dur); m++) {
                if ((k = quant_lit(s, hi, e, dur[m].w)) > 0) {
                        /* 年 after a bare number is a duration only when small (3年). */
                        if (strcmp(dur[m].unit, "year") == 0 && v > 100)
                                return e + k - i;
                        quant_push(out, n, cap, i, e + k, "duration", v, dur[m].unit);
                        return e + k - i;
                }
        }
        /* Counts: a measure word or a multiplier. */
        bool measured = false;
        size_t end = e;
        for (size_t m = 0; (after & QA_MEASURE) && m < QUANT_NWORDS(quant_zh_measure); m++)
                if ((k = quant_lit(s, hi, e, quant_zh_measure[m].w)) > 0) {
                        measured = true;
                        end = e + k;
                        break;
                }
        if (!measured && !mult)
                return 0; /* nothing Chinese about it: let the English reader try */
        if (v < 2 && !mult)
                return end - i; /* 一款, 一家: an article, not a count */
        const char *unit = quant_unit_near(x, t, EX_ZH, lo, hi, i, end);
        quant_push(out, n, cap, i, end, "count", v, unit ? unit : "count");
        return end - i;
}

/* The kinds of English quantity (QW_*) a word can start: the lists of
 * quant_en that have an entry beginning with the word. */
enum {
        QW_TOP = 1 << 0,    /* top three, top 10 */
        QW_FOLD = 1 << 1,   /* twofold, doubled, nearly triple... */
        QW_RANK = 1 << 2,   /* first place, number one, no. 1, ranked first, top spot... */
        QW_NUMBER = 1 << 3, /* quant_en_word: zero ... twenty */
};

/* Every word an English quantity can start with, with the kinds it starts
 * (keep in step with the lists of quant_en). "quadrupled" and "us" (us$)
 * begin entries too, but the scan never tried a quantity at a word of q or
 * u, and what it finds stays as it was. */
static const struct {
        const char *w;
        unsigned char kinds;
} quant_en_words[] = {
    /* clang-format off */
    {"top", QW_TOP | QW_RANK},
    {"twofold", QW_FOLD}, {"threefold", QW_FOLD}, {"fourfold", QW_FOLD},
    {"fivefold", QW_FOLD}, {"tenfold", QW_FOLD}, {"hundredfold", QW_FOLD},
    {"doubled", QW_FOLD}, {"tripled", QW_FOLD}, {"nearly", QW_FOLD}, {"doubling", QW_FOLD},
    {"tripling", QW_FOLD}, {"double", QW_FOLD}, {"triple", QW_FOLD},
    {"first", QW_RANK}, {"number", QW_RANK}, {"no", QW_RANK}, {"ranked", QW_RANK},
    {"second", QW_RANK}, {"third", QW_RANK},
    {"zero", QW_NUMBER}, {"one", QW_NUMBER}, {"two", QW_NUMBER}, {"three", QW_NUMBER},
    {"four", QW_NUMBER}, {"five", QW_NUMBER}, {"six", QW_NUMBER}, {"seven", QW_NUMBER},
    {"eight", QW_NUMBER}, {"nine", QW_NUMBER}, {"ten", QW_NUMBER}, {"eleven", QW_NUMBER},
    {"twelve", QW_NUMBER}, {"thirteen", QW_NUMBER}, {"fourteen", QW_NUMBER},
    {"fifteen", QW_NUMBER}, {"sixteen", QW_NUMBER}, {"seventeen", QW_NUMBER},
    {"eighteen", QW_NUMBER}, {"nineteen", QW_NUMBER}, {"twenty", QW_NUMBER},
    /* clang-format on */
};

/* quant_en_words by key: an open-addressing hash table, built once (quant_init). */
#define QUANT_EN_SLOTS 256
static uint64_t quant_en_key[QUANT_EN_SLOTS];       /* 0: a free slot */
static unsigned char quant_en_kind[QUANT_EN_SLOTS]; /* QW_* */

/* The first slot of key in the table. */
static inline size_t
quant_en_slot(uint64_t key)
{
        return (size_t)((key * 0x9e3779b97f4a7c15u) >> 56) % QUANT_EN_SLOTS;
}

/* Hash quant_en_words into the table, and fill quant_zh_after (once, by
 * quant_init). */
static void
quant_en_init(void)
{
        static const struct quant_zh_word times[] = {{"倍", "x"}};
        quant_zh_after_add(quant_zh_money, QUANT_NWORDS(quant_zh_money), QA_MONEY);
        quant_zh_after_add(times, 1, QA_TIMES);
        quant_zh_after_add(quant_zh_dur, QUANT_NWORDS(quant_zh_dur), QA_DUR);
        quant_zh_after_add(quant_zh_measure, QUANT_NWORDS(quant_zh_measure), QA_MEASURE);
        for (size_t k = 0; k < sizeof quant_en_words / sizeof quant_en_words[0]; k++) {
                const char *w = quant_en_words[k].w;
                uint64_t key = ex_word_key(w, 0, strlen(w));
                size_t h = quant_en_slot(key);
                while (quant_en_key[h] != 0 && quant_en_key[h] != key)
                        h = (h + 1) % QUANT_EN_SLOTS;
                quant_en_key[h] = key;
                quant_en_kind[h] |= quant_en_words[k].kinds;
        }
}

/* The kinds of English quantity (QW_*) the word of key can start; 0 for
 * most words, in about one probe. */
static inline unsigned
quant_en_kinds(uint64_t key)
{
        for (size_t h = quant_en_slot(key); quant_en_key[h] != 0; h = (h + 1) % QUANT_EN_SLOTS)
                if (quant_en_key[h] == key)
                        return quant_en_kind[h];
        return 0;
}

/* Scan English quantities at low[i]; length consumed or 0. kinds (QW_*) are
 * those the word at i can start (quant_en_kinds), 0 at a number or sign. */
static size_t
quant_en(const struct extractor *x, const struct text *t, size_t lo, size_t hi, size_t i,
         unsigned kinds, struct ex_qty **out, size_t *n, size_t *cap)
{
        const char *low = t->low;
        size_t k, j;
        double v, m;
        const char *cur = NULL;
        size_t st = i;
        if (low[i] == '$') {
                cur = "USD";
                st = i + 1;
        } else if ((k = quant_lit(low, hi, i, "€")) > 0) {
                cur = "EUR";
                st = i + k;
        } else if ((k = quant_lit(low, hi, i, "£")) > 0) {
                cur = "GBP";
                st = i + k;
        } else if ((k = quant_lit(low, hi, i, "¥")) > 0) {
                cur = "CNY";
                st = i + k;
        } else if ((k = quant_lit(low, hi, i, "us$")) > 0) {
                cur = "USD";
                st = i + k;
        }
        /* top three, No. 1 */
        if ((kinds & QW_TOP) && (k = quant_lit(low, hi, i, "top ")) > 0) {
                if ((j = quant_en_word(low, hi, i + k, &v)) > 0 ||
                    (j = quant_number(low, hi, i + k, &v)) > 0) {
                        quant_push(out, n, cap, i, i + k + j, "rank", v, "rank");
                        return k + j;
                }
        }
        static const struct {
                const char *w;
                double v;
        } fold[] = {{"twofold", 2},       {"threefold", 3},     {"fourfold", 4}, {"fivefold", 5},
                    {"tenfold", 10},      {"hundredfold", 100}, {"doubled", 2},  {"tripled", 3},
                    {"nearly triple", 3}, {"quadrupled", 4},    {"doubling", 2}, {"tripling", 3},
                    {"double", 2},        {"triple", 3}};
        for (size_t f = 0; (kinds & QW_FOLD) && f < sizeof fold / sizeof fold[0]; f++)
                if ((k = quant_lit(low, hi, i, fold[f].w)) > 0 &&
                    !(i + k < hi &&
                      ((low[i + k] >= 'a' && low[i + k] <= 'z') || low[i + k] == '-'))) {
                        quant_push(out, n, cap, i, i + k, "multiple", fold[f].v, "x");
                        return k;
                }
        static const struct {
                const char *w;
                double v;
        } rank[] = {{"first place", 1},   {"number one", 1},   {"no. 1", 1},
                    {"ranked first", 1},  {"top spot", 1},     {"top-ranked", 1},
                    {"second place", 2},  {"third place", 3},  {"no. 2", 2},
                    {"no. 3", 3},         {"number two", 2},   {"number three", 3},
                    {"ranked second", 2}, {"ranked third", 3}, {"second spot", 2}};
        for (size_t f = 0; (kinds & QW_RANK) && f < sizeof rank / sizeof rank[0]; f++)
                if ((k = quant_lit(low, hi, i, rank[f].w)) > 0) {
                        quant_push(out, n, cap, i, i + k, "rank", rank[f].v, "rank");
                        return k;
                }
        if (!(low[st] >= '0' && low[st] <= '9')) {
                if (cur != NULL || !(kinds & QW_NUMBER) ||
                    (j = quant_en_word(low, hi, st, &v)) == 0)
                        return 0;
        } else {
                if (st > lo && cur == NULL &&
                    ((low[st - 1] >= 'a' && low[st - 1] <= 'z') || low[st - 1] == '-' ||
                     low[st - 1] == '.'))
                        return 0;
                j = quant_number(low, hi, st, &v);
                if (j == 0)
                        return 0;
        }
        size_t e = st + j;
        if (e < hi &&
            ((low[e] >= 'a' && low[e] <= 'z') && low[e] != 'm' && low[e] != 'b' && low[e] != 'k'))
                return e - i; /* 4.5gw, 3nm: a unit we do not count, or a name */
        k = quant_en_scale(low, hi, e, &m);
        v *= m;
        e += k;
        if (e < hi && low[e] == '%') {
                quant_push(out, n, cap, i, e + 1, "percent", v, "%");
                return e + 1 - i;
        }
        size_t ws, we;
        if (quant_en_next(low, hi, e, &ws, &we)) {
                size_t wl = we - ws;
                if (wl == 7 && memcmp(low + ws, "percent", 7) == 0) {
                        quant_push(out, n, cap, i, we, "percent", v, "%");
                        return we - i;
                }
                static const struct {
                        const char *w, *code;
                        bool scaled; /* only after million/billion (won is a verb) */
                } money[] = {
                    {"dollars", "USD", false}, {"yuan", "CNY", false}, {"renminbi", "CNY", false},
                    {"euros", "EUR", false},   {"euro", "EUR", false}, {"pounds", "GBP", false},
                    {"yen", "JPY", false},     {"won", "KRW", true},   {"rupees", "INR", false}};
                for (size_t c = 0; c < sizeof money / sizeof money[0] && cur == NULL; c++)
                        if (wl == strlen(money[c].w) && memcmp(low + ws, money[c].w, wl) == 0 &&
                            (!money[c].scaled || m > 1)) {
                                quant_push(out, n, cap, i, we, "money", v, money[c].code);
                                return we - i;
                        }
        }
        if (cur != NULL) {
                quant_push(out, n, cap, i, e, "money", v, cur);
                return e - i;
        }
        if (quant_en_next(low, hi, e, &ws, &we)) {
                static const struct {
                        const char *w;
                        const char *unit;
                } dur[] = {{"days", "day"},   {"day", "day"},      {"weeks", "week"},
                           {"week", "week"},  {"months", "month"}, {"month", "month"},
                           {"years", "year"}, {"year", "year"}};
                for (size_t d = 0; d < sizeof dur / sizeof dur[0]; d++)
                        if (we - ws == strlen(dur[d].w) &&
                            memcmp(low + ws, dur[d].w, we - ws) == 0) {
                                quant_push(out, n, cap, i, we, "duration", v, dur[d].unit);
                                return we - i;
                        }
                if (we - ws >= 4 && low[we - 1] == 's' && (ws == e + 1 || ws == e)) {
                        char unit[24];
                        size_t ul = we - ws < sizeof unit - 1 ? we - ws : sizeof unit - 1;
                        memcpy(unit, low + ws, ul);
                        unit[ul] = '\0';
                        const char *known = quant_unit_near(x, t, EX_EN, lo, hi, ws, we);
                        quant_push(out, n, cap, i, we, "count", v, known ? known : unit);
                        return we - i;
                }
        }
        if (m > 1 || v >= 1000) {
                if (v >= 1900 && v < 2100 && m == 1)
                        return e - i; /* a year */
                const char *known = quant_unit_near(x, t, EX_EN, lo, hi, i, e);
                quant_push(out, n, cap, i, e, "count", v, known ? known : "count");
        }
        return e - i;
}

/* The characters that can start a Chinese quantity, by code point:
 * 前第首榜冠百人零一二两三四五六七八九十〇. */
/* clang-format off */
#define QUANT_ZH_LEADS(X, a) \
        X(0x524d, a) X(0x7b2c, a) X(0x9996, a) X(0x699c, a) X(0x51a0, a) X(0x767e, a) \
        X(0x4eba, a) X(0x96f6, a) X(0x4e00, a) X(0x4e8c, a) X(0x4e24, a) X(0x4e09, a) \
        X(0x56db, a) X(0x4e94, a) X(0x516d, a) X(0x4e03, a) X(0x516b, a) X(0x4e5d, a) \
        X(0x5341, a) X(0x3007, a)
/* clang-format on */

/* The filter of the characters of QUANT_ZH_LEADS (by the low 12 bits of
 * their code points). */
static const uint64_t quant_zh_maybe[64] = EX_CPSET_INIT(QUANT_ZH_LEADS);
/* The same as quant_skip reads it (ex_lead_filter, by quant_init). */
static unsigned char quant_zh_filter[EX_LEAD_FILTER_SIZE];
static pthread_once_t quant_once = PTHREAD_ONCE_INIT;

/* Build the tables of quant_scan (by pthread_once). */
static void
quant_init(void)
{
        quant_en_init();
        ex_lead_filter(quant_zh_maybe, 1, quant_zh_filter);
}

/* Whether the character cp can start a Chinese quantity (a cheap filter: a
 * bitmap, then a switch). */
static bool
quant_zh_lead(uint32_t cp)
{
        if (!ex_cpset_maybe(quant_zh_maybe, cp))
                return false;
        switch (cp) {
                QUANT_ZH_LEADS(EX_CPSET_CASE, 0)
                return true;
        default:
                return false;
        }
}

/* Whether the character after the lead cp at s[i] lets a Chinese quantity
 * start there: after a numeral (零〇一二两三四五六七八九十) only another
 * numeral or a multiplier (三十, 一百, 三万), a '%' or the first character
 * of a word of the lists after a number (quant_zh_after: 元, 倍, 天, 个...);
 * else quant_zh finds nothing there (一些, 统一). The other leads
 * (前第首榜冠百人) start words of their own. */
static inline bool
quant_zh_next(const char *s, size_t len, size_t i, uint32_t cp)
{
        switch (cp) {
        case 0x524d: /* 前 */
        case 0x7b2c: /* 第 */
        case 0x9996: /* 首 */
        case 0x699c: /* 榜 */
        case 0x51a0: /* 冠 */
        case 0x767e: /* 百 */
        case 0x4eba: /* 人 */
                return true;
        default:
                return quant_zh_digit(s, len, i + 3) >= 0 || quant_zh_mult(s, len, i + 3) != 0 ||
                       (i + 3 < len && s[i + 3] == '%') ||
                       quant_zh_after[ex_cp3(s, len, i + 3) & 0xfff] != 0;
        }
}

/* What quant_scan does at a byte of the text. */
enum {
        QB_NONE,  /* nothing starts here (0, as ex_lead_skip reads it) */
        QB_DIGIT, /* a Chinese (3000万) or English (30 million) quantity may */
        QB_WORD,  /* a letter: an English quantity may start at a word (quant_en_kinds) */
        QB_SIGN,  /* $, or the first byte of € £ ¥: an English amount may */
        QB_ZH,    /* the first byte of a character of U+3000..U+9FFF */
};
#define QB_LETTER(c) [c] = QB_WORD, [(c) - 'a' + 'A'] = QB_WORD
/* clang-format off */
static const unsigned char quant_byte[256] = {
    ['0'] = QB_DIGIT, ['1'] = QB_DIGIT, ['2'] = QB_DIGIT, ['3'] = QB_DIGIT, ['4'] = QB_DIGIT,
    ['5'] = QB_DIGIT, ['6'] = QB_DIGIT, ['7'] = QB_DIGIT, ['8'] = QB_DIGIT, ['9'] = QB_DIGIT,
    QB_LETTER('a'), QB_LETTER('b'), QB_LETTER('c'), QB_LETTER('d'), QB_LETTER('e'),
    QB_LETTER('f'), QB_LETTER('g'), QB_LETTER('h'), QB_LETTER('i'), QB_LETTER('j'),
    QB_LETTER('k'), QB_LETTER('l'), QB_LETTER('m'), QB_LETTER('n'), QB_LETTER('o'),
    QB_LETTER('p'), QB_LETTER('q'), QB_LETTER('r'), QB_LETTER('s'), QB_LETTER('t'),
    QB_LETTER('u'), QB_LETTER('v'), QB_LETTER('w'), QB_LETTER('x'), QB_LETTER('y'),
    QB_LETTER('z'),
    ['$'] = QB_SIGN, [0xc2] = QB_SIGN, [0xe2] = QB_SIGN,
    [0xe3] = QB_ZH, [0xe4] = QB_ZH, [0xe5] = QB_ZH, [0xe6] = QB_ZH, [0xe7] = QB_ZH,
    [0xe8] = QB_ZH, [0xe9] = QB_ZH,
};
/* clang-format on */

/* The first place from i on where a quantity may start: bytes of no class and
 * Chinese characters that miss the filter of QUANT_ZH_LEADS are stepped over. */
static inline size_t
quant_skip(const char *s, size_t i, size_t hi)
{
        return ex_lead_skip(s, i, hi, quant_byte, QB_ZH, quant_zh_filter, NULL);
}

/* Whether the byte is an ASCII letter or digit (by its class). */
static inline bool
quant_alnum(char c)
{
        int class = quant_byte[(unsigned char)c];
        return class == QB_DIGIT || class == QB_WORD;
}

void
quant_scan(const struct extractor *x, const struct text *t, int lang, size_t lo, size_t hi,
           const struct ex_time *times, size_t ntimes, struct ex_qty **out, size_t *n, size_t *cap)
{
        const char *s = t->s;
        size_t i = lo, cur = 0, top = ntimes;
        (void)lang;
        pthread_once(&quant_once, quant_init);
        /* the first time that ends past lo, by a binary search (the times
         * are in order and apart, so are their ends): a long article's
         * scans, a span each, do not walk over the times of all the spans
         * before */
        while (cur < top) {
                size_t mid = cur + (top - cur) / 2;
                if (times[mid].end <= lo)
                        cur = mid + 1;
                else
                        top = mid;
        }
        for (;;) {
                i = quant_skip(s, i, hi);
                if (i >= hi)
                        break;
                int class = quant_byte[(unsigned char)s[i]];
                size_t k = 0, e = i;
                unsigned kinds = 0;
                /* English quantities start at a word start (no Chinese one
                 * asks) */
                bool word_start = class != QB_ZH && (i == lo || !quant_alnum(s[i - 1]));
                uint32_t cp = 0;
                bool lead;
                if (class == QB_WORD) {
                        /* a word of letters: a quantity starts at its start or
                         * nowhere in it */
                        uint64_t key;
                        e = ex_word_end(t->low, i, hi, t->len + 1, &key);
                        if (word_start)
                                kinds = quant_en_kinds(key);
                        lead = kinds != 0;
                } else if (class == QB_ZH) {
                        /* most characters of Chinese text are no lead, and
                         * most numerals start none */
                        cp = ex_cp3(s, hi, i);
                        lead = quant_zh_lead(cp) && quant_zh_next(s, hi, i, cp);
                } else if (class == QB_DIGIT) {
                        /* none starts at the digits after a number's first (a
                         * digit before each) */
                        for (e = i + 1; e < hi && s[e] >= '0' && s[e] <= '9';)
                                e++;
                        lead = true;
                } else {
                        lead = true;
                }
                if (lead && !quant_in_time(times, ntimes, i, &cur)) {
                        switch (class) {
                        case QB_DIGIT:
                                k = quant_zh(x, t, lo, hi, i, out, n, cap);
                                if (k == 0 && word_start)
                                        k = quant_en(x, t, lo, hi, i, 0, out, n, cap);
                                break;
                        case QB_SIGN:
                                if (word_start &&
                                    (s[i] == '$' || quant_lit(s, hi, i, "€") ||
                                     quant_lit(s, hi, i, "£") || quant_lit(s, hi, i, "¥")))
                                        k = quant_en(x, t, lo, hi, i, 0, out, n, cap);
                                break;
                        case QB_WORD:
                                k = quant_en(x, t, lo, hi, i, kinds, out, n, cap);
                                break;
                        case QB_ZH:
                                k = quant_zh(x, t, lo, hi, i, out, n, cap);
                                break;
                        }
                }
                if (k > 0)
                        i += k;
                else if (class == QB_WORD || class == QB_DIGIT)
                        i = e;
                else
                        i += cp != 0 ? 3 : 1; /* past the character */
        }
}

/* Append v as printf's "%.*g" with precision prec (4 or 15) would: an
 * integer of fewer digits, or a number of 1 to 9999 with four significant
 * digits whose rounding is clear, by hand (most are); the rest by printf. */
static void
quant_add_g(struct ex_buf *out, double v, int prec)
{
        static const double pow10[] = {1, 10, 100, 1000, 10000};
        char tmp[24];
        size_t n = sizeof tmp;
        if (v >= 1 && v < (prec >= 15 ? 1e15 : 1e4) && v == (double)(long long)v) {
                long long u = (long long)v;
                do
                        tmp[--n] = (char)('0' + u % 10);
                while ((u /= 10) > 0);
                ex_buf_add(out, tmp + n, sizeof tmp - n);
                return;
        }
        if (prec == 4 && v >= 1 && v < 1e4) {
                /* dec decimals: four significant digits */
                int dec = v < 10 ? 3 : v < 100 ? 2 : v < 1000 ? 1 : 0;
                double r = v * pow10[dec];
                long long u = (long long)(r + 0.5);
                double frac = r - (double)(long long)r;
                /* far from a tie (the product's error is ~1e-12), no carry
                 * into a fifth digit */
                if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6)
                        goto slow;
                if (u >= 10000)
                        goto slow;
                while (dec > 0 && u % 10 == 0) {
                        u /= 10;
                        dec--;
                }
                for (int k = 0; k < dec; k++) {
                        tmp[--n] = (char)('0' + u % 10);
                        u /= 10;
                }
                if (dec > 0)
                        tmp[--n] = '.';
                do
                        tmp[--n] = (char)('0' + u % 10);
                while ((u /= 10) > 0);
                ex_buf_add(out, tmp + n, sizeof tmp - n);
                return;
        }
slow:
        ex_buf_addf(out, "%.*g", prec, v);
}

/* A number for people: 44100000000 → "44.1 billion", 1500 → "1,500". */
static void
quant_display_number(double v, struct ex_buf *out)
{
        static const struct {
                double scale;
                const char *word;
        } big[] = {{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}};
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
                if (v >= big[i].scale) {
                        quant_add_g(out, v / big[i].scale, 4);
                        ex_buf_add(out, " ", 1);
                        ex_buf_adds(out, big[i].word);
                        return;
                }
        if (v >= 1000 && v == (double)(long long)v) {
                long long n = (long long)v;
                /* below 1e6 here: "%lld,%03lld" */
                char tmp[8] = {(char)('0' + n / 100000),    (char)('0' + n / 10000 % 10),
                               (char)('0' + n / 1000 % 10), ',',
                               (char)('0' + n / 100 % 10),  (char)('0' + n / 10 % 10),
                               (char)('0' + n % 10)};
                size_t skip = n < 10000 ? 2 : n < 100000 ? 1 : 0;
                ex_buf_add(out, tmp + skip, 7 - skip);
                return;
        }
        quant_add_g(out, v, 4);
}

/* Whether s is the string lit: its first byte tells most apart (a call per
 * kind and currency of every quantity displayed) before strcmp. */
static inline bool
quant_is(const char *s, const char *lit)
{
        return s[0] == lit[0] && strcmp(s, lit) == 0;
}

/* Render a quantity for an English summary: "$8 billion", "€600 million",
 * "380 billion yuan", "500 million users", "#1", "69%", "10x", "20 days". */
void
quant_display(const struct ex_qty *q, struct ex_buf *out)
{
        if (quant_is(q->kind, "money")) {
                const char *sym = quant_is(q->unit, "USD")   ? "$"
                                  : quant_is(q->unit, "EUR") ? "€"
                                  : quant_is(q->unit, "GBP") ? "£"
                                                             : NULL;
                if (sym != NULL)
                        ex_buf_adds(out, sym);
                quant_display_number(q->value, out);
                if (sym == NULL) {
                        ex_buf_add(out, " ", 1);
                        ex_buf_adds(out, quant_is(q->unit, "CNY") ? "yuan" : q->unit);
                }
        } else if (quant_is(q->kind, "rank")) {
                ex_buf_add(out, "#", 1);
                quant_add_g(out, q->value, 15);
        } else if (quant_is(q->kind, "percent")) {
                quant_add_g(out, q->value, 4);
                ex_buf_add(out, "%", 1);
        } else if (quant_is(q->kind, "multiple")) {
                quant_add_g(out, q->value, 4);
                ex_buf_add(out, "x", 1);
        } else {
                quant_display_number(q->value, out);
                if (q->unit[0]) {
                        ex_buf_add(out, " ", 1);
                        ex_buf_adds(out, q->unit);
                        /* "1 day", "20 days" */
                        if (quant_is(q->kind, "duration") && q->value != 1)
                                ex_buf_adds(out, "s");
                }
        }
}
