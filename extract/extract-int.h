/*
 * extract-int.h — libnwextract's private header, a section per file.
 *
 * The pipeline of extractor_run(): text.c normalises the body (offsets keep
 * pointing into the original) and splits sentences and clauses; one
 * Aho–Corasick pass (acm.c) finds lexicon aliases, trigger words and cue
 * words; mention.c adds organisations the lexicon does not know; timex.c and
 * quant.c read times and quantities; engine.c fills the roles of each trigger
 * by the rules of data/rules/ (rules.c loads them) and builds the events.
 */
#ifndef NW_EXTRACT_INT_H
#define NW_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract.h"

/* ---- util.c ---- */

void *ex_xmalloc(size_t n);
void *ex_xcalloc(size_t n, size_t size);
void *ex_xrealloc(void *p, size_t n);
char *ex_xstrdup(const char *s);
char *ex_xstrndup(const char *s, size_t n);
char *ex_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One UTF-8 sequence at s[0..n): its length with *cp, or minus the length of
 * the invalid subpart a replacement character stands for. */
int ex_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
int ex_utf8_encode(uint32_t cp, char out[4]);
/* A copy of s[0..n) with invalid bytes and NULs replaced by U+FFFD. */
char *ex_utf8_dup(const char *s, size_t n);
/* The same copy written to d (no NUL added; d NULL: only counted); returns
 * its length. */
size_t ex_utf8_put(char *d, const char *s, size_t n);
/* The code point at s[i] (U+FFFD on a bad byte), its length in *k. */
uint32_t ex_cp_at_slow(const char *s, size_t len, size_t i, int *k);
static inline uint32_t
ex_cp_at(const char *s, size_t len, size_t i, int *k)
{
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] < 0x80) {
                *k = 1;
                return u[0];
        }
        /* the common case of Chinese text: a well-formed three-byte character */
        if (u[0] >= 0xe1 && u[0] <= 0xec && i + 3 <= len && (u[1] & 0xc0) == 0x80 &&
            (u[2] & 0xc0) == 0x80) {
                *k = 3;
                return ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) |
                       (u[2] & 0x3f);
        }
        return ex_cp_at_slow(s, len, i, k);
}
/* A filter for a set of code points named by an X-macro list LIST(X, a) that
 * expands X(cp, a) for each cp: EX_CPSET_INIT(LIST) initialises a
 * uint64_t[64] at compile time with bit cp & 63 of word (cp & 0xfff) >> 6 set
 * for each listed cp, and ex_cpset_maybe() answers false for most other code
 * points with one load and no branch, where a switch over a few dozen cases
 * mispredicts on every character of Chinese text. EX_CPSET_CASE makes the
 * case labels of the exact test from the same list. */
#define EX_CPSET_BIT(cp, w)    ((((cp)&0xfff) >> 6) == (w) ? (uint64_t)1 << ((cp)&63) : 0) |
#define EX_CPSET_WORD(LIST, w) (LIST(EX_CPSET_BIT, w) 0)
#define EX_CPSET_CASE(cp, a)   case cp:
#define EX_CPSET_INIT(LIST)                                                                        \
        {                                                                                          \
                EX_CPSET_WORD(LIST, 0), EX_CPSET_WORD(LIST, 1), EX_CPSET_WORD(LIST, 2),            \
                    EX_CPSET_WORD(LIST, 3), EX_CPSET_WORD(LIST, 4), EX_CPSET_WORD(LIST, 5),        \
                    EX_CPSET_WORD(LIST, 6), EX_CPSET_WORD(LIST, 7), EX_CPSET_WORD(LIST, 8),        \
                    EX_CPSET_WORD(LIST, 9), EX_CPSET_WORD(LIST, 10), EX_CPSET_WORD(LIST, 11),      \
                    EX_CPSET_WORD(LIST, 12), EX_CPSET_WORD(LIST, 13), EX_CPSET_WORD(LIST, 14),     \
                    EX_CPSET_WORD(LIST, 15), EX_CPSET_WORD(LIST, 16), EX_CPSET_WORD(LIST, 17),     \
                    EX_CPSET_WORD(LIST, 18), EX_CPSET_WORD(LIST, 19), EX_CPSET_WORD(LIST, 20),     \
                    EX_CPSET_WORD(LIST, 21), EX_CPSET_WORD(LIST, 22), EX_CPSET_WORD(LIST, 23),     \
                    EX_CPSET_WORD(LIST, 24), EX_CPSET_WORD(LIST, 25), EX_CPSET_WORD(LIST, 26),     \
                    EX_CPSET_WORD(LIST, 27), EX_CPSET_WORD(LIST, 28), EX_CPSET_WORD(LIST, 29),     \
                    EX_CPSET_WORD(LIST, 30), EX_CPSET_WORD(LIST, 31), EX_CPSET_WORD(LIST, 32),     \
                    EX_CPSET_WORD(LIST, 33), EX_CPSET_WORD(LIST, 34), EX_CPSET_WORD(LIST, 35),     \
                    EX_CPSET_WORD(LIST, 36), EX_CPSET_WORD(LIST, 37), EX_CPSET_WORD(LIST, 38),     \
                    EX_CPSET_WORD(LIST, 39), EX_CPSET_WORD(LIST, 40), EX_CPSET_WORD(LIST, 41),     \
                    EX_CPSET_WORD(LIST, 42), EX_CPSET_WORD(LIST, 43), EX_CPSET_WORD(LIST, 44),     \
                    EX_CPSET_WORD(LIST, 45), EX_CPSET_WORD(LIST, 46), EX_CPSET_WORD(LIST, 47),     \
                    EX_CPSET_WORD(LIST, 48), EX_CPSET_WORD(LIST, 49), EX_CPSET_WORD(LIST, 50),     \
                    EX_CPSET_WORD(LIST, 51), EX_CPSET_WORD(LIST, 52), EX_CPSET_WORD(LIST, 53),     \
                    EX_CPSET_WORD(LIST, 54), EX_CPSET_WORD(LIST, 55), EX_CPSET_WORD(LIST, 56),     \
                    EX_CPSET_WORD(LIST, 57), EX_CPSET_WORD(LIST, 58), EX_CPSET_WORD(LIST, 59),     \
                    EX_CPSET_WORD(LIST, 60), EX_CPSET_WORD(LIST, 61), EX_CPSET_WORD(LIST, 62),     \
                    EX_CPSET_WORD(LIST, 63)                                                        \
        }
static inline bool
ex_cpset_maybe(const uint64_t bits[64], uint32_t cp)
{
        return bits[(cp & 0xfff) >> 6] >> (cp & 63) & 1;
}
/* The run of letters a-z at the start of the eight readable bytes at p
 * (lowercase text): its length when under 8, with its bytes in *key (the
 * first lowest, the other bytes 0); 8 when it is longer (*key unset). Eight
 * bytes at once: the scans read a word per lookup, not a letter at a time. */
static inline size_t
ex_letters8(const char *p, uint64_t *key)
{
        uint64_t x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        __builtin_memcpy(&x, p, 8);
        const uint64_t ones = 0x0101010101010101u, high = ones * 0x80, low7 = x & ~high;
        /* per byte: high bit set when ASCII and in 'a'..'z' (no carries) */
        uint64_t letter =
            (low7 + ones * (0x80 - 'a')) & ~(low7 + ones * (0x80 - 'z' - 1)) & ~x & high;
        uint64_t other = ~letter & high;
        if (other == 0)
                return 8;
        size_t n = (size_t)__builtin_ctzll(other) / 8;
        *key = x & (((uint64_t)1 << (8 * n)) - 1);
        return n;
#else
        size_t n = 0;
        while (n < 8 && p[n] >= 'a' && p[n] <= 'z') {
                x |= (uint64_t)(unsigned char)p[n] << (8 * n);
                n++;
        }
        if (n < 8)
                *key = x;
        return n;
#endif
}
/* The code point of the well-formed three-byte character at s[i], or 0 when
 * none starts there. */
static inline uint32_t
ex_cp3(const char *s, size_t len, size_t i)
{
        if (i + 3 > len)
                return 0;
        const unsigned char *u = (const unsigned char *)s + i;
        /* continuation bytes 10xxxxxx become their six bits, anything else more */
        uint32_t b1 = u[1] ^ 0x80u, b2 = u[2] ^ 0x80u;
        if ((u[0] & 0xf0) != 0xe0 || (b1 | b2) > 0x3f)
                return 0;
        return ((uint32_t)(u[0] & 0x0f) << 12) | (b1 << 6) | b2;
}
/* The filters ex_lead_skip reads for the Chinese characters of a set made
 * by EX_CPSET_INIT: a byte per low 12 bits of a code point, at index
 * (third byte & 63) << 8 | (second byte & 63), so a character's test is one
 * 16-bit load, a mask and a byte load (ex_lead_index). */
#define EX_LEAD_FILTER_SIZE 0x3f40
static inline unsigned
ex_lead_index(const unsigned char *p)
{
        return ((unsigned)p[2] << 8 | p[1]) & 0x3f3f;
}
/* Mark the characters of maybe in filter (EX_LEAD_FILTER_SIZE bytes) with
 * v: 1 where a scan stops, 2 where it stops only before a character of its
 * next filter (see ex_lead_skip); of two marks, 1 wins. */
static inline void
ex_lead_filter(const uint64_t maybe[64], unsigned char v, unsigned char *filter)
{
        for (unsigned hi6 = 0; hi6 < 64; hi6++)
                for (unsigned lo6 = 0; lo6 < 64; lo6++)
                        if (maybe[hi6] >> lo6 & 1 && (filter[lo6 << 8 | hi6] == 0 || v == 1))
                                filter[lo6 << 8 | hi6] = v;
}
/* Whether a scan with the tables of ex_lead_skip stops at the Chinese
 * character at u[i] (i + 3 <= hi): its filter byte is 1, or 2 and what
 * follows is no Chinese character that misses the filter next (most
 * characters that can start a time do so only before a few); next is NULL
 * for a filter of no 2. */
static inline __attribute__((always_inline)) bool
ex_lead_stop(const unsigned char *u, size_t i, size_t hi, const unsigned char cls[256], int zh,
             const unsigned char *filter, const unsigned char *next)
{
        unsigned f = filter[ex_lead_index(u + i)];
        if (__builtin_expect(f == 0, 1))
                return false;
        if (next == NULL || f == 1)
                return true;
        size_t j = i + 3;
        return j + 3 > hi || cls[u[j]] != zh || next[ex_lead_index(u + j)] != 0;
}
/* The lead-to-lead skip of the time and quantity scans: the first place from
 * i on (below hi) whose byte class in cls is neither 0 (nothing starts there)
 * nor zh, or a Chinese character (class zh) where ex_lead_stop stops with
 * the filters filter and next (made by ex_lead_filter), read straight from
 * the characters' last two bytes without decoding them. The text is
 * well-formed (text.c replaces invalid UTF-8), so a zh byte leads a
 * three-byte character; were it not, a character would be misread, never a
 * byte past hi. Always inlined: each scan's tables then fold into it. */
static inline __attribute__((always_inline)) size_t
ex_lead_skip(const char *s, size_t i, size_t hi, const unsigned char cls[256], int zh,
             const unsigned char *filter, const unsigned char *next)
{
        const unsigned char *u = (const unsigned char *)s;
        while (i + 3 <= hi) {
                int class = cls[u[i]];
                if (class == 0) {
                        i++;
                        continue;
                }
                if (class != zh)
                        return i;
                /* a run of Chinese characters, two at a time while six bytes
                 * remain: the bound is checked once for both */
                for (;;) {
                        if (i + 6 > hi) {
                                if (ex_lead_stop(u, i, hi, cls, zh, filter, next))
                                        return i;
                                i += 3;
                                break;
                        }
                        if (ex_lead_stop(u, i, hi, cls, zh, filter, next))
                                return i;
                        if (cls[u[i + 3]] != zh) {
                                i += 3;
                                break;
                        }
                        if (ex_lead_stop(u, i + 3, hi, cls, zh, filter, next))
                                return i + 3;
                        i += 6;
                        if (cls[u[i]] != zh)
                                break;
                }
        }
        while (i < hi && cls[u[i]] == 0)
                i++;
        return i;
}
/* A word of lowercase letters low[i..e) as a number, for the scans' word
 * tables: under 8 letters its bytes (as ex_letters8 reads them), up to
 * EX_WORD_KEY_MAX letters five bits a letter (1..26, the first highest)
 * with bit 63 set; 0 for a longer word. */
#define EX_WORD_KEY_MAX 12
uint64_t ex_word_key(const char *low, size_t i, size_t e);
/* The end of the word of letters a-z at low[i] (cut at hi), its key in
 * *key (ex_word_key). low is readable up to size: eight bytes at a time
 * where it can. */
static inline size_t
ex_word_end(const char *low, size_t i, size_t hi, size_t size, uint64_t *key)
{
        size_t n;
        if (i + 8 <= size && (n = ex_letters8(low + i, key)) < 8 && i + n <= hi)
                return i + n;
        size_t e = i;
        while (e < hi && low[e] >= 'a' && low[e] <= 'z')
                e++;
        *key = ex_word_key(low, i, e);
        return e;
}
/* The start of the code point that ends right before i (inline: called
 * for about every character the mention finder steps back over). */
static inline size_t
ex_cp_before(const char *s, size_t i)
{
        if (i == 0)
                return 0;
        size_t j = i - 1;
        int back = 0;
        while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80 && back < 3) {
                j--;
                back++;
        }
        return j;
}
/* Whether cp is a CJK ideograph (unified, extension A or compatibility). */
static inline bool
ex_is_han(uint32_t cp)
{
        return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
               (cp >= 0xf900 && cp <= 0xfaff);
}

struct ex_buf {
        char *data;
        size_t len;
        size_t cap;
};
/* Make room in b for n more bytes and a NUL. */
void ex_buf_grow(struct ex_buf *b, size_t n);
/* Append p[0..n) (inline: a call per piece of every event's text). */
static inline void
ex_buf_add(struct ex_buf *b, const void *p, size_t n)
{
        if (b->len + n + 1 > b->cap)
                ex_buf_grow(b, n);
        if (n > 0)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
}
/* Append the string s. */
static inline void
ex_buf_adds(struct ex_buf *b, const char *s)
{
        ex_buf_add(b, s, strlen(s));
}
void ex_buf_addf(struct ex_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append the lowercase [a-z0-9-] slug of s[0..n). */
void ex_slug(const char *s, size_t n, struct ex_buf *out);

/* ---- article.c ---- */

const char *article_detect_lang(const char *s, size_t n);

/* ---- acm.c ---- */

struct acm;
typedef void (*acm_cb)(void *arg, size_t start, size_t end, uint32_t value);
struct acm *acm_new(void);
void acm_destroy(struct acm **a);
/* Add a pattern with a payload; the same pattern may be added many times. */
int acm_add(struct acm *a, const char *pat, size_t len, uint32_t value);
/* Compile; no acm_add after this. */
void acm_build(struct acm *a);
/* Call cb for every occurrence of every pattern in s, in order of end. */
void acm_scan(const struct acm *a, const char *s, size_t len, acm_cb cb, void *arg);
size_t acm_states(const struct acm *a);

/* ---- rules.c: the data files ---- */

enum ex_lang { EX_ZH = 0, EX_EN = 1, EX_NLANG = 2 };

/* Entity kinds; a role names the kinds it accepts as a bit set. */
enum ex_kind {
        EK_ORG,
        EK_PRODUCT,
        EK_PERSON,
        EK_PLACE,
        EK_MEDIA,
        EK_GOV,
        EK_PROGRAM,
        EK_NAME,   /* an unknown Latin or capitalised name: org or product */
        EK_QUOTED, /* a short name in quotes: usually a product or code name */
        EK_UNIT,   /* an unknown organisation found by its suffix */
        EK_CHUNK,  /* Chinese text right after a trigger or opening a clause (no suffix) */
        EK_NKIND
};
#define EK_BIT(k) (1u << (k))

/* A list of words. */
struct ex_words {
        char **w;
        size_t *l; /* lengths */
        size_t n;
        /* rules.c's index of the words by their first and by their last
         * character (or fewer bytes), so a lookup reads only the few words
         * that can match there; NULL while n is 0 */
        struct ex_words_index *ix;
};

struct ex_entity {
        char *id;
        int kind;            /* enum ex_kind */
        int parent;          /* index, or -1 */
        const char *display; /* the first Latin alias (for summaries), or NULL */
        uint8_t id_bit;      /* ex_id_bit of id; EX_ID_BIT_ANY when ex_hash_shaped */
};

/* Whether id has the shape of the id mention.c derives for an unknown name
 * with a non-ASCII byte: "x-" and ten hex digits. */
static inline bool
ex_hash_shaped(const char *id)
{
        if (id[0] != 'x' || id[1] != '-')
                return false;
        size_t n = 2;
        for (; id[n] != '\0'; n++)
                if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f') ||
                      (id[n] >= 'A' && id[n] <= 'F')))
                        return false;
        return n == 12;
}

/* A six-bit hash of an id or a name's text s[0..n) (up to its NUL when n
 * is (size_t)-1), for engine.c's quick test of two sets of ids (FNV-1a,
 * folded); EX_ID_BIT_ANY stands for an id that may equal any. */
#define EX_ID_BIT_ANY 64
static inline unsigned
ex_id_bit(const char *s, size_t n)
{
        uint64_t h = 0xcbf29ce484222325u;
        for (size_t i = 0; i < n && s[i] != '\0'; i++)
                h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
        return (unsigned)((h ^ h >> 29 ^ h >> 41) & 63);
}

struct ex_alias {
        int entity;
        char *text;   /* as written (without the leading '=') */
        bool exact;   /* '=': case-sensitive */
        bool latin_l; /* starts with an ASCII letter or digit: needs a word boundary */
        bool latin_r; /* ends with one */
};

struct ex_kv {
        char *key;
        char *value;
};

/* Where a role looks for its filler relative to the trigger. */
enum ex_side { SIDE_LEFT, SIDE_RIGHT, SIDE_EITHER };

/* Role names are interned at load (rules.c): each distinct name is a small
 * id, its index in extractor.role_names, so the engine compares roles as
 * integers and holds a set of roles as a bit mask. */
#define EX_MAX_ROLE_NAMES 64

struct ex_role {
        char *name;
        int id;                /* interned name */
        int side;              /* enum ex_side */
        uint32_t kinds;        /* EK_BIT set */
        struct ex_words cue;   /* filler must follow one of these directly (empty: any) */
        struct ex_words after; /* filler must come after one of these, in the clause */
        struct ex_words nocue; /* filler must not follow one of these directly */
        bool clause;           /* stay in the trigger's clause (else the sentence) */
        bool list;             /* take the list the filler stands in (A、B和C) */
        bool all;              /* take every filler of the right kind on that side */
        bool first; /* take the farthest filler (the sentence's subject), not the nearest */
        bool add;   /* adds fillers even when an earlier line filled the role */
        bool cont;  /* may reach into the next sentence when it continues this one */
        bool prev;  /* none in the sentence: the subject (first name) of the one before */
        int gap;    /* max characters between filler and trigger (0: unlimited) */
};

struct ex_attr_when {
        struct ex_kv kv;
        struct ex_words when; /* cue words in the sentence */
        bool clause;          /* only in the trigger's clause */
};

struct ex_rule;

struct ex_trigger {
        int rule;
        int lang;
        char *word;
        struct ex_kv attrs[4];
        int nattrs;
        char *modality;               /* forced modality, or NULL */
        struct ex_words unless;       /* not when one of these stands right before */
        struct ex_words unless_after; /* not when one of these follows right after */
        struct ex_words needs;        /* only when one of these is in the clause */
        bool weak;                    /* completes an event, never makes one alone */
};

struct ex_rule {
        char *type;
        char *planned_type; /* the type when modality is planned/likely, or NULL */
        /* summary templates: [0] any modality, [1] planned, [2] likely, [3]
         * negated; the first whose plain placeholders all fill wins */
        char **summary[4];
        size_t nsummary[4];
        char *file;
        struct ex_words require; /* roles a standalone event needs */
        struct ex_words key;     /* roles whose fillers identify the happening */
        struct ex_role *roles[EX_NLANG];
        size_t nroles[EX_NLANG];
        struct ex_attr_when *when[EX_NLANG];
        size_t nwhen[EX_NLANG];
        double confidence; /* base */
        bool needqty;      /* an event without a quantity is dropped (market.milestone) */
        char *owner_agent; /* "owner A P": a known A must share the family of a known P */
        char *owner_of;
        char *foreign_a; /* "foreign A P": a filler of A of P's family is dropped */
        char *foreign_of;
        char *min_role; /* "min R N": a standalone event needs N fillers of R */
        int min_count;
        bool merge_sentence; /* "merge sentence": one event per key filler and sentence */
        bool lend; /* an incomplete candidate lends its fillers to the event it completes */
        /* the role names above as interned ids (-1: none) */
        uint64_t require_set; /* bit per id of require */
        int *key_id;          /* parallel to key.w */
        uint64_t key_set;     /* bit per id of key */
        int min_id, owner_agent_id, owner_of_id, foreign_a_id, foreign_of_id;
        int type_id; /* the first rule with the same type */
        /* type and planned_type as one pointer per type name of all rules
         * (set once every rule is loaded), which the engine compares */
        const char *type_canon, *planned_canon;
};

/* Global cue kinds (data/rules/cues.rules). */
enum ex_cue_kind {
        CUE_PLANNED, /* modality planned, before the trigger in its clause */
        CUE_LIKELY,
        CUE_NEGATED,
        CUE_NEGATED_S, /* negated from anywhere later in the sentence (否认) */
        CUE_REPORT,    /* attribution: a media entity near it reports */
        CUE_ANAPHOR,   /* a pronoun or 该公司: resolves to an earlier entity */
        CUE_ORGSUFFIX, /* 公司, 集团...: ends an unknown organisation */
        CUE_LIKELY_S,  /* likely from anywhere in the sentence (people familiar with) */
        CUE_NKIND
};

struct ex_cue {
        int kind; /* enum ex_cue_kind */
        int lang;
        int arg; /* CUE_ANAPHOR: EK_BIT set of the kinds it stands for */
        char *text;
};

/* Payload of an automaton output: high byte what, low 24 bits the index. */
#define PAY_ALIAS    1u
#define PAY_TRIGGER  2u
#define PAY_CUE      3u
#define PAY_PERSON   4u /* a word mention.c finds people or held shares by */
#define PAY(what, i) (((uint32_t)(what) << 24) | (uint32_t)(i))

/* mention.c's filters of word lists of x it looks up at most characters of
 * a Chinese text (as ex_cpset_maybe: by the low twelve bits of a word's first
 * or last character; a word of two characters or more by twelve bits of a
 * hash of its first or last two), built on the first document (mention.c): a
 * lookup they turn away calls no ex_words_*. */
struct mention_wfilter {
        uint64_t bits[64]; /* the words of under six bytes */
        uint64_t pair[64]; /* the longer words */
};
struct mention_filters {
        _Atomic bool ready;
        struct mention_wfilter stop_head, stop_head_long, stop_tail, generic_head, notchunk_head;
        struct mention_wfilter unless_head; /* the unless_after words of every Chinese trigger */
};

struct extractor {
        struct ex_entity *ents;
        size_t nents;
        struct ex_alias *aliases;
        size_t naliases;
        struct ex_rule *rules;
        size_t nrules;
        struct ex_trigger *trigs;
        size_t ntrigs;
        struct ex_cue *cues;
        size_t ncues;
        struct ex_words noise[EX_NLANG];      /* noise lines (start of a line) */
        struct ex_words abbrev;               /* English abbreviations ending with '.' */
        struct ex_words notchunk;             /* words that never start a chunk name (这, 该) */
        struct ex_words stopword[EX_NLANG];   /* words that end a name scan */
        struct ex_words generic[EX_NLANG];    /* generic stems: 中国, 科技... */
        struct ex_words listsep[EX_NLANG];    /* 、 和 and */
        struct ex_words cont[EX_NLANG];       /* continuation cues: 这里面涵盖了 */
        struct ex_words notname[EX_NLANG];    /* capitalised words that are no names */
        struct ex_words notanaphor[EX_NLANG]; /* words holding an anaphor that are none: 其中 */
        struct ex_words units[EX_NLANG];      /* "word unit": 用户 users */
        struct ex_words unitmap[EX_NLANG];    /* parallel to units: the unit names */
        struct acm *acm;
        char *datadir;
        char *role_names[EX_MAX_ROLE_NAMES]; /* interned role names, by id */
        size_t nrole_names;
        int role_target, role_agent, role_acquirer; /* ids of the names engine.c uses */
        struct mention_filters mf;                  /* mention.c's */
};

void ex_words_free(struct ex_words *w);
/* Split s on '|' into w (appending). */
void ex_words_split(struct ex_words *w, const char *s);
/* Whether one of w ends exactly at s+i (s[..i)); returns its length or 0. */
size_t ex_words_ends_at(const struct ex_words *w, const char *s, size_t lo, size_t i);
/* Whether one of w starts at s+i; returns its length or 0. */
size_t ex_words_starts_at(const struct ex_words *w, const char *s, size_t len, size_t i);
/* Whether one of w occurs in s[lo..hi). */
bool ex_words_in(const struct ex_words *w, const char *s, size_t lo, size_t hi);

int ex_kind_parse(const char *s);
const char *ex_kind_name(int kind);
/* Load every lexicon and rule file of datadir into x. */
int rules_load(struct extractor *x, const char *datadir, char **cause);
void rules_free(struct extractor *x);

/* ---- text.c: normalisation, sentences, clauses ---- */

/* 32-bit offsets, as in struct text_run: extractor_run refuses texts over
 * 1 GB. */
struct ex_span {
        uint32_t start, end;
};

/* From s[at] on (to the next run), s comes from orig[from] on: byte for
 * byte (step 1) or all from that one offset (step 0, a replacement). */
struct text_run {
        uint32_t at, from, step;
};

struct text {
        const char *orig;
        size_t orig_len;
        char *s;               /* normalised text */
        char *low;             /* s with ASCII letters lowered */
        struct text_run *runs; /* the offset map, in order of at (see text_orig) */
        size_t nruns;
        size_t len;
        size_t bad; /* invalid bytes replaced */
        struct ex_span *sent;
        size_t nsent;
        struct ex_span *clause;
        size_t nclause;
        void *block[2]; /* allocations holding the arrays above while they fit: the
                         * text and its lowered copy; the runs and spans (text.c) */
        unsigned own;   /* the arrays that outgrew them, a TEXT_OWN_* bit each (text.c) */
};

/* Normalise buf into t (see text.c); lang decides the sentence rules. */
void text_init(struct text *t, const struct extractor *x, const char *buf, size_t len, int lang);
void text_free(struct text *t);
/* The offset in orig of s[i]; orig_len for i >= len. */
size_t text_orig(const struct text *t, size_t i);
/* The sentence / clause index holding offset i. */
size_t text_sentence_of(const struct text *t, size_t i);
size_t text_clause_of(const struct text *t, size_t i);
/* The sentence holding offset i, found from sentence s on (i at or after
 * its start): for passes that read offsets in order and walk instead of
 * looking each up. */
static inline size_t
text_sentence_from(const struct text *t, size_t s, size_t i)
{
        while (s + 1 < t->nsent && t->sent[s].end <= i)
                s++;
        return s;
}

/* ---- timex.c ---- */

enum ex_tprec { TP_VAGUE, TP_YEAR, TP_MONTH, TP_DAY, TP_SUB };

struct ex_time {
        size_t start, end;
        int prec;          /* enum ex_tprec */
        int y, m, d, sub;  /* sub: EDTF 21-24 seasons, 33-36 quarters, 40-41 halves */
        bool year_implied; /* month/day without a year: resolved by modality */
        bool rel_month;    /* same month as the previous time (同月) */
        int wday;          /* 1..7: a bare weekday (on Friday), ahead when the event is */
};

struct ex_date {
        int y, m, d; /* 0 when unknown */
};

/* Find the times of t[lo..hi) and append them to *out. */
void timex_scan(const struct text *t, int lang, const struct ex_date *pub, size_t lo, size_t hi,
                struct ex_time **out, size_t *n, size_t *cap);
/* Render tm as ISO 8601 / EDTF into buf (empty for vague); future picks the
 * year of an implied-year date forward rather than back. */
void timex_value(const struct ex_time *tm, const struct ex_date *pub, bool future, char *buf,
                 size_t cap);
void timex_parse_date(const char *s, struct ex_date *d);
/* A time value (timex_value's output) for an English summary: "spring 2026". */
void timex_display(const char *value, char *buf, size_t cap);

/* ---- quant.c ---- */

struct ex_qty {
        size_t start, end;
        char kind[12];
        double value;
        char unit[24];
};

/* Find the quantities of t[lo..hi), skipping spans covered by times. */
void quant_scan(const struct extractor *x, const struct text *t, int lang, size_t lo, size_t hi,
                const struct ex_time *times, size_t ntimes, struct ex_qty **out, size_t *n,
                size_t *cap);
/* Parse a number (Arabic, Chinese or mixed) at s[i]; 0 when none, else its length. */
size_t quant_number(const char *s, size_t len, size_t i, double *v);
/* A quantity for an English summary: "$8 billion", "500 million users", "#1". */
void quant_display(const struct ex_qty *q, struct ex_buf *out);

/* ---- mention.c ---- */

#define M_NOISE   1u /* glued to another name: injected noise, never an argument */
#define M_ANAPHOR 2u /* stands for an earlier entity */

struct ex_mention {
        size_t start, end;
        int kind;   /* enum ex_kind */
        int entity; /* lexicon index, or -1 */
        char *id;   /* owned: derived id for unknown names */
        unsigned flags;
        int ref; /* M_ANAPHOR: the mention it resolves to, or -1 */
};

/* 32-bit offsets keep a hit in 12 bytes (a long article has one every few
 * bytes); extractor_run refuses texts that could outgrow them. */
struct ex_hit {
        uint32_t start, end;
        uint32_t pay;
};

struct ex_doc {
        const struct extractor *x;
        const struct article *a;
        struct text t;
        int lang;
        struct ex_date pub;
        struct ex_hit *hits;
        size_t nhits, caphits;
        struct ex_mention *ments;
        size_t nments, capments;
        size_t nlex; /* while finding: the first nlex mentions are lexicon ones, by start */
        struct ex_time *times;
        size_t ntimes, captimes;
        struct ex_qty *qtys;
        size_t nqtys, capqtys;
        uint8_t *active;       /* per sentence: bit 0 holds a trigger, or is next to one;
                                * engine.c keeps cue marks in the other bits */
        struct ex_span *spans; /* the active sentences, merged into runs */
        size_t nspans;
        /* engine.c: the trigger hits and the modality cue hits of the
         * document's language (indices into hits, in order), picked in the
         * pass that marks the sentences */
        uint32_t *trig, *cue;
        size_t ntrig, ncue;
};

/* Whether offset i lies in an active sentence (only those are read closely). */
bool engine_active(const struct ex_doc *d, size_t i);

/* Turn alias hits into mentions (longest wins), add unknown organisations,
 * quoted names and Latin names, resolve anaphors; sorted by start. */
void mention_find(struct ex_doc *d);
/* The index of the first hit starting at or after pos (hits sorted by start). */
size_t mention_hit_from(const struct ex_doc *d, size_t pos);
void mention_free(struct ex_doc *d);
/* Add the words mention.c finds people and held shares by to the automaton
 * (PAY_PERSON, indexing its list). */
void mention_patterns(struct acm *a);
/* The mention m stands for: a resolved anaphor's referent, else m (inline:
 * the engine asks for it all the time). */
static inline const struct ex_mention *
mention_resolve(const struct ex_doc *d, const struct ex_mention *m)
{
        if ((m->flags & M_ANAPHOR) && m->ref >= 0)
                return &d->ments[m->ref];
        return m;
}
/* The id of mention m (anaphors resolved), derived on first use for an
 * unknown name; NULL for an unresolved anaphor. */
const char *mention_id(const struct ex_doc *d, const struct ex_mention *m);

/* ---- engine.c ---- */

/* Prepare a document: normalise buf, scan it, find names, times, quantities. */
void engine_doc(struct ex_doc *d, const struct extractor *x, const struct article *a,
                const char *buf, size_t len, int lang);
void engine_doc_free(struct ex_doc *d);

int engine_run(const struct extractor *x, const struct article *a, struct nw_event ***events,
               size_t *nevents, char **cause);

#endif /* NW_EXTRACT_INT_H */
