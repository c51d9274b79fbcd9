/*
 * mention.c — the names in an article: lexicon aliases (longest match wins,
 * word boundaries for Latin, case rules of data/README.md), organisations the
 * lexicon does not know (a Chinese stem before a suffix such as 公司 or 实验室,
 * Latin-script names inside Chinese text, capitalised sequences in English,
 * short quoted names), and anaphors (该公司, 它) resolved to an earlier name.
 *
 * Chinese financial news names companies no lexicon lists; they are found by
 * their form and place in the sentence: registered names keep the place they
 * open with and their legal form (北京海科融通支付服务股份有限公司, 探探科技
 * (北京)有限公司); a listed company carries its stock code (华铁应急(603300));
 * people carry a title or honorific (董事长王刚, 赵云文先生); and "chunks" of raw
 * text are taken where a name must stand: after a trigger and each name of its
 * list (收购了合联胜利、飞拓科技和智诚光学), after 与 and 所持有的, and as the
 * subject opening a clause (after a date or an opener such as 实际上). Trigger
 * words, dates, money, modality words and particles never enter such a name.
 *
 * A name glued to the end of another name with nothing between them (the
 * seed's 上城资本鑫海汇通国际贸易有限公司) is marked as noise: scraped pages
 * inject such strings, and they must never become arguments.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MENTION_SUBJECT  0x200u /* a chunk that opens its clause */
#define MENTION_STEM_MAX 12     /* characters of an unknown organisation before its suffix */

/* Occupancy of text bytes by accepted mentions. */
enum { OCC_FREE = 0, OCC_LEX = 1, OCC_UNIT = 2, OCC_OTHER = 3, OCC_TRIG = 4 };
_Static_assert((OCC_TRIG & (OCC_LEX | OCC_UNIT | OCC_OTHER)) == 0, "OCC_TRIG shares a bit");

/* A word of a fixed list with its length, so that no lookup calls strlen. */
struct mention_word {
        const char *w;
        size_t n;
};
/* clang-format off */
#define MENTION_WORD(s) {s, sizeof(s) - 1}
/* clang-format on */
#define MENTION_NWORDS(w) (sizeof(w) / sizeof((w)[0]))

/* A fixed list of words, tried in order, with a filter built once (by
 * mention_lists_init): the bytes its words start with, and the second bytes
 * (low six bits) of its words of two bytes or more. */
struct mention_list {
        const struct mention_word *w;
        size_t n;
        uint64_t first[4];
        uint64_t second;
        bool one; /* a word of one byte */
};
/* clang-format off */
#define MENTION_LIST(words) {words, MENTION_NWORDS(words), {0}, 0, false}
/* clang-format on */

/* Whether a word of l may start at t, with room bytes there (false: none
 * does; a list of Chinese words turns away most characters). */
static inline bool
mention_list_maybe(const struct mention_list *l, const char *t, size_t room)
{
        if (room == 0)
                return false;
        uint8_t b0 = (uint8_t)t[0];
        if (!(l->first[b0 >> 6] >> (b0 & 63) & 1))
                return false;
        return l->one || (room >= 2 && (l->second >> ((uint8_t)t[1] & 63) & 1));
}

/* Whether t starts with word w (t has room for it); the first two bytes
 * decide most calls without memcmp, tested at once (the first alone does
 * not: most Chinese characters start with one of E4..E9, and a branch on it
 * goes either way). */
static inline bool
mention_word_is(const char *t, const struct mention_word *w)
{
        if (w->n == 1)
                return t[0] == w->w[0];
        if ((((uint8_t)t[0] ^ (uint8_t)w->w[0]) | ((uint8_t)t[1] ^ (uint8_t)w->w[1])) != 0)
                return false;
        return memcmp(t, w->w, w->n) == 0;
}

/* Bytes of a hash id ("x-" and ten hex digits). The block of d->ments
 * holds one for each of its capments mentions after them, where mention_id
 * writes the id it derives (the mentions move no more by then): no malloc
 * per id. */
#define MENTION_ID_SLOT 13

/* The room for the hash id of mention i of d. */
static char *
mention_id_slot(const struct ex_doc *d, size_t i)
{
        return (char *)(d->ments + d->capments) + i * MENTION_ID_SLOT;
}

/* Make room in d->ments for n mentions (no id is derived yet: the id
 * slots move with no content). */
static void
mention_reserve(struct ex_doc *d, size_t n)
{
        if (n <= d->capments)
                return;
        /* most documents have a few mentions: a small first block comes
         * from malloc's per-thread cache */
        size_t cap = d->capments ? d->capments * 2 : 16;
        while (cap < n)
                cap *= 2;
        d->ments = ex_xrealloc(d->ments, cap * (sizeof *d->ments + MENTION_ID_SLOT));
        d->capments = cap;
}

/* Append a mention. */
static struct ex_mention *
mention_push(struct ex_doc *d, size_t start, size_t end, int kind, int entity)
{
        if (d->nments == d->capments)
                mention_reserve(d, d->nments + 1);
        struct ex_mention *m = &d->ments[d->nments++];
        memset(m, 0, sizeof *m);
        m->start = start;
        m->end = end;
        m->kind = kind;
        m->entity = entity;
        m->ref = -1;
        return m;
}

/* The hits that the passes below read, picked from d->hits in one pass
 * (indices into d->hits, in order). */
struct mention_picks {
        uint32_t *alias;      /* lexicon aliases */
        const uint32_t *trig; /* Chinese trigger words, in a Chinese text (engine.c's d->trig) */
        uint32_t *suffix;     /* organisation suffixes (CUE_ORGSUFFIX) */
        uint32_t *anaphor;    /* anaphors of the text's language (CUE_ANAPHOR) */
        uint32_t *person;     /* the words of mention_persons (PAY_PERSON), in a Chinese text */
        size_t nalias, ntrig, nsuffix, nanaphor, nperson;
        uint32_t small[4 * 48]; /* the four lists of a document of few hits (no malloc) */
};

/* Pick the hits of d into pk (extractor_run keeps texts, and so hit counts,
 * far below 2^32). The trigger hits of the document's language are those
 * engine_spans picked before (d->trig); the other kinds of hit come in no
 * order a branch predicts, so every hit is written to each list and counted
 * there only when it is of its kind (no branch). */
static void
mention_picks_init(const struct ex_doc *d, struct mention_picks *pk)
{
        const struct extractor *x = d->x;
        assert(d->nhits < UINT32_MAX);
        pk->alias = 4 * d->nhits <= sizeof pk->small / sizeof pk->small[0]
                        ? pk->small
                        : ex_xmalloc((4 * d->nhits + 1) * sizeof *pk->alias);
        pk->suffix = pk->alias + d->nhits;
        pk->anaphor = pk->suffix + d->nhits;
        pk->person = pk->anaphor + d->nhits;
        pk->trig = d->trig;
        pk->ntrig = d->lang == EX_ZH ? d->ntrig : 0;
        /* counted in locals: the stores to the lists could alias d's fields */
        const struct ex_hit *hits = d->hits;
        const size_t nhits = d->nhits;
        const int lang = d->lang;
        const uint32_t person = lang == EX_ZH ? PAY_PERSON : 0; /* no kind of hit is 0 */
        /* the cue a hit that is none reads instead (a list of none: one of no kind) */
        static const struct ex_cue none = {-1, -1, 0, NULL};
        const struct ex_cue *cues = x->ncues > 0 ? x->cues : &none;
        uint32_t *alias = pk->alias, *suffix = pk->suffix, *anaphor = pk->anaphor,
                 *persons = pk->person;
        size_t nalias = 0, nsuffix = 0, nanaphor = 0, nperson = 0;
        for (size_t h = 0; h < nhits; h++) {
                uint32_t what = hits[h].pay >> 24, i = hits[h].pay & 0xffffff;
                uint32_t cue = what == PAY_CUE;
                const struct ex_cue *c = &cues[i & (0u - cue)]; /* cue ? i : 0, no branch */
                /* each list has room for every hit: a store past its end is
                 * overwritten by the next hit, or never read */
                alias[nalias] = (uint32_t)h;
                nalias += what == PAY_ALIAS;
                persons[nperson] = (uint32_t)h;
                nperson += what == person;
                suffix[nsuffix] = (uint32_t)h;
                nsuffix += cue & (c->kind == CUE_ORGSUFFIX);
                anaphor[nanaphor] = (uint32_t)h;
                nanaphor += cue & (c->kind == CUE_ANAPHOR) & (c->lang == lang);
        }
        pk->nalias = nalias;
        pk->nsuffix = nsuffix;
        pk->nanaphor = nanaphor;
        pk->nperson = nperson;
}

/* Whether the ASCII byte c is a letter or digit (one table load). */
static bool
mention_alnum(char c)
{
        static const bool tab[256] = {
            ['0' ... '9'] = true, ['A' ... 'Z'] = true, ['a' ... 'z'] = true};
        return tab[(uint8_t)c];
}

/* Whether a Latin alias hit at [s,e) stands on word boundaries. */
static bool
mention_boundary(const struct text *t, const struct ex_alias *a, size_t s, size_t e)
{
        const char *x = t->s;
        if (a->latin_l && s > 0 && mention_alnum(x[s - 1]))
                return false;
        if (a->latin_r && e < t->len) {
                if (mention_alnum(x[e]))
                        return false;
                /* GLM-4.5 inside GLM-4.5V or GLM-4.5-Air: the name goes on. */
                if ((x[e] == '-' || x[e] == '.') && e + 1 < t->len && mention_alnum(x[e + 1]))
                        return false;
        }
        return true;
}

/* Sort order: longer first, then earlier. */
static int
mention_cmp_len(const void *pa, const void *pb)
{
        const struct ex_hit *a = pa, *b = pb;
        size_t la = a->end - a->start, lb = b->end - b->start;
        if (la != lb)
                return la > lb ? -1 : 1;
        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        return a->pay < b->pay ? -1 : a->pay > b->pay;
}

/* Sort n elements of size sz at base by insertion (stable). */
static inline __attribute__((always_inline)) void
mention_insertion_sort(char *a, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
        char tmp[64];
        _Static_assert(sizeof(struct ex_mention) <= sizeof tmp, "element too large");
        assert(sz <= sizeof tmp);
        for (size_t i = 1; i < n; i++) {
                size_t j = i;
                if (cmp(a + (j - 1) * sz, a + i * sz) <= 0)
                        continue;
                memcpy(tmp, a + i * sz, sz);
                while (j > 0 && cmp(a + (j - 1) * sz, tmp) > 0) {
                        memcpy(a + j * sz, a + (j - 1) * sz, sz);
                        j--;
                }
                memcpy(a + j * sz, tmp, sz);
        }
}

/* Sort n elements of size sz at base stably, so in the order qsort gives
 * (glibc's is a stable merge sort): runs of 8 by insertion, then merged
 * bottom-up through a buffer (on the stack for a short array). Inlined, so
 * that the comparisons are too. */
static inline __attribute__((always_inline)) void
mention_sort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
        enum { RUN = 8 };
        char *a = base;
        for (size_t r = 0; r < n; r += RUN)
                mention_insertion_sort(a + r * sz, n - r < RUN ? n - r : RUN, sz, cmp);
        if (n <= RUN)
                return;
        /* the runs in order already (mentions mostly come by start): done */
        size_t r = RUN;
        while (r < n && cmp(a + (r - 1) * sz, a + r * sz) <= 0)
                r += RUN;
        if (r >= n)
                return;
        char small[64 * 64];
        char *buf = n * sz <= sizeof small ? small : ex_xmalloc(n * sz), *src = a, *dst = buf;
        for (size_t w = RUN; w < n; w *= 2) {
                for (size_t lo = 0; lo < n; lo += 2 * w) {
                        size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                        size_t i = lo, j = mid, k = lo;
                        if (mid >= hi || cmp(src + (mid - 1) * sz, src + mid * sz) <= 0) {
                                /* one run, or two in order already: copied whole */
                                memcpy(dst + lo * sz, src + lo * sz, (hi - lo) * sz);
                                continue;
                        }
                        /* the left one on a tie: stable */
                        while (i < mid && j < hi) {
                                if (cmp(src + j * sz, src + i * sz) < 0)
                                        memcpy(dst + k++ * sz, src + j++ * sz, sz);
                                else
                                        memcpy(dst + k++ * sz, src + i++ * sz, sz);
                        }
                        memcpy(dst + k * sz, src + i * sz, (mid - i) * sz);
                        k += mid - i;
                        memcpy(dst + k * sz, src + j * sz, (hi - j) * sz);
                }
                char *t = src;
                src = dst;
                dst = t;
        }
        if (src != a)
                memcpy(a, src, n * sz);
        if (buf != small)
                free(buf);
}

/* A mention's place in the order of mentions (by start, longer first): its
 * start, then its end backwards, in one number (offsets stay below 2^32, see struct
 * ex_hit); with its index. */
struct mention_key {
        uint64_t key;
        size_t i;
};

/* Sort order of mention keys. */
static int
mention_cmp_key(const void *pa, const void *pb)
{
        const struct mention_key *a = pa, *b = pb;
        return a->key < b->key ? -1 : a->key > b->key;
}

/* Sort d->ments by start, longer first, stably: their keys are sorted (one
 * comparison each, sixteen bytes moved), then the mentions moved once; not
 * at all when they come in order. */
static void
mention_sort_start(struct ex_doc *d)
{
        const size_t n = d->nments;
        struct ex_mention *m = d->ments;
        if (n < 2)
                return;
        struct mention_key small[64];
        struct mention_key *k = n <= 64 ? small : ex_xmalloc(n * sizeof *k);
        bool sorted = true;
        for (size_t i = 0; i < n; i++) {
                k[i].key = (uint64_t)m[i].start << 32 | (UINT32_MAX - (uint32_t)m[i].end);
                k[i].i = i;
                sorted &= i == 0 || k[i - 1].key <= k[i].key;
        }
        if (!sorted) {
                mention_sort(k, n, sizeof *k, mention_cmp_key);
                struct ex_mention smallm[64];
                struct ex_mention *out = n <= 64 ? smallm : ex_xmalloc(n * sizeof *out);
                for (size_t i = 0; i < n; i++)
                        out[i] = m[k[i].i];
                memcpy(m, out, n * sizeof *m);
                if (out != smallm)
                        free(out);
        }
        if (k != small)
                free(k);
}

/* The bytes of occ[s..e) ORed together, each in some byte of the result:
 * read eight or four at a time (overlapping at the end), names being a
 * few characters long. */
static inline uint64_t
mention_occ_or(const uint8_t *occ, size_t s, size_t e)
{
        size_t n = e > s ? e - s : 0;
        uint64_t w = 0, v;
        if (n >= 8) {
                for (size_t i = s; i + 8 <= e; i += 8) {
                        memcpy(&v, occ + i, 8);
                        w |= v;
                }
                memcpy(&v, occ + e - 8, 8);
                return w | v;
        }
        if (n >= 4) {
                uint32_t a, b;
                memcpy(&a, occ + s, 4);
                memcpy(&b, occ + e - 4, 4);
                return a | b;
        }
        for (size_t i = s; i < e; i++)
                w |= occ[i];
        return w;
}

/* Whether occ[s..e) is all free. */
static bool
mention_free_span(const uint8_t *occ, size_t s, size_t e)
{
        return mention_occ_or(occ, s, e) == 0;
}

/* Derive an id for an unknown name: a slug for Latin (allocated), "x-" and
 * the first ten hex digits of its SHA-256 otherwise (written to slot). */
static char *
mention_derive_id(const char *s, size_t n, char slot[MENTION_ID_SLOT])
{
        bool latin = true;
        for (size_t i = 0; i < n && latin; i++)
                if ((unsigned char)s[i] >= 0x80)
                        latin = false;
        if (latin) {
                struct ex_buf b = {0};
                ex_slug(s, n, &b);
                if (b.len > 0)
                        return b.data;
                free(b.data);
        }
        char hex[65];
        nw_sha256_hex(s, n, hex);
        _Static_assert(MENTION_ID_SLOT == 13, "x- and ten digits");
        memcpy(slot, "x-", 2);
        memcpy(slot + 2, hex, 10);
        slot[12] = '\0';
        return slot;
}

/* The bit of a mention_wfilter's pair for the two three-byte sequences at
 * a and b: a hash of their low six bits of their last two bytes each. */
static inline uint32_t
mention_wfilter_pairbit(const uint8_t *a, const uint8_t *b)
{
        uint32_t v = (uint32_t)(a[1] & 63) << 18 | (uint32_t)(a[2] & 63) << 12 |
                     (uint32_t)(b[1] & 63) << 6 | (b[2] & 63);
        return (v * 0x9e3779b1u) >> 20;
}

/* Add to f the first (or, with tail, the last) character of each word of w
 * of more than min bytes and under six: bit (b1 & 63) of word (b2 & 63) for
 * its bytes b1, b2 after the first (before the last), the low twelve bits of
 * a three-byte character; a shorter word sets the bits of every character it
 * may start (end). A word of six bytes or more sets the pair bit of its first
 * (last) two three-byte sequences. */
static void
mention_wfilter_add(struct mention_wfilter *f, const struct ex_words *w, size_t min, bool tail)
{
        for (size_t k = 0; k < w->n; k++) {
                const uint8_t *u = (const uint8_t *)w->w[k];
                size_t n = w->l[k];
                if (n <= min || n == 0)
                        continue;
                if (n >= 6) {
                        const uint8_t *c = tail ? u + n - 6 : u;
                        uint32_t h = mention_wfilter_pairbit(c, c + 3);
                        f->pair[h >> 6] |= (uint64_t)1 << (h & 63);
                } else if (n >= 3) {
                        const uint8_t *c = tail ? u + n - 3 : u;
                        f->bits[c[2] & 63] |= (uint64_t)1 << (c[1] & 63);
                } else if (n == 2 && tail) {
                        f->bits[u[1] & 63] |= (uint64_t)1 << (u[0] & 63);
                } else if (n == 2) {
                        for (size_t j = 0; j < 64; j++)
                                f->bits[j] |= (uint64_t)1 << (u[1] & 63);
                } else if (tail) {
                        f->bits[u[0] & 63] = ~(uint64_t)0;
                } else {
                        memset(f->bits, 0xff, sizeof f->bits);
                }
        }
}

/* Whether filter f lets through the three bytes at u (a word of under six
 * bytes may start or end there). */
static inline bool
mention_wfilter_maybe(const struct mention_wfilter *f, const uint8_t *u)
{
        return f->bits[u[2] & 63] >> (u[1] & 63) & 1;
}

/* Whether filter f lets through the six bytes at u (a longer word may start
 * or end there). */
static inline bool
mention_wfilter_maybe_pair(const struct mention_wfilter *f, const uint8_t *u)
{
        uint32_t h = mention_wfilter_pairbit(u, u + 3);
        return f->pair[h >> 6] >> (h & 63) & 1;
}

/* Build x's filters once (the first document; several may come at once on
 * several threads: one builds them, under a lock, before any reads them). */
static void
mention_filters_init(const struct extractor *x)
{
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        if (atomic_load_explicit(&x->mf.ready, memory_order_acquire))
                return;
        pthread_mutex_lock(&lock);
        if (!atomic_load_explicit(&x->mf.ready, memory_order_relaxed)) {
                /* the filters are a cache of x's words: written once, here,
                 * before ready (x itself was allocated writable) */
                struct mention_filters *mf = (struct mention_filters *)&x->mf;
                const struct ex_words *stop = &x->stopword[EX_ZH];
                mention_wfilter_add(&mf->stop_head, stop, 0, false);
                mention_wfilter_add(&mf->stop_head_long, stop, 3, false);
                mention_wfilter_add(&mf->stop_tail, stop, 0, true);
                mention_wfilter_add(&mf->generic_head, &x->generic[EX_ZH], 0, false);
                mention_wfilter_add(&mf->notchunk_head, &x->notchunk, 0, false);
                for (size_t k = 0; k < x->ntrigs; k++)
                        if (x->trigs[k].lang == EX_ZH)
                                mention_wfilter_add(&mf->unless_head, &x->trigs[k].unless_after, 0,
                                                    false);
                atomic_store_explicit(&mf->ready, true, memory_order_release);
        }
        pthread_mutex_unlock(&lock);
}

/* ex_words_starts_at(w, s, len, i), 0 at once where filter f of w's words
 * (or of those longer than a caller's bound) turns i away. */
static inline size_t
mention_starts(const struct ex_words *w, const struct mention_wfilter *f, const char *s, size_t len,
               size_t i)
{
        const uint8_t *u = (const uint8_t *)s + i;
        if (i + 3 <= len) {
                /* both filters read, then one branch on either */
                bool maybe = mention_wfilter_maybe(f, u);
                if (i + 6 <= len)
                        maybe |= mention_wfilter_maybe_pair(f, u);
                if (!maybe)
                        return 0;
        }
        return ex_words_starts_at(w, s, len, i);
}

/* ex_words_ends_at(w, s, lo, i), 0 at once where filter f (of the last
 * bytes of w's words) turns i away. */
static inline size_t
mention_ends(const struct ex_words *w, const struct mention_wfilter *f, const char *s, size_t lo,
             size_t i)
{
        const uint8_t *u = (const uint8_t *)s + i;
        if (i >= lo + 3) {
                /* both filters read, then one branch on either */
                bool maybe = mention_wfilter_maybe(f, u - 3);
                if (i >= lo + 6)
                        maybe |= mention_wfilter_maybe_pair(f, u - 6);
                if (!maybe)
                        return 0;
        }
        return ex_words_ends_at(w, s, lo, i);
}

/* Whether the stem [s,e) is made only of generic words (中国科技, 全球). */
static inline bool
mention_generic(const struct extractor *x, const char *t, size_t s, size_t e)
{
        size_t i = s;
        while (i < e) {
                size_t k = mention_starts(&x->generic[EX_ZH], &x->mf.generic_head, t, e, i);
                if (k == 0)
                        return false;
                i += k;
        }
        return true;
}

/* Whether a two-character Chinese alias at [s,e) only stands inside a longer
 * word: Han characters on both sides that neither end nor start at a stop
 * word (思科 in 蓝思科技), while 收购思科公司 or 与思科签约 keep it. */
static bool
mention_alias_inside(const struct ex_doc *d, size_t s, size_t e)
{
        const char *t = d->t.s;
        if (d->lang != EX_ZH || e - s != 6 || s < 3 || e + 3 > d->t.len)
                return false;
        int k;
        if (!ex_is_han(ex_cp_at(t, d->t.len, s, &k)) ||
            !ex_is_han(ex_cp_at(t, d->t.len, s - 3, &k)) ||
            !ex_is_han(ex_cp_at(t, d->t.len, e, &k)))
                return false;
        const struct ex_words *stop = &d->x->stopword[EX_ZH];
        if (mention_ends(stop, &d->x->mf.stop_tail, t, 0, s) > 0 ||
            mention_starts(stop, &d->x->mf.stop_head, t, d->t.len, e) > 0)
                return false;
        return true;
}

/* Sort order of 64-bit keys. */
static int
mention_cmp_u64(const void *pa, const void *pb)
{
        uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
        return a < b ? -1 : a > b;
}

/* Sort order: earlier first. */
static int
mention_cmp_start(const void *pa, const void *pb)
{
        const struct ex_hit *a = pa, *b = pb;
        return a->start < b->start ? -1 : a->start > b->start;
}

/* Keep the longest of the n candidate aliases of c that overlap one another
 * (the hits of one cluster; occ free where none is), then push those kept by
 * start (they do not overlap: their starts differ). c is reordered. */
static void
mention_lexicon_cluster(struct ex_doc *d, uint8_t *occ, struct ex_hit *c, size_t n)
{
        const struct extractor *x = d->x;
        mention_sort(c, n, sizeof *c, mention_cmp_len);
        /* the kept ones: their start and place in c in one key */
        uint64_t smallk[64];
        uint64_t *k = n <= 64 ? smallk : ex_xmalloc(n * sizeof *k);
        size_t nk = 0;
        for (size_t i = 0; i < n; i++) {
                if (!mention_free_span(occ, c[i].start, c[i].end))
                        continue;
                memset(occ + c[i].start, OCC_LEX, c[i].end - c[i].start);
                k[nk++] = (uint64_t)c[i].start << 32 | i;
        }
        mention_sort(k, nk, sizeof *k, mention_cmp_u64);
        for (size_t j = 0; j < nk; j++) {
                const struct ex_hit *h = &c[(uint32_t)k[j]];
                const struct ex_alias *a = &x->aliases[h->pay & 0xffffff];
                mention_push(d, h->start, h->end, x->ents[a->entity].kind, a->entity);
        }
        if (k != smallk)
                free(k);
}

/* Lexicon aliases (the alias hits of pk): check boundaries and case, keep the
 * longest, pushed by start. An alias only gives way to a longer one it
 * overlaps (occ is free before), so the candidates are taken cluster by
 * cluster (those that overlap one another, transitively), each in the order
 * longest first, then earlier: the choice of one sort of all of them, with
 * occ read in text order. */
static void
mention_lexicon(struct ex_doc *d, const struct mention_picks *pk, uint8_t *occ)
{
        const struct extractor *x = d->x;
        struct ex_hit small[64]; /* most documents: no malloc */
        struct ex_hit *c = pk->nalias <= 64 ? small : ex_xmalloc(pk->nalias * sizeof *c);
        size_t nc = 0;
        bool by_start = true;
        for (size_t ia = 0; ia < pk->nalias; ia++) {
                size_t i = pk->alias[ia];
                const struct ex_alias *a = &x->aliases[d->hits[i].pay & 0xffffff];
                size_t s = d->hits[i].start, e = d->hits[i].end;
                if (!mention_boundary(&d->t, a, s, e))
                        continue;
                if (a->exact && memcmp(d->t.s + s, a->text, e - s) != 0)
                        continue;
                if (mention_alias_inside(d, s, e))
                        continue;
                by_start &= nc == 0 || c[nc - 1].start <= s;
                c[nc++] = d->hits[i];
        }
        if (!by_start) /* d->hits come by start: not seen */
                mention_sort(c, nc, sizeof *c, mention_cmp_start);
        for (size_t b = 0; b < nc;) {
                size_t e = b + 1, end = c[b].end;
                for (; e < nc && c[e].start < end; e++)
                        if (c[e].end > end)
                                end = c[e].end;
                if (e == b + 1) { /* alone: kept (occ is free there) */
                        const struct ex_alias *a = &x->aliases[c[b].pay & 0xffffff];
                        mention_push(d, c[b].start, c[b].end, x->ents[a->entity].kind, a->entity);
                        memset(occ + c[b].start, OCC_LEX, c[b].end - c[b].start);
                } else {
                        mention_lexicon_cluster(d, occ, c + b, e - b);
                }
                b = e;
        }
        if (c != small)
                free(c);
}

size_t
mention_hit_from(const struct ex_doc *d, size_t pos)
{
        size_t lo = 0, hi = d->nhits;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (d->hits[mid].start < pos)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* The first lexicon mention (of the first nlex) ending after e. */
static size_t
mention_lex_after(const struct ex_doc *d, size_t e)
{
        size_t lo = 0, hi = d->nlex;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (d->ments[mid].end <= e)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* The lexicon mention ending at e, or -1 (lexicon mentions do not overlap). */
static int
mention_ending_at(const struct ex_doc *d, size_t e)
{
        size_t i = mention_lex_after(d, e - 1);
        if (i < d->nlex && d->ments[i].end == e)
                return (int)i;
        return -1;
}

/* Whether sentence s is active, as engine_active answers for an offset in it
 * (bit 0 of d->active). */
static bool
mention_sent_active(const struct ex_doc *d, size_t s)
{
        return d->active == NULL || d->t.nsent == 0 || (d->active[s] & 1u);
}

/* Whether cp at s[i] stops a backward name scan. */
static bool
mention_stop(const struct extractor *x, const char *s, size_t lo, size_t i, size_t *skip)
{
        *skip = mention_ends(&x->stopword[EX_ZH], &x->mf.stop_tail, s, lo, i);
        return *skip > 0;
}

/* Whether the unit [s,e) ends in a bare head noun (公司, 企业, 机构) rather
 * than a name's suffix (有限公司, 资本): then it describes what follows. */
static bool
mention_descriptor(const char *t, size_t s, size_t e)
{
        static const char *heads[] = {"公司", "企业", "机构", "集团"};
        for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++) {
                size_t n = strlen(heads[k]);
                if (e - s > n && memcmp(t + e - n, heads[k], n) == 0) {
                        if (e - s >= n + 6 && memcmp(t + e - n - 6, "有限", 6) == 0)
                                return false;
                        return true;
                }
        }
        return false;
}

/* Whether the suffix hit [s,e) is a legal form (有限公司, 股份有限公司), which
 * ends a registered company's full name. */
static bool
mention_legal(const char *t, size_t s, size_t e)
{
        static const struct mention_word forms[] = {
            MENTION_WORD("有限公司"), MENTION_WORD("有限责任公司"), MENTION_WORD("股份有限公司")};
        for (size_t k = 0; k < MENTION_NWORDS(forms); k++)
                if (e - s == forms[k].n && mention_word_is(t + s, &forms[k]))
                        return true;
        return false;
}

/* Whether the suffix [s,e) names a unit inside an organisation (研究院, 分行). */
static bool
mention_subunit_suffix(const char *t, size_t s, size_t e)
{
        static const char *w[] = {"研究院", "研究所", "研究中心", "实验室", "分行",
                                  "支行",   "分公司", "事业部",   "事业群"};
        for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
                if (e - s == strlen(w[k]) && memcmp(t + s, w[k], e - s) == 0)
                        return true;
        return false;
}

/* Whether the suffix [s,e) names a body by its place alone (大同市政府). */
static bool
mention_gov_suffix(const char *t, size_t s, size_t e)
{
        static const char *w[] = {"政府", "人民政府", "广播电视台", "电视台"};
        for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
                if (e - s == strlen(w[k]) && memcmp(t + s, w[k], e - s) == 0)
                        return true;
        return false;
}

/* Words that never stand inside a company name, by code point:
 * 与和及向对从由被把将在于是了的给同跟为以等; and the particles that end a
 * name taken from raw text: 并后时或而但也已还又就都称拟. */
/* clang-format off */
#define MENTION_STOPS_ANY(X, a) \
        X(0x4e0e, a) X(0x548c, a) X(0x53ca, a) X(0x5411, a) X(0x5bf9, a) X(0x4ece, a) \
        X(0x7531, a) X(0x88ab, a) X(0x628a, a) X(0x5c06, a) X(0x5728, a) X(0x4e8e, a) \
        X(0x662f, a) X(0x4e86, a) X(0x7684, a) X(0x7ed9, a) X(0x540c, a) X(0x8ddf, a) \
        X(0x4e3a, a) X(0x4ee5, a) X(0x7b49, a)
#define MENTION_STOPS_CHUNK(X, a) \
        X(0x5e76, a) X(0x540e, a) X(0x65f6, a) X(0x6216, a) X(0x800c, a) X(0x4f46, a) \
        X(0x4e5f, a) X(0x5df2, a) X(0x8fd8, a) X(0x53c8, a) X(0x5c31, a) X(0x90fd, a) \
        X(0x79f0, a) X(0x62df, a)
#define MENTION_STOPS(X, a) MENTION_STOPS_ANY(X, a) MENTION_STOPS_CHUNK(X, a)
/* clang-format on */

/* The stop characters (all in U+4E00..U+9FFF) as bits over that block:
 * [0] those of MENTION_STOPS_ANY, [1] those of MENTION_STOPS_CHUNK; set by
 * mention_lists_init. */
enum { MENTION_HAN_LO = 0x4e00, MENTION_HAN_N = 0xa000 - MENTION_HAN_LO };
static uint64_t mention_stop_bits[2][MENTION_HAN_N / 64];

/* Set the bits of mention_stop_bits. */
static void
mention_stop_bits_init(void)
{
        _Static_assert(MENTION_HAN_LO % 64 == 0, "the bit of cp is cp & 63");
#define MENTION_STOP_ELEM(cp, a) {cp, a},
        static const struct {
                uint32_t cp;
                int chunk;
        } stops[] = {MENTION_STOPS_ANY(MENTION_STOP_ELEM, 0)
                         MENTION_STOPS_CHUNK(MENTION_STOP_ELEM, 1)};
#undef MENTION_STOP_ELEM
        for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
                uint32_t o = stops[i].cp - MENTION_HAN_LO;
                mention_stop_bits[stops[i].chunk][o >> 6] |= (uint64_t)1 << (o & 63);
        }
}

/* mention_hard_stop for the character cp (any code point): 3 or 0. A filter
 * turns most characters away with one load, the others are told by their
 * bits (a switch over the few dozen mispredicts: 的, 在, 和 are frequent). */
static inline __attribute__((always_inline)) size_t
mention_hard_stop_cp(uint32_t cp, bool chunk)
{
        static const uint64_t maybe[64] = EX_CPSET_INIT(MENTION_STOPS);
        if (!ex_cpset_maybe(maybe, cp) || cp - MENTION_HAN_LO >= MENTION_HAN_N)
                return 0;
        size_t w = (cp - MENTION_HAN_LO) >> 6;
        uint64_t b = mention_stop_bits[0][w] | (chunk ? mention_stop_bits[1][w] : 0);
        return 3 * (size_t)(b >> (cp & 63) & 1);
}

/* Length of a word that never stands inside a company name (与, 向, 的) ending
 * at t[i], or 0; with chunk, also the particles that end a name taken from raw
 * text (并, 后, 也), which a registered name may still hold (北京大也智慧…). */
static inline __attribute__((always_inline)) size_t
mention_hard_stop(const char *t, size_t lo, size_t i, bool chunk)
{
        if (i < lo + 3)
                return 0;
        /* every word is one three-byte character */
        const unsigned char *u = (const unsigned char *)t + i - 3;
        if ((u[0] & 0xf0) != 0xe0 || (u[1] & 0xc0) != 0x80 || (u[2] & 0xc0) != 0x80)
                return 0;
        uint32_t cp =
            ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
        return mention_hard_stop_cp(cp, chunk);
}

/* A registered name runs back past words that end other names: to a place it
 * opens with (北京海科融通支付服务股份有限公司, 深圳市腾鑫精密胶粘制品有限公司),
 * or, over one-character stop words only (家 of 浙江索菲莉尔家居有限公司), to
 * where the clause, a particle or a trigger ends it. From a stem start p that a
 * stop word of multi characters (0: one) ended, return the name's start, or p. */
static size_t
mention_place_anchor(const struct ex_doc *d, const uint8_t *occ, size_t lo, size_t p, size_t chars,
                     size_t multi)
{
        const struct extractor *x = d->x;
        const char *s = d->t.s;
        size_t q = p;
        bool crossed = multi > 3; /* a stop word of several characters lies inside */
        while (chars < MENTION_STEM_MAX + 4) {
                if (q <= lo)
                        return crossed ? p : q;
                if (occ[q - 1] == OCC_LEX) {
                        int m = mention_ending_at(d, q);
                        if (m < 0 || d->ments[m].kind != EK_PLACE)
                                return p;
                        size_t b = d->ments[m].start;
                        /* 广东肇庆: a place before the place belongs too */
                        int m2 = b > lo && occ[b - 1] == OCC_LEX ? mention_ending_at(d, b) : -1;
                        if (m2 >= 0 && d->ments[m2].kind == EK_PLACE)
                                b = d->ments[m2].start;
                        return b;
                }
                if (occ[q - 1] == OCC_TRIG)
                        return crossed ? p : q;
                if (occ[q - 1] != OCC_FREE)
                        return p;
                if (mention_hard_stop(s, lo, q, false) > 0)
                        return crossed ? p : q;
                if (mention_ends(&x->stopword[EX_ZH], &x->mf.stop_tail, s, lo, q) > 3)
                        crossed = true;
                size_t b = ex_cp_before(s, q);
                int k;
                if (!ex_is_han(ex_cp_at(s, d->t.len, b, &k)))
                        return crossed ? p : q;
                q = b;
                chars++;
        }
        return p;
}

/* Money, share counts or a date before a stem (9亿美元星巴克公司, 2月银禧科技):
 * the length of such a unit word at t[p] when a digit stands right before it,
 * else 0. */
static size_t
mention_money_prefix(const char *t, size_t lo, size_t p, size_t e)
{
        static const struct mention_word w[] = {
            MENTION_WORD("亿美元"), MENTION_WORD("亿港元"), MENTION_WORD("万美元"),
            MENTION_WORD("万港元"), MENTION_WORD("亿元"),   MENTION_WORD("万元"),
            MENTION_WORD("万股"),   MENTION_WORD("亿股"),   MENTION_WORD("美元"),
            MENTION_WORD("港元"),   MENTION_WORD("亿"),     MENTION_WORD("万"),
            MENTION_WORD("元"),     MENTION_WORD("股"),     MENTION_WORD("年底"),
            MENTION_WORD("年初"),   MENTION_WORD("年末"),   MENTION_WORD("月底"),
            MENTION_WORD("月初"),   MENTION_WORD("月份"),   MENTION_WORD("年"),
            MENTION_WORD("月"),     MENTION_WORD("日"),     MENTION_WORD("号")};
        if (p <= lo || !(t[p - 1] >= '0' && t[p - 1] <= '9'))
                return 0;
        for (size_t k = 0; k < MENTION_NWORDS(w); k++)
                if (p + w[k].n < e && mention_word_is(t + p, &w[k]))
                        return w[k].n;
        return 0;
}

/* The words a suffix may only start (部分, 局面), for mention_suffix_word. */
static const struct mention_word mention_suffix_words[] = {
    MENTION_WORD("部分"), MENTION_WORD("局面"), MENTION_WORD("局势"),
    MENTION_WORD("局限"), MENTION_WORD("云端"), MENTION_WORD("云计算")};
static struct mention_list mention_suffix_list = MENTION_LIST(mention_suffix_words);

/* Whether the suffix [ss,se) only starts another word (部 of 部分, 局 of 局面). */
static bool
mention_suffix_word(const char *t, size_t len, size_t ss, size_t se)
{
        const struct mention_word *w = mention_suffix_words;
        if (!mention_list_maybe(&mention_suffix_list, t + ss, len - ss))
                return false; /* most suffixes */
        for (size_t k = 0; k < MENTION_NWORDS(mention_suffix_words); k++)
                if (w[k].n > se - ss && ss + w[k].n <= len && mention_word_is(t + ss, &w[k]))
                        return true;
        return false;
}

/* Whether an organisation suffix hit (after hit h) starts at e. */
static bool
mention_suffix_follows(const struct ex_doc *d, size_t h, size_t e)
{
        for (size_t k = h + 1; k < d->nhits && d->hits[k].start <= e; k++)
                if (d->hits[k].start == e && (d->hits[k].pay >> 24) == PAY_CUE &&
                    d->x->cues[d->hits[k].pay & 0xffffff].kind == CUE_ORGSUFFIX)
                        return true;
        return false;
}

/* The code point of the character before s[p] (p > 0), which starts at *q:
 * ex_cp_at(s, len, ex_cp_before(s, p)), a three-byte one read at once. */
static inline uint32_t
mention_cp_before(const char *s, size_t len, size_t p, size_t *q)
{
        const unsigned char *u = (const unsigned char *)s + (p >= 3 ? p - 3 : 0);
        if (p >= 3 && u[0] >= 0xe1 && u[0] <= 0xec && (u[1] & 0xc0) == 0x80 &&
            (u[2] & 0xc0) == 0x80) {
                *q = p - 3;
                return ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) |
                       (u[2] & 0x3f);
        }
        int k;
        *q = ex_cp_before(s, p);
        return ex_cp_at(s, len, *q, &k);
}

/* Unknown Chinese organisations: a stem before suffix words. */
static void
mention_units(struct ex_doc *d, const struct mention_picks *pk, uint8_t *occ)
{
        const struct extractor *x = d->x;
        const char *s = d->t.s;
        size_t last_end = (size_t)-1; /* end of the last unit found */
        int last = -1;
        size_t sent = 0; /* the sentence of the suffix (the hits come by start) */
        for (size_t ps = 0; ps < pk->nsuffix; ps++) {
                size_t h = pk->suffix[ps];
                size_t ss = d->hits[h].start, se = d->hits[h].end;
                sent = text_sentence_from(&d->t, sent, ss);
                if (!mention_sent_active(d, sent))
                        continue;
                /* 部分股权, 局面: the suffix is the head of another word */
                if (mention_suffix_word(s, d->t.len, ss, se))
                        continue;
                /* a Latin suffix (Labs, Inc) stands on word boundaries */
                if (mention_alnum(d->t.s[ss]) && ((ss > 0 && mention_alnum(d->t.s[ss - 1])) ||
                                                  (se < d->t.len && mention_alnum(d->t.s[se]))))
                        continue;
                /* free or a trigger's (OCC_TRIG has neither bit of the others) */
                const uint64_t taken = 0x0101010101010101u * (OCC_LEX | OCC_UNIT | OCC_OTHER);
                bool sfree = !(mention_occ_or(occ, ss, se) & taken);
                if (!sfree) {
                        /* 集团 of 阿里巴巴集团, or a suffix already taken by a longer one */
                        if (last >= 0 && ss < d->ments[last].end && se > d->ments[last].end &&
                            occ[ss] == OCC_UNIT) {
                                memset(occ + d->ments[last].end, OCC_UNIT, se - d->ments[last].end);
                                d->ments[last].end = se;
                                last_end = se;
                        }
                        continue;
                }
                size_t sentlo = d->t.sent[sent].start;
                bool legal = mention_legal(s, ss, se);
                /* 探探科技(北京)有限公司: a place in brackets inside a registered name */
                if (legal && last >= 0 && ss >= 3 && s[ss - 1] == ')') {
                        size_t o = ss - 1;
                        while (o > d->ments[last].end && s[o - 1] != '(' && ss - o < 16)
                                o--;
                        if (o > 0 && s[o - 1] == '(' && o - 1 == d->ments[last].end &&
                            o + 3 < ss - 1 && occ[o] == OCC_LEX) {
                                memset(occ + d->ments[last].end, OCC_UNIT, se - d->ments[last].end);
                                d->ments[last].end = se;
                                last_end = se;
                                for (size_t m = mention_lex_after(d, o);
                                     m < d->nlex && d->ments[m].start < ss; m++)
                                        d->ments[m].flags |= 0x100; /* the place is inside */
                                continue;
                        }
                }
                /* A suffix right after a unit extends it: 科技 + 有限公司; but a
                 * trigger word there is the unit's verb (宏远科技投资3亿元) unless
                 * another suffix follows (投资 + 有限公司). */
                if (last >= 0 && last_end == ss && occ[ss] == OCC_TRIG &&
                    !mention_suffix_follows(d, h, se))
                        continue;
                if (last >= 0 && last_end == ss) {
                        memset(occ + ss, OCC_UNIT, se - ss);
                        d->ments[last].end = se;
                        last_end = se;
                        continue;
                }
                /* 浪潮集团 + 有限公司: a known organisation's registered name. */
                if (legal && ss > sentlo && occ[ss - 1] == OCC_LEX) {
                        int m = mention_ending_at(d, ss);
                        if (m >= 0 && d->ments[m].kind == EK_ORG) {
                                d->ments[m].end = se;
                                memset(occ + ss, OCC_LEX, se - ss);
                                continue;
                        }
                }
                /* Scan back over the stem. */
                size_t p = ss, chars = 0;
                bool glued = false, stopped = false;
                size_t stop_len = 0;
                while (p > sentlo && chars < MENTION_STEM_MAX) {
                        if (occ[p - 1] == OCC_TRIG)
                                break; /* 加仓隆基股份: a trigger word ends the stem */
                        /* 游戏公司苏州美生元…: a bare 公司 inside ends the stem */
                        if (chars > 0 && p >= sentlo + 6 && occ[p - 1] == OCC_FREE &&
                            memcmp(s + p - 6, "公司", 6) == 0)
                                break;
                        if (occ[p - 1] == OCC_LEX) {
                                int m = mention_ending_at(d, p);
                                if (m >= 0 && d->ments[m].kind == EK_PLACE &&
                                    (chars > 0 || mention_gov_suffix(s, ss, se))) {
                                        /* 北京 + 智谱华章科技: swallow a place or short org */
                                        p = d->ments[m].start;
                                        chars += 2;
                                        continue;
                                }
                                /* 中国联通 + 网络技术研究院, 建行 + 上海分行: a unit of a
                                 * known organisation is a name of its own */
                                if (m >= 0 && chars > 0 && d->ments[m].kind == EK_ORG &&
                                    mention_subunit_suffix(s, ss, se)) {
                                        p = d->ments[m].start;
                                        d->ments[m].flags |= 0x100;
                                        break;
                                }
                                glued = chars > 0 && m >= 0;
                                break;
                        }
                        if (occ[p - 1] == OCC_UNIT) {
                                /* 无人机初创公司翼航科技: a bare 公司 before a name
                                 * describes it; the name is not glued noise */
                                if (chars > 0 && last >= 0 && d->ments[last].end == p &&
                                    mention_descriptor(s, d->ments[last].start, p)) {
                                        d->ments[last].flags |= 0x100;
                                        break;
                                }
                                /* 芜湖瑞健投资 + 咨询有限公司: one registered name */
                                if (legal && chars > 0 && chars <= 4 && last >= 0 &&
                                    d->ments[last].end == p) {
                                        p = d->ments[last].start;
                                        d->ments[last].flags |= 0x100;
                                        break;
                                }
                                glued = chars > 0;
                                break;
                        }
                        size_t skip;
                        if (mention_stop(x, s, sentlo, p, &skip)) {
                                stopped = true;
                                stop_len = skip;
                                break;
                        }
                        size_t q;
                        uint32_t cp = mention_cp_before(s, d->t.len, p, &q);
                        if (ex_is_han(cp)) {
                                p = q;
                                chars++;
                                continue;
                        }
                        if (cp < 0x80 &&
                            ((mention_alnum((char)cp) && !(cp >= '0' && cp <= '9')) ||
                             ((cp >= '0' && cp <= '9') && q > 0 && mention_alnum(s[q - 1]) &&
                              !(s[q - 1] >= '0' && s[q - 1] <= '9')) ||
                             cp == '-' || cp == '&')) {
                                p = q;
                                if (chars == 0 || !mention_alnum(s[p + 1]))
                                        chars++;
                                continue;
                        }
                        break;
                }
                if (stopped && legal && !glued)
                        p = mention_place_anchor(d, occ, sentlo, p, chars, stop_len);
                /* Leading Latin glue characters are not part of a name. */
                while (p < ss && (s[p] == '-' || s[p] == '&'))
                        p++;
                p += mention_money_prefix(s, sentlo, p, ss);
                if (p == ss || mention_generic(x, s, p, ss))
                        continue;
                /* Strip leading generic words (中国 of 中国平安 stays: only whole-word stems
                 * are generic); require two characters. */
                size_t stem_chars = 0;
                for (size_t i = p; i < ss && stem_chars < 2;) {
                        int k;
                        ex_cp_at(s, ss, i, &k);
                        stem_chars++;
                        i += (size_t)k;
                }
                if (stem_chars < 2)
                        continue;
                /* Swallowed lexicon mentions give way to the longer name. */
                for (size_t m = mention_lex_after(d, p); m < d->nlex && d->ments[m].start < ss; m++)
                        if (d->ments[m].start >= p && d->ments[m].end <= ss &&
                            d->ments[m].entity >= 0)
                                d->ments[m].flags |= M_NOISE | 0x100; /* removed below */
                struct ex_mention *mm = mention_push(d, p, se, EK_UNIT, -1);
                if (glued)
                        mm->flags |= M_NOISE;
                memset(occ + p, OCC_UNIT, se - p);
                last = (int)(d->nments - 1);
                last_end = se;
        }
        /* Drop swallowed mentions (the ones before the first are kept in place). */
        size_t k = 0;
        while (k < d->nments && !(d->ments[k].flags & 0x100))
                k++;
        for (size_t m = k; m < d->nments; m++) {
                if (d->ments[m].flags & 0x100)
                        continue;
                d->ments[k++] = d->ments[m];
        }
        d->nments = k;
        d->nlex = 0;
}

/* Listed companies named with their stock code: 华铁应急(603300), 嘉麟杰(002486,SZ),
 * 云南白药(行情000538,诊股). The Han text right before the code is a name. */
static void
mention_coded(struct ex_doc *d, uint8_t *occ)
{
        if (d->lang != EX_ZH)
                return;
        const struct extractor *x = d->x;
        const char *s = d->t.s;
        for (size_t k = 0; k < d->nspans; k++) {
                size_t end = d->spans[k].end;
                for (size_t i = d->spans[k].start; i + 6 < end; i++) {
                        /* jump to the next '(' */
                        const char *c = memchr(s + i, '(', end - 6 - i);
                        if (c == NULL)
                                break;
                        i = (size_t)(c - s);
                        if (i == 0 || occ[i - 1] != OCC_FREE)
                                continue;
                        size_t j = i + 1, nd = 0;
                        if (j + 6 <= d->t.len && memcmp(s + j, "行情", 6) == 0)
                                j += 6;
                        while (j + nd < d->t.len && s[j + nd] >= '0' && s[j + nd] <= '9')
                                nd++;
                        if ((nd != 6 && nd != 5) || j + nd >= d->t.len ||
                            !strchr("),.;", s[j + nd]))
                                continue;
                        size_t lo = d->t.sent[text_sentence_of(&d->t, i)].start;
                        size_t p = i, chars = 0, skip;
                        while (p > lo && chars < 8 && occ[p - 1] == OCC_FREE &&
                               !mention_stop(x, s, lo, p, &skip) &&
                               mention_hard_stop(s, lo, p, true) == 0) {
                                size_t q = ex_cp_before(s, p);
                                int n;
                                if (!ex_is_han(ex_cp_at(s, d->t.len, q, &n)))
                                        break;
                                p = q;
                                chars++;
                        }
                        if (chars < 2 || chars >= 8 || mention_generic(x, s, p, i) ||
                            mention_starts(&x->notchunk, &x->mf.notchunk_head, s, i, p) > 0)
                                continue;
                        mention_push(d, p, i, EK_UNIT, -1);
                        memset(occ + p, OCC_UNIT, i - p);
                }
        }
}

/* Common Chinese surnames, three bytes each. */
static const char mention_surnames[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤俞";
/* A filter of their code points (see ex_cpset_maybe), built once (by
 * mention_lists_init). */
static uint64_t mention_surname_bits[64];

/* Set the bits of mention_surnames in mention_surname_bits. */
static void
mention_surname_bits_init(void)
{
        for (const char *p = mention_surnames; *p; p += 3) {
                int k;
                uint32_t cp = ex_cp_at(p, 3, 0, &k);
                mention_surname_bits[(cp & 0xfff) >> 6] |= (uint64_t)1 << (cp & 63);
        }
}

/* Whether the character at t[i] is a common Chinese surname. */
static bool
mention_surname(const char *t, size_t len, size_t i)
{
        int k;
        uint32_t cp = ex_cp_at(t, len, i, &k);
        if (k != 3 || !ex_is_han(cp))
                return false;
        if (!ex_cpset_maybe(mention_surname_bits, cp))
                return false; /* most characters */
        for (const char *p = mention_surnames; *p; p += 3)
                if (memcmp(p, t + i, 3) == 0)
                        return true;
        return false;
}

/* Whether a person's name may end before t[i]: not a Han character, a
 * particle or stop word, or a word that follows a name (此, 因, 表示). */
static bool
mention_name_boundary(const struct ex_doc *d, const uint8_t *occ, size_t i, size_t hi)
{
        static const struct mention_word w[] = {
            MENTION_WORD("此"),   MENTION_WORD("因"),   MENTION_WORD("说"),   MENTION_WORD("曾"),
            MENTION_WORD("先生"), MENTION_WORD("女士"), MENTION_WORD("教授"), MENTION_WORD("博士"),
            MENTION_WORD("表示"), MENTION_WORD("认为"), MENTION_WORD("指出")};
        const char *s = d->t.s;
        int k;
        if (i >= hi || occ[i] != OCC_FREE || !ex_is_han(ex_cp_at(s, hi, i, &k)))
                return true;
        if (mention_hard_stop(s, i, i + 3, true) > 0 ||
            mention_starts(&d->x->stopword[EX_ZH], &d->x->mf.stop_head, s, hi, i) > 0)
                return true;
        for (size_t j = 0; j < MENTION_NWORDS(w); j++)
                if (i + w[j].n <= hi && mention_word_is(s + i, &w[j]))
                        return true;
        return false;
}

/* Push a person found at [b,e). */
static void
mention_person_at(struct ex_doc *d, uint8_t *occ, size_t b, size_t e)
{
        if (!mention_free_span(occ, b, e))
                return;
        mention_push(d, b, e, EK_PERSON, -1);
        memset(occ + b, OCC_OTHER, e - b);
}

/* One place where a word of a list occurs. */
struct mention_at {
        size_t w; /* index in the list */
        size_t p; /* where it starts */
};

/* Places, in an array on the stack until they outgrow it. */
struct mention_ats {
        struct mention_at *a;
        size_t n, cap;
        struct mention_at small[16];
};

/* Set v up empty. */
static void
mention_ats_init(struct mention_ats *v)
{
        v->a = v->small;
        v->n = 0;
        v->cap = sizeof v->small / sizeof v->small[0];
}

/* Make room in v for n places (its first v->n kept). */
static void
mention_ats_reserve(struct mention_ats *v, size_t n)
{
        if (n <= v->cap)
                return;
        size_t cap = v->cap;
        while (cap < n)
                cap *= 2;
        struct mention_at *a = ex_xmalloc(cap * sizeof *a);
        memcpy(a, v->a, v->n * sizeof *a);
        if (v->a != v->small)
                free(v->a);
        v->a = a;
        v->cap = cap;
}

/* Free what v allocated. */
static void
mention_ats_free(struct mention_ats *v)
{
        if (v->a != v->small)
                free(v->a);
}

/* Hash of the first three bytes at s, for a mention_wordset. */
static inline unsigned
mention_key_hash(const char *s)
{
        return ((unsigned)(uint8_t)s[0] * 101u + (unsigned)(uint8_t)s[1] * 37u +
                (unsigned)(uint8_t)s[2]) &
               255u;
}

/* A list of words (each at least 3 bytes, at most 32 words) hashed by their
 * first three bytes, and a filter of the places they may start. */
struct mention_wordset {
        const struct mention_word *w;
        size_t nw;
        uint8_t head[256]; /* by hash: the first word, or 0xff */
        uint8_t next[32];  /* the next word of the same hash, or 0xff */
        /* a filter: by a word's third byte, bit (second byte & 63) set */
        uint64_t third[256];
};

/* Hash the words w[0..nw) into ws. */
static void
mention_wordset_init(struct mention_wordset *ws, const struct mention_word *w, size_t nw)
{
        assert(nw <= sizeof ws->next);
        ws->w = w;
        ws->nw = nw;
        memset(ws->head, 0xff, sizeof ws->head);
        memset(ws->third, 0, sizeof ws->third);
        for (size_t k = 0; k < nw; k++) {
                assert(w[k].n >= 3);
                const uint8_t *u = (const uint8_t *)w[k].w;
                ws->third[u[2]] |= (uint64_t)1 << (u[1] & 63);
                unsigned h = mention_key_hash(w[k].w);
                ws->next[k] = ws->head[h];
                ws->head[h] = (uint8_t)k;
        }
}

/* The words mention_persons looks for: titles before a name, honorifics
 * after one; and those after which mention_chunks takes a name. */
#define MENTION_TITLES                                                                             \
        MENTION_WORD("董事长"), MENTION_WORD("总经理"), MENTION_WORD("总裁"),                      \
            MENTION_WORD("首席执行官"), MENTION_WORD("CEO"), MENTION_WORD("创始人"),               \
            MENTION_WORD("董事会秘书"), MENTION_WORD("董秘"), MENTION_WORD("实际控制人"),          \
            MENTION_WORD("实控人"), MENTION_WORD("股东"), MENTION_WORD("总监"),                    \
            MENTION_WORD("行长"), MENTION_WORD("主席"), MENTION_WORD("负责人"),                    \
            MENTION_WORD("合伙人"), MENTION_WORD("董事"), MENTION_WORD("研究员"),                  \
            MENTION_WORD("分析师"), MENTION_WORD("观察人士"), MENTION_WORD("代表")
#define MENTION_HONORIFICS                                                                         \
        MENTION_WORD("先生"), MENTION_WORD("女士"), MENTION_WORD("教授"), MENTION_WORD("博士")
#define MENTION_HELD                                                                               \
        MENTION_WORD("所持有的"), MENTION_WORD("持有的"), MENTION_WORD("所持"), MENTION_WORD("与")
#define MENTION_COUNT(...)                                                                         \
        (sizeof((const struct mention_word[]){__VA_ARGS__}) / sizeof(struct mention_word))

static const struct mention_word mention_person_words[] = {MENTION_TITLES, MENTION_HONORIFICS,
                                                           MENTION_HELD};
/* Add mention_person_words to the automaton (the hits mention_persons reads). */
void
mention_patterns(struct acm *a)
{
        for (size_t k = 0; k < MENTION_NWORDS(mention_person_words); k++) {
                /* lowered, as the automaton reads the lowered text (CEO) */
                const struct mention_word *w = &mention_person_words[k];
                char low[32];
                assert(w->n >= 3 && w->n <= sizeof low);
                /* no word begins with an end of itself, so the places of one
                 * word never overlap (mention_person_places) */
                for (size_t b = 1; b < w->n; b++)
                        assert(memcmp(w->w, w->w + b, w->n - b) != 0);
                for (size_t j = 0; j < w->n; j++)
                        low[j] = (char)(w->w[j] + ((unsigned char)(w->w[j] - 'A') < 26 ? 32 : 0));
                acm_add(a, low, w->n, PAY(PAY_PERSON, k));
        }
}

/* The places in s[lo,hi) of the words of mention_person_words, from their
 * automaton hits pk->person[*h..] (by start; *h moves past those before hi):
 * ordered by word, then by place, just as a memmem loop per word would find
 * them (the places of one word never overlap, see mention_patterns), into
 * out (emptied first). Returns their count. */
static size_t
mention_person_places(const struct ex_doc *d, const struct mention_picks *pk, size_t *h, size_t lo,
                      size_t hi, struct mention_ats *out)
{
        const struct mention_word *w = mention_person_words;
        enum { NW = MENTION_NWORDS(mention_person_words) };
        size_t first = *h, last;
        while (first < pk->nperson && d->hits[pk->person[first]].start < lo)
                first++;
        for (last = first; last < pk->nperson && d->hits[pk->person[last]].start < hi; last++)
                ;
        *h = last;
        out->n = 0;
        if (last == first)
                return 0;
        mention_ats_reserve(out, last - first);
        /* the exact word at an exact place (the automaton reads the lowered
         * text), in order of word: a few placed by insertion (after those of
         * the same word: in order of place) */
        if (last - first <= 16) {
                size_t m = 0;
                for (size_t i = first; i < last; i++) {
                        const struct ex_hit *hit = &d->hits[pk->person[i]];
                        size_t k = hit->pay & 0xffffff, j = m;
                        if (hit->end > hi || memcmp(d->t.s + hit->start, w[k].w, w[k].n) != 0)
                                continue;
                        for (; j > 0 && out->a[j - 1].w > k; j--)
                                out->a[j] = out->a[j - 1];
                        out->a[j] = (struct mention_at){k, hit->start};
                        m++;
                }
                out->n = m;
                return m;
        }
        /* many: counted by word, then placed by word in order of place */
        size_t count[NW + 1] = {0};
        for (size_t i = first; i < last; i++) {
                const struct ex_hit *hit = &d->hits[pk->person[i]];
                size_t k = hit->pay & 0xffffff;
                if (hit->end <= hi && memcmp(d->t.s + hit->start, w[k].w, w[k].n) == 0)
                        count[k + 1]++;
        }
        for (size_t k = 0; k < NW; k++)
                count[k + 1] += count[k];
        size_t m = count[NW];
        for (size_t i = first; i < last; i++) {
                const struct ex_hit *hit = &d->hits[pk->person[i]];
                size_t k = hit->pay & 0xffffff;
                if (hit->end <= hi && memcmp(d->t.s + hit->start, w[k].w, w[k].n) == 0)
                        out->a[count[k]++] = (struct mention_at){k, hit->start};
        }
        out->n = m;
        return m;
}

/* People the lexicon does not know, by their title or honorific: 董事长王刚,
 * 创始人兼CEO宿华, 赵云文先生, 刘邦奇教授. A surname and one or two characters.
 * The same words give the places after which mention_chunks takes a name
 * (与, 所持有的): they go to held (in the order mention_chunks takes them; w
 * indexes MENTION_HELD). */
static void
mention_persons(struct ex_doc *d, const struct mention_picks *pk, uint8_t *occ,
                struct mention_ats *held)
{
        if (d->lang != EX_ZH || pk->nperson == 0)
                return;
        const struct mention_word *words = mention_person_words;
        const size_t ntitles = MENTION_COUNT(MENTION_TITLES),
                     nperson = ntitles + MENTION_COUNT(MENTION_HONORIFICS);
        const char *s = d->t.s;
        struct mention_ats places;
        mention_ats_init(&places);
        size_t h = 0;
        for (size_t k = 0; k < d->nspans; k++) {
                size_t lo = d->spans[k].start, hi = d->spans[k].end;
                size_t n = mention_person_places(d, pk, &h, lo, hi, &places);
                const struct mention_at *at = places.a;
                for (size_t i = 0; i < n; i++) {
                        size_t f = at[i].p;
                        if (at[i].w >= nperson) {
                                mention_ats_reserve(held, held->n + 1);
                                held->a[held->n++] = (struct mention_at){at[i].w - nperson, f};
                                continue;
                        }
                        if (at[i].w < ntitles) {
                                size_t b = f + words[at[i].w].n;
                                if (!mention_surname(s, hi, b) || b + 6 > hi ||
                                    mention_name_boundary(d, occ, b + 3, hi))
                                        continue;
                                size_t e = b + 6;
                                if (!mention_name_boundary(d, occ, e, hi) &&
                                    mention_name_boundary(d, occ, e + 3, hi))
                                        e += 3;
                                if (mention_name_boundary(d, occ, e, hi))
                                        mention_person_at(d, occ, b, e);
                                continue;
                        }
                        size_t e = f;
                        if (e >= lo + 9 && mention_surname(s, hi, e - 9) &&
                            occ[e - 9] == OCC_FREE && occ[e - 6] == OCC_FREE &&
                            occ[e - 3] == OCC_FREE)
                                mention_person_at(d, occ, e - 9, e);
                        else if (e >= lo + 6 && mention_surname(s, hi, e - 6) &&
                                 occ[e - 6] == OCC_FREE && occ[e - 3] == OCC_FREE)
                                mention_person_at(d, occ, e - 6, e);
                }
        }
        mention_ats_free(&places);
}

/* Whether [s,e) of the text is a word listed in w (exact, case-sensitive). */
static bool
mention_listed(const struct ex_words *w, const char *t, size_t s, size_t e)
{
        /* the longest word starting at s and ending by e is [s,e) itself */
        return e > s && ex_words_starts_at(w, t, e, s) == e - s;
}

/* Classes of ASCII bytes for mention_latin's word scan. */
enum {
        LATIN_ALNUM = 1, /* a letter or digit */
        LATIN_CAP = 2,   /* a capital or digit */
        LATIN_JOIN = 4,  /* '-' or '.': joins a word to a letter or digit after it */
        LATIN_DOT = 8,   /* '.' */
        LATIN_GLUE = 16  /* no word starts right after it */
};
static const uint8_t mention_latin_class[256] = {
    ['0' ... '9'] = LATIN_ALNUM | LATIN_CAP | LATIN_GLUE,
    ['A' ... 'Z'] = LATIN_ALNUM | LATIN_CAP | LATIN_GLUE,
    ['a' ... 'z'] = LATIN_ALNUM | LATIN_GLUE,
    ['-'] = LATIN_JOIN | LATIN_GLUE,
    ['.'] = LATIN_JOIN | LATIN_DOT | LATIN_GLUE,
    ['\''] = LATIN_GLUE};

/* Whether s[j] belongs to a Latin word: a letter or digit, or a '-' or '.'
 * before one (GLM-4.5). */
static inline bool
mention_latin_in_word(const char *s, size_t len, size_t j)
{
        uint8_t c = mention_latin_class[(uint8_t)s[j]];
        if (c & LATIN_ALNUM)
                return true;
        return (c & LATIN_JOIN) && j + 1 < len &&
               (mention_latin_class[(uint8_t)s[j + 1]] & LATIN_ALNUM);
}

/* The first ASCII letter in s[i..len), or len: sixteen bytes at a time
 * where SSE2 is there (Chinese text, digits and punctuation start no name). */
static inline size_t
mention_next_letter(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
        /* b | 0x20 is a to z just for a letter b (signed: no byte of 0x80 up) */
        const __m128i x20 = _mm_set1_epi8(0x20), a1 = _mm_set1_epi8('a' - 1),
                      z1 = _mm_set1_epi8('z' + 1);
        for (; i + 16 <= len; i += 16) {
                __m128i v =
                    _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), x20);
                unsigned m = (unsigned)_mm_movemask_epi8(
                    _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmpgt_epi8(z1, v)));
                if (m != 0)
                        return i + (size_t)__builtin_ctz(m);
        }
        if (i < len && len >= 16) {
                /* the last few bytes: the sixteen that end at len, those
                 * before i masked off */
                __m128i v = _mm_or_si128(
                    _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16)), x20);
                unsigned m = (unsigned)_mm_movemask_epi8(
                                 _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmpgt_epi8(z1, v))) >>
                             (i - (len - 16));
                return m != 0 ? i + (size_t)__builtin_ctz(m) : len;
        }
#endif
        while (i < len && (unsigned)(((uint8_t)s[i] | 0x20) - 'a') >= 26)
                i++;
        return i;
}

/* From a word of letters a-z at s[i] that starts no name (mention_latin
 * has checked its place): over it and each such word after it that the
 * sixteen bytes from i hold whole, ended by a byte that neither continues
 * nor joins a word (a space, a comma), with the masks of one SSE2 load, no
 * byte read twice (most of English text). Returns where mention_latin goes
 * on: the first letter it does not step over (i itself when the word at i
 * is not such a word), or as mention_next_letter after the sixteen bytes. */
static __attribute__((noinline)) size_t
mention_lower_words(const char *s, const uint8_t *occ, size_t i, size_t len)
{
#ifdef __SSE2__
        if (i + 16 > len)
                return i;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed compares: no byte of 0x80 up is a letter or a digit */
        __m128i v20 = _mm_or_si128(v, _mm_set1_epi8(0x20));
        unsigned lower = (unsigned)_mm_movemask_epi8(_mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), v)));
        unsigned letter =
            (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v20, _mm_set1_epi8('a' - 1)),
                                                      _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), v20)));
        unsigned digit = (unsigned)_mm_movemask_epi8(_mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v)));
        unsigned join = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))));
        unsigned apos = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
        /* a capital, a digit or a joiner after a word: it goes on (see
         * mention_latin_in_word); LATIN_GLUE before a letter: no word starts */
        unsigned goes_on = (letter & ~lower) | digit | join;
        unsigned glue = letter | digit | join | apos;
        unsigned w = 0; /* the word stepped over next */
        for (;;) {
                unsigned rest = ~lower & 0xffffu & (~0u << w);
                if (rest == 0)
                        return i + w; /* longer than the sixteen bytes */
                unsigned e = (unsigned)__builtin_ctz(rest);
                if (goes_on >> e & 1)
                        return i + w;
                unsigned after = letter & (~0u << e);
                if (after == 0)
                        return mention_next_letter(s, i + 16, len);
                unsigned n = (unsigned)__builtin_ctz(after);
                /* the next letter: a word of its own in lower case, free? */
                if ((glue >> (n - 1) & 1) || !(lower >> n & 1) || occ[i + n] != OCC_FREE)
                        return i + n;
                w = n;
        }
#else
        (void)s, (void)occ, (void)len;
        return i;
#endif
}

/* Latin-script names: capitalised sequences (English) or Latin runs in Chinese text. */
static void
mention_latin(struct ex_doc *d, uint8_t *occ, size_t lo, size_t len)
{
        const struct extractor *x = d->x;
        const char *s = d->t.s;
        /* each place is a letter: no name starts at another byte (a digit,
         * punctuation, Chinese text) */
        size_t i = mention_next_letter(s, lo, len);
        while (i < len) {
                char c = s[i];
                bool start = i == 0 || !(mention_latin_class[(uint8_t)s[i - 1]] & LATIN_GLUE);
                if (!start || occ[i] != OCC_FREE) {
                        /* and no word starts right after a letter, digit or joiner */
                        for (i++; i < len && (mention_latin_class[(uint8_t)s[i - 1]] & LATIN_GLUE);
                             i++)
                                ;
                        i = mention_next_letter(s, i, len);
                        continue;
                }
                if (!(mention_latin_class[(uint8_t)c] & LATIN_CAP)) {
                        /* a word in lower case, with no capital or digit inside,
                         * starts no name: step over it (most of English text:
                         * sixteen bytes at once where they hold it whole) */
                        size_t next = mention_lower_words(s, occ, i, len);
                        if (next > i) {
                                i = next;
                                continue;
                        }
                        size_t e = i + 1;
                        uint8_t inner = 0;
                        for (; e < len && mention_latin_in_word(s, len, e); e++)
                                inner |= mention_latin_class[(uint8_t)s[e]];
                        if (!(inner & LATIN_CAP)) {
                                i = mention_next_letter(s, e, len);
                                continue;
                        }
                }
                /* Collect words: each word [ws, we). */
                size_t ns = i, ne = i, j = i;
                int words = 0;
                bool any_cap = false;
                while (j < len) {
                        /* one pass over the word: its end, whether a capital or
                         * digit stands after its first byte, whether it holds a dot */
                        size_t ws = j;
                        uint8_t inner = 0;
                        if (mention_latin_in_word(s, len, j)) {
                                for (j++; j < len && mention_latin_in_word(s, len, j); j++)
                                        inner |= mention_latin_class[(uint8_t)s[j]];
                        }
                        size_t we = j;
                        if (we == ws)
                                break;
                        uint8_t first = mention_latin_class[(uint8_t)s[ws]];
                        bool cap = first & LATIN_CAP;
                        bool inner_cap = inner & LATIN_CAP;
                        /* whether the word's bytes are free (only read for a
                         * capitalised word: a word of none ends the run alike) */
                        bool free = (cap || inner_cap) && mention_free_span(occ, ws, we);
                        /* whether the word is no name (only read for a free capitalised
                         * word: the tests below do not look at it otherwise) */
                        bool listed = false;
                        if (free && (cap || inner_cap)) {
                                listed = mention_listed(&x->notname[EX_EN], s, ws, we) ||
                                         mention_listed(&x->notname[EX_ZH], s, ws, we);
                                /* California-based is an adjective */
                                const char *dash = memrchr(s + ws, '-', we - ws);
                                if (dash != NULL && dash + 1 < s + we && dash[1] >= 'a' &&
                                    dash[1] <= 'z' && cap && !inner_cap)
                                        listed = true;
                        }
                        /* .com words are page furniture, never names */
                        bool dotcom = ((first | inner) & LATIN_DOT) &&
                                      memmem(s + ws, we - ws, ".com", 4) != NULL;
                        if (dotcom) {
                                ne = ns; /* discard the whole run */
                                words = -100;
                        }
                        if (!free || (!cap && !inner_cap) || (listed && words == 0)) {
                                if (words == 0)
                                        ns = we;
                                j = we;
                                if (words == 0 && listed && cap && free) {
                                        /* a title word (Chief): skip and go on */
                                        while (j < len && s[j] == ' ')
                                                j++;
                                        ns = j;
                                        if (j < len && mention_alnum(s[j]))
                                                continue;
                                }
                                if (!free || words != 0)
                                        break;
                                break;
                        }
                        if (listed)
                                break;
                        any_cap = any_cap || cap || inner_cap;
                        ne = we;
                        words++;
                        /* Connectors between capitalised words: &, of, and "Co." */
                        size_t k = j;
                        if (k < len && s[k] == ' ') {
                                size_t k2 = k + 1;
                                if (k2 + 2 < len && s[k2] == '&' && s[k2 + 1] == ' ')
                                        k2 += 2;
                                else if (k2 + 3 < len && memcmp(s + k2, "of ", 3) == 0 &&
                                         d->lang == EX_EN)
                                        k2 += 3;
                                if (k2 < len &&
                                    ((s[k2] >= 'A' && s[k2] <= 'Z') ||
                                     (s[k2] >= '0' && s[k2] <= '9' && words > 0)) &&
                                    occ[k2] == OCC_FREE) {
                                        j = k2;
                                        continue;
                                }
                        }
                        break;
                }
                if (words > 0 && ne > ns && any_cap) {
                        /* Trailing "of" never ends a name; a single letter is no name. */
                        size_t n = ne - ns;
                        bool one = n == 1;
                        if (!one) {
                                mention_push(d, ns, ne, EK_NAME, -1);
                                memset(occ + ns, OCC_OTHER, n);
                        }
                }
                i = mention_next_letter(s, j > i ? j : i + 1, len);
        }
}

/* Whether the three-byte character c stands at s[i], within len. */
static inline bool
mention_char3(const char *s, size_t len, size_t i, const char *c)
{
        return i + 3 <= len && memcmp(s + i, c, 3) == 0;
}

/* The first place in s[i..len) of an opening quote (“ or 「), or len:
 * sixteen places at a time where SSE2 is there (a scan for their second
 * byte stopped at every 。 and 、). */
static inline size_t
mention_next_open(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
        const __m128i e2 = _mm_set1_epi8((char)0xe2), e3 = _mm_set1_epi8((char)0xe3),
                      x80 = _mm_set1_epi8((char)0x80), x9c = _mm_set1_epi8((char)0x9c),
                      x8c = _mm_set1_epi8((char)0x8c);
        for (; i + 18 <= len; i += 16) {
                __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
                __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 2));
                __m128i q =
                    _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(v0, e2), _mm_cmpeq_epi8(v2, x9c)),
                                 _mm_and_si128(_mm_cmpeq_epi8(v0, e3), _mm_cmpeq_epi8(v2, x8c)));
                unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(q, _mm_cmpeq_epi8(v1, x80)));
                if (m != 0)
                        return i + (size_t)__builtin_ctz(m);
        }
#endif
        /* both have 0x80 as their second byte: from one such byte to the next */
        const char *c;
        for (; i + 3 <= len && (c = memchr(s + i + 1, 0x80, len - i - 2)) != NULL; i++) {
                i = (size_t)(c - s) - 1;
                if (memcmp(s + i, "\xe2\x80\x9c", 3) == 0 || memcmp(s + i, "\xe3\x80\x8c", 3) == 0)
                        return i;
        }
        return len;
}

/* Short names in quotes: “牛油果”, "Seed Edge". */
static void
mention_quoted(struct ex_doc *d, uint8_t *occ, size_t lo, size_t len)
{
        const char *s = d->t.s;
        for (size_t i = lo; (i = mention_next_open(s, i, len)) < len; i++) {
                size_t b = i + 3, e = b;
                /* to a closing quote, or a byte or character that ends the
                 * search: one table load per byte (the characters of three
                 * bytes all start with E2 or E3) */
                static const bool stop[256] = {[','] = true, ['.'] = true,  ['\n'] = true,
                                               ['"'] = true, [0xe2] = true, [0xe3] = true};
                for (; e < len && e - b <= 36; e++) {
                        if (!stop[(uint8_t)s[e]])
                                continue;
                        if ((uint8_t)s[e] < 0x80 || mention_char3(s, len, e, "\xe2\x80\x9d") ||
                            mention_char3(s, len, e, "\xe3\x80\x8d") ||
                            mention_char3(s, len, e, "。") || mention_char3(s, len, e, "、"))
                                break;
                }
                if (e >= len || e == b || e - b > 36 ||
                    !(mention_char3(s, len, e, "\xe2\x80\x9d") ||
                      mention_char3(s, len, e, "\xe3\x80\x8d")))
                        continue;
                if (!mention_free_span(occ, b, e))
                        continue;
                /* Quoted trigger words (“蒸馏”) are no names. */
                bool trig = false;
                for (size_t h = mention_hit_from(d, b);
                     h < d->nhits && d->hits[h].start < e && !trig; h++)
                        if ((d->hits[h].pay >> 24) == PAY_TRIGGER && d->hits[h].end <= e)
                                trig = true;
                if (trig)
                        continue;
                mention_push(d, b, e, EK_QUOTED, -1);
                memset(occ + b, OCC_OTHER, e - b);
                i = e;
        }
}

/* Mark the free bytes of occ[b..e) OCC_TRIG (the others kept): eight or
 * four at a time, overlapping at the end (marking twice is marking once),
 * for the few bytes of a word: no branch per byte. */
static inline void
mention_occ_trig(uint8_t *occ, size_t b, size_t e)
{
        _Static_assert(OCC_TRIG == 4 && OCC_TRIG < 0x80, "a free byte becomes 0x80 >> 5");
        const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu, high = 0x8080808080808080u;
        if (e - b >= 8) {
                /* per byte (each under 0x80): its high bit set when it is not 0 */
                uint64_t v;
                for (size_t q = b;; q += 8) {
                        if (q + 8 > e)
                                q = e - 8;
                        memcpy(&v, occ + q, 8);
                        v |= (~(v + low7) & high) >> 5;
                        memcpy(occ + q, &v, 8);
                        if (q + 8 == e)
                                break;
                }
                return;
        }
        if (e - b >= 4) {
                uint32_t v0, v1;
                memcpy(&v0, occ + b, 4);
                v0 |= (~(v0 + (uint32_t)low7) & (uint32_t)high) >> 5;
                memcpy(occ + b, &v0, 4);
                memcpy(&v1, occ + e - 4, 4);
                v1 |= (~(v1 + (uint32_t)low7) & (uint32_t)high) >> 5;
                memcpy(occ + e - 4, &v1, 4);
                return;
        }
        for (size_t q = b; q < e; q++)
                if (occ[q] == OCC_FREE)
                        occ[q] = OCC_TRIG;
}

/* Mark the free bytes of the Chinese trigger words of pk of minlen to
 * maxlen - 1 bytes: they end names and chunks (a one-character trigger such
 * as 达 stands inside names). */
static void
mention_mark_triggers(const struct ex_doc *d, const struct mention_picks *pk, uint8_t *occ,
                      size_t minlen, size_t maxlen)
{
        /* in locals: a store to occ could alias anything */
        const struct ex_hit *hits = d->hits;
        const uint32_t *trig = pk->trig;
        const size_t ntrig = pk->ntrig;
        for (size_t i = 0; i < ntrig; i++) {
                const size_t b = hits[trig[i]].start, e = hits[trig[i]].end;
                if (e - b < minlen || e - b >= maxlen)
                        continue;
                mention_occ_trig(occ, b, e);
        }
}

/* The place mentions by start (indices into d->ments), so that chunks look
 * them up instead of reading every mention: a long article has many. i is
 * NULL when they were not in order of start (then every mention is read). */
struct mention_places {
        size_t *i;
        size_t n;
        size_t small[32]; /* i for a document of few mentions (no malloc) */
};

/* Collect the place mentions of d into pl. */
static void
mention_places_init(const struct ex_doc *d, struct mention_places *pl)
{
        pl->i = d->nments <= 32 ? pl->small : ex_xmalloc(d->nments * sizeof *pl->i);
        pl->n = 0;
        for (size_t k = 0; k < d->nments; k++) {
                if (d->ments[k].kind != EK_PLACE)
                        continue;
                if (pl->n > 0 && d->ments[pl->i[pl->n - 1]].start > d->ments[k].start) {
                        /* out of order: fall back to reading them all */
                        if (pl->i != pl->small)
                                free(pl->i);
                        pl->i = NULL;
                        pl->n = 0;
                        return;
                }
                pl->i[pl->n++] = k;
        }
}

/* The first place of pl starting at or after q. */
static size_t
mention_places_from(const struct ex_doc *d, const struct mention_places *pl, size_t q)
{
        size_t lo = 0, hi = pl->n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (d->ments[pl->i[mid]].start < q)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* The end of the place name (lexicon) starting at q, or 0. */
static size_t
mention_place_end(const struct ex_doc *d, const struct mention_places *pl, size_t q)
{
        if (pl->i == NULL) {
                for (size_t i = 0; i < d->nments; i++)
                        if (d->ments[i].start == q && d->ments[i].kind == EK_PLACE &&
                            !(d->ments[i].flags & M_NOISE))
                                return d->ments[i].end;
                return 0;
        }
        for (size_t k = mention_places_from(d, pl, q); k < pl->n; k++) {
                const struct ex_mention *m = &d->ments[pl->i[k]];
                if (m->start != q)
                        break;
                if (!(m->flags & M_NOISE))
                        return m->end;
        }
        return 0;
}

/* Places inside a chunk [b,e) are part of its name: they fill no role. */
static void
mention_chunk_places(struct ex_doc *d, const struct mention_places *pl, const uint8_t *occ,
                     size_t b, size_t e)
{
        if (memchr(occ + b, OCC_LEX, e - b) == NULL)
                return;
        if (pl->i == NULL) {
                for (size_t i = 0; i < d->nments; i++)
                        if (d->ments[i].kind == EK_PLACE && d->ments[i].start >= b &&
                            d->ments[i].end <= e)
                                d->ments[i].flags |= M_NOISE;
                return;
        }
        for (size_t k = mention_places_from(d, pl, b); k < pl->n; k++) {
                struct ex_mention *m = &d->ments[pl->i[k]];
                if (m->start > e)
                        break;
                if (m->end <= e)
                        m->flags |= M_NOISE;
        }
}

/* Whether 和 at t[q] stands inside a name (国控天和, 长园和鹰80%): fewer than
 * two Han characters follow it before the name-like text ends. */
static bool
mention_inner_and(const struct ex_doc *d, const uint8_t *occ, size_t q, size_t hi)
{
        const char *s = d->t.s;
        if (q + 3 > hi || memcmp(s + q, "和", 3) != 0)
                return false;
        size_t r = q + 3, n = 0;
        if (r < hi && occ[r] != OCC_FREE && occ[r] != OCC_TRIG)
                return false; /* a name follows: 和 joins two */
        while (r < hi && n < 2 && occ[r] == OCC_FREE) {
                int k;
                if (!ex_is_han(ex_cp_at(s, hi, r, &k)) ||
                    mention_starts(&d->x->stopword[EX_ZH], &d->x->mf.stop_head, s, hi, r) > 0)
                        break;
                r += (size_t)k;
                n++;
        }
        return n < 2;
}

/* Length of a chunk of name-like text starting at s[p]: Han characters and
 * Latin letters or digits up to a stop word, punctuation or a number. */
static size_t
mention_chunk_len_at(const struct ex_doc *d, const struct mention_places *pl, const uint8_t *occ,
                     size_t p, size_t hi)
{
        const char *s = d->t.s;
        size_t q = p, chars = 0, after_place = 0;
        bool place_first = false;
        while (q < hi && chars < 10) {
                if (occ[q] == OCC_TRIG)
                        break; /* a trigger word ends it */
                if (occ[q] == OCC_LEX) {
                        /* 南京德乐, 敦豪香港: a place opens or closes the name */
                        size_t pe = mention_place_end(d, pl, q);
                        if (pe == 0 || (chars > 0 && chars < 2) || place_first)
                                return 0;
                        place_first = chars == 0;
                        chars += 2;
                        q = pe;
                        if (!place_first)
                                break;
                        continue;
                }
                if (occ[q] != OCC_FREE)
                        return 0; /* runs into a known name: not a chunk of its own */
                if (place_first)
                        after_place++;
                /* each test ends the chunk at q alike: the cheap ones first */
                int k;
                uint32_t cp = ex_cp_at(s, hi, q, &k);
                if (!ex_is_han(cp) &&
                    !(cp < 0x80 && mention_alnum((char)cp) && !(cp >= '0' && cp <= '9')))
                        break;
                if (q > p) {
                        /* (every stop is a three-byte character: as
                         * mention_hard_stop(s, q, q + 3, true)) */
                        if (mention_hard_stop_cp(cp, true) > 0 && !mention_inner_and(d, occ, q, hi))
                                break;
                        /* one-character stop words (则, 所) stand inside names; only
                         * particles and prepositions end a chunk */
                        if (mention_starts(&d->x->stopword[EX_ZH], &d->x->mf.stop_head_long, s, hi,
                                           q) > 3)
                                break;
                }
                q += (size_t)k, chars++;
        }
        if (chars < 2 || chars >= 10 || (place_first && after_place < 2))
                return 0;
        if (mention_starts(&d->x->notchunk, &d->x->mf.notchunk_head, s, q, p) > 0 ||
            mention_starts(&d->x->stopword[EX_ZH], &d->x->mf.stop_head, s, q, p) > 0)
                return 0; /* 这种, 该公司: no name */
        if (mention_generic(d->x, s, p, q))
                return 0;
        /* 中证网讯, 个股方面, 影视业务: a dateline or a topic, no name */
        static const struct mention_word ends[] = {
            MENTION_WORD("讯"),   MENTION_WORD("方面"), MENTION_WORD("业务"), MENTION_WORD("领域"),
            MENTION_WORD("行业"), MENTION_WORD("板块"), MENTION_WORD("期间")};
        for (size_t k = 0; k < MENTION_NWORDS(ends); k++)
                if (q - p > ends[k].n && mention_word_is(s + q - ends[k].n, &ends[k]))
                        return 0;
        return q - p;
}

/* mention_chunk_len, 0 at once where no chunk can start: at a byte taken by
 * a name other than a place, a trigger, or one that leads neither a
 * character of three bytes or more nor a letter (a digit, punctuation, a
 * space): many places after a trigger or a clause's start. */
static inline size_t
mention_chunk_len(const struct ex_doc *d, const struct mention_places *pl, const uint8_t *occ,
                  size_t p, size_t hi)
{
        if (p >= hi)
                return 0;
        uint8_t c = (uint8_t)d->t.s[p];
        if ((occ[p] != OCC_FREE && occ[p] != OCC_LEX) ||
            (c < 0xe3 && (unsigned)((c | 0x20) - 'a') >= 26))
                return 0;
        return mention_chunk_len_at(d, pl, occ, p, hi);
}

/* The opener words of mention_opener, and their filter (built once). */
static const struct mention_word mention_opener_words[] = {
    MENTION_WORD("比如"),   MENTION_WORD("例如"),   MENTION_WORD("譬如"),   MENTION_WORD("此外"),
    MENTION_WORD("另外"),   MENTION_WORD("同时"),   MENTION_WORD("如今"),   MENTION_WORD("随后"),
    MENTION_WORD("此后"),   MENTION_WORD("后来"),   MENTION_WORD("当时"),   MENTION_WORD("目前"),
    MENTION_WORD("近日"),   MENTION_WORD("日前"),   MENTION_WORD("一季度"), MENTION_WORD("二季度"),
    MENTION_WORD("三季度"), MENTION_WORD("四季度"), MENTION_WORD("上半年"), MENTION_WORD("下半年"),
    MENTION_WORD("今年"),   MENTION_WORD("去年"),   MENTION_WORD("此前")};
static struct mention_wordset mention_opener_set;

/* Hash mention_opener_words into mention_opener_set (by mention_lists_init). */
static void
mention_opener_set_init(void)
{
        mention_wordset_init(&mention_opener_set, mention_opener_words,
                             MENTION_NWORDS(mention_opener_words));
}

/* Length of an opener word (比如, 此外) at t[p] that a clause's subject follows. */
static size_t
mention_opener(const char *t, size_t p, size_t hi)
{
        const struct mention_word *w = mention_opener_words;
        /* every word is two or three Chinese characters: at least 6 bytes,
         * each led by a byte of E4..E9 */
        if (p + 6 >= hi || (unsigned char)t[p] < 0xe4 || (unsigned char)t[p] > 0xe9)
                return 0;
        const uint8_t *u = (const uint8_t *)t + p;
        if (!(mention_opener_set.third[u[2]] >> (u[1] & 63) & 1))
                return 0; /* no word starts with this character */
        for (size_t k = 0; k < MENTION_NWORDS(mention_opener_words); k++)
                if (p + w[k].n < hi && mention_word_is(t + p, &w[k]))
                        return w[k].n;
        return 0;
}

/* The separators between the names of a list, for mention_list_sep. */
static const struct mention_word mention_sep_words[] = {MENTION_WORD("以及"), MENTION_WORD("、"),
                                                        MENTION_WORD("和"), MENTION_WORD("及"),
                                                        MENTION_WORD("与")};
static struct mention_list mention_sep_list = MENTION_LIST(mention_sep_words);

/* Length of a separator between the names of a list (、 和 及) at t[q], or 0. */
static size_t
mention_list_sep(const char *t, size_t q, size_t hi)
{
        const struct mention_word *w = mention_sep_words;
        if (!mention_list_maybe(&mention_sep_list, t + q, q < hi ? hi - q : 0))
                return 0; /* the name ends at a stop word, a particle, punctuation */
        for (size_t k = 0; k < MENTION_NWORDS(mention_sep_words); k++)
                if (q + w[k].n <= hi && mention_word_is(t + q, &w[k]))
                        return w[k].n;
        return 0;
}

/* Chunks for every name of a list starting at p, up to hi:
 * 收购了合联胜利、飞拓科技和智诚光学; 与京东集团、内蒙农资等签约. */
static void
mention_chunk_list(struct ex_doc *d, const struct mention_places *pl, uint8_t *occ, size_t p,
                   size_t hi)
{
        const char *s = d->t.s;
        for (int item = 0; item < 12; item++) {
                size_t n = mention_chunk_len(d, pl, occ, p, hi);
                if (n > 0) {
                        mention_push(d, p, p + n, EK_CHUNK, -1);
                        mention_chunk_places(d, pl, occ, p, p + n);
                        memset(occ + p, OCC_OTHER, n);
                } else {
                        /* a name found otherwise (a unit) may stand in the list */
                        if (p >= hi || (occ[p] != OCC_UNIT && occ[p] != OCC_LEX))
                                break;
                        uint8_t o = occ[p];
                        while (p + n < hi && occ[p + n] == o)
                                n++;
                }
                size_t q = p + n;
                size_t k = mention_list_sep(s, q, hi);
                if (k == 0)
                        break;
                p = q + k;
        }
}

/* The brackets and quotes that may open a clause before its subject, in
 * the order mention_chunks tries them. */
static const struct mention_word mention_open_words[] = {
    MENTION_WORD("【"), MENTION_WORD("“"), MENTION_WORD("《"), MENTION_WORD("("),
    MENTION_WORD("["),  MENTION_WORD("●"), MENTION_WORD("\"")};
static struct mention_list mention_open_list = MENTION_LIST(mention_open_words);

/* Chunks: the name-like text right after each Chinese trigger (收购南方银谷),
 * after the words of MENTION_HELD (held: their places, which mention_persons
 * found) and at the start of each clause (加加食品发布公告称). */
static void
mention_chunks(struct ex_doc *d, uint8_t *occ, const struct mention_picks *pk,
               const struct mention_ats *held)
{
        if (d->lang != EX_ZH)
                return;
        const char *s = d->t.s;
        struct mention_places pl;
        mention_places_init(d, &pl);
        /* the shorter triggers: mention_find marked those of six bytes and
         * more, and no byte is free again once taken */
        mention_mark_triggers(d, pk, occ, 1, 6);
        size_t sent = 0; /* the sentence of the trigger's start (the hits come by start) */
        for (size_t i = 0; i < pk->ntrig; i++) {
                size_t h = pk->trig[i];
                const struct ex_trigger *tr = &d->x->trigs[d->hits[h].pay & 0xffffff];
                size_t p = d->hits[h].end;
                if (tr->unless_after.n > 0 &&
                    mention_starts(&tr->unless_after, &d->x->mf.unless_head, d->t.low, d->t.len,
                                   p) > 0)
                        continue;
                /* the sentence of its last byte, on from that of its first */
                sent = text_sentence_from(&d->t, sent, d->hits[h].start);
                size_t hi = d->t.sent[text_sentence_from(&d->t, sent, p - 1)].end;
                if (p + 3 <= hi && memcmp(s + p, "了", 3) == 0)
                        p += 3;
                mention_chunk_list(d, &pl, occ, p, hi);
        }
        /* 收购吴韬等所持有的索菲莉尔家居: what is held is the thing bought; 与X签约:
         * the other party */
        static const struct mention_word words[] = {MENTION_HELD};
        for (size_t i = 0; i < held->n; i++) {
                size_t p = held->a[i].p + words[held->a[i].w].n;
                size_t sh = d->t.sent[text_sentence_of(&d->t, p - 1)].end;
                mention_chunk_list(d, &pl, occ, p, sh);
        }
        sent = 0; /* now the sentence of clause c (the clauses come in order) */
        for (size_t c = 0; c < d->t.nclause; c++) {
                size_t p = d->t.clause[c].start, hi = d->t.clause[c].end;
                sent = text_sentence_from(&d->t, sent, p);
                if (!mention_sent_active(d, sent))
                        continue;
                /* only the clause that opens a sentence, or follows a bare date or
                 * a short opener (实际上, 值得一提的是, 此外) */
                if (d->t.sent[sent].start != p && c > 0) {
                        size_t ps = d->t.clause[c - 1].start, pe = d->t.clause[c - 1].end;
                        while (ps < pe && s[ps] == ' ')
                                ps++;
                        bool date = ps < pe && pe - ps <= 24 && s[ps] >= '0' && s[ps] <= '9';
                        bool opener =
                            !date && ps < pe && pe - ps <= 60 &&
                            (c < 2 || d->t.sent[sent].start == ps) &&
                            mention_starts(&d->x->notchunk, &d->x->mf.notchunk_head, s, pe, ps) > 0;
                        if (!date && !opener)
                                continue;
                }
                while (p < hi && (s[p] == ' ' || s[p] == '\n'))
                        p++;
                /* 【新宏泰:…】, “…”: an opening bracket or quote before the name */
                const struct mention_word *open = mention_open_words;
                if (mention_list_maybe(&mention_open_list, s + p, p < hi ? hi - p : 0)) {
                        for (size_t k = 0; k < MENTION_NWORDS(mention_open_words); k++)
                                if (p + open[k].n < hi && mention_word_is(s + p, &open[k]))
                                        p += open[k].n;
                }
                /* 2月白鹭光电…, 2019年,…: a date before the subject */
                if (p < hi && s[p] >= '0' && s[p] <= '9') {
                        size_t q = p;
                        while (q < hi && ((s[q] >= '0' && s[q] <= '9') || s[q] == ' ' ||
                                          (q + 3 <= hi && (memcmp(s + q, "年", 3) == 0 ||
                                                           memcmp(s + q, "月", 3) == 0 ||
                                                           memcmp(s + q, "日", 3) == 0))))
                                q += (s[q] >= '0' && s[q] <= '9') || s[q] == ' ' ? 1 : 3;
                        if (q >= p + 3 &&
                            (memcmp(s + q - 3, "年", 3) == 0 || memcmp(s + q - 3, "月", 3) == 0 ||
                             memcmp(s + q - 3, "日", 3) == 0))
                                p = q;
                }
                /* 比如吉利收购…: an opener word before the subject */
                p += mention_opener(s, p, hi);
                size_t n = mention_chunk_len(d, &pl, occ, p, hi);
                if (n > 0) {
                        mention_push(d, p, p + n, EK_CHUNK, -1)->flags |= MENTION_SUBJECT;
                        mention_chunk_places(d, &pl, occ, p, p + n);
                        memset(occ + p, OCC_OTHER, n);
                }
        }
        if (pl.i != pl.small)
                free(pl.i);
}

/* Whether a word of w stands at [p,q) of text t with p <= s and q >= e:
 * one that holds [s,e). At each place the longest word that starts there
 * is the one to try. */
static bool
mention_inside_word(const struct ex_words *w, const struct text *t, size_t s, size_t e)
{
        size_t maxl = 0;
        for (size_t k = 0; k < w->n; k++)
                if (w->l[k] > maxl)
                        maxl = w->l[k];
        for (size_t p = e > maxl ? e - maxl : 0; p <= s; p++) {
                size_t l = ex_words_starts_at(w, t->s, t->len, p);
                if (l > 0 && p + l >= e)
                        return true;
        }
        return false;
}

/* Anaphors from the cue hits. */
static void
mention_anaphors(struct ex_doc *d, const struct mention_picks *pk, uint8_t *occ)
{
        const struct extractor *x = d->x;
        size_t sent = 0; /* the sentence of the anaphor (the hits come by start) */
        for (size_t i = 0; i < pk->nanaphor; i++) {
                size_t h = pk->anaphor[i];
                const struct ex_cue *cue = &x->cues[d->hits[h].pay & 0xffffff];
                size_t s = d->hits[h].start, e = d->hits[h].end;
                sent = text_sentence_from(&d->t, sent, s);
                if (!mention_free_span(occ, s, e) || !mention_sent_active(d, sent))
                        continue;
                /* Inside a word that only looks like one (其中, 尤其)? */
                if (mention_inside_word(&x->notanaphor[d->lang], &d->t, s, e))
                        continue;
                if (d->lang == EX_EN && ((s > 0 && mention_alnum(d->t.s[s - 1])) ||
                                         (e < d->t.len && mention_alnum(d->t.s[e]))))
                        continue;
                struct ex_mention *m = mention_push(d, s, e, EK_NAME, -1);
                m->flags |= M_ANAPHOR;
                m->ref = -1;
                m->entity = -1;
                m->id = NULL;
                /* kinds it may stand for, kept in 'kind' as a negative bit set */
                m->kind = -(int)cue->arg;
                memset(occ + s, OCC_OTHER, e - s);
        }
}

/* Resolve anaphors to the nearest earlier name of a kind they accept. */
static void
mention_resolve_all(struct ex_doc *d)
{
        for (size_t i = 0; i < d->nments; i++) {
                struct ex_mention *m = &d->ments[i];
                if (!(m->flags & M_ANAPHOR))
                        continue;
                uint32_t kinds = (uint32_t)(-m->kind);
                m->kind = EK_NAME;
                size_t sent = text_sentence_of(&d->t, m->start);
                for (size_t j = i, steps = 0; j > 0 && steps < 40; j--, steps++) {
                        const struct ex_mention *r = &d->ments[j - 1];
                        if (sent >= 3 + text_sentence_of(&d->t, r->start))
                                break;
                        /* a name taken from raw text stands for nothing, unless it
                         * opens its clause (the subject: 星期六在…透露,是该公司收购的) */
                        if ((r->flags & M_NOISE) ||
                            (r->kind == EK_CHUNK && !(r->flags & MENTION_SUBJECT)))
                                continue;
                        const struct ex_mention *rr = r;
                        int ri = (int)(j - 1);
                        if (r->flags & M_ANAPHOR) {
                                if (r->ref < 0)
                                        continue;
                                ri = r->ref;
                                rr = &d->ments[ri];
                        }
                        uint32_t kb = EK_BIT(rr->kind);
                        /* an unknown Latin name or a quoted one may be org or product */
                        if (rr->kind == EK_NAME || rr->kind == EK_QUOTED)
                                kb = EK_BIT(EK_ORG) | EK_BIT(EK_PRODUCT) | EK_BIT(rr->kind);
                        if (rr->kind == EK_UNIT || rr->kind == EK_CHUNK)
                                kb |= EK_BIT(EK_ORG);
                        if (kb & kinds) {
                                m->ref = ri;
                                m->kind = rr->kind;
                                break;
                        }
                }
        }
}

/* Build the filters of the fixed lists, the surnames and the openers (by
 * pthread_once). */
static void
mention_lists_init(void)
{
        mention_surname_bits_init();
        mention_stop_bits_init();
        mention_opener_set_init();
        struct mention_list *lists[] = {&mention_suffix_list, &mention_sep_list,
                                        &mention_open_list};
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
                struct mention_list *l = lists[i];
                for (size_t k = 0; k < l->n; k++) {
                        const uint8_t *u = (const uint8_t *)l->w[k].w;
                        assert(l->w[k].n >= 1);
                        l->first[u[0] >> 6] |= (uint64_t)1 << (u[0] & 63);
                        if (l->w[k].n == 1)
                                l->one = true;
                        else
                                l->second |= (uint64_t)1 << (u[1] & 63);
                }
        }
}
static pthread_once_t mention_lists_once = PTHREAD_ONCE_INIT;

void
mention_find(struct ex_doc *d)
{
        pthread_once(&mention_lists_once, mention_lists_init);
        mention_filters_init(d->x);
        uint8_t small[2048]; /* most documents: no malloc */
        uint8_t *occ = d->t.len < sizeof small ? small : ex_xmalloc(d->t.len + 1);
        memset(occ, OCC_FREE, d->t.len + 1);
        struct mention_picks pk;
        mention_picks_init(d, &pk);
        /* room for a mention per alias, suffix and anaphor hit at once (a
         * long article has hundreds: no realloc as they come) */
        mention_reserve(d, pk.nalias + pk.nsuffix + pk.nanaphor);
        bool none = d->nments == 0;
        mention_lexicon(d, &pk, occ);
        if (!none) /* else pushed by start */
                mention_sort_start(d);
        d->nlex = d->nments;
        mention_mark_triggers(d, &pk, occ, 6, SIZE_MAX);
        mention_units(d, &pk, occ);
        mention_coded(d, occ);
        struct mention_ats held;
        mention_ats_init(&held);
        mention_persons(d, &pk, occ, &held);
        for (size_t k = 0; k < d->nspans; k++)
                mention_latin(d, occ, d->spans[k].start, d->spans[k].end);
        for (size_t k = 0; k < d->nspans; k++)
                mention_quoted(d, occ, d->spans[k].start, d->spans[k].end);
        mention_anaphors(d, &pk, occ);
        mention_chunks(d, occ, &pk, &held);
        if (pk.alias != pk.small)
                free(pk.alias);
        mention_ats_free(&held);
        if (d->nments > 1)
                mention_sort_start(d);
        /* the ids of unknown names are derived by mention_id, on first use:
         * most never reach an event */
        if (pk.nanaphor > 0) /* else no mention is an anaphor */
                mention_resolve_all(d);
        if (occ != small)
                free(occ);
        /* read once: getenv walks the environment, and this runs per document
         * (atomic: documents may be read on several threads) */
        static atomic_int debug_env = -1;
        int debug = atomic_load_explicit(&debug_env, memory_order_relaxed);
        if (debug < 0) {
                debug = getenv("NW_EXTRACT_DEBUG") != NULL;
                atomic_store_explicit(&debug_env, debug, memory_order_relaxed);
        }
        if (debug) {
                for (size_t i = 0; i < d->nments; i++) {
                        const struct ex_mention *mm = &d->ments[i];
                        const struct ex_mention *r = mention_resolve(d, mm);
                        fprintf(stderr, "mention %zu-%zu %-8s %.*s%s%s -> %s\n", mm->start, mm->end,
                                ex_kind_name(r->kind), (int)(mm->end - mm->start),
                                d->t.s + mm->start, (mm->flags & M_NOISE) ? " [noise]" : "",
                                (mm->flags & M_ANAPHOR) ? " [anaphor]" : "",
                                mention_id(d, mm) ? mention_id(d, mm) : "-");
                }
        }
}

void
mention_free(struct ex_doc *d)
{
        for (size_t i = 0; i < d->nments; i++)
                if (d->ments[i].id != NULL && d->ments[i].id != mention_id_slot(d, i))
                        free(d->ments[i].id); /* a slug */
        free(d->ments);
        d->ments = NULL;
        d->nments = d->capments = 0;
}

const char *
mention_id(const struct ex_doc *d, const struct ex_mention *m)
{
        m = mention_resolve(d, m);
        if (m->entity >= 0)
                return d->x->ents[m->entity].id;
        if (m->id == NULL && !(m->flags & M_ANAPHOR)) {
                /* an unknown name's id, derived on first use (a hash of its text):
                 * the mention lies in d->ments, which the doc owns and may
                 * change, so dropping const here is sound */
                struct ex_mention *mm = &d->ments[m - d->ments];
                mm->id = mention_derive_id(d->t.s + mm->start, mm->end - mm->start,
                                           mention_id_slot(d, (size_t)(m - d->ments)));
        }
        return m->id;
}
