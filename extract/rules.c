/*
 * rules.c — loading the data directory: the entity lexicon (lexicon/NAME.tsv),
 * the event rules (rules/NAME.rules) and the cue lists (rules/cues.txt). The
 * formats are documented in data/README.md. Every alias, trigger and
 * automaton cue goes into the one Aho–Corasick automaton.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "extract-int.h"

static const char *rules_kinds[EK_NKIND] = {"org",     "product", "person", "place", "media", "gov",
                                            "program", "name",    "quoted", "unit",  "chunk"};

int
ex_kind_parse(const char *s)
{
        for (int k = 0; k < EK_NKIND; k++)
                if (strcmp(s, rules_kinds[k]) == 0)
                        return k;
        return -1;
}

const char *
ex_kind_name(int kind)
{
        return kind >= 0 && kind < EK_NKIND ? rules_kinds[kind] : "?";
}

/* One word in an ex_words index: its length and the up to eight bytes
 * after its first key (before its last one) as ex_words_after /
 * ex_words_before read them, with the mask of those that are the word's,
 * so a lookup tells most words apart without a call to memcmp (only a word
 * of more than eight bytes past its key needs one). */
struct ex_words_ent {
        uint64_t more, mask;
        uint32_t len;
        uint32_t k;    /* the word's index in its list (to copy the index) */
        const char *w; /* the word */
};

/* A slot of an ex_words index's open-addressed table: a key (the first or
 * last three bytes of some words, or the whole word when shorter, with
 * the key length in the top byte; 0 for an empty slot) and its words,
 * ent[first..first + n), the longest first. */
struct ex_words_slot {
        uint32_t key;
        uint32_t first, n;
};

/* A list of EX_WORDS_FEW_MIN to EX_WORDS_FEW words, each of two bytes or
 * more, is searched in a text for all its words at once (ex_words_in_few;
 * natively 1.3 to 5 times faster than a memchr per word for three to
 * sixteen words, slower for two over long texts). */
#define EX_WORDS_FEW_MIN 3
#define EX_WORDS_FEW     19

struct ex_words_index {
        size_t size; /* bytes of the block holding the index, entries and slots */
        /* the number of words when they are few (see EX_WORDS_FEW), else
         * 0; their last two bytes */
        unsigned few;
        unsigned char flast[EX_WORDS_FEW], fprev[EX_WORDS_FEW];
        unsigned bits; /* 1 << bits slots a side, at least four per word */
        /* the key lengths of the words (1..3), the longest first, ended by 0 */
        unsigned char mlen[4];
        uint64_t first[4];                   /* bit c set: some word starts with byte c */
        uint64_t head2[16], tail2[16];       /* bit ex_words_pair set: some word starts / ends
                                              * with those two bytes (all set: a word of one) */
        struct ex_words_slot *hslot, *tslot; /* by first / last key */
        struct ex_words_ent *hent, *tent;    /* grouped by key, longest first */
};

/* The key of p[0..m) (m is 1, 2 or 3). */
static inline uint32_t
ex_words_key(const unsigned char *p, size_t m)
{
        uint32_t v = m == 1   ? p[0]
                     : m == 2 ? (uint32_t)p[0] << 8 | p[1]
                              : (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        return v | (uint32_t)m << 24;
}

/* A hash of the two bytes a, b: a bit of head2 or tail2. */
static inline unsigned
ex_words_pair(unsigned char a, unsigned char b)
{
        return ((uint32_t)a << 8 | b) * 2654435761u >> 22;
}

/* The n bytes at p (eight at most) as a number, p[j] at bits 8j, the
 * rest 0: the bytes after a key. */
static inline uint64_t
ex_words_after(const unsigned char *p, size_t n)
{
        uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint32_t a, b;
        if (n >= 8) {
                memcpy(&v, p, 8);
                return v;
        }
        if (n >= 4) { /* two loads that overlap: their common bytes agree */
                memcpy(&a, p, 4);
                memcpy(&b, p + n - 4, 4);
                return a | (uint64_t)b << (8 * (n - 4));
        }
#endif
        for (size_t j = 0; j < n && j < 8; j++)
                v |= (uint64_t)p[j] << (8 * j);
        return v;
}

/* The n bytes before p (eight at most) as a number, p[-j] at bits
 * 8(8 - j), the rest 0: the bytes before a key. */
static inline uint64_t
ex_words_before(const unsigned char *p, size_t n)
{
        uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint32_t a, b;
        if (n >= 8) {
                memcpy(&v, p - 8, 8);
                return v;
        }
        if (n >= 4) {
                memcpy(&a, p - n, 4);
                memcpy(&b, p - 4, 4);
                return (uint64_t)a << (8 * (8 - n)) | (uint64_t)b << 32;
        }
#endif
        for (size_t j = 1; j <= n && j <= 8; j++)
                v |= (uint64_t)p[-(ptrdiff_t)j] << (8 * (8 - j));
        return v;
}

/* The slot of key in a table of 1 << bits slots, or NULL. */
static inline const struct ex_words_slot *
ex_words_slot(const struct ex_words_slot *slot, unsigned bits, uint32_t key)
{
        size_t mask = ((size_t)1 << bits) - 1;
        for (size_t h = (key * 2654435761u) >> (32 - bits);; h = (h + 1) & mask) {
                if (slot[h].key == key)
                        return &slot[h];
                if (slot[h].key == 0)
                        return NULL;
        }
}

/* The length of the longest word of the slot's that starts at s[i],
 * keyed by its m bytes there, within room bytes; 0 when none does. */
static inline size_t
ex_words_head_match(const struct ex_words_index *ix, const struct ex_words_slot *sl, const char *s,
                    size_t i, size_t m, size_t room)
{
        const unsigned char *u = (const unsigned char *)s;
        uint64_t after = ex_words_after(u + i + m, room - m);
        for (const struct ex_words_ent *e = ix->hent + sl->first, *end = e + sl->n; e < end; e++)
                if (e->len <= room && ((after ^ e->more) & e->mask) == 0 &&
                    (e->len <= m + 8 || memcmp(s + i + m + 8, e->w + m + 8, e->len - m - 8) == 0))
                        return e->len;
        return 0;
}

/* An index entry and its key, while the index is built. */
struct ex_words_build {
        uint32_t key;
        struct ex_words_ent e;
};

/* qsort order of build entries: by key, then the longest first (words of
 * one key and length that both match are the same word there: their
 * order does not matter). */
static int
ex_words_build_cmp(const void *a, const void *b)
{
        const struct ex_words_build *x = a, *y = b;
        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        return x->e.len > y->e.len ? -1 : x->e.len < y->e.len;
}

/* Sort the n build entries b, copy them to ent and fill the table slot
 * (1 << bits slots, zeroed) with one slot per key. */
static void
ex_words_fill(struct ex_words_build *b, size_t n, unsigned bits, struct ex_words_slot *slot,
              struct ex_words_ent *ent)
{
        size_t mask = ((size_t)1 << bits) - 1;
        qsort(b, n, sizeof *b, ex_words_build_cmp);
        for (size_t k = 0; k < n; k++) {
                ent[k] = b[k].e;
                if (k > 0 && b[k].key == b[k - 1].key)
                        continue;
                size_t j = k;
                while (j < n && b[j].key == b[k].key)
                        j++;
                size_t h = (b[k].key * 2654435761u) >> (32 - bits);
                while (slot[h].key != 0)
                        h = (h + 1) & mask;
                slot[h] = (struct ex_words_slot){b[k].key, (uint32_t)k, (uint32_t)(j - k)};
        }
}

/* Point the arrays of ix, for n words, into its block: the index, the
 * entries, then the slots. */
static void
ex_words_layout(struct ex_words_index *ix, size_t n)
{
        ix->hent = (struct ex_words_ent *)(ix + 1);
        ix->tent = ix->hent + n;
        ix->hslot = (struct ex_words_slot *)(ix->tent + n);
        ix->tslot = ix->hslot + ((size_t)1 << ix->bits);
}

/* Rebuild the index of w after its words changed. */
static void
ex_words_index(struct ex_words *w)
{
        free(w->ix);
        w->ix = NULL;
        if (w->n == 0)
                return;
        unsigned bits = 4;
        while (((size_t)1 << bits) < 4 * w->n && bits < 30)
                bits++;
        size_t nb = (size_t)1 << bits;
        size_t size = sizeof(struct ex_words_index) + 2 * w->n * sizeof(struct ex_words_ent) +
                      2 * nb * sizeof(struct ex_words_slot);
        struct ex_words_index *ix = ex_xcalloc(1, size);
        ix->size = size;
        ix->bits = bits;
        ex_words_layout(ix, w->n);
        struct ex_words_build *hb = ex_xmalloc(2 * w->n * sizeof *hb), *tb = hb + w->n;
        unsigned keys = 0;
        for (size_t k = 0; k < w->n; k++) {
                const unsigned char *p = (const unsigned char *)w->w[k];
                size_t n = w->l[k], m = n < 3 ? n : 3, more = n - m < 8 ? n - m : 8;
                hb[k].key = ex_words_key(p, m);
                hb[k].e = (struct ex_words_ent){ex_words_after(p + m, more),
                                                more >= 8 ? ~(uint64_t)0
                                                          : ((uint64_t)1 << (8 * more)) - 1,
                                                (uint32_t)n, (uint32_t)k, w->w[k]};
                tb[k].key = ex_words_key(p + n - m, m);
                tb[k].e = (struct ex_words_ent){ex_words_before(p + n - m, more),
                                                more == 0 ? 0 : ~(uint64_t)0 << (8 * (8 - more)),
                                                (uint32_t)n, (uint32_t)k, w->w[k]};
                keys |= 1u << m;
                ix->first[p[0] / 64] |= 1ull << (p[0] % 64);
                if (n < 2) {
                        memset(ix->head2, 0xff, sizeof ix->head2);
                        memset(ix->tail2, 0xff, sizeof ix->tail2);
                        continue;
                }
                unsigned h = ex_words_pair(p[0], p[1]), t = ex_words_pair(p[n - 2], p[n - 1]);
                ix->head2[h / 64] |= 1ull << (h % 64);
                ix->tail2[t / 64] |= 1ull << (t % 64);
        }
        for (unsigned m = 3, q = 0; m >= 1; m--)
                if (keys & 1u << m)
                        ix->mlen[q++] = (unsigned char)m;
        ix->few = w->n >= EX_WORDS_FEW_MIN && w->n <= EX_WORDS_FEW ? (unsigned)w->n : 0;
        for (size_t k = 0; k < w->n && ix->few != 0; k++) {
                if (w->l[k] < 2) {
                        ix->few = 0;
                        break;
                }
                ix->flast[k] = (unsigned char)w->w[k][w->l[k] - 1];
                ix->fprev[k] = (unsigned char)w->w[k][w->l[k] - 2];
        }
        ex_words_fill(hb, w->n, bits, ix->hslot, ix->hent);
        ex_words_fill(tb, w->n, bits, ix->tslot, ix->tent);
        free(hb);
        w->ix = ix;
}

void
ex_words_free(struct ex_words *w)
{
        free(w->ix);
        w->ix = NULL;
        for (size_t i = 0; i < w->n; i++)
                free(w->w[i]);
        free(w->w);
        free(w->l);
        w->w = NULL;
        w->l = NULL;
        w->n = 0;
}

/* Split s on '|' into w (appending) without indexing it. */
static void
ex_words_append(struct ex_words *w, const char *s)
{
        while (*s) {
                const char *bar = strchr(s, '|');
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (n > 0) {
                        w->w = ex_xrealloc(w->w, (w->n + 1) * sizeof *w->w);
                        w->l = ex_xrealloc(w->l, (w->n + 1) * sizeof *w->l);
                        w->l[w->n] = n;
                        char *word = ex_xstrndup(s, n);
                        /* '_' stands for a space: words are whitespace-free tokens */
                        for (char *p = word; *p; p++)
                                if (*p == '_')
                                        *p = ' ';
                        w->w[w->n++] = word;
                }
                s += n;
                if (*s == '|')
                        s++;
        }
}

void
ex_words_split(struct ex_words *w, const char *s)
{
        ex_words_append(w, s);
        ex_words_index(w);
}

/* ex_words_ends_at past its filter (out of line, so that the filter's
 * callers, most of them turned away, save and restore no registers). */
static __attribute__((noinline)) size_t
ex_words_ends_at_slow(const struct ex_words_index *ix, const char *s, size_t lo, size_t i)
{
        const unsigned char *u = (const unsigned char *)s;
        /* the words ending in the last 3, 2 and 1 bytes before i: a word
         * keyed by fewer than 3 bytes is its key, so the first match is the
         * longest */
        for (const unsigned char *ml = ix->mlen; *ml != 0; ml++) {
                size_t m = *ml;
                if (m > i - lo)
                        continue; /* no room */
                const struct ex_words_slot *sl =
                    ex_words_slot(ix->tslot, ix->bits, ex_words_key(u + i - m, m));
                if (sl == NULL)
                        continue; /* the common case: no word there */
                /* the bytes before the key (below lo too: only those of
                 * words that fit count) */
                uint64_t before = ex_words_before(u + i - m, i - m);
                for (const struct ex_words_ent *e = ix->tent + sl->first, *end = e + sl->n; e < end;
                     e++)
                        if (e->len <= i - lo && ((before ^ e->more) & e->mask) == 0 &&
                            (e->len <= m + 8 || memcmp(s + i - e->len, e->w, e->len - m - 8) == 0))
                                return e->len;
        }
        return 0;
}

size_t
ex_words_ends_at(const struct ex_words *w, const char *s, size_t lo, size_t i)
{
        if (i == 0 || i == lo || w->ix == NULL)
                return 0;
        const struct ex_words_index *ix = w->ix;
        const unsigned char *u = (const unsigned char *)s;
        if (i - lo >= 2) { /* most often no word ends with the two bytes there */
                unsigned t = ex_words_pair(u[i - 2], u[i - 1]);
                if (!(ix->tail2[t / 64] >> (t % 64) & 1))
                        return 0;
        }
        return ex_words_ends_at_slow(ix, s, lo, i);
}

/* ex_words_starts_at past its filter (see ex_words_ends_at_slow). */
static __attribute__((noinline)) size_t
ex_words_starts_at_slow(const struct ex_words_index *ix, const char *s, size_t len, size_t i)
{
        const unsigned char *u = (const unsigned char *)s;
        /* the words starting with the 3, 2 and 1 bytes at i (see ex_words_ends_at) */
        for (const unsigned char *ml = ix->mlen; *ml != 0; ml++) {
                size_t m = *ml, k;
                if (m > len - i)
                        continue;
                const struct ex_words_slot *sl =
                    ex_words_slot(ix->hslot, ix->bits, ex_words_key(u + i, m));
                if (sl != NULL && (k = ex_words_head_match(ix, sl, s, i, m, len - i)) > 0)
                        return k;
        }
        return 0;
}

size_t
ex_words_starts_at(const struct ex_words *w, const char *s, size_t len, size_t i)
{
        if (i >= len || w->ix == NULL)
                return 0;
        const struct ex_words_index *ix = w->ix;
        const unsigned char *u = (const unsigned char *)s;
        if (len - i >= 2) { /* most often no word starts with the two bytes there */
                unsigned h = ex_words_pair(u[i], u[i + 1]);
                if (!(ix->head2[h / 64] >> (h % 64) & 1))
                        return 0;
        }
        return ex_words_starts_at_slow(ix, s, len, i);
}

/* Whether c is an ASCII letter or digit. */
static bool
rules_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether the occurrence of a word of n bytes (first byte lb, last rb an
 * ASCII letter or digit) at s[p] counts in s[..hi): Latin words stand on
 * word boundaries ("sales" is not in "Salesforce"); a plural s is allowed. */
static bool
ex_words_bounded(const char *s, size_t p, size_t n, size_t hi, bool lb, bool rb)
{
        size_t q = p + n;
        if (rb && q < hi && s[q] == 's' && (q + 1 >= hi || !rules_alnum(s[q + 1])))
                q++;
        return (!lb || p == 0 || !rules_alnum(s[p - 1])) && (!rb || q >= hi || !rules_alnum(s[q]));
}

/* The first occurrence of w[0..n) in p[0..end - p), or NULL: memmem,
 * but looking for the word's last byte with memchr (in Chinese text a
 * continuation byte, rare; memmem sets up a table on every call, and the
 * texts here are one clause or sentence), then comparing the byte before
 * it (another continuation byte: most places found end there) before the
 * rest. */
static const char *
rules_find(const char *p, const char *end, const char *w, size_t n)
{
        if ((size_t)(end - p) < n)
                return NULL;
        if (n <= 1)
                return n == 0 ? p : memchr(p, (unsigned char)w[0], (size_t)(end - p));
        const char *q = p + n - 1;
        while ((q = memchr(q, (unsigned char)w[n - 1], (size_t)(end - q))) != NULL) {
                if (q[-1] == w[n - 2] && memcmp(q - (n - 1), w, n - 2) == 0)
                        return q - (n - 1);
                q++;
        }
        return NULL;
}

#ifdef __SSE2__
/* Whether a word of w (ix->few of them) ending at s[e] occurs in s[lo..hi). */
static bool
ex_words_few_at(const struct ex_words *w, const char *s, size_t lo, size_t hi, size_t e)
{
        const struct ex_words_index *ix = w->ix;
        for (size_t k = 0; k < ix->few; k++) {
                size_t n = w->l[k];
                const char *word = w->w[k];
                if ((unsigned char)s[e - 1] == ix->flast[k] &&
                    (unsigned char)s[e - 2] == ix->fprev[k] && e - lo >= n &&
                    memcmp(s + e - n, word, n - 2) == 0 &&
                    ex_words_bounded(s, e - n, n, hi, rules_alnum(word[0]),
                                     rules_alnum(word[n - 1])))
                        return true;
        }
        return false;
}

/* ex_words_in for a list of few words (ix->few), each of two bytes or
 * more: one pass for all of them, sixteen places at a time, each compared
 * with every word's last two bytes (as many memchr calls as words before,
 * each over the whole text); a place where some word ends is checked
 * further. */
static bool
ex_words_in_few(const struct ex_words *w, const char *s, size_t lo, size_t hi)
{
        const struct ex_words_index *ix = w->ix;
        const unsigned char *u = (const unsigned char *)s;
        __m128i last[EX_WORDS_FEW], prev[EX_WORDS_FEW];
        for (size_t k = 0; k < ix->few; k++) {
                last[k] = _mm_set1_epi8((char)ix->flast[k]);
                prev[k] = _mm_set1_epi8((char)ix->fprev[k]);
        }
        if (hi - lo < 17) { /* too short for a block: place by place */
                for (size_t q = lo + 1; q < hi; q++)
                        if (ex_words_few_at(w, s, lo, hi, q + 1))
                                return true;
                return false;
        }
        /* q: the place of a word's last byte; the last block overlaps the
         * one before and skips the places it read */
        for (size_t q = lo + 1; q < hi;) {
                size_t at = q + 16 <= hi ? q : hi - 16;
                __m128i v = _mm_loadu_si128((const __m128i *)(u + at));
                __m128i b = _mm_loadu_si128((const __m128i *)(u + at - 1));
                __m128i hit = _mm_setzero_si128();
                for (size_t k = 0; k < ix->few; k++)
                        hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(v, last[k]),
                                                              _mm_cmpeq_epi8(b, prev[k])));
                unsigned m = (unsigned)_mm_movemask_epi8(hit) & (0xffffu << (q - at));
                for (; m != 0; m &= m - 1)
                        if (ex_words_few_at(w, s, lo, hi, at + (size_t)__builtin_ctz(m) + 1))
                                return true;
                q = at + 16;
        }
        return false;
}
#endif

bool
ex_words_in(const struct ex_words *w, const char *s, size_t lo, size_t hi)
{
        if (hi <= lo)
                return false;
#ifdef __SSE2__
        if (w->ix != NULL && w->ix->few != 0)
                return ex_words_in_few(w, s, lo, hi);
#endif
        if (w->n < 20 || w->ix == NULL) {
                /* up to a score of words: a search for each (a memchr per
                 * word costs less than reading every byte of a clause) */
                for (size_t k = 0; k < w->n; k++) {
                        const char *word = w->w[k], *p = s + lo, *end = s + hi;
                        size_t n = w->l[k];
                        bool lb = rules_alnum(word[0]), rb = rules_alnum(word[n - 1]);
                        while (p < end && (p = rules_find(p, end, word, n)) != NULL) {
                                if (ex_words_bounded(s, (size_t)(p - s), n, hi, lb, rb))
                                        return true;
                                p++;
                        }
                }
                return false;
        }
        /* more: one pass over the text, looking up the words starting at
         * each byte that starts one */
        const struct ex_words_index *ix = w->ix;
        const unsigned char *u = (const unsigned char *)s;
        for (size_t p = lo; p < hi; p++) {
                if (!(ix->first[u[p] / 64] >> (u[p] % 64) & 1))
                        continue;
                unsigned h2 = hi - p >= 2 ? ex_words_pair(u[p], u[p + 1]) : 0;
                if (hi - p >= 2 && !(ix->head2[h2 / 64] >> (h2 % 64) & 1))
                        continue;
                for (const unsigned char *ml = ix->mlen; *ml != 0; ml++) {
                        size_t m = *ml;
                        if (m > hi - p)
                                continue;
                        const struct ex_words_slot *sl =
                            ex_words_slot(ix->hslot, ix->bits, ex_words_key(u + p, m));
                        if (sl == NULL)
                                continue;
                        /* the longest word there, else a shorter one on a
                         * word boundary (Latin words) */
                        uint64_t after = ex_words_after(u + p + m, hi - p - m);
                        for (const struct ex_words_ent *e = ix->hent + sl->first, *end = e + sl->n;
                             e < end; e++)
                                if (e->len <= hi - p && ((after ^ e->more) & e->mask) == 0 &&
                                    (e->len <= m + 8 ||
                                     memcmp(s + p + m + 8, e->w + m + 8, e->len - m - 8) == 0) &&
                                    ex_words_bounded(s, p, e->len, hi, rules_alnum(e->w[0]),
                                                     rules_alnum(e->w[e->len - 1])))
                                        return true;
                }
        }
        return false;
}

/* State of one file being read, for messages. */
struct rules_file {
        const char *path;
        int line;
        char **cause;
};

/* Fail with "path:line: message". */
static int
rules_fail(struct rules_file *f, const char *msg, const char *arg)
{
        if (f->cause != NULL)
                *f->cause = ex_xprintf("%s:%d: %s%s%s", f->path, f->line, msg, arg ? ": " : "",
                                       arg ? arg : "");
        return -1;
}

/* Split line into at most max whitespace-separated tokens (in place). */
static int
rules_tokens(char *line, char **tok, int max)
{
        int n = 0;
        char *p = line;
        while (*p && n < max) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '\0' || *p == '#')
                        break;
                tok[n++] = p;
                while (*p && *p != ' ' && *p != '\t')
                        p++;
                if (*p)
                        *p++ = '\0';
        }
        return n;
}

/* Cut the next line off *p and split it into tokens: their count (0 for a
 * blank or comment line), or -1 when the buffer is used up. Counts f->line. */
static int
rules_next_line(char **p, struct rules_file *f, char **tok, int max)
{
        if (**p == '\0')
                return -1;
        char *nl = strchr(*p, '\n');
        if (nl)
                *nl = '\0';
        f->line++;
        int n = rules_tokens(*p, tok, max);
        *p = nl ? nl + 1 : *p + strlen(*p);
        return n;
}

/* Read a whole file into a NUL-terminated buffer. */
static char *
rules_slurp(const char *path, char **cause)
{
        FILE *fp = fopen(path, "rb");
        if (fp == NULL) {
                if (cause != NULL)
                        *cause = ex_xprintf("%s: %s", path, strerror(errno));
                return NULL;
        }
        struct ex_buf b = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
                ex_buf_add(&b, chunk, n);
        fclose(fp);
        if (b.data == NULL)
                b.data = ex_xstrdup("");
        return b.data;
}

/* The *.ext files of dir in name order; NULL-terminated, or NULL when no dir. */
static char **
rules_list(const char *dir, const char *ext)
{
        DIR *d = opendir(dir);
        if (d == NULL)
                return NULL;
        char **v = NULL;
        size_t n = 0;
        struct dirent *de;
        size_t el = strlen(ext);
        while ((de = readdir(d)) != NULL) {
                size_t l = strlen(de->d_name);
                if (de->d_name[0] == '.' || l <= el || strcmp(de->d_name + l - el, ext) != 0)
                        continue;
                v = ex_xrealloc(v, (n + 2) * sizeof *v);
                v[n++] = ex_xprintf("%s/%s", dir, de->d_name);
        }
        closedir(d);
        if (v == NULL)
                v = ex_xcalloc(1, sizeof *v);
        v[n] = NULL;
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
                        char *t = v[j];
                        v[j] = v[j - 1];
                        v[j - 1] = t;
                }
        return v;
}

static void
rules_list_free(char **v)
{
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                free(v[i]);
        free(v);
}

/* Lowercase ASCII letters of s in place. */
static void
rules_lower(char *s)
{
        for (; *s; s++)
                if (*s >= 'A' && *s <= 'Z')
                        *s += 'a' - 'A';
}

/* A deep copy of src into the empty dst, indexed once. */
static void
rules_words_copy(struct ex_words *dst, const struct ex_words *src)
{
        *dst = (struct ex_words){0};
        if (src->n == 0)
                return;
        dst->w = ex_xmalloc(src->n * sizeof *dst->w);
        dst->l = ex_xmalloc(src->n * sizeof *dst->l);
        for (size_t k = 0; k < src->n; k++) {
                dst->w[k] = ex_xstrndup(src->w[k], src->l[k]);
                dst->l[k] = src->l[k];
        }
        dst->n = src->n;
        /* the same words: a copy of the index, its entries pointing to the copies */
        struct ex_words_index *ix = ex_xmalloc(src->ix->size);
        memcpy(ix, src->ix, src->ix->size);
        ex_words_layout(ix, dst->n);
        for (size_t k = 0; k < 2 * dst->n; k++)
                ix->hent[k].w = dst->w[ix->hent[k].k]; /* hent, then tent */
        dst->ix = ix;
}

/* Lowercase every word of w (they are compared with the lowered text). */
static void
rules_words_lower(struct ex_words *w)
{
        for (size_t i = 0; i < w->n; i++)
                rules_lower(w->w[i]);
        ex_words_index(w);
}

/* Add an automaton pattern, lowered (matching runs over the lowered text). */
static void
rules_pattern(struct extractor *x, const char *text, uint32_t pay)
{
        char *low = ex_xstrdup(text);
        rules_lower(low);
        acm_add(x->acm, low, strlen(low), pay);
        free(low);
}

/* Whether s is a valid entity id [a-z0-9-]+. */
static bool
rules_valid_id(const char *s)
{
        if (*s == '\0')
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
                        return false;
        return true;
}

/* Where each entity was defined, for duplicate messages. */
struct rules_where {
        const char **path; /* per entity: the file (files outlive w) */
        int *line;         /* and line it stands on */
        char **parent;
        size_t capents;    /* room in x->ents, path, line and parent */
        size_t capaliases; /* room in x->aliases */
        int32_t *ids;      /* open-addressing table of entity indices by id, -1 empty */
        size_t capids;     /* a power of two, at least twice the entities */
};

/* The FNV-1a hash of an entity id. */
static uint32_t
rules_id_hash(const char *id)
{
        uint32_t h = 2166136261u;
        for (; *id; id++)
                h = (h ^ (unsigned char)*id) * 16777619u;
        return h;
}

/* The slot of entity id in w->ids: its index, or the empty slot it would take. */
static size_t
rules_id_slot(const struct extractor *x, const struct rules_where *w, const char *id)
{
        size_t mask = w->capids - 1, k = rules_id_hash(id) & mask;
        while (w->ids[k] >= 0 && strcmp(x->ents[w->ids[k]].id, id) != 0)
                k = (k + 1) & mask;
        return k;
}

/* The index of entity id, or -1 (while loading). */
static int
rules_entity_find(const struct extractor *x, const struct rules_where *w, const char *id)
{
        if (w->capids == 0)
                return -1;
        return w->ids[rules_id_slot(x, w, id)];
}

/* Enter the last entity of x into w->ids (its id is not there yet). */
static void
rules_entity_add(const struct extractor *x, struct rules_where *w)
{
        if (2 * x->nents > w->capids) {
                free(w->ids);
                w->capids = w->capids ? 2 * w->capids : 1024;
                w->ids = ex_xmalloc(w->capids * sizeof *w->ids);
                memset(w->ids, 0xff, w->capids * sizeof *w->ids);
                for (size_t i = 0; i + 1 < x->nents; i++)
                        w->ids[rules_id_slot(x, w, x->ents[i].id)] = (int32_t)i;
        }
        w->ids[rules_id_slot(x, w, x->ents[x->nents - 1].id)] = (int32_t)(x->nents - 1);
}

/* Load one lexicon file. */
static int
rules_lexicon_file(struct extractor *x, const char *path, struct rules_where *w, char **cause)
{
        char *buf = rules_slurp(path, cause);
        if (buf == NULL)
                return -1;
        struct rules_file f = {path, 0, cause};
        int rc = 0;
        char *next = buf;
        while (*next && rc == 0) {
                char *line = next;
                char *nl = strchr(line, '\n');
                if (nl != NULL)
                        *nl = '\0';
                next = nl != NULL ? nl + 1 : line + strlen(line);
                f.line++;
                size_t l = strlen(line);
                if (l > 0 && line[l - 1] == '\r')
                        line[--l] = '\0';
                char *p = line;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '\0' || *p == '#')
                        continue;
                if (!nw_utf8_valid(p, strlen(p))) {
                        rc = rules_fail(&f, "invalid UTF-8", NULL);
                        break;
                }
                /* id kind parent aliases: tabs, or runs of blanks for the first three. */
                char *fld[4] = {0};
                int nf = 0;
                char *q = p;
                while (nf < 3) {
                        fld[nf++] = q;
                        while (*q && *q != '\t' && *q != ' ')
                                q++;
                        if (*q == '\0')
                                break;
                        *q++ = '\0';
                        while (*q == ' ' || *q == '\t')
                                q++;
                }
                if (nf < 3 || *q == '\0') {
                        rc = rules_fail(&f, "expected: id kind parent aliases", NULL);
                        break;
                }
                fld[3] = q;
                if (!rules_valid_id(fld[0])) {
                        rc = rules_fail(&f, "entity id must be [a-z0-9-]+", fld[0]);
                        break;
                }
                int kind = ex_kind_parse(fld[1]);
                if (kind < 0 || kind >= EK_NAME) {
                        rc = rules_fail(&f, "unknown kind", fld[1]);
                        break;
                }
                int dup = rules_entity_find(x, w, fld[0]);
                if (dup >= 0) {
                        char *m = ex_xprintf("duplicate entity id %s (first at %s:%d)", fld[0],
                                             w->path[dup], w->line[dup]);
                        rc = rules_fail(&f, m, NULL);
                        free(m);
                        break;
                }
                if (x->nents + 1 > w->capents) {
                        w->capents = x->nents + 1 > 128 ? 2 * (x->nents + 1) : 256;
                        x->ents = ex_xrealloc(x->ents, w->capents * sizeof *x->ents);
                        w->path = ex_xrealloc(w->path, w->capents * sizeof *w->path);
                        w->line = ex_xrealloc(w->line, w->capents * sizeof *w->line);
                        w->parent = ex_xrealloc(w->parent, w->capents * sizeof *w->parent);
                }
                size_t ei = x->nents++;
                x->ents[ei].id = ex_xstrdup(fld[0]);
                x->ents[ei].id_bit =
                    (uint8_t)(ex_hash_shaped(fld[0]) ? EX_ID_BIT_ANY
                                                     : ex_id_bit(fld[0], (size_t)-1));
                x->ents[ei].kind = kind;
                x->ents[ei].parent = -1;
                x->ents[ei].display = NULL;
                rules_entity_add(x, w);
                w->path[ei] = path;
                w->line[ei] = f.line;
                w->parent[ei] = strcmp(fld[2], "-") == 0 ? NULL : ex_xstrdup(fld[2]);
                /* Aliases, '|'-separated; trailing blanks trimmed. */
                char *al = fld[3];
                while (*al) {
                        char *bar = strchr(al, '|');
                        size_t n = bar ? (size_t)(bar - al) : strlen(al);
                        while (n > 0 && (al[n - 1] == ' ' || al[n - 1] == '\t'))
                                n--;
                        char *s = al;
                        while (n > 0 && (*s == ' ' || *s == '\t')) {
                                s++;
                                n--;
                        }
                        bool exact = n > 0 && *s == '=';
                        if (exact) {
                                s++;
                                n--;
                        }
                        if (n > 0) {
                                struct ex_alias a = {(int)ei, ex_xstrndup(s, n), exact,
                                                     rules_alnum(s[0]), rules_alnum(s[n - 1])};
                                if (x->naliases + 1 > w->capaliases) {
                                        w->capaliases = 2 * (x->naliases + 1) + 256;
                                        x->aliases = ex_xrealloc(
                                            x->aliases, w->capaliases * sizeof *x->aliases);
                                }
                                x->aliases[x->naliases] = a;
                                rules_pattern(x, a.text, PAY(PAY_ALIAS, x->naliases));
                                x->naliases++;
                        }
                        al = bar ? bar + 1 : al + strlen(al);
                }
        }
        free(buf);
        return rc;
}

/* Load every lexicon file and resolve parents. */
static int
rules_lexicon(struct extractor *x, const char *datadir, char **cause)
{
        char *dir = ex_xprintf("%s/lexicon", datadir);
        char **files = rules_list(dir, ".tsv");
        free(dir);
        struct rules_where w = {0};
        int rc = 0;
        for (size_t i = 0; files != NULL && files[i] != NULL && rc == 0; i++)
                rc = rules_lexicon_file(x, files[i], &w, cause);
        for (size_t i = 0; i < x->nents && rc == 0; i++) {
                if (w.parent[i] == NULL)
                        continue;
                int p = rules_entity_find(x, &w, w.parent[i]);
                if (p < 0) {
                        if (cause != NULL)
                                *cause = ex_xprintf("%s:%d: unknown parent %s", w.path[i],
                                                    w.line[i], w.parent[i]);
                        rc = -1;
                }
                x->ents[i].parent = p;
        }
        for (size_t i = 0; i < x->naliases; i++) {
                struct ex_entity *e = &x->ents[x->aliases[i].entity];
                const char *t = x->aliases[i].text;
                bool ascii = true;
                for (const char *p = t; *p; p++)
                        if ((unsigned char)*p >= 0x80)
                                ascii = false;
                if (e->display == NULL && ascii)
                        e->display = t;
        }
        for (size_t i = 0; i < x->nents; i++) {
                free(w.parent[i]);
        }
        free(w.path);
        free(w.line);
        free(w.parent);
        free(w.ids);
        rules_list_free(files);
        return rc;
}

/* The language of a "[zh]" / "[en]" section header, or -1. */
static int
rules_section(const char *tok)
{
        if (strcmp(tok, "[zh]") == 0)
                return EX_ZH;
        if (strcmp(tok, "[en]") == 0)
                return EX_EN;
        return -1;
}

/* Parse "k=v" into kv. */
static int
rules_kv(const char *s, struct ex_kv *kv)
{
        const char *eq = strchr(s, '=');
        if (eq == NULL || eq == s || eq[1] == '\0')
                return -1;
        kv->key = ex_xstrndup(s, (size_t)(eq - s));
        kv->value = ex_xstrdup(eq + 1);
        return 0;
}

/* Parse a comma-separated kind list into a bit set; 0 on error. */
static uint32_t
rules_kinds_parse(const char *s)
{
        uint32_t bits = 0;
        char *dup = ex_xstrdup(s), *save = NULL;
        for (char *k = strtok_r(dup, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
                int kind = ex_kind_parse(k);
                if (kind < 0) {
                        free(dup);
                        return 0;
                }
                bits |= EK_BIT(kind);
        }
        free(dup);
        return bits;
}

/* One "trigger WORDS options..." line. */
static int
rules_trigger(struct extractor *x, struct rules_file *f, int rule, int lang, char **tok, int n)
{
        struct ex_trigger proto = {0};
        proto.rule = rule;
        proto.lang = lang;
        int i = 2;
        int rc = 0;
        while (i < n && rc == 0) {
                if (strcmp(tok[i], "attr") == 0 && i + 1 < n && proto.nattrs < 4) {
                        if (rules_kv(tok[i + 1], &proto.attrs[proto.nattrs]) != 0)
                                rc = rules_fail(f, "attr wants key=value", tok[i + 1]);
                        else
                                proto.nattrs++;
                        i += 2;
                } else if (strcmp(tok[i], "modality") == 0 && i + 1 < n) {
                        proto.modality = ex_xstrdup(tok[i + 1]);
                        i += 2;
                } else if (strcmp(tok[i], "unless") == 0 && i + 1 < n) {
                        ex_words_split(&proto.unless, tok[i + 1]);
                        i += 2;
                } else if (strcmp(tok[i], "unless-after") == 0 && i + 1 < n) {
                        ex_words_split(&proto.unless_after, tok[i + 1]);
                        i += 2;
                } else if (strcmp(tok[i], "needs") == 0 && i + 1 < n) {
                        ex_words_split(&proto.needs, tok[i + 1]);
                        i += 2;
                } else if (strcmp(tok[i], "weak") == 0) {
                        proto.weak = true;
                        i++;
                } else {
                        rc = rules_fail(f, "unknown trigger option", tok[i]);
                }
        }
        rules_words_lower(&proto.unless);
        rules_words_lower(&proto.unless_after);
        rules_words_lower(&proto.needs);
        struct ex_words words = {0};
        ex_words_split(&words, tok[1]);
        for (size_t w = 0; w < words.n && rc == 0; w++) {
                struct ex_trigger t = proto;
                t.word = ex_xstrdup(words.w[w]);
                /* Options are shared: deep-copy them per word. */
                t.modality = ex_xstrdup(proto.modality);
                for (int a = 0; a < proto.nattrs; a++) {
                        t.attrs[a].key = ex_xstrdup(proto.attrs[a].key);
                        t.attrs[a].value = ex_xstrdup(proto.attrs[a].value);
                }
                t.unless = (struct ex_words){0};
                t.unless_after = (struct ex_words){0};
                t.needs = (struct ex_words){0};
                rules_words_copy(&t.unless, &proto.unless);
                rules_words_copy(&t.unless_after, &proto.unless_after);
                rules_words_copy(&t.needs, &proto.needs);
                /* room for 16, 32, 64... triggers: grown when the count reaches one */
                if (x->ntrigs == 0 || (x->ntrigs >= 16 && (x->ntrigs & (x->ntrigs - 1)) == 0))
                        x->trigs = ex_xrealloc(x->trigs, (x->ntrigs == 0 ? 16 : 2 * x->ntrigs) *
                                                             sizeof *x->trigs);
                x->trigs[x->ntrigs] = t;
                rules_pattern(x, t.word, PAY(PAY_TRIGGER, x->ntrigs));
                x->ntrigs++;
        }
        ex_words_free(&words);
        free(proto.modality);
        for (int a = 0; a < proto.nattrs; a++) {
                free(proto.attrs[a].key);
                free(proto.attrs[a].value);
        }
        ex_words_free(&proto.unless);
        ex_words_free(&proto.unless_after);
        ex_words_free(&proto.needs);
        return rc;
}

/* The id of role name s in x's table (added when new); -1 when the table
 * is full. */
static int
rules_role_id(struct extractor *x, const char *s)
{
        for (size_t i = 0; i < x->nrole_names; i++)
                if (strcmp(x->role_names[i], s) == 0)
                        return (int)i;
        if (x->nrole_names == EX_MAX_ROLE_NAMES)
                return -1;
        x->role_names[x->nrole_names] = ex_xstrdup(s);
        return (int)x->nrole_names++;
}

/* One "role NAME SIDE KINDS options..." line. */
static int
rules_role(struct extractor *x, struct ex_rule *r, struct rules_file *f, int lang, char **tok,
           int n)
{
        if (n < 4)
                return rules_fail(f, "expected: role NAME left|right|either KINDS [options]", NULL);
        struct ex_role ro = {0};
        ro.id = rules_role_id(x, tok[1]);
        if (ro.id < 0)
                return rules_fail(f, "too many role names", tok[1]);
        if (strcmp(tok[2], "left") == 0)
                ro.side = SIDE_LEFT;
        else if (strcmp(tok[2], "right") == 0)
                ro.side = SIDE_RIGHT;
        else if (strcmp(tok[2], "either") == 0)
                ro.side = SIDE_EITHER;
        else
                return rules_fail(f, "side must be left, right or either", tok[2]);
        ro.kinds = rules_kinds_parse(tok[3]);
        if (ro.kinds == 0)
                return rules_fail(f, "unknown kind in", tok[3]);
        for (int i = 4; i < n; i++) {
                if (strcmp(tok[i], "cue") == 0 && i + 1 < n) {
                        ex_words_split(&ro.cue, tok[++i]);
                } else if (strcmp(tok[i], "after") == 0 && i + 1 < n) {
                        ex_words_split(&ro.after, tok[++i]);
                } else if (strcmp(tok[i], "nocue") == 0 && i + 1 < n) {
                        ex_words_split(&ro.nocue, tok[++i]);
                } else if (strcmp(tok[i], "add") == 0) {
                        ro.add = true;
                } else if (strcmp(tok[i], "first") == 0) {
                        ro.first = true;
                } else if (strcmp(tok[i], "all") == 0) {
                        ro.all = true;
                } else if (strcmp(tok[i], "prev") == 0) {
                        ro.prev = true;
                } else if (strcmp(tok[i], "continue") == 0) {
                        ro.cont = true;
                } else if (strcmp(tok[i], "clause") == 0) {
                        ro.clause = true;
                } else if (strcmp(tok[i], "list") == 0) {
                        ro.list = true;
                } else if (strcmp(tok[i], "gap") == 0 && i + 1 < n) {
                        ro.gap = atoi(tok[++i]);
                } else {
                        ex_words_free(&ro.cue);
                        ex_words_free(&ro.after);
                        ex_words_free(&ro.nocue);
                        return rules_fail(f, "unknown role option", tok[i]);
                }
        }
        rules_words_lower(&ro.cue);
        rules_words_lower(&ro.after);
        rules_words_lower(&ro.nocue);
        ro.name = ex_xstrdup(tok[1]);
        r->roles[lang] =
            ex_xrealloc(r->roles[lang], (r->nroles[lang] + 1) * sizeof(struct ex_role));
        r->roles[lang][r->nroles[lang]++] = ro;
        return 0;
}

/* The slot of a summary directive: summary 0, summary-planned 1,
 * summary-likely 2, summary-negated 3; -1 for anything else. */
static int
rules_summary_slot(const char *tok)
{
        static const char *names[] = {"summary", "summary-planned", "summary-likely",
                                      "summary-negated"};
        for (int i = 0; i < 4; i++)
                if (strcmp(tok, names[i]) == 0)
                        return i;
        return -1;
}

/* Intern the role names a rule's directives name (require, key, min,
 * owner, foreign) and find the first rule of its type. */
static int
rules_rule_ids(struct extractor *x, struct rules_file *f, size_t ri)
{
        struct ex_rule *r = &x->rules[ri];
        for (size_t i = 0; i < r->require.n; i++) {
                int id = rules_role_id(x, r->require.w[i]);
                if (id < 0)
                        return rules_fail(f, "too many role names", r->require.w[i]);
                r->require_set |= (uint64_t)1 << id;
        }
        r->key_id = ex_xmalloc((r->key.n > 0 ? r->key.n : 1) * sizeof *r->key_id);
        for (size_t i = 0; i < r->key.n; i++) {
                if ((r->key_id[i] = rules_role_id(x, r->key.w[i])) < 0)
                        return rules_fail(f, "too many role names", r->key.w[i]);
                r->key_set |= (uint64_t)1 << r->key_id[i];
        }
        const char *names[] = {r->min_role, r->owner_agent, r->owner_of, r->foreign_a,
                               r->foreign_of};
        int *ids[] = {&r->min_id, &r->owner_agent_id, &r->owner_of_id, &r->foreign_a_id,
                      &r->foreign_of_id};
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
                if (names[k] != NULL && (*ids[k] = rules_role_id(x, names[k])) < 0)
                        return rules_fail(f, "too many role names", names[k]);
        r->type_id = (int)ri;
        for (size_t j = 0; j < ri; j++)
                if (strcmp(x->rules[j].type, r->type) == 0) {
                        r->type_id = x->rules[j].type_id;
                        break;
                }
        return 0;
}

/* Load one rules file: one event type. */
static int
rules_rule_file(struct extractor *x, const char *path, char **cause)
{
        char *buf = rules_slurp(path, cause);
        if (buf == NULL)
                return -1;
        struct rules_file f = {path, 0, cause};
        size_t ri = x->nrules;
        x->rules = ex_xrealloc(x->rules, (x->nrules + 1) * sizeof *x->rules);
        struct ex_rule *r = &x->rules[ri];
        memset(r, 0, sizeof *r);
        r->file = ex_xstrdup(path);
        r->confidence = 0.7;
        r->min_id = r->owner_agent_id = r->owner_of_id = r->foreign_a_id = r->foreign_of_id = -1;
        x->nrules++;
        int lang = -1, rc = 0;
        char *p = buf;
        char *tok[64];
        int n;
        while (rc == 0 && (n = rules_next_line(&p, &f, tok, 64)) >= 0) {
                if (n == 0)
                        continue;
                if (rules_section(tok[0]) >= 0) {
                        lang = rules_section(tok[0]);
                        continue;
                }
                if (strcmp(tok[0], "type") == 0 && n == 2 && lang < 0) {
                        free(r->type);
                        r->type = ex_xstrdup(tok[1]);
                } else if (strcmp(tok[0], "planned") == 0 && n == 2 && lang < 0) {
                        r->planned_type = ex_xstrdup(tok[1]);
                } else if (strncmp(tok[0], "summary", 7) == 0 && n >= 2 && lang < 0 &&
                           rules_summary_slot(tok[0]) >= 0) {
                        /* The rest of the line, as written; several lines are
                         * tried in order. */
                        int slot = rules_summary_slot(tok[0]);
                        struct ex_buf b = {0};
                        for (int i = 1; i < n; i++) {
                                if (i > 1)
                                        ex_buf_add(&b, " ", 1);
                                ex_buf_adds(&b, tok[i]);
                        }
                        r->summary[slot] =
                            ex_xrealloc(r->summary[slot], (r->nsummary[slot] + 1) * sizeof(char *));
                        r->summary[slot][r->nsummary[slot]++] = b.data;
                } else if (strcmp(tok[0], "require") == 0 && lang < 0) {
                        for (int i = 1; i < n; i++)
                                ex_words_split(&r->require, tok[i]);
                } else if (strcmp(tok[0], "key") == 0 && lang < 0) {
                        for (int i = 1; i < n; i++)
                                ex_words_split(&r->key, tok[i]);
                } else if (strcmp(tok[0], "owner") == 0 && n == 3 && lang < 0) {
                        free(r->owner_agent);
                        free(r->owner_of);
                        r->owner_agent = ex_xstrdup(tok[1]);
                        r->owner_of = ex_xstrdup(tok[2]);
                } else if (strcmp(tok[0], "foreign") == 0 && n == 3 && lang < 0) {
                        free(r->foreign_a);
                        free(r->foreign_of);
                        r->foreign_a = ex_xstrdup(tok[1]);
                        r->foreign_of = ex_xstrdup(tok[2]);
                } else if (strcmp(tok[0], "min") == 0 && n == 3 && lang < 0) {
                        free(r->min_role);
                        r->min_role = ex_xstrdup(tok[1]);
                        r->min_count = atoi(tok[2]);
                } else if (strcmp(tok[0], "merge") == 0 && n == 2 && lang < 0 &&
                           strcmp(tok[1], "sentence") == 0) {
                        r->merge_sentence = true;
                } else if (strcmp(tok[0], "lend") == 0 && n == 1 && lang < 0) {
                        r->lend = true;
                } else if (strcmp(tok[0], "needqty") == 0 && n == 1 && lang < 0) {
                        r->needqty = true;
                } else if (strcmp(tok[0], "confidence") == 0 && n == 2 && lang < 0) {
                        r->confidence = atof(tok[1]);
                        if (r->confidence <= 0 || r->confidence > 1)
                                rc = rules_fail(&f, "confidence must be in (0,1]", tok[1]);
                } else if (strcmp(tok[0], "trigger") == 0 && n >= 2 && lang >= 0) {
                        rc = rules_trigger(x, &f, (int)ri, lang, tok, n);
                        r = &x->rules[ri];
                } else if (strcmp(tok[0], "role") == 0 && lang >= 0) {
                        rc = rules_role(x, r, &f, lang, tok, n);
                } else if (strcmp(tok[0], "when") == 0 && n >= 3 && lang >= 0) {
                        struct ex_attr_when w = {0};
                        if (rules_kv(tok[1], &w.kv) != 0) {
                                rc = rules_fail(&f, "when wants key=value", tok[1]);
                                break;
                        }
                        ex_words_split(&w.when, tok[2]);
                        rules_words_lower(&w.when);
                        w.clause = n > 3 && strcmp(tok[3], "clause") == 0;
                        r->when[lang] = ex_xrealloc(r->when[lang], (r->nwhen[lang] + 1) *
                                                                       sizeof(struct ex_attr_when));
                        r->when[lang][r->nwhen[lang]++] = w;
                } else {
                        rc = rules_fail(&f, "unknown or misplaced directive", tok[0]);
                }
        }
        if (rc == 0 && r->type == NULL)
                rc = rules_fail(&f, "no type line", NULL);
        if (rc == 0)
                rc = rules_rule_ids(x, &f, ri);
        free(buf);
        return rc;
}

/* Add a global cue word to the table and the automaton. */
static void
rules_cue_add(struct extractor *x, int kind, int lang, int arg, const char *text)
{
        x->cues = ex_xrealloc(x->cues, (x->ncues + 1) * sizeof *x->cues);
        x->cues[x->ncues] = (struct ex_cue){kind, lang, arg, ex_xstrdup(text)};
        rules_pattern(x, text, PAY(PAY_CUE, x->ncues));
        x->ncues++;
}

/* Load rules/cues.txt: modality, attribution, anaphora, name-finding words. */
static int
rules_cues(struct extractor *x, const char *path, char **cause)
{
        char *buf = rules_slurp(path, cause);
        if (buf == NULL)
                return -1;
        struct rules_file f = {path, 0, cause};
        int lang = -1, rc = 0;
        char *p = buf;
        static const struct {
                const char *name;
                int kind;
        } direct[] = {{"planned", CUE_PLANNED},          {"likely", CUE_LIKELY},
                      {"negated", CUE_NEGATED},          {"negated-sentence", CUE_NEGATED_S},
                      {"likely-sentence", CUE_LIKELY_S}, {"report", CUE_REPORT},
                      {"orgsuffix", CUE_ORGSUFFIX},      {"orgsuffix-latin", CUE_ORGSUFFIX}};
        char *tok[8];
        int n;
        while (rc == 0 && (n = rules_next_line(&p, &f, tok, 8)) >= 0) {
                if (n == 0)
                        continue;
                if (rules_section(tok[0]) >= 0) {
                        lang = rules_section(tok[0]);
                        continue;
                }
                if (lang < 0) {
                        rc = rules_fail(&f, "a cue line before [zh] or [en]", tok[0]);
                        break;
                }
                bool done = false;
                for (size_t k = 0; k < sizeof direct / sizeof direct[0] && !done; k++) {
                        if (strcmp(tok[0], direct[k].name) != 0)
                                continue;
                        done = true;
                        if (n != 2) {
                                rc = rules_fail(&f, "expected: NAME WORD|WORD...", tok[0]);
                                break;
                        }
                        struct ex_words w = {0};
                        ex_words_split(&w, tok[1]);
                        int arg = strcmp(tok[0], "orgsuffix-latin") == 0;
                        for (size_t i = 0; i < w.n; i++)
                                rules_cue_add(x, direct[k].kind, lang, arg, w.w[i]);
                        ex_words_free(&w);
                }
                if (done)
                        continue;
                if (strcmp(tok[0], "anaphor") == 0 && n == 3) {
                        uint32_t kinds = rules_kinds_parse(tok[1]);
                        if (kinds == 0) {
                                rc = rules_fail(&f, "unknown kind", tok[1]);
                                break;
                        }
                        struct ex_words w = {0};
                        ex_words_split(&w, tok[2]);
                        for (size_t i = 0; i < w.n; i++)
                                rules_cue_add(x, CUE_ANAPHOR, lang, (int)kinds, w.w[i]);
                        ex_words_free(&w);
                } else if (strcmp(tok[0], "unit") == 0 && n == 3) {
                        struct ex_words w = {0};
                        ex_words_split(&w, tok[2]);
                        for (size_t i = 0; i < w.n; i++) {
                                char *low = ex_xstrdup(w.w[i]);
                                rules_lower(low);
                                ex_words_append(&x->units[lang], low);
                                free(low);
                                ex_words_append(&x->unitmap[lang], tok[1]);
                        }
                        ex_words_index(&x->units[lang]);
                        ex_words_index(&x->unitmap[lang]);
                        ex_words_free(&w);
                } else if (n == 2 && strcmp(tok[0], "noise") == 0) {
                        ex_words_split(&x->noise[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "notchunk") == 0) {
                        ex_words_split(&x->notchunk, tok[1]);
                } else if (n == 2 && strcmp(tok[0], "abbrev") == 0) {
                        ex_words_split(&x->abbrev, tok[1]);
                } else if (n == 2 && strcmp(tok[0], "stop") == 0) {
                        ex_words_split(&x->stopword[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "generic") == 0) {
                        ex_words_split(&x->generic[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "list") == 0) {
                        ex_words_split(&x->listsep[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "notname") == 0) {
                        ex_words_split(&x->notname[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "anaphor-not") == 0) {
                        ex_words_split(&x->notanaphor[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "continue") == 0) {
                        ex_words_split(&x->cont[lang], tok[1]);
                } else if (n == 2 && strcmp(tok[0], "listsep") == 0) {
                        ex_words_split(&x->listsep[lang], tok[1]);
                } else {
                        rc = rules_fail(&f, "unknown cue directive", tok[0]);
                }
        }
        free(buf);
        return rc;
}

/* The first of the type and planned type names of x's rules (in order)
 * that equals s. */
static const char *
rules_type_canon(const struct extractor *x, const char *s)
{
        for (size_t i = 0; i < x->nrules; i++) {
                const struct ex_rule *r = &x->rules[i];
                if (strcmp(r->type, s) == 0)
                        return r->type;
                if (r->planned_type != NULL && strcmp(r->planned_type, s) == 0)
                        return r->planned_type;
        }
        return s;
}

int
rules_load(struct extractor *x, const char *datadir, char **cause)
{
        x->acm = acm_new();
        /* the role names engine.c names itself (never more than the table holds) */
        x->role_target = rules_role_id(x, "target");
        x->role_agent = rules_role_id(x, "agent");
        x->role_acquirer = rules_role_id(x, "acquirer");
        if (rules_lexicon(x, datadir, cause) != 0)
                return -1;
        char *dir = ex_xprintf("%s/rules", datadir);
        char *cues = ex_xprintf("%s/cues.txt", dir);
        int rc = rules_cues(x, cues, cause);
        free(cues);
        char **files = rc == 0 ? rules_list(dir, ".rules") : NULL;
        if (rc == 0 && files == NULL) {
                if (cause != NULL)
                        *cause = ex_xprintf("%s: no rules directory", dir);
                rc = -1;
        }
        for (size_t i = 0; files != NULL && files[i] != NULL && rc == 0; i++)
                rc = rules_rule_file(x, files[i], cause);
        rules_list_free(files);
        free(dir);
        if (rc == 0) {
                mention_patterns(x->acm);
                acm_build(x->acm);
                for (size_t i = 0; i < x->nrules; i++) { /* x->rules moves no more */
                        struct ex_rule *r = &x->rules[i];
                        r->type_canon = rules_type_canon(x, r->type);
                        if (r->planned_type != NULL)
                                r->planned_canon = rules_type_canon(x, r->planned_type);
                }
        }
        return rc;
}

void
rules_free(struct extractor *x)
{
        for (size_t i = 0; i < x->nents; i++)
                free(x->ents[i].id);
        free(x->ents);
        for (size_t i = 0; i < x->naliases; i++)
                free(x->aliases[i].text);
        free(x->aliases);
        for (size_t i = 0; i < x->nrules; i++) {
                struct ex_rule *r = &x->rules[i];
                free(r->type);
                free(r->planned_type);
                free(r->owner_agent);
                free(r->owner_of);
                free(r->foreign_a);
                free(r->foreign_of);
                free(r->min_role);
                for (int k = 0; k < 4; k++) {
                        for (size_t j = 0; j < r->nsummary[k]; j++)
                                free(r->summary[k][j]);
                        free(r->summary[k]);
                }
                free(r->file);
                ex_words_free(&r->require);
                ex_words_free(&r->key);
                free(r->key_id);
                for (int l = 0; l < EX_NLANG; l++) {
                        for (size_t k = 0; k < r->nroles[l]; k++) {
                                free(r->roles[l][k].name);
                                ex_words_free(&r->roles[l][k].cue);
                                ex_words_free(&r->roles[l][k].after);
                                ex_words_free(&r->roles[l][k].nocue);
                        }
                        free(r->roles[l]);
                        for (size_t k = 0; k < r->nwhen[l]; k++) {
                                free(r->when[l][k].kv.key);
                                free(r->when[l][k].kv.value);
                                ex_words_free(&r->when[l][k].when);
                        }
                        free(r->when[l]);
                }
        }
        free(x->rules);
        for (size_t i = 0; i < x->ntrigs; i++) {
                struct ex_trigger *t = &x->trigs[i];
                free(t->word);
                free(t->modality);
                for (int a = 0; a < t->nattrs; a++) {
                        free(t->attrs[a].key);
                        free(t->attrs[a].value);
                }
                ex_words_free(&t->unless);
                ex_words_free(&t->unless_after);
                ex_words_free(&t->needs);
        }
        free(x->trigs);
        for (size_t i = 0; i < x->ncues; i++)
                free(x->cues[i].text);
        free(x->cues);
        for (int l = 0; l < EX_NLANG; l++) {
                ex_words_free(&x->noise[l]);
                ex_words_free(&x->stopword[l]);
                ex_words_free(&x->generic[l]);
                ex_words_free(&x->listsep[l]);
                ex_words_free(&x->cont[l]);
                ex_words_free(&x->notname[l]);
                ex_words_free(&x->notanaphor[l]);
                ex_words_free(&x->units[l]);
                ex_words_free(&x->unitmap[l]);
        }
        ex_words_free(&x->abbrev);
        ex_words_free(&x->notchunk);
        for (size_t i = 0; i < x->nrole_names; i++)
                free(x->role_names[i]);
        x->nrole_names = 0;
        acm_destroy(&x->acm);
}
