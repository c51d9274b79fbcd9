/*
 * text.c — the normalised view of an article body, and its sentences and
 * clauses.
 *
 * Normalisation: invalid UTF-8 becomes U+FFFD (counted), control characters
 * become spaces, full-width ASCII letters, digits and punctuation fold to
 * ASCII (，→, ２０２５→2025), HTML entities decode (&nbsp; → space), markup
 * (<b>, </p>) becomes a space, and scraped-page noise lines (点击阅读原文,
 * 责任编辑：…, listed in rules/cues.txt) are blanked. Every byte of the result
 * maps back to the offset of the original byte it came from, so evidence
 * offsets point into the article body as received.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "extract-int.h"

/* Output buffer with its offset map, and the room of the span arrays. */
struct text_out {
        struct text *t;
        size_t cap;
        size_t capruns;
        size_t capsent, capcl;
};

/* The arrays of a text that have outgrown their room in t->block. */
enum {
        TEXT_OWN_S = 1,
        TEXT_OWN_LOW = 2,
        TEXT_OWN_RUNS = 4,
        TEXT_OWN_SENT = 8,
        TEXT_OWN_CLAUSE = 16
};

/* Resize the array p of t (used bytes of it in use) to size bytes: the first
 * time it outgrows its room in t->block, it moves to an allocation of its
 * own (bit of TEXT_OWN_*). */
static __attribute__((noinline)) void *
text_grow(struct text *t, void *p, size_t used, size_t size, unsigned bit)
{
        if (t->own & bit)
                return ex_xrealloc(p, size);
        void *q = ex_xmalloc(size);
        memcpy(q, p, used);
        t->own |= bit;
        return q;
}

/* Record that the output from t->len on comes from original offset from:
 * byte by byte (step 1, a copied run) or all of it from that one offset
 * (step 0, a replacement). Extends the last run when it continues it. */
static inline void
text_run(struct text_out *o, size_t from, int step)
{
        struct text *t = o->t;
        if (t->nruns > 0) {
                const struct text_run *r = &t->runs[t->nruns - 1];
                if (r->at == t->len) {
                        t->nruns--; /* an empty run: replace it */
                } else if (step == 1 && r->step == 1 && r->from + (t->len - r->at) == from) {
                        return;
                }
        }
        if (t->nruns == o->capruns) {
                o->capruns *= 2;
                t->runs = text_grow(t, t->runs, t->nruns * sizeof *t->runs,
                                    o->capruns * sizeof *t->runs, TEXT_OWN_RUNS);
        }
        t->runs[t->nruns].at = (uint32_t)t->len;
        t->runs[t->nruns].from = (uint32_t)from;
        t->runs[t->nruns++].step = (uint32_t)step;
}

/* Make room for n more output bytes and their NUL (the growth out of line). */
static inline void
text_room(struct text_out *o, size_t n)
{
        struct text *t = o->t;
        if (__builtin_expect(t->len + n + 1 > o->cap, 0)) {
                while (t->len + n + 1 > o->cap)
                        o->cap *= 2;
                t->s = text_grow(t, t->s, t->len, o->cap, TEXT_OWN_S);
        }
}

/* Append the n bytes of one character (at most four) that came from
 * original offset from. */
static inline void
text_emit(struct text_out *o, const char *p, size_t n, size_t from)
{
        struct text *t = o->t;
        text_room(o, n);
        text_run(o, from, 0);
        for (size_t j = 0; j < n; j++)
                t->s[t->len + j] = p[j];
        t->len += n;
}

/* Decode an HTML entity at s[i] ('&'); returns its length or 0, *cp the character. */
static size_t
text_entity(const char *s, size_t len, size_t i, uint32_t *cp)
{
        static const struct {
                const char *name;
                uint32_t cp;
        } named[] = {{"nbsp", ' '},      {"amp", '&'},      {"lt", '<'},       {"gt", '>'},
                     {"quot", '"'},      {"apos", '\''},    {"ldquo", 0x201c}, {"rdquo", 0x201d},
                     {"lsquo", 0x2018},  {"rsquo", 0x2019}, {"mdash", 0x2014}, {"ndash", 0x2013},
                     {"hellip", 0x2026}, {"middot", 0xb7},  {"ensp", ' '},     {"emsp", ' '},
                     {"thinsp", ' '},    {"copy", 0xa9},    {"reg", 0xae},     {"trade", 0x2122}};
        size_t j = i + 1;
        while (j < len && j - i <= 10 && s[j] != ';')
                j++;
        if (j >= len || s[j] != ';' || j == i + 1)
                return 0;
        const char *name = s + i + 1;
        size_t n = j - i - 1;
        if (name[0] == '#') {
                uint32_t v = 0;
                size_t k = 1;
                bool hex = n > 1 && (name[1] == 'x' || name[1] == 'X');
                if (hex)
                        k = 2;
                if (k >= n)
                        return 0;
                for (; k < n; k++) {
                        char c = name[k];
                        int d;
                        if (c >= '0' && c <= '9')
                                d = c - '0';
                        else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                                d = (c | 0x20) - 'a' + 10;
                        else
                                return 0;
                        v = v * (hex ? 16 : 10) + (uint32_t)d;
                        if (v > 0x10ffff)
                                return 0;
                }
                if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
                        v = 0xfffd;
                if (v < 0x20 || v == 0xa0)
                        v = ' ';
                *cp = v;
                return j - i + 1;
        }
        for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
                if (strlen(named[k].name) == n && memcmp(named[k].name, name, n) == 0) {
                        *cp = named[k].cp;
                        return j - i + 1;
                }
        return 0;
}

/* Length of a markup tag at s[i] ('<'), or 0 when it is not one. */
static size_t
text_tag(const char *s, size_t len, size_t i)
{
        if (i + 1 >= len)
                return 0;
        char c = s[i + 1];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!'))
                return 0;
        for (size_t j = i + 1; j < len && j - i < 400; j++) {
                if (s[j] == '>')
                        return j - i + 1;
                if (s[j] == '<' || s[j] == '\n')
                        return 0;
        }
        return 0;
}

/* Fold one code point for matching. */
static inline uint32_t
text_fold(uint32_t cp)
{
        if (cp >= 0xff01 && cp <= 0xff5e)
                return cp - 0xfee0;
        if (cp == 0x3000 || cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f)
                return ' ';
        if (cp == 0x200b || cp == 0xfeff)
                return 0; /* dropped */
        if (cp < 0x20 && cp != '\n')
                return ' ';
        if (cp == 0x7f)
                return ' ';
        return cp;
}

/* Blank noise lines: a line that starts with a noise phrase. */
static void
text_noise(struct text *t, const struct extractor *x)
{
        size_t i = 0;
        while (i < t->len) {
                const char *nl = memchr(t->s + i, '\n', t->len - i);
                size_t e = nl != NULL ? (size_t)(nl - t->s) : t->len;
                size_t b = i;
                while (b < e && (t->s[b] == ' ' || t->s[b] == '\t'))
                        b++;
                for (int l = 0; x != NULL && l < EX_NLANG && b < e; l++) {
                        if (ex_words_starts_at(&x->noise[l], t->s, e, b) > 0 && e - b < 240) {
                                memset(t->s + b, ' ', e - b);
                                break;
                        }
                }
                i = e + 1;
        }
}

/* Whether the word ending at s[i] (before a '.') is a known abbreviation or an initial. */
static bool
text_abbrev(const struct extractor *x, const char *s, size_t lo, size_t i)
{
        size_t b = i;
        while (b > lo && ((s[b - 1] >= 'a' && s[b - 1] <= 'z') ||
                          (s[b - 1] >= 'A' && s[b - 1] <= 'Z') || s[b - 1] == '.'))
                b--;
        if (b == i)
                return false;
        if (i - b == 1 && s[b] >= 'A' && s[b] <= 'Z')
                return true; /* an initial: J. Smith */
        /* most words are turned away by the list's index: none of it ends
         * at i within the word */
        if (x == NULL || ex_words_ends_at(&x->abbrev, s, b, i) == 0)
                return false;
        for (size_t k = 0; k < x->abbrev.n; k++) {
                size_t n = x->abbrev.l[k];
                if (n == i - b && memcmp(s + b, x->abbrev.w[k], n) == 0)
                        return true;
        }
        return false;
}

/* Whether cp closes a quotation or bracket (kept with the sentence before). */
static bool
text_closer(uint32_t cp)
{
        return cp == 0x201d || cp == 0x2019 || cp == '"' || cp == '\'' || cp == ')' ||
               cp == 0x300d || cp == 0x300f || cp == 0x3011;
}

/* Append a span to the growing array *v of t (bit of TEXT_OWN_*). */
static void
text_span(struct text *t, struct ex_span **v, size_t *n, size_t *cap, unsigned bit, size_t s,
          size_t e)
{
        if (e <= s)
                return;
        if (*n == *cap) {
                *cap *= 2;
                *v = text_grow(t, *v, *n * sizeof **v, *cap * sizeof **v, bit);
        }
        (*v)[*n].start = s;
        (*v)[(*n)++].end = e;
}

#define TEXT_BLOCK 64 /* bytes of text per entry of a span array's block index */

/* Append to the span array *v (n spans tiling a text of len bytes) its block
 * index: for each TEXT_BLOCK bytes of text, the first span ending past the
 * block's start (n when none), so text_find goes straight to the span
 * of an offset or a step before it (a lookup per mention and role: a binary
 * search mispredicted on about every step). */
static void
text_index(struct text *t, struct ex_span **v, size_t n, size_t cap, unsigned bit, size_t len)
{
        if (n == 0)
                return;
        size_t nblk = len / TEXT_BLOCK + 1, size = n * sizeof **v + nblk * sizeof(uint32_t);
        if (size > cap * sizeof **v) /* most often it fits in the room left */
                *v = text_grow(t, *v, n * sizeof **v, size, bit);
        const struct ex_span *sp = *v;
        uint32_t *blk = (uint32_t *)(*v + n);
        size_t k = 0;
        for (size_t b = 0; b < nblk; b++) {
                while (k < n && sp[k].end <= b * TEXT_BLOCK)
                        k++;
                blk[b] = (uint32_t)k;
        }
}

#ifndef __SSE2__
/* Whether the six bytes at p are two well-formed CJK ideographs
 * (U+4000..U+9FFF: lead bytes E4..E9), tested at once: the runs of Chinese
 * text that normalisation keeps and sentence splitting steps over. */
static inline bool
text_cjk2(const char *p)
{
        const unsigned char *u = (const unsigned char *)p;
        unsigned all = u[1] & u[2] & u[4] & u[5], any = u[1] | u[2] | u[4] | u[5];
        return ((unsigned char)(u[0] - 0xe4) < 6) & ((unsigned char)(u[3] - 0xe4) < 6) &
               ((all & 0x80) != 0) & ((any & 0x40) == 0);
}
#endif

/* Whether the three bytes at p are one well-formed CJK ideograph
 * (U+4000..U+9FFF: lead bytes E4..E9). */
static inline bool
text_cjk1(const char *p)
{
        const unsigned char *u = (const unsigned char *)p;
        return (unsigned char)(u[0] - 0xe4) < 6 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80;
}

/* The length of the run of CJK ideographs (U+4000..U+9FFF, well-formed) at
 * the start of p[0..n): the runs of Chinese text that normalisation keeps
 * and sentence splitting steps over. Where SSE2 is there, five at a time
 * (in 16 bytes read, the lead bytes E4..E9 at 0, 3, 6, 9 and 12 and
 * continuation bytes at the other places but the last; the first place
 * that fails ends the run), else two. */
static size_t
text_cjk_run(const char *p, size_t n)
{
        size_t r = 0;
#ifdef __SSE2__
        const __m128i e4 = _mm_set1_epi8((char)0xe4), five = _mm_set1_epi8(5);
        const __m128i c0 = _mm_set1_epi8((char)0xc0), x80 = _mm_set1_epi8((char)0x80);
        while (r + 16 <= n) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + r));
                __m128i d = _mm_sub_epi8(v, e4); /* a lead byte: 0..5 */
                unsigned lead =
                    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, five), d));
                unsigned cont =
                    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, c0), x80));
                unsigned ok = (lead & 0x1249) | (cont & 0x6db6);
                if (ok != 0x7fff) /* the whole characters before the first bad byte */
                        return r + (size_t)__builtin_ctz(~ok) / 3 * 3;
                r += 15;
        }
#else
        while (r + 6 <= n && text_cjk2(p + r))
                r += 6;
#endif
        while (r + 3 <= n && text_cjk1(p + r))
                r += 3;
        return r;
}

#define TEXT_MAX_SENTENCE 2400 /* bytes: longer runs are cut, keeping work linear */

/* Whether byte b may start a character that ends or cuts a sentence or a
 * clause (see text_split): \n ! ? ; . , : ( ) and the lead bytes of
 * U+2014, U+3002 and U+FF61 (E2, E3, EF). */
static inline bool
text_stop(unsigned char b)
{
        return b == '\n' || b == '!' || b == '?' || (b | 1) == ';' || (b | 2) == '.' ||
               (b | 1) == ')' || (b | 1) == 0xe3 || b == 0xef;
}

#ifdef __SSE2__
/* The bytes of the sixteen at p that pass text_stop, a bit each. */
static inline unsigned
text_stop16(const char *p)
{
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i v1 = _mm_or_si128(v, _mm_set1_epi8(1)), v2 = _mm_or_si128(v, _mm_set1_epi8(2));
        __m128i m =
            _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xef)))),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8(';')),
                                                   _mm_cmpeq_epi8(v2, _mm_set1_epi8('.'))),
                                      _mm_or_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8(')')),
                                                   _mm_cmpeq_epi8(v1, _mm_set1_epi8((char)0xe3)))));
        return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The stops (bytes that pass text_stop) of the sixteen bytes of the text
 * from at, a bit each: text_skip reads on from them where it left off. */
struct text_stops {
        size_t at;
        unsigned bits;
};

/* The first place from i on (below hi) whose byte passes text_stop, or hi:
 * the characters before it end and cut nothing short of the length cuts.
 * Sixteen bytes at a time where SSE2 is there (the last sixteen before hi
 * read at once too), from the sixteen of the last call in *c when i falls
 * in them (a stop after another in the same sixteen costs no read). */
static inline size_t
text_skip(const char *s, size_t i, size_t hi, struct text_stops *c)
{
#ifdef __SSE2__
        if (i - c->at < 16) {
                unsigned bits = c->bits >> (i - c->at);
                if (bits != 0) {
                        i += (size_t)__builtin_ctz(bits);
                        return i < hi ? i : hi;
                }
                i = c->at + 16;
                if (i >= hi)
                        return hi;
        }
        for (; i + 16 <= hi; i += 16) {
                unsigned bits = text_stop16(s + i);
                if (bits != 0) {
                        c->at = i;
                        c->bits = bits;
                        return i + (size_t)__builtin_ctz(bits);
                }
        }
        if (i < hi && hi >= 16) {
                /* bit b of the last sixteen is place hi - 16 + b */
                c->at = hi - 16;
                c->bits = text_stop16(s + hi - 16);
                unsigned bits = c->bits >> (16 - (hi - i));
                return bits != 0 ? i + (size_t)__builtin_ctz(bits) : hi;
        }
#else
        (void)c;
#endif
        while (i < hi && !text_stop((unsigned char)s[i]))
                i++;
        return i;
}

/* Split sentences and clauses. */
static void
text_split(struct text_out *o, const struct extractor *x, int lang)
{
        struct text *t = o->t;
        size_t capsent = o->capsent, capcl = o->capcl;
        size_t start = 0, cstart = 0;
        const char *s = t->s;
        size_t i = 0;
        struct text_stops stops = {SIZE_MAX - 16, 0}; /* none read yet */
        while (i < t->len) {
                /* up to lim, no length cut: step over the characters that
                 * end and cut nothing, all of the last one that starts by
                 * lim (the text is well-formed UTF-8) */
                size_t lim = start + TEXT_MAX_SENTENCE < cstart + TEXT_MAX_SENTENCE / 2
                                 ? start + TEXT_MAX_SENTENCE
                                 : cstart + TEXT_MAX_SENTENCE / 2;
                if (i <= lim) {
                        size_t hi = lim + 1 < t->len ? lim + 1 : t->len;
                        i = text_skip(s, i, hi, &stops);
                        if (i == hi) {
                                while (i < t->len && ((unsigned char)s[i] & 0xc0) == 0x80)
                                        i++;
                                continue;
                        }
                        /* a lead byte E2, E3 or EF of a character but U+2014,
                         * U+3002 and U+FF61 (“, 、, 《): stepped over */
                        const unsigned char *u = (const unsigned char *)s + i;
                        if (u[0] >= 0x80 && i + 3 <= t->len && (u[1] & 0xc0) == 0x80 &&
                            (u[2] & 0xc0) == 0x80 &&
                            !(u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x82) &&
                            !(u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0x94) &&
                            !(u[0] == 0xef && u[1] == 0xbd && u[2] == 0xa1)) {
                                i += 3;
                                continue;
                        }
                } else {
                        /* past it, an ASCII letter or digit ends nothing and
                         * cuts nothing */
                        unsigned char b = (unsigned char)s[i];
                        if ((unsigned char)((b | 0x20) - 'a') < 26 ||
                            (unsigned char)(b - '0') < 10) {
                                i++;
                                continue;
                        }
                }
                int k;
                uint32_t cp = ex_cp_at(s, t->len, i, &k);
                size_t next = i + (size_t)k;
                bool end = false, cend = false;
                if (cp == '\n') {
                        end = true;
                } else if (cp == 0x3002 || cp == '!' || cp == '?' || cp == ';' || cp == 0xff61) {
                        end = true;
                } else if (cp == '.') {
                        /* English full stop: followed by space, end, a quote or CJK. */
                        int k2 = 0;
                        uint32_t nx = next < t->len ? ex_cp_at(s, t->len, next, &k2) : ' ';
                        bool digits =
                            i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && nx >= '0' && nx <= '9';
                        if (!digits &&
                            (nx == ' ' || nx == '\n' || ex_is_han(nx) || text_closer(nx)) &&
                            !text_abbrev(x, s, start, i))
                                end = true;
                } else if (cp == ',' || cp == ':' || cp == '(' || cp == ')' || cp == 0x2014) {
                        cend = true;
                }
                if (end) {
                        /* Keep closing quotes with the sentence. */
                        while (next < t->len) {
                                int k3;
                                uint32_t c3 = ex_cp_at(s, t->len, next, &k3);
                                if (!text_closer(c3))
                                        break;
                                next += (size_t)k3;
                        }
                        text_span(t, &t->clause, &t->nclause, &capcl, TEXT_OWN_CLAUSE, cstart,
                                  next);
                        text_span(t, &t->sent, &t->nsent, &capsent, TEXT_OWN_SENT, start, next);
                        start = cstart = next;
                } else if (cend) {
                        text_span(t, &t->clause, &t->nclause, &capcl, TEXT_OWN_CLAUSE, cstart,
                                  next);
                        cstart = next;
                } else if (i - start > TEXT_MAX_SENTENCE && (cp == ' ' || cp > 0x7f)) {
                        text_span(t, &t->clause, &t->nclause, &capcl, TEXT_OWN_CLAUSE, cstart, i);
                        text_span(t, &t->sent, &t->nsent, &capsent, TEXT_OWN_SENT, start, i);
                        start = cstart = i;
                } else if (i - cstart > TEXT_MAX_SENTENCE / 2 && (cp == ' ' || cp > 0x7f)) {
                        text_span(t, &t->clause, &t->nclause, &capcl, TEXT_OWN_CLAUSE, cstart, i);
                        cstart = i;
                }
                i = next;
        }
        text_span(t, &t->clause, &t->nclause, &capcl, TEXT_OWN_CLAUSE, cstart, t->len);
        text_span(t, &t->sent, &t->nsent, &capsent, TEXT_OWN_SENT, start, t->len);
        text_index(t, &t->sent, t->nsent, capsent, TEXT_OWN_SENT, t->len);
        text_index(t, &t->clause, t->nclause, capcl, TEXT_OWN_CLAUSE, t->len);
        (void)lang;
}

/* ASCII-lowercase n bytes of src into dst: sixteen at a time where SSE2 is
 * there (the bytes between 'A' and 'Z' as signed numbers, those from 0x80
 * on being negative, get 0x20), else eight at a time: in each byte with the
 * top bit clear, the top bit of (b + 0x80 - 'A') says b >= 'A' and that of
 * (b + 0x80 - 'Z' - 1) says b > 'Z'; their difference is moved down to 0x20
 * and or-ed in. */
static void
text_lower(char *dst, const char *src, size_t n)
{
        size_t j = 0;
#ifdef __SSE2__
        const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1);
        const __m128i x20 = _mm_set1_epi8(0x20);
        for (; j + 16 <= n; j += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(src + j));
                __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmpgt_epi8(after_z, v));
                _mm_storeu_si128((__m128i *)(void *)(dst + j),
                                 _mm_or_si128(v, _mm_and_si128(up, x20)));
        }
#endif
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        for (; j + 8 <= n; j += 8) {
                uint64_t x;
                memcpy(&x, src + j, 8);
                uint64_t h = x & ~high;
                uint64_t ge_a = h + ones * (0x80 - 'A');
                uint64_t gt_z = h + ones * (0x80 - 'Z' - 1);
                uint64_t upper = (ge_a ^ gt_z) & ~x & high;
                x |= upper >> 2;
                memcpy(dst + j, &x, 8);
        }
        for (; j < n; j++) {
                unsigned char ch = (unsigned char)src[j];
                dst[j] = (char)(ch + ((unsigned char)(ch - 'A') < 26 ? 32 : 0));
        }
}

/* Whether byte b is kept as it is by itself: printable ASCII but & and <
 * (an entity, markup), and \n. */
static inline bool
text_plain(unsigned char b)
{
        return (b >= 0x20 && b < 0x7f && b != '&' && b != '<') || b == '\n';
}

#ifndef __SSE2__
/* Whether the eight bytes at p are all printable ASCII but & and < (kept as
 * they are): no byte with the top bit set or, below it, under 0x20 or equal
 * to 0x7f, '&' or '<' (a byte v is zero where (v - 1) & ~v has its top bit). */
static inline bool
text_plain8(const char *p)
{
        const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
        uint64_t x, amp, lt;
        memcpy(&x, p, 8);
        amp = x ^ (ones * '&');
        lt = x ^ (ones * '<');
        return ((x | (x + ones) | ((x - ones * 0x20) & ~x) | ((amp - ones) & ~amp) |
                 ((lt - ones) & ~lt)) &
                high) == 0;
}
#endif

#ifdef __SSE2__
/* The bytes of the sixteen at p that pass text_plain, a bit each (as signed
 * numbers, the bytes from 0x80 on are below 0x20). */
static inline unsigned
text_plain16(const char *p)
{
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(0x20), v),
                                                _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
                                                _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))));
        __m128i ok = _mm_or_si128(_mm_andnot_si128(bad, _mm_set1_epi8(-1)),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
        return (unsigned)_mm_movemask_epi8(ok);
}
#endif

/* The first place from r on (below len) whose byte fails text_plain, or
 * len: sixteen bytes at a time where SSE2 is there, the last sixteen of
 * buf read at once too. */
static inline size_t
text_plain_run(const char *buf, size_t r, size_t len)
{
#ifdef __SSE2__
        for (; r + 16 <= len; r += 16) {
                unsigned bad = ~text_plain16(buf + r) & 0xffff;
                if (bad != 0)
                        return r + (size_t)__builtin_ctz(bad);
        }
        if (r < len && len >= 16) {
                /* bit b of the last sixteen is place len - 16 + b */
                unsigned bad = (~text_plain16(buf + len - 16) & 0xffff) >> (16 - (len - r));
                return bad != 0 ? r + (size_t)__builtin_ctz(bad) : len;
        }
#else
        /* printable ASCII (English text) eight at a time */
        for (;;) {
                while (r + 8 <= len && text_plain8(buf + r))
                        r += 8;
                if (r >= len || !text_plain((unsigned char)buf[r]))
                        return r;
                r++;
        }
#endif
        while (r < len && text_plain((unsigned char)buf[r]))
                r++;
        return r;
}

/* The end of the run of bytes kept as they are from r on: bytes that pass
 * text_plain and well-formed CJK characters (E4..E9 lead bytes). Where SSE2
 * is there, sixteen bytes at a time, each classed as plain, a lead or a
 * continuation byte: the run goes on while the continuation bytes are
 * exactly the two after each lead (those of a lead near the end of the
 * sixteen carried to the next) and no byte is of another class; it ends at
 * the first that is not, or at the lead of the character that byte breaks.
 * The last few bytes (and without SSE2, all), a run of each kind after the
 * other. */
static inline size_t
text_kept_run(const char *buf, size_t r, size_t len)
{
#ifdef __SSE2__
        unsigned carry = 0, prevlead = 0; /* continuation bytes due from the sixteen before */
        for (; r + 16 <= len; r += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + r));
                __m128i d = _mm_sub_epi8(v, _mm_set1_epi8((char)0xe4)); /* a lead byte: 0..5 */
                unsigned plain = text_plain16(buf + r);
                unsigned lead = (unsigned)_mm_movemask_epi8(
                    _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(5)), d));
                unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
                    _mm_and_si128(v, _mm_set1_epi8((char)0xc0)), _mm_set1_epi8((char)0x80)));
                unsigned due = (lead << 1) | (lead << 2) | carry; /* bits 0..17 */
                unsigned bad = (~(plain | lead | cont) | (cont ^ due)) & 0xffff;
                if (bad != 0) {
                        size_t b = (size_t)__builtin_ctz(bad);
                        if (!(due >> b & 1))
                                return r + b;
                        /* a continuation byte due, missing: the run ends at
                         * its lead, one or two places before (perhaps in the
                         * sixteen before) */
                        unsigned leads = (lead << 2) | (prevlead >> 14); /* place p at bit p + 2 */
                        return r + b - (leads >> (b + 1) & 1 ? 1 : 2);
                }
                carry = due >> 16;
                prevlead = lead;
        }
        if (carry != 0) /* go on from the lead of the character cut at r */
                r -= prevlead >> 15 ? 1 : 2;
#endif
        while ((r = text_plain_run(buf, r, len)) < len) {
                unsigned char b = (unsigned char)buf[r];
                size_t run = b >= 0xe4 && b <= 0xe9 ? text_cjk_run(buf + r, len - r) : 0;
                if (run == 0)
                        break;
                r += run;
        }
        return r;
}

void
text_init(struct text *t, const struct extractor *x, const char *buf, size_t len, int lang)
{
        memset(t, 0, sizeof *t);
        t->orig = buf;
        t->orig_len = len;
        /* Two allocations (a large one costs malloc much more than two small
         * ones) for all arrays, each with room for what most texts of len bytes
         * need: the text and its lowered copy (all of it, as most text needs no
         * change); the runs and spans. One that outgrows its room moves out (see
         * text_grow). */
        size_t nspan = 8 + len / 32; /* with the block index of text_index */
        struct text_out o = {t, len + 16, 8 + len / 32, nspan, 2 * nspan};
        char *sb = ex_xmalloc(2 * o.cap);
        t->block[0] = sb;
        t->s = sb;
        char *low = sb + o.cap;
        char *ab = ex_xmalloc(o.capruns * sizeof *t->runs + 3 * nspan * sizeof *t->sent);
        t->block[1] = ab;
        t->runs = (struct text_run *)(void *)ab;
        t->sent = (struct ex_span *)(void *)(t->runs + o.capruns);
        t->clause = t->sent + o.capsent;
        size_t i = 0;
        while (i < len) {
                /* a run of bytes kept as they are: printable ASCII but & and <, and
                 * well-formed CJK characters (E4..E9 lead bytes) */
                size_t r = text_kept_run(buf, i, len);
                if (r > i) {
                        text_room(&o, r - i);
                        text_run(&o, i, 1);
                        memcpy(t->s + t->len, buf + i, r - i);
                        t->len += r - i;
                        i = r;
                        continue;
                }
                unsigned char c = (unsigned char)buf[i];
                if (c == '&') {
                        uint32_t cp;
                        size_t n = text_entity(buf, len, i, &cp);
                        if (n > 0) {
                                char u[4];
                                cp = text_fold(cp);
                                if (cp != 0)
                                        text_emit(&o, u, (size_t)ex_utf8_encode(cp, u), i);
                                i += n;
                                continue;
                        }
                } else if (c == '<') {
                        size_t n = text_tag(buf, len, i);
                        if (n > 0) {
                                text_emit(&o, " ", 1, i);
                                i += n;
                                continue;
                        }
                } else if (c == '\r') {
                        i++;
                        continue;
                }
                if (c < 0x80) {
                        char ch = (char)text_fold(c);
                        text_emit(&o, &ch, 1, i);
                        i++;
                        continue;
                }
                uint32_t cp;
                int k;
                const unsigned char *u = (const unsigned char *)buf + i;
                if (c >= 0xe1 && c <= 0xef && c != 0xed && i + 3 <= len && (u[1] & 0xc0) == 0x80 &&
                    (u[2] & 0xc0) == 0x80) {
                        /* a well-formed three-byte character (no overlong or
                         * surrogate with these lead bytes), as most here are:
                         * full-width punctuation, quotes, 、 and 。 */
                        cp = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 |
                             (u[2] & 0x3f);
                        k = 3;
                } else {
                        k = ex_utf8_decode(u, len - i, &cp);
                }
                if (k < 0) {
                        text_emit(&o, "\xef\xbf\xbd", 3, i);
                        t->bad++;
                        i += (size_t)-k;
                        continue;
                }
                uint32_t f = text_fold(cp);
                if (f == cp) {
                        text_emit(&o, buf + i, (size_t)k, i);
                } else if (f < 0x80 && f != 0) { /* ，→, and spaces */
                        char ch = (char)f;
                        text_emit(&o, &ch, 1, i);
                } else if (f != 0) {
                        char e[4];
                        text_emit(&o, e, (size_t)ex_utf8_encode(f, e), i);
                }
                i += (size_t)k;
        }
        /* the end maps to the end */
        text_room(&o, 0);
        text_run(&o, len, 0);
        t->s[t->len] = '\0';
        text_noise(t, x);
        if (t->len + 1 <= len + 16) {
                t->low = low;
        } else {
                t->low = ex_xmalloc(t->len + 1);
                t->own |= TEXT_OWN_LOW;
        }
        text_lower(t->low, t->s, t->len + 1);
        text_split(&o, x, lang);
}

void
text_free(struct text *t)
{
        if (t->own & TEXT_OWN_S)
                free(t->s);
        if (t->own & TEXT_OWN_LOW)
                free(t->low);
        if (t->own & TEXT_OWN_RUNS)
                free(t->runs);
        if (t->own & TEXT_OWN_SENT)
                free(t->sent);
        if (t->own & TEXT_OWN_CLAUSE)
                free(t->clause);
        free(t->block[0]);
        free(t->block[1]);
        memset(t, 0, sizeof *t);
}

/* The span of v[0..n) (tiling a text of len bytes, see text_index) holding
 * offset i: the first whose end is past i, else the last. */
static size_t
text_find(const struct ex_span *v, size_t n, size_t len, size_t i)
{
        if (n == 0)
                return 0;
        if (i >= len)
                return n - 1;
        const uint32_t *blk = (const uint32_t *)(v + n);
        size_t k = blk[i / TEXT_BLOCK];
        while (k < n && v[k].end <= i)
                k++;
        return k < n ? k : n - 1;
}

size_t
text_orig(const struct text *t, size_t i)
{
        if (i >= t->len || t->nruns == 0)
                return t->orig_len;
        /* the last run starting at or before i (the first starts at 0):
         * a binary search whose steps choose without a branch (a branch on
         * each mispredicted about every other step) */
        size_t lo = 0, n = t->nruns;
        while (n > 1) {
                size_t half = n / 2;
                lo = t->runs[lo + half].at <= i ? lo + half : lo;
                n -= half;
        }
        const struct text_run *r = &t->runs[lo];
        return r->from + (r->step ? i - r->at : 0);
}

size_t
text_sentence_of(const struct text *t, size_t i)
{
        return text_find(t->sent, t->nsent, t->len, i);
}

size_t
text_clause_of(const struct text *t, size_t i)
{
        return text_find(t->clause, t->nclause, t->len, i);
}
