/*
 * engine.c — from one article to its events.
 *
 * For every trigger word the automaton found, the trigger's rule (a
 * data/rules/NAME.rules file) fills the roles from the names of the trigger's
 * sentence: each role says which side of the trigger to look on, which kinds
 * of names it takes, which cue word must stand before the name (基于, 由, by)
 * and whether it takes a whole list (亚马逊、Airbnb等公司). Modality comes from
 * cue words before the trigger (筹划 → planned, 极有可能 → likely, 并未 →
 * negated), time from the nearest time expression, quantities from the
 * sentence, reported_by from an attribution cue and a media name.
 *
 * One happening restated gives one event: candidates of the same type merge
 * when their key roles have the same fillers, when they come from the same
 * sentence, or when one of them lacks a required role (它 / the title).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

#define ENGINE_MAX_ARGS 24
#define ENGINE_MAX_QTY  8

/* A candidate event. A long article makes tens of thousands of them, so the
 * fillers are two parallel arrays (no padding after each mention index) and
 * the attributes point into the rules. */
struct cand {
        const struct ex_rule *rule;
        const char *type;
        const char *modality;
        size_t trig_start, trig_end;
        size_t sent;
        uint64_t roles;                    /* the roles filled: bit per role id */
        int arg_ment[ENGINE_MAX_ARGS];     /* each filler's mention index */
        uint8_t arg_role[ENGINE_MAX_ARGS]; /* and its role (id) */
        const struct ex_kv *attrs[8];      /* in the rules: trigger or "when" */
        int time;                          /* index into times, or -1 */
        int qty[ENGINE_MAX_QTY];
        int media[4];
        uint8_t nargs, nattrs, nqty, nmedia;
        bool complete;
        bool dead;
        int part; /* > 0: the part-th event split from one trigger's target list */
        double confidence;
};

/* A document's candidates: most documents make a few, which live in the
 * small array (on the caller's stack: no allocation); more move to the heap. */
#define ENGINE_SMALL 8
struct engine_cands {
        struct cand *v; /* small, or a heap block */
        size_t n, cap;
        struct cand small[ENGINE_SMALL];
};

/* Start an empty candidate list. */
static void
engine_cands_init(struct engine_cands *cs)
{
        cs->v = cs->small;
        cs->n = 0;
        cs->cap = ENGINE_SMALL;
}

/* Make room for cap candidates. */
static void
engine_cands_reserve(struct engine_cands *cs, size_t cap)
{
        cs->cap = cap;
        if (cs->v == cs->small) {
                cs->v = ex_xmalloc(cs->cap * sizeof *cs->v);
                memcpy(cs->v, cs->small, cs->n * sizeof *cs->v);
        } else {
                cs->v = ex_xrealloc(cs->v, cs->cap * sizeof *cs->v);
        }
}

/* Make room for one more candidate. */
static void
engine_cands_room(struct engine_cands *cs)
{
        if (cs->n < cs->cap)
                return;
        engine_cands_reserve(cs, cs->cap * 2);
}

/* Free what the list holds. */
static void
engine_cands_free(struct engine_cands *cs)
{
        if (cs->v != cs->small)
                free(cs->v);
}

/* Store a hit. */
static inline void
engine_hit_put(struct ex_doc *d, size_t start, size_t end, uint32_t value)
{
        d->hits[d->nhits].start = start;
        d->hits[d->nhits].end = end;
        d->hits[d->nhits].pay = value;
        d->nhits++;
}

/* A document being scanned: its hits start in a buffer its caller lends
 * (engine_run's, on its stack: most documents then allocate none), and move
 * to the heap when they outgrow it. */
struct engine_scan {
        struct ex_doc *d;
        struct ex_hit *lent; /* the lent buffer, or NULL */
};

/* Give the hits block of d room for cap hits (lent: the buffer it may still
 * lie in, which is not to be freed). */
static void
engine_hits_room(struct ex_doc *d, const struct ex_hit *lent, size_t cap)
{
        if (lent != NULL && d->hits == lent) {
                struct ex_hit *h = ex_xmalloc(cap * sizeof *h);
                memcpy(h, lent, d->nhits * sizeof *h);
                d->hits = h;
        } else {
                d->hits = ex_xrealloc(d->hits, cap * sizeof *d->hits);
        }
        d->caphits = cap;
}

/* Make room for more hits, then store one (out of line, a tail call of the
 * callback below, which then saves no registers around a call). */
static __attribute__((noinline)) void
engine_hit_grow(struct engine_scan *sc, size_t start, size_t end, uint32_t value)
{
        struct ex_doc *d = sc->d;
        /* 64 first: most documents are short, and a small block is cheap to
         * allocate */
        engine_hits_room(d, sc->lent, d->caphits ? d->caphits * 2 : 64);
        engine_hit_put(d, start, end, value);
}

/* Automaton callback: collect hits. */
static void
engine_hit(void *arg, size_t start, size_t end, uint32_t value)
{
        struct engine_scan *sc = arg;
        struct ex_doc *d = sc->d;
        if (d->nhits == d->caphits)
                engine_hit_grow(sc, start, end, value);
        else
                engine_hit_put(d, start, end, value);
}

/* Hits by start, longer first. */
static int
engine_cmp_hit(const void *pa, const void *pb)
{
        const struct ex_hit *a = pa, *b = pb;
        if (a->start != b->start)
                return a->start < b->start ? -1 : 1;
        if (a->end != b->end)
                return a->end > b->end ? -1 : 1;
        return a->pay < b->pay ? -1 : a->pay > b->pay;
}

/* Sort the hits by engine_cmp_hit. The automaton reports them in order of
 * end, so each is only a few places from where it belongs: an insertion sort
 * moves it there in about linear time, with no allocation (qsort's merge
 * sort copied the whole array). */
static void
engine_sort_hits(struct ex_hit *h, size_t n)
{
        for (size_t i = 1; i < n; i++) {
                if (engine_cmp_hit(&h[i - 1], &h[i]) <= 0)
                        continue;
                struct ex_hit v = h[i];
                size_t j = i;
                while (j > 0 && engine_cmp_hit(&h[j - 1], &v) > 0) {
                        h[j] = h[j - 1];
                        j--;
                }
                h[j] = v;
        }
}

/* The bits of d->active[sentence]. */
#define ENGINE_ACTIVE 1u /* holds a trigger, or is next to one */
#define ENGINE_MODAL  2u /* a modality cue of the document's language overlaps it */
#define ENGINE_REPORT 4u /* an attribution cue of the document's language starts in it */

/* The cue kinds engine_modality reads, a bit each. */
#define ENGINE_MODAL_CUES                                                                          \
        (1u << CUE_PLANNED | 1u << CUE_LIKELY | 1u << CUE_NEGATED | 1u << CUE_NEGATED_S |          \
         1u << CUE_LIKELY_S)

/* Stand-ins for the trigger and the cue that engine_spans reads for a hit of
 * another kind when the rules have none. */
static const struct ex_trigger engine_no_trigger = {.lang = -1};
static const struct ex_cue engine_no_cue = {.lang = -1};

/* Mark the sentences that hold a trigger of the document's language, with
 * their neighbours (anaphors look back, continued roles look ahead); only
 * those are read for unknown names, times and quantities. Mark too the
 * sentences a cue of the document's language concerns (ENGINE_MODAL,
 * ENGINE_REPORT), so that the candidates of the many sentences without one
 * skip their search. Returns whether the document holds a trigger at all.
 * lent: the buffer the hits may lie in (engine_scan).
 *
 * The kinds of hit come in no order a branch predicts: the pass over the
 * hits reads each hit's trigger and cue record (the first one for a hit of
 * another kind) and writes the hit to each list, counting it only where it
 * belongs; the marks are then made from the short lists. */
static bool
engine_spans(struct ex_doc *d, const struct ex_hit *lent)
{
        size_t ns = d->t.nsent;
        /* after the hits in their block (no more come; most documents
         * leave room enough there): the spans, room for every hit as a
         * trigger, as a modality cue and as an attribution cue, then the
         * flags */
        size_t used = d->nhits * sizeof *d->hits;
        size_t need = (ns + 1) * (sizeof *d->spans + 1) + 3 * d->nhits * sizeof *d->trig;
        if (d->caphits * sizeof *d->hits < used + need)
                engine_hits_room(d, lent, (used + need + sizeof *d->hits - 1) / sizeof *d->hits);
        d->spans = (struct ex_span *)(d->hits + d->nhits);
        d->trig = (uint32_t *)(d->spans + ns + 1);
        d->cue = d->trig + d->nhits;
        uint32_t *report = d->cue + d->nhits;
        d->active = (uint8_t *)(report + d->nhits);
        /* in locals: the stores to the lists could alias d's fields */
        const struct ex_hit *hits = d->hits;
        const size_t nhits = d->nhits;
        const int lang = d->lang;
        const struct ex_trigger *trigs = d->x->ntrigs > 0 ? d->x->trigs : &engine_no_trigger;
        const struct ex_cue *cues = d->x->ncues > 0 ? d->x->cues : &engine_no_cue;
        uint32_t *trig = d->trig, *cue = d->cue;
        size_t ntrig = 0, ncue = 0, nreport = 0;
        for (size_t h = 0; h < nhits; h++) {
                uint32_t what = hits[h].pay >> 24, i = hits[h].pay & 0xffffff;
                uint32_t is_trig = what == PAY_TRIGGER, is_cue = what == PAY_CUE;
                const struct ex_trigger *t = &trigs[i & -is_trig];
                const struct ex_cue *q = &cues[i & -is_cue];
                bool cue_ok = is_cue & (q->lang == lang);
                trig[ntrig] = (uint32_t)h;
                ntrig += is_trig & (t->lang == lang);
                cue[ncue] = (uint32_t)h;
                ncue += cue_ok & (ENGINE_MODAL_CUES >> q->kind & 1);
                report[nreport] = (uint32_t)h;
                nreport += cue_ok & (q->kind == CUE_REPORT);
        }
        d->ntrig = ntrig;
        d->ncue = ncue;
        memset(d->active, 0, ns + 1);
        if (ns == 0)
                return ntrig > 0;
        /* each list is in order of start: its sentences only move forward */
        size_t s = 0;
        for (size_t k = 0; k < ntrig; k++) {
                s = text_sentence_from(&d->t, s, hits[trig[k]].start);
                d->active[s] |= ENGINE_ACTIVE;
                if (s > 0)
                        d->active[s - 1] |= ENGINE_ACTIVE;
                if (s + 1 < ns)
                        d->active[s + 1] |= ENGINE_ACTIVE;
        }
        s = 0;
        for (size_t k = 0; k < ncue; k++) {
                const struct ex_hit *hit = &hits[cue[k]];
                s = text_sentence_from(&d->t, s, hit->start);
                size_t last = text_sentence_from(&d->t, s, hit->end - 1);
                for (size_t j = s; j <= last; j++)
                        d->active[j] |= ENGINE_MODAL;
        }
        s = 0;
        for (size_t k = 0; k < nreport; k++) {
                s = text_sentence_from(&d->t, s, hits[report[k]].start);
                d->active[s] |= ENGINE_REPORT;
        }
        for (size_t k = 0; k < ns; k++) {
                if (!(d->active[k] & ENGINE_ACTIVE))
                        continue;
                if (d->nspans > 0 && d->spans[d->nspans - 1].end == d->t.sent[k].start)
                        d->spans[d->nspans - 1].end = d->t.sent[k].end;
                else
                        d->spans[d->nspans++] = d->t.sent[k];
        }
        return ntrig > 0;
}

bool
engine_active(const struct ex_doc *d, size_t i)
{
        if (d->active == NULL || d->t.nsent == 0)
                return true;
        return (d->active[text_sentence_of(&d->t, i)] & ENGINE_ACTIVE) != 0;
}

/* Whether NW_EXTRACT_DEBUG is set, read once as mention.c reads it (getenv
 * walks the environment; atomic: documents may be read on several threads). */
static bool
engine_debug(void)
{
        static atomic_int debug_env = -1;
        int debug = atomic_load_explicit(&debug_env, memory_order_relaxed);
        if (debug < 0) {
                debug = getenv("NW_EXTRACT_DEBUG") != NULL;
                atomic_store_explicit(&debug_env, debug, memory_order_relaxed);
        }
        return debug != 0;
}

/* Prepare a document: normalise, scan, find names, times and quantities;
 * lazy: the names only when it holds a trigger of its language (else no
 * candidate reads them, and NW_EXTRACT_DEBUG is not set to list them).
 * lent[0..nlent): a buffer the hits start in (NULL: none), which
 * engine_doc_release is told of. */
static void
engine_prepare(struct ex_doc *d, const struct extractor *x, const struct article *a,
               const char *buf, size_t len, int lang, bool lazy, struct ex_hit *lent, size_t nlent)
{
        memset(d, 0, sizeof *d);
        d->x = x;
        d->a = a;
        d->lang = lang;
        if (lent != NULL) {
                d->hits = lent;
                d->caphits = nlent;
        }
        timex_parse_date(a->published, &d->pub);
        text_init(&d->t, x, buf, len, lang);
        struct engine_scan sc = {d, lent};
        acm_scan(x->acm, d->t.low, d->t.len, engine_hit, &sc);
        engine_sort_hits(d->hits, d->nhits);
        if (!engine_spans(d, lent) && lazy && !engine_debug())
                return;
        mention_find(d);
        for (size_t k = 0; k < d->nspans; k++)
                timex_scan(&d->t, lang, &d->pub, d->spans[k].start, d->spans[k].end, &d->times,
                           &d->ntimes, &d->captimes);
        for (size_t k = 0; k < d->nspans; k++)
                quant_scan(x, &d->t, lang, d->spans[k].start, d->spans[k].end, d->times, d->ntimes,
                           &d->qtys, &d->nqtys, &d->capqtys);
}

/* Prepare a document: normalise, scan, find names, times and quantities. */
void
engine_doc(struct ex_doc *d, const struct extractor *x, const struct article *a, const char *buf,
           size_t len, int lang)
{
        engine_prepare(d, x, a, buf, len, lang, false, NULL, 0);
}

/* Free what document d holds (lent: the buffer engine_prepare was lent for
 * its hits, not freed). */
static void
engine_doc_release(struct ex_doc *d, const struct ex_hit *lent)
{
        mention_free(d);
        if (d->hits != lent)
                free(d->hits); /* and the spans, in its block */
        free(d->times);
        free(d->qtys);
        text_free(&d->t);
}

void
engine_doc_free(struct ex_doc *d)
{
        engine_doc_release(d, NULL);
}

/* The first mention index whose start is >= i. */
static size_t
engine_ment_from(const struct ex_doc *d, size_t i)
{
        size_t lo = 0, hi = d->nments;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (d->ments[mid].start < i)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* Whether mention m (resolved) is of a kind the role accepts (inline: the
 * role walks ask it for every mention they pass). */
static inline __attribute__((always_inline)) bool
engine_kind_ok(const struct ex_doc *d, const struct ex_mention *m, uint32_t kinds)
{
        const struct ex_mention *r = mention_resolve(d, m);
        if ((m->flags & M_ANAPHOR) && m->ref < 0)
                return false;
        if (r->flags & M_NOISE)
                return false;
        return (kinds & EK_BIT(r->kind)) != 0;
}

/* Skip spaces backwards from i. */
static size_t
engine_back_space(const char *s, size_t lo, size_t i)
{
        while (i > lo && s[i - 1] == ' ')
                i--;
        return i;
}

/* Whether resolved mention m has no id (mention_id gives NULL: an anaphor
 * that resolves to nothing), told without deriving one. */
static bool
engine_no_id(const struct ex_mention *m)
{
        return m->entity < 0 && m->id == NULL && (m->flags & M_ANAPHOR);
}

/* The id of resolved mention m of doc d (which has one) when it is known
 * without hashing: a lexicon id, one derived before, or the slug of an ASCII
 * name (derived now, as mention_id would); NULL for an unknown name with a
 * non-ASCII byte not yet derived, whose id will be "x-" and hex digits. */
static const char *
engine_cheap_id(const struct ex_doc *d, const struct ex_mention *m)
{
        /* m is resolved (a mention an anaphor resolves to is none): what
         * mention_id returns, read in place */
        if (m->entity >= 0)
                return d->x->ents[m->entity].id;
        if (m->id != NULL)
                return m->id;
        const char *s = d->t.s + m->start;
        for (size_t i = m->start; i < m->end; i++, s++)
                if ((unsigned char)*s >= 0x80)
                        return NULL;
        return mention_id(d, m);
}

/* Whether mention a of doc da and mention b of doc db have equal ids
 * (mention_id); null_eq: whether two without an id count as equal. The cheap
 * tests come first: one resolved mention has one id, and lexicon ids are
 * unique (rules.c refuses duplicates), so two lexicon names are equal only
 * when they are one entity. An unknown name's id is a function of its text,
 * so two not yet derived with equal texts are equal; one with a non-ASCII
 * byte gets an "x-" hash id, which no id of another shape equals, and two
 * such names are equal when their texts are (see the trap below). */
static bool
engine_ment_eq(const struct ex_doc *da, int a, const struct ex_doc *db, int b, bool null_eq)
{
        const struct ex_mention *ra = mention_resolve(da, &da->ments[a]);
        const struct ex_mention *rb = mention_resolve(db, &db->ments[b]);
        bool na = engine_no_id(ra), nb = engine_no_id(rb);
        if (na || nb) {
                if (na && nb)
                        return null_eq;
                /* "" stands for the missing id (as in engine_role_ids) */
                return null_eq && *mention_id(na ? db : da, na ? rb : ra) == '\0';
        }
        if (ra == rb)
                return true;
        if (ra->entity >= 0 && rb->entity >= 0)
                return ra->entity == rb->entity;
        if (ra->entity < 0 && rb->entity < 0 && ra->id == NULL && rb->id == NULL &&
            ra->end - ra->start == rb->end - rb->start &&
            memcmp(da->t.s + ra->start, db->t.s + rb->start, ra->end - ra->start) == 0)
                return true;
        const char *ia = engine_cheap_id(da, ra), *ib = engine_cheap_id(db, rb);
        if ((ia == NULL && ib != NULL && !ex_hash_shaped(ib)) ||
            (ib == NULL && ia != NULL && !ex_hash_shaped(ia)))
                return false;
        /* Two unknown names whose ids are (or will be) "x-" hashes of their
         * texts: texts that differ give ids that differ but for a collision
         * of the hash, which would only make two names one by mistake; so
         * compare the texts and hash neither. */
        if (ra->entity < 0 && rb->entity < 0 && (ia == NULL || ex_hash_shaped(ia)) &&
            (ib == NULL || ex_hash_shaped(ib)))
                return ra->end - ra->start == rb->end - rb->start &&
                       memcmp(da->t.s + ra->start, db->t.s + rb->start, ra->end - ra->start) == 0;
        if (ia == NULL)
                ia = mention_id(da, ra);
        if (ib == NULL)
                ib = mention_id(db, rb);
        /* ids of unknown names differ in their first few bytes: compare
         * them in line rather than call strcmp */
        while (*ia != '\0' && *ia == *ib) {
                ia++;
                ib++;
        }
        return *ia == *ib;
}

/* Whether arg list already holds mention m (by resolved identity). */
static bool
engine_has(const struct ex_doc *d, const struct cand *c, int m)
{
        for (size_t i = 0; i < c->nargs; i++)
                if (c->arg_ment[i] == m || engine_ment_eq(d, m, d, c->arg_ment[i], false))
                        return true;
        return false;
}

/* Add an argument that c does not hold (engine_has said so). */
static void
engine_add_new_arg(struct cand *c, int role, int m)
{
        if (c->nargs >= ENGINE_MAX_ARGS)
                return;
        c->arg_role[c->nargs] = (uint8_t)role;
        c->arg_ment[c->nargs] = m;
        c->roles |= (uint64_t)1 << role;
        c->nargs++;
}

/* Add an argument. */
static void
engine_add_arg(const struct ex_doc *d, struct cand *c, int role, int m)
{
        if (c->nargs >= ENGINE_MAX_ARGS || engine_has(d, c, m))
                return;
        engine_add_new_arg(c, role, m);
}

/* Copy filler i of src to place k of dst (k <= i when dst is src; the
 * caller ends with engine_cut_args). */
static void
engine_copy_arg(struct cand *dst, size_t k, const struct cand *src, size_t i)
{
        dst->arg_role[k] = src->arg_role[i];
        dst->arg_ment[k] = src->arg_ment[i];
}

/* Keep the first k fillers of c (after engine_copy_arg) and set its roles. */
static void
engine_cut_args(struct cand *c, size_t k)
{
        c->nargs = (uint8_t)k;
        c->roles = 0;
        for (size_t i = 0; i < k; i++)
                c->roles |= (uint64_t)1 << c->arg_role[i];
}

/* English appositive descriptors: a cue word, then up to four lowercase
 * or no-name words before the filler ("led by Dutch chip equipment maker
 * ASML", "acquired by rival Cognition"). Whether the cue ends there. */
static bool
engine_cue_described(const struct ex_doc *d, const struct ex_words *cue, size_t lo, size_t b)
{
        const char *s = d->t.s;
        for (int words = 0; words < 4 && b > lo; words++) {
                size_t e = b, st = b;
                while (st > lo && s[st - 1] != ' ' && s[st - 1] != ',' && s[st - 1] != '(')
                        st--;
                if (st == e)
                        return false;
                bool lower = s[st] >= 'a' && s[st] <= 'z';
                if (!lower && ex_words_starts_at(&d->x->notname[EX_EN], s, e, st) != e - st)
                        return false;
                b = engine_back_space(s, lo, st);
                if (ex_words_ends_at(cue, d->t.low, lo, b) > 0)
                        return true;
        }
        return false;
}

/* Whether the role's cue conditions hold for mention m (the distance
 * first: it needs no word lookup). */
static bool
engine_cue_ok(const struct ex_doc *d, const struct ex_role *ro, const struct ex_mention *m,
              size_t lo, size_t ts, size_t te)
{
        const char *s = d->t.low;
        if (ro->gap > 0) {
                size_t dist = m->start >= te ? m->start - te : ts - m->end;
                if (dist > (size_t)ro->gap * 3)
                        return false;
        }
        size_t b = engine_back_space(s, lo, m->start);
        if (ro->cue.n > 0 && ex_words_ends_at(&ro->cue, s, lo, b) == 0 &&
            (d->lang != EX_EN || !engine_cue_described(d, &ro->cue, lo, b)))
                return false;
        if (ro->nocue.n > 0 && ex_words_ends_at(&ro->nocue, s, lo, b) > 0)
                return false;
        if (ro->after.n > 0) {
                size_t from = m->start >= te ? te : lo;
                if (!ex_words_in(&ro->after, s, from, m->start))
                        return false;
        }
        return true;
}

/* Extend a chosen filler over the list it stands in: A、B和C. */
static void
engine_list(const struct ex_doc *d, struct cand *c, const struct ex_role *ro, int m, size_t lo,
            size_t hi)
{
        const struct ex_words *sep = &d->x->listsep[d->lang];
        const char *s = d->t.low;
        /* rightwards */
        int cur = m;
        for (int guard = 0; guard < 12; guard++) {
                size_t e = d->ments[cur].end;
                while (e < hi && s[e] == ' ')
                        e++;
                size_t k = ex_words_starts_at(sep, s, hi, e);
                if (k == 0)
                        break;
                e += k;
                while (e < hi && s[e] == ' ')
                        e++;
                size_t n = engine_ment_from(d, e);
                if (n >= d->nments || d->ments[n].start != e || d->ments[n].end > hi)
                        break;
                if (!engine_kind_ok(d, &d->ments[n], ro->kinds))
                        break;
                engine_add_arg(d, c, ro->id, (int)n);
                cur = (int)n;
        }
        /* leftwards */
        cur = m;
        for (int guard = 0; guard < 12; guard++) {
                size_t b = engine_back_space(s, lo, d->ments[cur].start);
                size_t k = ex_words_ends_at(sep, s, lo, b);
                if (k == 0)
                        break;
                b = engine_back_space(s, lo, b - k);
                size_t n = engine_ment_from(d, b);
                /* the mention ending at b */
                int found = -1;
                for (size_t q = n; q > 0 && q + 8 > n; q--)
                        if (d->ments[q - 1].end == b) {
                                found = (int)(q - 1);
                                break;
                        }
                if (found < 0 || d->ments[found].start < lo)
                        break;
                if (!engine_kind_ok(d, &d->ments[found], ro->kinds))
                        break;
                engine_add_arg(d, c, ro->id, found);
                cur = found;
        }
}

/* Whether the role (an id) is already filled. */
static inline bool
engine_filled(const struct cand *c, int role)
{
        return (c->roles >> role & 1) != 0;
}

/* Where the roles of a candidate look from: found once for all its roles. */
struct engine_at {
        size_t first; /* the first mention starting at or after the trigger */
        size_t right; /* the first starting at or after its end */
        size_t sent;  /* the trigger's sentence */
        size_t cl;    /* and clause */
};

/* Fill one role spec. */
static void
engine_role(const struct ex_doc *d, struct cand *c, const struct ex_role *ro,
            const struct engine_at *at)
{
        size_t sent = c->sent;
        size_t lo = d->t.sent[sent].start, hi = d->t.sent[sent].end;
        if (ro->clause) {
                size_t cl = at->cl;
                lo = d->t.clause[cl].start;
                hi = d->t.clause[cl].end;
        }
        if (ro->cont && ro->side != SIDE_LEFT && sent + 1 < d->t.nsent) {
                size_t ns = d->t.sent[sent + 1].start;
                while (ns < d->t.len && (d->t.s[ns] == ' ' || d->t.s[ns] == '\n'))
                        ns++;
                if (ex_words_starts_at(&d->x->cont[d->lang], d->t.s, d->t.len, ns) > 0)
                        hi = d->t.sent[sent + 1].end;
        }
        size_t ts = c->trig_start, te = c->trig_end;
        /* Walk outwards: left candidates from first-1 down, right from the first at >= te. */
        size_t li = at->first, ri = at->right;
        int chosen = -1;
        for (int steps = 0; steps < 200; steps++) {
                int pick = -1;
                bool lok = ro->side != SIDE_RIGHT && li > 0 && d->ments[li - 1].start >= lo;
                bool rok = ro->side != SIDE_LEFT && ri < d->nments && d->ments[ri].end <= hi;
                if (lok && li > 0 && d->ments[li - 1].end > ts) {
                        /* overlaps the trigger: skip it */
                        li--;
                        continue;
                }
                if (!lok && !rok)
                        break;
                if (lok && rok) {
                        size_t dl = ts - d->ments[li - 1].end, dr = d->ments[ri].start - te;
                        pick = dl <= dr ? (int)--li : (int)ri++;
                } else if (lok) {
                        pick = (int)--li;
                } else {
                        pick = (int)ri++;
                }
                const struct ex_mention *m = &d->ments[pick];
                if (!engine_kind_ok(d, m, ro->kinds))
                        continue;
                if (!engine_cue_ok(d, ro, m, lo, ts, te))
                        continue;
                if (engine_has(d, c, pick))
                        continue;
                if (ro->all) {
                        engine_add_new_arg(c, ro->id, pick);
                        continue;
                }
                chosen = pick;
                if (ro->first)
                        continue; /* keep going: the farthest one wins */
                break;
        }
        /* "Revenue from the data center business rose 73%": the subject of
         * the sentence before (empty ones skipped) carries over */
        for (size_t ps = sent; chosen < 0 && ro->prev && ps > 0 && sent - ps < 3;) {
                ps--;
                size_t plo = d->t.sent[ps].start, phi = d->t.sent[ps].end;
                bool any = false;
                for (size_t i = engine_ment_from(d, plo); i < d->nments && chosen < 0; i++) {
                        const struct ex_mention *m = &d->ments[i];
                        if (m->start >= phi)
                                break;
                        any = true;
                        if ((m->flags & M_NOISE) == 0 && engine_kind_ok(d, m, ro->kinds) &&
                            !engine_has(d, c, (int)i))
                                chosen = (int)i;
                }
                if (any)
                        break;
        }
        if (chosen < 0)
                return;
        /* c is as it was when engine_has turned chosen down */
        engine_add_new_arg(c, ro->id, chosen);
        if (ro->list)
                engine_list(d, c, ro, chosen, lo, hi);
}

/* Whether modality m (asserted, planned, likely, negated: a rule may name
 * another) is lit: their first letters tell them apart. */
static inline bool
engine_modality_is(const char *m, const char *lit)
{
        return m[0] == lit[0] && strcmp(m, lit) == 0;
}

/* Modality from cue words around the trigger (of d->cue, the modality cues
 * of the document's language: no other hit is read). */
static const char *
engine_modality(const struct ex_doc *d, const struct ex_trigger *tr, size_t ts, size_t te,
                size_t sent, size_t cl)
{
        if (tr->modality != NULL)
                return tr->modality;
        if (!(d->active[sent] & ENGINE_MODAL))
                return "asserted"; /* no cue in the sentence */
        size_t lo = d->t.sent[sent].start, hi = d->t.sent[sent].end;
        size_t clo = d->t.clause[cl].start;
        size_t window = d->lang == EX_ZH ? 90 : 120; /* bytes before the trigger */
        int best = -1;
        size_t bestpos = 0;
        bool negated = false, hedged = false;
        /* the first cue starting at or after 16 bytes before the sentence */
        size_t from = lo > 16 ? lo - 16 : 0, q0 = 0, q1 = d->ncue;
        while (q0 < q1) {
                size_t mid = (q0 + q1) / 2;
                if (d->hits[d->cue[mid]].start < from)
                        q0 = mid + 1;
                else
                        q1 = mid;
        }
        for (size_t q = q0; q < d->ncue; q++) {
                const struct ex_hit *hit = &d->hits[d->cue[q]];
                if (hit->start >= hi)
                        break;
                if (hit->end <= lo)
                        continue;
                const struct ex_cue *cue = &d->x->cues[hit->pay & 0xffffff];
                if (d->lang == EX_EN && ((hit->start > 0 && d->t.low[hit->start - 1] >= 'a' &&
                                          d->t.low[hit->start - 1] <= 'z') ||
                                         (hit->end < d->t.len && d->t.low[hit->end] >= 'a' &&
                                          d->t.low[hit->end] <= 'z')))
                        continue;
                /* a cue word that is part of a time (In May) is no hedge */
                size_t tlo = 0, thi = d->ntimes;
                while (tlo < thi) {
                        size_t mid = (tlo + thi) / 2;
                        if (d->times[mid].start <= hit->start)
                                tlo = mid + 1;
                        else
                                thi = mid;
                }
                if (tlo > 0 && d->times[tlo - 1].end >= hit->end)
                        continue;
                if (cue->kind == CUE_NEGATED_S && hit->start >= te) {
                        negated = true;
                        continue;
                }
                if (cue->kind == CUE_LIKELY_S) {
                        hedged = true;
                        continue;
                }
                if (hit->start >= ts || (hit->end <= ts && ts - hit->end > window))
                        continue;
                if (cue->kind == CUE_NEGATED && hit->start >= clo) {
                        negated = true;
                        continue;
                }
                if ((cue->kind == CUE_PLANNED || cue->kind == CUE_LIKELY) && d->lang == EX_EN &&
                    hit->end <= ts) {
                        /* an English modal governs a verb close by: at most eight
                         * words between and no subordinate clause ("would be its
                         * biggest since it bought X" is no plan; "will pay $6.5
                         * billion to acquire X" is one) */
                        static const char *sub[] = {" since ",   " after ", " before ", " when ",
                                                    " because ", " while ", " that ",   " which ",
                                                    " who ",     " as ",    " it "};
                        int words = 0;
                        for (size_t i = hit->end; i < ts; i++)
                                if (d->t.low[i] == ' ' && i + 1 < ts && d->t.low[i + 1] != ' ')
                                        words++;
                        bool clause_between = false;
                        for (size_t k = 0; k < sizeof sub / sizeof sub[0] && !clause_between; k++) {
                                size_t n = strlen(sub[k]);
                                if (ts + 1 >= hit->end + n &&
                                    memmem(d->t.low + hit->end, ts + 1 - hit->end, sub[k], n) !=
                                        NULL)
                                        clause_between = true;
                        }
                        if (words > 8 || clause_between)
                                continue;
                }
                if (cue->kind == CUE_PLANNED || cue->kind == CUE_LIKELY) {
                        /* the strongest hedge wins, then the nearest */
                        if (best < 0 || cue->kind > best ||
                            (cue->kind == best && hit->start >= bestpos)) {
                                best = cue->kind;
                                bestpos = hit->start;
                        }
                }
        }
        if (negated)
                return "negated";
        if (best == CUE_LIKELY || hedged)
                return "likely";
        if (best == CUE_PLANNED)
                return "planned";
        return "asserted";
}

/* The time of a trigger: nearest before it in the clause, then the sentence, then after. */
static int
engine_time(const struct ex_doc *d, size_t ts, size_t te, size_t sent, size_t cl)
{
        size_t lo = d->t.sent[sent].start, hi = d->t.sent[sent].end;
        size_t clo = d->t.clause[cl].start, chi = d->t.clause[cl].end;
        int before_clause = -1, before = -1, after_clause = -1, after = -1, initial = -1;
        int vague = -1, vague_clause = -1;
        size_t first = 0, hi2 = d->ntimes;
        while (first < hi2) {
                size_t mid = (first + hi2) / 2;
                if (d->times[mid].start < lo)
                        first = mid + 1;
                else
                        hi2 = mid;
        }
        for (size_t i = first; i < d->ntimes; i++) {
                const struct ex_time *tm = &d->times[i];
                if (tm->end <= lo)
                        continue;
                if (tm->start >= hi)
                        break;
                if (tm->prec == TP_VAGUE) {
                        /* recently, last week: only when nothing dated is near;
                         * in the trigger's clause it hides dates of other clauses */
                        if (vague < 0 || tm->end <= ts)
                                vague = (int)i;
                        if (tm->start >= clo && tm->end <= chi)
                                vague_clause = (int)i;
                        continue;
                }
                if (tm->end <= ts) {
                        before = (int)i;
                        /* adverbial: at the start of its clause (after 在/于/on) */
                        size_t tc = text_clause_of(&d->t, tm->start);
                        size_t cs0 = d->t.clause[tc].start;
                        while (cs0 < tm->start && d->t.s[cs0] == ' ')
                                cs0++;
                        if (tm->start - cs0 <= 6 && tm->prec != TP_VAGUE)
                                initial = (int)i;
                        if (tm->start >= clo)
                                before_clause = (int)i;
                } else if (tm->end > te) { /* after, or running on past it */
                        if (after < 0)
                                after = (int)i;
                        if (after_clause < 0 && tm->end <= chi)
                                after_clause = (int)i;
                }
        }
        if (before_clause >= 0)
                return before_clause;
        if (after_clause >= 0)
                return after_clause;
        if (vague_clause >= 0)
                return vague_clause;
        if (initial >= 0)
                return initial;
        if (before >= 0)
                return before;
        if (after >= 0)
                return after;
        return vague;
}

/* Whether the trigger hit passes its unless / needs words. */
static bool
engine_trigger_ok(const struct ex_doc *d, const struct ex_trigger *tr, size_t ts, size_t te,
                  size_t sent)
{
        const char *s = d->t.low;
        size_t lo = d->t.sent[sent].start, hi = d->t.sent[sent].end;
        if (d->lang == EX_EN || ((unsigned char)tr->word[0] < 0x80)) {
                /* Latin trigger words stand on word boundaries. */
                char b = ts > 0 ? s[ts - 1] : ' ';
                char a = te < d->t.len ? s[te] : ' ';
                if ((b >= 'a' && b <= 'z') || (a >= 'a' && a <= 'z'))
                        return false;
        }
        if (tr->unless.n > 0 && ex_words_ends_at(&tr->unless, s, lo, ts) > 0)
                return false;
        if (tr->unless_after.n > 0 && ex_words_starts_at(&tr->unless_after, s, hi, te) > 0)
                return false;
        if (tr->needs.n > 0) {
                /* the trigger's clause and the one before it; in Chinese also
                 * the one after (在V3的基础上，训练得到R1) */
                size_t cl = text_clause_of(&d->t, ts);
                size_t from =
                    d->t.clause[cl > 0 && d->t.clause[cl - 1].start >= lo ? cl - 1 : cl].start;
                size_t to = d->t.clause[cl].end;
                if (d->lang == EX_ZH && cl + 1 < d->t.nclause && d->t.clause[cl + 1].end <= hi)
                        to = d->t.clause[cl + 1].end;
                /* in English two clauses back: "Revenue from X, which ..., rose" */
                if (d->lang == EX_EN && cl > 1 && d->t.clause[cl - 2].start >= lo)
                        from = d->t.clause[cl - 2].start;
                if (!ex_words_in(&tr->needs, s, from, to))
                        return false;
        }
        return true;
}

/* Which "when" lists of a rule have a word in a sentence: bit w of found,
 * once bit w of known is set (w < 64), for the next candidate of that rule
 * and sentence. */
struct engine_insent {
        const struct ex_rule *rule;
        size_t sent;
        uint64_t known, found;
};

/* Whether a word of when list aw (the w-th of its rule) lies in the
 * sentence s[lo..hi) that in remembers. */
static bool
engine_insent(const struct ex_doc *d, struct engine_insent *in, const struct ex_attr_when *aw,
              size_t w, size_t lo, size_t hi)
{
        if (w >= 64)
                return ex_words_in(&aw->when, d->t.low, lo, hi);
        uint64_t bit = (uint64_t)1 << w;
        if (!(in->known & bit)) {
                in->known |= bit;
                if (ex_words_in(&aw->when, d->t.low, lo, hi))
                        in->found |= bit;
        }
        return (in->found & bit) != 0;
}

/* Attributes from the trigger and the rule's "when" cues. */
static void
engine_attrs(const struct ex_doc *d, struct cand *c, const struct ex_trigger *tr, size_t cl,
             struct engine_insent *in)
{
        for (int i = 0; i < tr->nattrs && c->nattrs < 8; i++)
                c->attrs[c->nattrs++] = &tr->attrs[i];
        const struct ex_rule *r = c->rule;
        size_t lo = d->t.sent[c->sent].start, hi = d->t.sent[c->sent].end;
        if (in->rule != r || in->sent != c->sent) {
                in->rule = r;
                in->sent = c->sent;
                in->known = in->found = 0;
        }
        /* the clauses lie inside their sentence: a word the sentence lacks is
         * in none of them, so a sentence-wide cue is looked for in the
         * sentence first (most are absent), once per rule and sentence */
        for (size_t w = 0; w < r->nwhen[d->lang] && c->nattrs < 8; w++) {
                const struct ex_attr_when *aw = &r->when[d->lang][w];
                bool have = false;
                for (size_t i = 0; i < c->nattrs; i++)
                        if (strcmp(c->attrs[i]->key, aw->kv.key) == 0)
                                have = true;
                if (have)
                        continue;
                if (!aw->clause && !engine_insent(d, in, aw, w, lo, hi))
                        continue;
                /* nearest first: the trigger's clause and the two before it */
                size_t from = cl;
                while (!aw->clause && from > 0 && cl - from < 2 &&
                       d->t.clause[from - 1].start >= lo)
                        from--;
                if (ex_words_in(&aw->when, d->t.low, d->t.clause[from].start, d->t.clause[cl].end))
                        c->attrs[c->nattrs++] = &aw->kv;
        }
        for (size_t w = 0; w < r->nwhen[d->lang] && c->nattrs < 8; w++) {
                const struct ex_attr_when *aw = &r->when[d->lang][w];
                bool have = false;
                for (size_t i = 0; i < c->nattrs; i++)
                        if (strcmp(c->attrs[i]->key, aw->kv.key) == 0)
                                have = true;
                if (have || aw->clause)
                        continue;
                if (engine_insent(d, in, aw, w, lo, hi))
                        c->attrs[c->nattrs++] = &aw->kv;
        }
}

/* Media names in the sentence, when it carries an attribution cue. */
static void
engine_media(const struct ex_doc *d, struct cand *c)
{
        /* an attribution cue of the document's language starts in the
         * sentence (the sentences tile the text) */
        if (!(d->active[c->sent] & ENGINE_REPORT))
                return;
        size_t lo = d->t.sent[c->sent].start, hi = d->t.sent[c->sent].end;
        for (size_t i = engine_ment_from(d, lo); i < d->nments && d->ments[i].start < hi; i++)
                if (d->ments[i].kind == EK_MEDIA && !(d->ments[i].flags & M_NOISE) && c->nmedia < 4)
                        c->media[c->nmedia++] = (int)i;
}

/* Whether every required role is filled (and a "min" role has its count). */
static bool
engine_complete(const struct cand *c)
{
        if ((c->roles & c->rule->require_set) != c->rule->require_set)
                return false;
        if (c->rule->min_id >= 0) {
                int k = 0;
                for (size_t i = 0; i < c->nargs; i++)
                        k += c->arg_role[i] == c->rule->min_id;
                if (k < c->rule->min_count)
                        return false;
        }
        return true;
}

/* The root of an entity's parent chain. */
static int
engine_root(const struct extractor *x, int e)
{
        for (int guard = 0; guard < 16 && x->ents[e].parent >= 0; guard++)
                e = x->ents[e].parent;
        return e;
}

/* The rule's owner check: a known agent must share the product's family
 * (Nvidia does not release DeepSeek-R1 by putting it on its platform). */
static bool
engine_owner_ok(const struct ex_doc *d, const struct cand *c)
{
        const struct ex_rule *r = c->rule;
        if (r->owner_agent == NULL)
                return true;
        const struct extractor *x = d->x;
        for (size_t i = 0; i < c->nargs; i++) {
                if (c->arg_role[i] != r->owner_agent_id)
                        continue;
                const struct ex_mention *a = mention_resolve(d, &d->ments[c->arg_ment[i]]);
                for (size_t k = 0; k < c->nargs; k++) {
                        if (c->arg_role[k] != r->owner_of_id)
                                continue;
                        const struct ex_mention *p = mention_resolve(d, &d->ments[c->arg_ment[k]]);
                        if (p->entity < 0 || x->ents[p->entity].parent < 0)
                                continue;
                        /* an unknown name does not release a known family's product */
                        if (a->entity < 0 || engine_root(x, p->entity) != engine_root(x, a->entity))
                                return false;
                }
        }
        return true;
}

/* "foreign A P": a company does not adopt its own family's product; a
 * filler of A whose family is that of a known filler of P is dropped. */
static void
engine_foreign(const struct ex_doc *d, struct cand *c)
{
        const struct ex_rule *r = c->rule;
        if (r->foreign_a == NULL)
                return;
        const struct extractor *x = d->x;
        size_t k = 0;
        for (size_t i = 0; i < c->nargs; i++) {
                bool own = false;
                const struct ex_mention *a = mention_resolve(d, &d->ments[c->arg_ment[i]]);
                if (c->arg_role[i] == r->foreign_a_id && a->entity >= 0)
                        for (size_t j = 0; j < c->nargs && !own; j++) {
                                if (c->arg_role[j] != r->foreign_of_id)
                                        continue;
                                const struct ex_mention *p =
                                    mention_resolve(d, &d->ments[c->arg_ment[j]]);
                                own = p->entity >= 0 &&
                                      engine_root(x, p->entity) == engine_root(x, a->entity);
                        }
                if (!own)
                        engine_copy_arg(c, k++, c, i);
        }
        engine_cut_args(c, k);
}

/* The rule's owner fallback: an empty agent of a known product is its
 * family's organisation, when the article names it (DeepSeek-V3 → the nearest
 * mention of DeepSeek). */
static void
engine_owner_fill(const struct ex_doc *d, struct cand *c)
{
        const struct ex_rule *r = c->rule;
        if (r->owner_agent == NULL || engine_filled(c, r->owner_agent_id))
                return;
        const struct extractor *x = d->x;
        for (size_t k = 0; k < c->nargs; k++) {
                if (c->arg_role[k] != r->owner_of_id)
                        continue;
                const struct ex_mention *p = mention_resolve(d, &d->ments[c->arg_ment[k]]);
                if (p->entity < 0 || x->ents[p->entity].parent < 0)
                        continue;
                int root = engine_root(x, p->entity);
                if (x->ents[root].kind != EK_ORG)
                        continue;
                size_t at = engine_ment_from(d, c->trig_start);
                /* a known name of another family opening the trigger's clause
                 * puts the product on its platform (千帆平台上线DeepSeek-R1):
                 * an adoption, no release by the owner */
                size_t clo = d->t.clause[text_clause_of(&d->t, c->trig_start)].start;
                for (size_t i = at; i-- > 0;) {
                        const struct ex_mention *m = &d->ments[i];
                        if (m->end <= clo)
                                break;
                        if (m->flags & M_NOISE)
                                continue;
                        const struct ex_mention *mr = mention_resolve(d, m);
                        if (mr->entity >= 0 && engine_root(x, mr->entity) != root)
                                return;
                }
                /* the nearest mention of an organisation of that family */
                int best = -1;
                size_t bestd = (size_t)-1;
                size_t lo = at > 400 ? at - 400 : 0,
                       hi = at + 200 < d->nments ? at + 200 : d->nments;
                for (size_t i = lo; i < hi; i++) {
                        const struct ex_mention *m = &d->ments[i];
                        if (m->entity < 0 || x->ents[m->entity].kind != EK_ORG ||
                            engine_root(x, m->entity) != root || (m->flags & M_NOISE))
                                continue;
                        size_t dist = i < at ? at - i : (i - at) * 2;
                        if (dist < bestd) {
                                bestd = dist;
                                best = (int)i;
                        }
                }
                if (best >= 0)
                        engine_add_arg(d, c, r->owner_agent_id, best);
                return;
        }
}

/* Build the candidate of one trigger hit; false when it makes none. */
static bool
engine_candidate(const struct ex_doc *d, const struct ex_hit *hit, const struct engine_at *at,
                 struct engine_insent *in, struct cand *c)
{
        const struct extractor *x = d->x;
        const struct ex_trigger *tr = &x->trigs[hit->pay & 0xffffff];
        if (tr->lang != d->lang)
                return false;
        /* the scalars only: the arrays are read up to their counts, and
         * zeroing the whole (large) candidate showed in profiles */
        c->type = c->modality = NULL;
        c->nargs = c->nattrs = c->nqty = c->nmedia = 0;
        c->roles = 0;
        c->complete = c->dead = false;
        c->part = 0;
        c->confidence = 0;
        c->rule = &x->rules[tr->rule];
        c->trig_start = hit->start;
        c->trig_end = hit->end;
        c->sent = at->sent;
        c->time = -1;
        if (!engine_trigger_ok(d, tr, hit->start, hit->end, c->sent))
                return false;
        const struct ex_rule *r = c->rule;
        for (size_t i = 0; i < r->nroles[d->lang]; i++) {
                const struct ex_role *ro = &r->roles[d->lang][i];
                if (!ro->add && engine_filled(c, ro->id))
                        continue;
                engine_role(d, c, ro, at);
        }
        engine_owner_fill(d, c);
        /* no filler now, none later (the steps below drop fillers, and
         * engine_owner_fill adds one only for a filler of the owned role):
         * only a weak trigger makes a candidate without one */
        if (c->nargs == 0 && !tr->weak)
                return false;
        c->modality = engine_modality(d, tr, hit->start, hit->end, c->sent, at->cl);
        c->type = r->type_canon; /* one pointer per type name (rules.c) */
        if (r->planned_type != NULL && (engine_modality_is(c->modality, "planned") ||
                                        engine_modality_is(c->modality, "likely")))
                c->type = r->planned_canon;
        c->time = engine_time(d, hit->start, hit->end, c->sent, at->cl);
        engine_attrs(d, c, tr, at->cl, in);
        engine_media(d, c);
        engine_foreign(d, c);
        if (!engine_owner_ok(d, c)) {
                /* an unknown name before the trigger is no releaser of a known
                 * family's product (大会…正式发布豆包1.6): drop it, try the
                 * family's organisation; one after "by" stays (and fails) */
                size_t k = 0;
                for (size_t i = 0; i < c->nargs; i++)
                        if (c->arg_role[i] != r->owner_agent_id ||
                            d->ments[c->arg_ment[i]].start > c->trig_start ||
                            mention_resolve(d, &d->ments[c->arg_ment[i]])->entity >= 0)
                                engine_copy_arg(c, k++, c, i);
                engine_cut_args(c, k);
                engine_owner_fill(d, c);
                if (!engine_owner_ok(d, c))
                        return false;
        }
        c->complete = engine_complete(c) && !tr->weak;
        c->confidence = r->confidence;
        if (c->nargs == 0)
                return tr->weak || r->require.n > 0 ? c->nargs > 0 || tr->weak : false;
        return true;
}

/* Attach each quantity of a sentence to the nearest candidate of that sentence. */
static void
engine_quantities(const struct ex_doc *d, struct cand *cs, size_t n)
{
        size_t last = 0, last_sent = 0; /* the previous quantity's first candidate */
        for (size_t q = 0; q < d->nqtys; q++) {
                const struct ex_qty *qt = &d->qtys[q];
                size_t sent = text_sentence_of(&d->t, qt->start);
                struct cand *best = NULL;
                size_t bestd = (size_t)-1;
                /* candidates are in text order: find the sentence's first one;
                 * the quantities come in text order too, so it lies a few
                 * places after the previous one's, which a galloping search
                 * finds reading few candidates (each of its own cache line) */
                size_t lo = 0, hi = last;
                if (sent >= last_sent) {
                        lo = last;
                        hi = n;
                        for (size_t b = lo, step = 1; b < hi; b += step, step *= 2) {
                                if (cs[b].sent >= sent) {
                                        hi = b + 1;
                                        break;
                                }
                                lo = b + 1;
                        }
                }
                while (lo < hi) {
                        size_t mid = (lo + hi) / 2;
                        if (cs[mid].sent < sent)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                last = lo;
                last_sent = sent;
                for (size_t i = lo; i < n && cs[i].sent == sent; i++) {
                        struct cand *c = &cs[i];
                        if (c->dead || !c->complete)
                                continue;
                        size_t dist = qt->start >= c->trig_end  ? qt->start - c->trig_end
                                      : c->trig_start > qt->end ? c->trig_start - qt->end
                                                                : 0;
                        if (dist < bestd) {
                                bestd = dist;
                                best = c;
                        }
                }
                if (best != NULL && best->nqty < ENGINE_MAX_QTY)
                        best->qty[best->nqty++] = (int)q;
        }
}

/* The fillers of role (an id) in c (mention indices), at most max. */
static size_t
engine_role_ments(const struct cand *c, int role, int *ms, size_t max)
{
        size_t n = 0;
        if (!engine_filled(c, role))
                return 0;
        for (size_t i = 0; i < c->nargs && n < max; i++)
                if (c->arg_role[i] == role)
                        ms[n++] = c->arg_ment[i];
        return n;
}

/* Whether two filler sets (of docs da, db) are equal as sets of ids ("" for
 * none); inter: whether they share one. */
static bool
engine_sets(const struct ex_doc *da, const int *a, size_t na, const struct ex_doc *db, const int *b,
            size_t nb, bool *inter)
{
        size_t common = 0;
        for (size_t i = 0; i < na; i++)
                for (size_t j = 0; j < nb; j++)
                        if (engine_ment_eq(da, a[i], db, b[j], true)) {
                                common++;
                                break;
                        }
        *inter = common > 0;
        return common == na && na == nb;
}

static bool engine_time_conflict(const struct ex_doc *de, const struct cand *e,
                                 const struct ex_doc *dc, const struct cand *c);
static unsigned engine_same(const struct ex_doc *de, const struct cand *e, const struct ex_doc *dc,
                            const struct cand *c);
static bool engine_rank_conflict(const struct ex_doc *d, const struct cand *e,
                                 const struct cand *c);

/* Whether quantity q is of the kind named (its first letter tells most). */
static inline bool
engine_qty_is(const struct ex_qty *q, const char *kind)
{
        return q->kind[0] == kind[0] && strcmp(q->kind, kind) == 0;
}

/* Whether two candidates of a figure (market.milestone) give different
 * figures: both hold money (or counts) and share no value of that kind. */
static bool
engine_qty_conflict(const struct ex_doc *de, const struct cand *e, const struct ex_doc *dc,
                    const struct cand *c)
{
        static const char *kinds[] = {"money", "count"};
        for (size_t k = 0; k < 2; k++) {
                bool ea = false, ca = false, shared = false;
                for (size_t i = 0; i < e->nqty; i++) {
                        const struct ex_qty *a = &de->qtys[e->qty[i]];
                        if (!engine_qty_is(a, kinds[k]))
                                continue;
                        ea = true;
                        for (size_t j = 0; j < c->nqty; j++) {
                                const struct ex_qty *b = &dc->qtys[c->qty[j]];
                                if (!engine_qty_is(b, kinds[k]))
                                        continue;
                                ca = true;
                                if (a->value == b->value)
                                        shared = true;
                        }
                }
                if (!ea)
                        for (size_t j = 0; j < c->nqty; j++)
                                if (engine_qty_is(&dc->qtys[c->qty[j]], kinds[k]))
                                        ca = true;
                if (ea && ca && !shared)
                        return true;
        }
        return false;
}

/* What engine_same finds: a later candidate is the same happening as an
 * earlier event loosely (a shared key filler) or strictly (equal key
 * fillers), neither when they conflict. */
#define ENGINE_SAME_LOOSE  1u
#define ENGINE_SAME_STRICT 2u

/* A small hash of the id of each mention of a document, for the merge's
 * quick test of two filler sets (engine_same): bit b (0..63) of a 64-bit
 * set, found on first use (ENGINE_BIT_UNSET before); equal ids (as
 * engine_ment_eq compares them, two without one equal) give equal bits.
 * ENGINE_BIT_ANY: a lexicon id of the shape of a hash id, which a name's
 * hash id could equal (engine_ment_eq then derives it); such a set is not
 * tested quickly. */
#define ENGINE_BIT_ANY   EX_ID_BIT_ANY
#define ENGINE_BIT_UNSET 255

/* The bit of mention mi of doc d (bits: the document's cache). Its id
 * decides it as engine_ment_eq compares: none counts as ""; a lexicon id
 * and an unknown name's id that is no hash by their text; an unknown name
 * whose id is (or will be) a hash by the name's text, as engine_ment_eq
 * compares two such names; a lexicon id that looks like a hash, any. */
static unsigned
engine_ment_bit(const struct ex_doc *d, uint8_t *bits, int mi)
{
        if (bits[mi] != ENGINE_BIT_UNSET)
                return bits[mi];
        const struct ex_mention *r = mention_resolve(d, &d->ments[mi]);
        unsigned b;
        if (engine_no_id(r)) {
                b = ex_id_bit("", (size_t)-1);
        } else if (r->entity >= 0) {
                b = d->x->ents[r->entity].id_bit; /* found at load */
        } else {
                const char *id = engine_cheap_id(d, r);
                if (id == NULL || ex_hash_shaped(id))
                        b = ex_id_bit(d->t.s + r->start, r->end - r->start);
                else
                        b = ex_id_bit(id, (size_t)-1);
        }
        bits[mi] = (uint8_t)b;
        return b;
}

/* The fillers of role in c as engine_same's quick test reads them: their
 * number, their bits, and whether one is ENGINE_BIT_ANY. */
struct engine_sig {
        size_t n;
        uint64_t set;
        bool any;
};

/* The engine_sig of the fillers of role (an id) in c of doc d. */
static struct engine_sig
engine_role_sig(const struct ex_doc *d, uint8_t *bits, const struct cand *c, int role)
{
        struct engine_sig g = {0, 0, false};
        if (!engine_filled(c, role))
                return g;
        for (size_t i = 0; i < c->nargs; i++) {
                if (c->arg_role[i] != role)
                        continue;
                unsigned b = engine_ment_bit(d, bits, c->arg_ment[i]);
                g.n++;
                if (b == ENGINE_BIT_ANY)
                        g.any = true;
                else
                        g.set |= (uint64_t)1 << b;
        }
        return g;
}

/* What the merge's inner loop reads of a candidate, packed in an array of
 * their own (a long article makes tens of thousands of candidates, and most
 * pairs of them are told apart from these alone). */
struct engine_mk {
        size_t sent;
        bool dead;
        bool keyed; /* the fields below are set (engine_mk_key) */
        bool any;   /* a key filler has ENGINE_BIT_ANY */
        uint8_t nkeys;
        uint64_t key_set; /* its rule's key roles */
        uint64_t keys;    /* the bits of its key fillers, each moved by its role */
};

/* Set the key fields of the engine_mk of candidate c of doc d, once (the
 * bits of its fillers are found on first use: many a candidate of a short
 * document is never asked). */
static void
engine_mk_key(const struct ex_doc *d, uint8_t *bits, const struct cand *c, struct engine_mk *mk)
{
        if (mk->keyed)
                return;
        mk->keyed = true;
        mk->keys = 0;
        mk->key_set = c->rule->key_set;
        mk->nkeys = 0;
        mk->any = false;
        for (size_t i = 0; i < c->nargs; i++) {
                unsigned role = c->arg_role[i];
                if (!(mk->key_set >> role & 1))
                        continue;
                unsigned b = engine_ment_bit(d, bits, c->arg_ment[i]);
                mk->nkeys++;
                if (b == ENGINE_BIT_ANY)
                        mk->any = true;
                else
                        mk->keys |= (uint64_t)1 << ((b + role * 13) & 63);
        }
}

/* Whether a later candidate (c) may have the key fillers of an earlier one
 * (e), as ENGINE_SAME_STRICT asks: false when e's rule has no key, or when
 * both rules have the same keys and the two have different numbers of key
 * fillers or one of e's bits c lacks (equal ids give equal bits). */
static bool
engine_mk_may_equal(const struct engine_mk *e, const struct engine_mk *c)
{
        if (e->key_set == 0)
                return false;
        if (e->key_set != c->key_set || e->any || c->any)
                return true;
        return e->nkeys == c->nkeys && (e->keys & ~c->keys) == 0;
}

/* How a later candidate c relates to an earlier event e of the same type:
 * ENGINE_SAME_* bits, found in one pass for both tests; only the bits of
 * need are sure (the others may be left 0). bits: the mention bits of d
 * (engine_ment_bit), which e and c both come from. */
static unsigned
engine_same_in(const struct ex_doc *d, uint8_t *bits, const struct cand *e, const struct cand *c,
               unsigned need)
{
        const struct ex_rule *r = e->rule;
        /* first the quick test of the key fillers: sets that share no bit
         * share no id (a conflict: nothing is the same), sets of different
         * sizes or with a bit of e's that c lacks are not equal */
        bool may_equal = r->key.n > 0, may_inter = r->key.n == 0;
        for (size_t k = 0; k < r->key.n; k++) {
                int role = r->key_id[k];
                if (!engine_filled(e, role) && !engine_filled(c, role))
                        continue; /* equal, and no shared filler */
                struct engine_sig a = engine_role_sig(d, bits, e, role);
                struct engine_sig b = engine_role_sig(d, bits, c, role);
                bool any = a.any || b.any;
                if (a.n > 0 && b.n > 0) {
                        if (!any && (a.set & b.set) == 0)
                                return 0;
                        may_inter = true;
                }
                if (a.n != b.n || (!any && (a.set & ~b.set) != 0))
                        may_equal = false;
        }
        unsigned may = (may_inter ? ENGINE_SAME_LOOSE : 0) | (may_equal ? ENGINE_SAME_STRICT : 0);
        if ((may & need) == 0 || engine_time_conflict(d, e, d, c))
                return 0;
        return engine_same(d, e, d, c);
}

/* How a later candidate c relates to an earlier event e of the same type:
 * ENGINE_SAME_* bits, found in one pass for both tests. */
static unsigned
engine_same(const struct ex_doc *de, const struct cand *e, const struct ex_doc *dc,
            const struct cand *c)
{
        const struct ex_rule *r = e->rule;
        bool all_equal = true, any_inter = false, conflict = false;
        for (size_t k = 0; k < r->key.n; k++) {
                int a[ENGINE_MAX_ARGS], b[ENGINE_MAX_ARGS];
                size_t na = engine_role_ments(e, r->key_id[k], a, ENGINE_MAX_ARGS);
                size_t nb = engine_role_ments(c, r->key_id[k], b, ENGINE_MAX_ARGS);
                bool inter;
                bool eq = engine_sets(de, a, na, dc, b, nb, &inter);
                if (!eq)
                        all_equal = false;
                if (inter)
                        any_inter = true;
                if (na > 0 && nb > 0 && !inter)
                        conflict = true;
        }
        /* Different attribute values are different happenings (unless the rule
         * merges within a sentence: 加盟…出任 is one move). */
        bool sentence_merge = r->merge_sentence && e->sent == c->sent && de == dc;
        for (size_t i = 0; i < e->nattrs && !sentence_merge; i++)
                for (size_t j = 0; j < c->nattrs; j++)
                        if (strcmp(e->attrs[i]->key, c->attrs[j]->key) == 0 &&
                            strcmp(e->attrs[i]->value, c->attrs[j]->value) != 0)
                                conflict = true;
        if (engine_time_conflict(de, e, dc, c) || (de == dc && engine_rank_conflict(de, e, c)))
                conflict = true;
        if (r->needqty && engine_qty_conflict(de, e, dc, c))
                conflict = true;
        if (conflict)
                return 0;
        return (any_inter || r->key.n == 0 ? ENGINE_SAME_LOOSE : 0) |
               (all_equal && r->key.n > 0 ? ENGINE_SAME_STRICT : 0);
}

/* Whether e and c carry different, non-vague times. */
static bool
engine_time_conflict(const struct ex_doc *de, const struct cand *e, const struct ex_doc *dc,
                     const struct cand *c)
{
        if (e->time < 0 || c->time < 0 || de != dc || e->time == c->time)
                return false;
        const struct ex_time *a = &de->times[e->time], *b = &dc->times[c->time];
        if (a->prec == TP_VAGUE || b->prec == TP_VAGUE)
                return false;
        return a->y != b->y || a->m != b->m || a->d != b->d || a->sub != b->sub;
}

/* Whether e and c hold different ranks (third overall, first among open models). */
static bool
engine_rank_conflict(const struct ex_doc *d, const struct cand *e, const struct cand *c)
{
        for (size_t i = 0; i < e->nqty; i++) {
                const struct ex_qty *a = &d->qtys[e->qty[i]];
                if (!engine_qty_is(a, "rank"))
                        continue;
                for (size_t k = 0; k < c->nqty; k++) {
                        const struct ex_qty *b = &d->qtys[c->qty[k]];
                        if (engine_qty_is(b, "rank") && a->value != b->value)
                                return true;
                }
        }
        return false;
}

/* Whether every filler of c is already a filler of e (any role). */
static bool
engine_subset(const struct ex_doc *d, const struct cand *e, const struct cand *c)
{
        if (engine_time_conflict(d, e, d, c) || engine_rank_conflict(d, e, c))
                return false;
        if (c->nargs == 0)
                return true;
        for (size_t i = 0; i < c->nargs; i++)
                if (!engine_has(d, e, c->arg_ment[i]))
                        return false;
        return true;
}

/* Merge candidate c (of doc dc) into e (of doc de): fill what e lacks. */
static void
engine_merge(struct ex_doc *de, struct cand *e, const struct ex_doc *dc, const struct cand *c)
{
        if (de == dc) {
                /* an incomplete candidate only lends its time, quantities and attributes */
                for (size_t i = 0; i < c->nargs && (c->complete || c->rule->lend); i++)
                        engine_add_arg(de, e, c->arg_role[i], c->arg_ment[i]);
                if (e->time < 0 || (de->times[e->time].prec == TP_VAGUE && c->time >= 0))
                        e->time = c->time;
                for (size_t i = 0; i < c->nqty && e->nqty < ENGINE_MAX_QTY; i++)
                        e->qty[e->nqty++] = c->qty[i];
                for (size_t i = 0; i < c->nmedia && e->nmedia < 4; i++)
                        e->media[e->nmedia++] = c->media[i];
        }
        for (size_t j = 0; j < c->nattrs && e->nattrs < 8; j++) {
                bool have = false;
                for (size_t i = 0; i < e->nattrs; i++)
                        if (strcmp(e->attrs[i]->key, c->attrs[j]->key) == 0)
                                have = true;
                if (!have)
                        e->attrs[e->nattrs++] = c->attrs[j];
        }
        e->complete = e->complete || engine_complete(e);
        e->confidence += (1 - e->confidence) * 0.2; /* restated: more sure */
}

/* Title candidates only complete body events: args they lack come as copies. */
struct title_arg {
        size_t event;
        int role; /* id */
        char *id, *text;
};

/* The display text of a mention (resolved). */
static char *
engine_ment_text(const struct ex_doc *d, const struct ex_mention *m)
{
        m = mention_resolve(d, m);
        return ex_xstrndup(d->t.s + m->start, m->end - m->start);
}

/* Scratch buffers that one run reuses for every event it makes (no
 * allocation per string): each use overwrites what the last one left. */
struct engine_bufs {
        struct ex_buf out; /* the summary, then the id seed */
        struct ex_buf big; /* a C string of engine_cstr too long for small */
        char small[256];   /* one that fits (most: names, times, quantities) */
};

/* s[0..n) as a C string in bufs (valid until the next engine_cstr). */
static const char *
engine_cstr(struct engine_bufs *bufs, const char *s, size_t n)
{
        if (n < sizeof bufs->small) {
                memcpy(bufs->small, s, n);
                bufs->small[n] = '\0';
                return bufs->small;
        }
        bufs->big.len = 0;
        ex_buf_add(&bufs->big, s, n);
        return bufs->big.data;
}

/* Cut buffer b back to its first n bytes. */
static void
engine_buf_cut(struct ex_buf *b, size_t n)
{
        b->len = n;
        if (b->data != NULL)
                b->data[n] = '\0';
}

/* Append the decimal digits of v. */
static void
engine_add_num(struct ex_buf *b, size_t v)
{
        char dig[24];
        size_t k = sizeof dig;
        do {
                dig[--k] = (char)('0' + v % 10);
                v /= 10;
        } while (v > 0);
        ex_buf_add(b, dig + k, sizeof dig - k);
}

/* Append the English display name of a mention for summaries. */
static void
engine_display(const struct ex_doc *d, const struct ex_mention *m, struct ex_buf *b)
{
        m = mention_resolve(d, m);
        if (m->entity >= 0 && d->x->ents[m->entity].display != NULL)
                ex_buf_adds(b, d->x->ents[m->entity].display);
        else
                ex_buf_add(b, d->t.s + m->start, m->end - m->start);
}

/* An attribute value as words for a summary (shutdown → shut down). */
static const char *
engine_attr_display(const char *v)
{
        static const char *map[][2] = {
            {"shutdown", "shut down"},        {"open-source", "open source"},
            {"ga", "generally available"},    {"fine-tune", "fine-tuning"},
            {"based-on", "a base model"},     {"mau", "monthly active users"},
            {"dau", "daily active users"},    {"export-control", "export controls"},
            {"market-value", "market value"},
        };
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
                if (strcmp(v, map[i][0]) == 0)
                        return map[i][1];
        return v;
}

/* Whether the placeholder name nm[0..n) is the string s. */
static inline bool
engine_name_is(const char *nm, size_t n, const char *s)
{
        /* the first byte tells most apart; nm holds no NUL, so a shorter s
         * differs at its end */
        if (n == 0 || s[0] != nm[0])
                return n == 0 && s[0] == '\0';
        return strncmp(s + 1, nm + 1, n - 1) == 0 && s[n] == '\0';
}

/* The template bytes a run of literal text stops at: its end, '[', '{', and
 * ']', which closes a [..] part (outside one, it starts the next run). */
static const bool engine_tpl_stop[256] = {['\0'] = true, ['['] = true, ['{'] = true, [']'] = true};

/* Whether the placeholder name nm[0..n) is the literal lit. */
#define ENGINE_NAME_LIT(nm, n, lit) ((n) == sizeof lit - 1 && memcmp(nm, lit, sizeof lit - 1) == 0)

/* Render one summary template into out: {role} fillers (English names),
 * {time}, {qty} (the most telling quantity), {qty.KIND} (one of that kind
 * only), {attr.KEY}, {type}; a [..] part drops when a placeholder in it is
 * empty; a template opening with "(K=V)" applies only when attribute K is V.
 * Returns false when strict and a placeholder outside [..] is empty. A [..]
 * part is written to out as it comes, and cut off again (at opt) when one
 * of its placeholders is empty. */
static bool
engine_render(const struct ex_doc *d, const struct cand *c, const char *tpl, const char *timev,
              bool strict, struct ex_buf *out)
{
        /* "(K=V) text": only when attribute K is V */
        if (tpl[0] == '(') {
                const char *eq = strchr(tpl, '='), *close = strchr(tpl, ')');
                if (eq == NULL || close == NULL || eq > close)
                        return false;
                const char *v = NULL;
                for (size_t i = 0; i < c->nattrs; i++)
                        if (strlen(c->attrs[i]->key) == (size_t)(eq - tpl - 1) &&
                            strncmp(c->attrs[i]->key, tpl + 1, (size_t)(eq - tpl - 1)) == 0)
                                v = c->attrs[i]->value;
                if (v == NULL || strlen(v) != (size_t)(close - eq - 1) ||
                    strncmp(v, eq + 1, (size_t)(close - eq - 1)) != 0)
                        return false;
                tpl = close + 1;
                while (*tpl == ' ')
                        tpl++;
        }
        bool in_opt = false, opt_empty = false;
        size_t opt = 0; /* where the [..] part being read starts in out */
        struct ex_buf *b = out;
        for (const char *p = tpl; *p;) {
                if (*p == '[') {
                        if (in_opt)
                                engine_buf_cut(out, opt); /* a part left open: dropped */
                        in_opt = true;
                        opt_empty = false;
                        opt = out->len;
                        p++;
                        continue;
                }
                if (*p == ']' && in_opt) {
                        if (opt_empty)
                                engine_buf_cut(out, opt);
                        in_opt = false;
                        p++;
                        continue;
                }
                if (*p != '{') {
                        /* literal text up to the next special character */
                        size_t k = 1;
                        while (!engine_tpl_stop[(unsigned char)p[k]])
                                k++;
                        ex_buf_add(b, p, k);
                        p += k;
                        continue;
                }
                const char *e = strchr(p, '}');
                if (e == NULL)
                        break;
                /* the placeholder's name: nm[0..n), at most 63 bytes */
                const char *nm = p + 1;
                size_t n = (size_t)(e - nm) < 63 ? (size_t)(e - nm) : 63;
                const char *ask;
                size_t before = b->len;
                if (ENGINE_NAME_LIT(nm, n, "type")) {
                        ex_buf_adds(b, c->type);
                } else if (ENGINE_NAME_LIT(nm, n, "time")) {
                        if (timev != NULL && *timev) {
                                char tb[48];
                                timex_display(timev, tb, sizeof tb);
                                ex_buf_adds(b, tb);
                        }
                } else if (n >= 3 && memcmp(nm, "qty", 3) == 0) {
                        /* the most telling quantity: money, then counts... */
                        static const char *order[] = {"money",   "count",    "multiple",
                                                      "percent", "duration", "rank"};
                        bool only = n > 3 && nm[3] == '.'; /* {qty.KIND}: that kind only */
                        const struct ex_qty *q = NULL;
                        for (size_t o = 0; o < 6 && q == NULL; o++) {
                                if (only && !engine_name_is(nm + 4, n - 4, order[o]))
                                        continue;
                                for (size_t i = 0; i < c->nqty && q == NULL; i++)
                                        if (engine_qty_is(&d->qtys[c->qty[i]], order[o]))
                                                q = &d->qtys[c->qty[i]];
                        }
                        if (q != NULL)
                                quant_display(q, b);
                } else if (n >= 5 && memcmp(nm, "attr.", 5) == 0) {
                        for (size_t i = 0; i < c->nattrs; i++)
                                if (engine_name_is(nm + 5, n - 5, c->attrs[i]->key)) {
                                        ex_buf_adds(b, engine_attr_display(c->attrs[i]->value));
                                        break;
                                }
                } else if ((ask = memchr(nm, '?', n)) != NULL) {
                        /* {ROLE?ONE:MANY}: agreement with the number of fillers
                         * ({agent?invests:invest}) */
                        size_t rl = (size_t)(ask - nm);
                        const char *one = ask + 1, *end = nm + n;
                        const char *colon = memchr(one, ':', (size_t)(end - one));
                        size_t k = 0;
                        for (size_t i = 0; i < c->nargs; i++)
                                if (engine_name_is(nm, rl, d->x->role_names[c->arg_role[i]]))
                                        k++;
                        if (colon != NULL)
                                ex_buf_add(b, k == 1 ? one : colon + 1,
                                           k == 1 ? (size_t)(colon - one)
                                                  : (size_t)(end - colon - 1));
                        else if (k == 1)
                                ex_buf_add(b, one, (size_t)(end - one));
                        if (b->len == before)
                                before = (size_t)-1; /* an empty form is no empty role */
                } else {
                        /* the fillers in the order of the text */
                        size_t idx[ENGINE_MAX_ARGS], total = 0;
                        for (size_t i = 0; i < c->nargs; i++) {
                                if (!engine_name_is(nm, n, d->x->role_names[c->arg_role[i]]))
                                        continue;
                                size_t j = total++;
                                while (j > 0 && d->ments[c->arg_ment[idx[j - 1]]].start >
                                                    d->ments[c->arg_ment[i]].start) {
                                        idx[j] = idx[j - 1];
                                        j--;
                                }
                                idx[j] = i;
                        }
                        for (size_t k = 0; k < total; k++) {
                                size_t i = idx[k];
                                /* A, B and C */
                                if (k > 0)
                                        ex_buf_adds(b, k + 1 == total ? " and " : ", ");
                                engine_display(d, &d->ments[c->arg_ment[i]], b);
                        }
                }
                if (before != (size_t)-1 && b->len == before) {
                        if (in_opt)
                                opt_empty = true;
                        else if (strict)
                                return false; /* the rest cannot make it fill */
                }
                p = e + 1;
        }
        if (in_opt)
                engine_buf_cut(out, opt); /* a part never closed: dropped */
        return true;
}

/* The summary: the first template of the modality's slots (negated: its own,
 * likely: its own then planned, planned: its own; then the plain ones) whose
 * placeholders all fill; else the last plain one without the empty parts.
 * The text lies in bufs->out (or is the type), valid until its next use. */
static const char *
engine_summary(const struct ex_doc *d, const struct cand *c, const char *timev,
               struct engine_bufs *bufs)
{
        const struct ex_rule *r = c->rule;
        int slots[3] = {0, -1, -1};
        if (engine_modality_is(c->modality, "negated")) {
                slots[0] = 3;
                slots[1] = 0;
        } else if (engine_modality_is(c->modality, "likely")) {
                slots[0] = 2;
                slots[1] = 1;
                slots[2] = 0;
        } else if (engine_modality_is(c->modality, "planned")) {
                slots[0] = 1;
                slots[1] = 0;
        }
        struct ex_buf *out = &bufs->out;
        for (int k = 0; k < 3 && slots[k] >= 0; k++)
                for (size_t i = 0; i < r->nsummary[slots[k]]; i++) {
                        out->len = 0;
                        if (engine_render(d, c, r->summary[slots[k]][i], timev, true, out)) {
                                if (slots[k] == 0 && engine_modality_is(c->modality, "negated"))
                                        ex_buf_adds(out, " (denied)");
                                return out->data != NULL ? out->data : "";
                        }
                }
        out->len = 0;
        if (r->nsummary[0] > 0)
                engine_render(d, c, r->summary[0][r->nsummary[0] - 1], timev, false, out);
        /* no empty placeholder leaves a hole: collapse blanks (in place) */
        size_t n = 0;
        for (size_t i = 0; i < out->len; i++) {
                if (out->data[i] == ' ' && (n == 0 || out->data[n - 1] == ' '))
                        continue;
                out->data[n++] = out->data[i];
        }
        while (n > 0 && out->data[n - 1] == ' ')
                n--;
        if (n == 0)
                return c->type;
        out->len = n;
        out->data[n] = '\0';
        return out->data;
}

/* Whether a planned/likely cue ends right before offset i (将于6月30日). */
static bool
engine_cue_before(const struct ex_doc *d, size_t i)
{
        for (size_t h = mention_hit_from(d, i > 12 ? i - 12 : 0); h < d->nhits; h++) {
                const struct ex_hit *hit = &d->hits[h];
                if (hit->start >= i)
                        break;
                if ((hit->pay >> 24) != PAY_CUE || hit->end > i || i - hit->end > 4)
                        continue;
                int k = d->x->cues[hit->pay & 0xffffff].kind;
                if (k == CUE_PLANNED || k == CUE_LIKELY)
                        return true;
        }
        return false;
}

/* Make the nw_event of a candidate. */
static struct nw_event *
engine_event(struct ex_doc *d, const struct article *a, const struct cand *c,
             const struct title_arg *extra, size_t nextra, size_t self, struct engine_bufs *bufs)
{
        struct nw_event *ev = nw_event_new();
        nw_event_set_type(ev, c->type);
        if (!engine_modality_is(c->modality, "asserted")) /* nw_event_new's */
                nw_event_set_modality(ev, c->modality);
        for (size_t i = 0; i < c->nargs; i++) {
                const struct ex_mention *m = &d->ments[c->arg_ment[i]];
                const struct ex_mention *r = mention_resolve(d, m);
                const char *text = engine_cstr(bufs, d->t.s + r->start, r->end - r->start);
                nw_event_add_arg(ev, d->x->role_names[c->arg_role[i]], mention_id(d, m), text);
        }
        for (size_t i = 0; i < nextra; i++)
                if (extra[i].event == self)
                        nw_event_add_arg(ev, d->x->role_names[extra[i].role], extra[i].id,
                                         extra[i].text);
        for (size_t i = 0; i < c->nattrs; i++)
                nw_event_set_attr(ev, c->attrs[i]->key, c->attrs[i]->value);
        char tv[32] = "";
        if (c->time >= 0) {
                struct ex_time tm = d->times[c->time];
                if (tm.rel_month) {
                        /* 同月: the month of the previous dated time */
                        for (int k = c->time - 1; k >= 0; k--)
                                if (d->times[k].prec >= TP_MONTH && !d->times[k].rel_month &&
                                    d->times[k].prec != TP_SUB) {
                                        tm.y = d->times[k].y;
                                        tm.m = d->times[k].m;
                                        tm.year_implied = d->times[k].year_implied;
                                        break;
                                }
                        if (tm.m == 0)
                                tm.prec = TP_VAGUE;
                }
                /* a plan's date lies ahead when it follows the trigger or a plan cue (将于) */
                bool future = (engine_modality_is(c->modality, "planned") ||
                               engine_modality_is(c->modality, "likely")) &&
                              (tm.start >= c->trig_end || engine_cue_before(d, tm.start));
                timex_value(&tm, &d->pub, future, tv, sizeof tv);
                nw_event_set_time(ev, tv[0] ? tv : NULL,
                                  engine_cstr(bufs, d->t.s + tm.start, tm.end - tm.start));
        }
        for (size_t i = 0; i < c->nqty; i++) {
                const struct ex_qty *q = &d->qtys[c->qty[i]];
                bool dup = false;
                for (size_t k = 0; k < i; k++)
                        if (c->qty[k] == c->qty[i])
                                dup = true;
                if (dup)
                        continue;
                nw_event_add_quantity(ev, q->kind, q->value, q->unit,
                                      engine_cstr(bufs, d->t.s + q->start, q->end - q->start));
        }
        for (size_t i = 0; i < c->nmedia; i++) {
                const struct ex_mention *m = &d->ments[c->media[i]];
                bool dup = false;
                for (size_t k = 0; k < i; k++)
                        if (d->ments[c->media[k]].entity == m->entity)
                                dup = true;
                if (dup)
                        continue;
                const struct ex_mention *r = mention_resolve(d, m);
                nw_event_add_reported_by(ev, mention_id(d, m),
                                         engine_cstr(bufs, d->t.s + r->start, r->end - r->start));
        }
        nw_event_set_summary(ev, engine_summary(d, c, tv, bufs));
        /* Evidence: the sentence, as offsets into the original body. */
        const struct ex_span *sp = &d->t.sent[c->sent];
        size_t s = sp->start, e = sp->end;
        while (s < e && (d->t.s[s] == ' ' || d->t.s[s] == '\n'))
                s++;
        while (e > s && (d->t.s[e - 1] == ' ' || d->t.s[e - 1] == '\n'))
                e--;
        size_t os = text_orig(&d->t, s), oe = text_orig(&d->t, e);
        if (e > s && e <= d->t.len) {
                /* end: one past the last byte of the last character */
                size_t last = text_orig(&d->t, e - 1);
                int k;
                ex_cp_at(d->t.orig, d->t.orig_len, last, &k);
                if (last + (size_t)k > oe || oe < last)
                        oe = last + (size_t)k;
        }
        if (oe < os)
                oe = os;
        nw_event_set_evidence(ev, d->t.orig + os, oe - os, os, oe);
        /* Confidence: the rule's, more when complete with known entities. */
        double conf = c->confidence;
        size_t known = 0;
        for (size_t i = 0; i < c->nargs; i++)
                if (mention_resolve(d, &d->ments[c->arg_ment[i]])->entity >= 0)
                        known++;
        if (c->nargs > 0)
                conf += 0.1 * (double)known / (double)c->nargs;
        if (!c->complete)
                conf -= 0.2;
        if (conf > 0.99)
                conf = 0.99;
        if (conf < 0.05)
                conf = 0.05;
        ev->confidence = conf;
        struct nw_article_ref ar = {(char *)a->id, a->url,    a->title,
                                    a->published,  a->source, a->lang};
        nw_event_set_article(ev, &ar);
        /* Deterministic id: article, type, sentence offset, trigger offset. */
        struct ex_buf *seed = &bufs->out; /* the summary is copied */
        seed->len = 0;
        ex_buf_adds(seed, a->id);
        ex_buf_add(seed, "|", 1);
        ex_buf_adds(seed, c->type);
        ex_buf_add(seed, "|", 1);
        engine_add_num(seed, os);
        ex_buf_add(seed, "|", 1);
        engine_add_num(seed, c->trig_start);
        if (c->part > 0) {
                ex_buf_add(seed, "|", 1);
                engine_add_num(seed, (size_t)c->part);
        }
        char hex[65];
        nw_sha256_hex(seed->data, seed->len, hex);
        hex[16] = '\0'; /* the id: the first 16 hex digits */
        nw_event_set_id(ev, hex);
        return ev;
}

/* A purchase of several targets (收购了A、B和C) is one finance event per
 * target: split the candidate at out[*n - 1] into one per target filler. */
static void
engine_split(const struct extractor *x, struct engine_cands *cs)
{
        struct cand *c = &cs->v[cs->n - 1];
        if (c->rule->type[0] != 'f' || strncmp(c->rule->type, "finance.", 8) != 0)
                return;
        const int target = x->role_target;
        size_t nt = 0;
        for (size_t i = 0; i < c->nargs; i++)
                nt += c->arg_role[i] == target;
        if (nt < 2)
                return;
        struct cand orig = *c;
        cs->n--;
        int part = 0;
        for (size_t t = 0; t < orig.nargs; t++) {
                if (orig.arg_role[t] != target)
                        continue;
                engine_cands_room(cs);
                struct cand *p = &cs->v[cs->n++];
                *p = orig;
                size_t k = 0;
                for (size_t i = 0; i < orig.nargs; i++)
                        if (i == t || orig.arg_role[i] != target)
                                engine_copy_arg(p, k++, &orig, i);
                engine_cut_args(p, k);
                p->part = ++part;
        }
}

/* Money put up for a purchase (斥资18亿元收购X, 出资11亿元,收购Y) is the
 * purchase's price, not an investment of its own: an investment trigger
 * followed within 20 characters of its sentence by an acquisition trigger
 * gives its agent to the acquisition and makes no event. */
static void
engine_price(struct ex_doc *d, struct cand *cs, size_t *n)
{
        size_t k = 0;
        for (size_t i = 0; i < *n; i++) {
                struct cand *c = &cs[i];
                bool price = false;
                if (c->rule->type[0] == 'f' && strcmp(c->rule->type, "finance.investment") == 0)
                        for (size_t j = i + 1; j < *n && !price; j++) {
                                struct cand *a = &cs[j];
                                if (a->trig_start < c->trig_end)
                                        continue; /* a split sibling */
                                if (a->sent != c->sent || a->trig_start - c->trig_end > 60)
                                        break;
                                if (strcmp(a->rule->type, "finance.acquisition") != 0)
                                        continue;
                                price = true;
                                for (size_t q = 0; q < c->nargs; q++)
                                        if (c->arg_role[q] == d->x->role_agent &&
                                            !engine_filled(a, d->x->role_acquirer))
                                                engine_add_arg(d, a, d->x->role_acquirer,
                                                               c->arg_ment[q]);
                        }
                if (!price) {
                        if (k != i)
                                cs[k] = *c;
                        k++;
                }
        }
        *n = k;
}

/* Whether the trigger hit d->trig[t] lies inside a longer trigger of the
 * document's language (闭源发布 over 发布), looking back from it over the
 * hits that end at most 64 bytes before it starts (the hits are sorted by
 * start, then longer first: one that covers it comes before it). */
static bool
engine_covered_scan(const struct ex_doc *d, size_t h)
{
        const struct ex_hit *hit = &d->hits[h];
        for (size_t k = h; k > 0; k--) {
                const struct ex_hit *o = &d->hits[k - 1];
                if (o->end + 64 < hit->start)
                        break;
                if ((o->pay >> 24) == PAY_TRIGGER && o->start <= hit->start && o->end >= hit->end &&
                    (o->end - o->start) > (hit->end - hit->start) &&
                    d->x->trigs[o->pay & 0xffffff].lang == d->lang)
                        return true;
        }
        return false;
}

/* engine_covered_scan(d, d->trig[t]), reading only the triggers before it:
 * a hit that stops the scan before a covering trigger o starts at or after
 * o and ends over 64 bytes before the trigger, so none can when o starts at
 * most 64 bytes before it; for a longer o, the scan is made. */
static bool
engine_covered(const struct ex_doc *d, size_t t)
{
        const struct ex_hit *hit = &d->hits[d->trig[t]];
        for (size_t u = t; u > 0; u--) {
                const struct ex_hit *o = &d->hits[d->trig[u - 1]];
                if (o->end + 64 < hit->start)
                        return false; /* the scan stops here, if not before */
                if (o->end >= hit->end && (o->end - o->start) > (hit->end - hit->start))
                        return o->start + 64 >= hit->start || engine_covered_scan(d, d->trig[t]);
        }
        return false;
}

/* Collect the candidates of a document. */
static void
engine_collect(struct ex_doc *d, struct engine_cands *cs)
{
        /* the hits come by start: the first mention at or after the trigger,
         * its sentence and clause only move forward */
        struct engine_at at = {0, 0, 0, 0};
        struct engine_insent in = {NULL, 0, 0, 0};
        /* a trigger makes at most one candidate but for a split one: room
         * for them all at once, not a copy per doubling (a long article
         * makes tens of thousands; pages never written cost nothing) */
        if (d->ntrig > cs->cap)
                engine_cands_reserve(cs, d->ntrig);
        for (size_t t = 0; t < d->ntrig; t++) {
                size_t h = d->trig[t];
                const struct ex_hit *hit = &d->hits[h];
                if (engine_covered(d, t))
                        continue;
                /* A trigger inside a name is part of the name. */
                while (at.first < d->nments && d->ments[at.first].start < hit->start)
                        at.first++;
                size_t mi = at.first;
                bool inname = false;
                if (mi > 0 && d->ments[mi - 1].end > hit->start && d->ments[mi - 1].entity >= 0)
                        inname = true;
                /* 保银投资, 中国铁建投资集团: a trigger word as an unknown name's suffix */
                if (mi > 0 && d->ments[mi - 1].end >= hit->end && d->ments[mi - 1].kind == EK_UNIT)
                        inname = true;
                if (mi < d->nments && d->ments[mi].start == hit->start &&
                    d->ments[mi].end >= hit->end && d->ments[mi].entity >= 0)
                        inname = true;
                if (inname)
                        continue;
                engine_cands_room(cs);
                at.right = at.first;
                while (at.right < d->nments && d->ments[at.right].start < hit->end)
                        at.right++;
                at.sent = text_sentence_from(&d->t, at.sent, hit->start);
                while (at.cl + 1 < d->t.nclause && d->t.clause[at.cl].end <= hit->start)
                        at.cl++;
                if (engine_candidate(d, hit, &at, &in, &cs->v[cs->n])) {
                        cs->n++;
                        engine_split(d->x, cs);
                }
        }
        engine_price(d, cs->v, &cs->n);
        engine_quantities(d, cs->v, cs->n);
}

/* Link each candidate to the one before it of the same type (canonical
 * pointers: rules.c makes one per type name, so two rules may give one):
 * prev[i] is that one's index + 1, or 0; the merge walks these links
 * instead of every candidate of its window. */
static void
engine_link_types(const struct cand *cs, size_t n, uint32_t *prev)
{
        const char *type[64]; /* the types met, and the last candidate (+ 1) of each */
        uint32_t last[64];
        size_t nt = 0;
        for (size_t i = 0; i < n; i++) {
                size_t k = 0;
                while (k < nt && type[k] != cs[i].type)
                        k++;
                if (k == nt) {
                        if (nt == 64) { /* more types than any rule set has: search back */
                                size_t j = i;
                                while (j > 0 && cs[j - 1].type != cs[i].type)
                                        j--;
                                prev[i] = (uint32_t)j;
                                continue;
                        }
                        type[nt] = cs[i].type;
                        last[nt++] = 0;
                }
                prev[i] = last[k];
                last[k] = (uint32_t)(i + 1);
        }
}

int
engine_run(const struct extractor *x, const struct article *a, struct nw_event ***events,
           size_t *nevents, char **cause)
{
        int lang = a->lang != NULL && strcmp(a->lang, "en") == 0 ? EX_EN : EX_ZH;
        struct ex_doc body, title;
        /* the body's hits, spans and lists, while they fit (4 KB: those of
         * a few thousand bytes of text) */
        struct ex_hit body_hits[340];
        engine_prepare(&body, x, a, a->body, a->body_len, lang, true, body_hits,
                       sizeof body_hits / sizeof body_hits[0]);
        struct engine_cands bcs, tcs; /* the body's and the title's candidates */
        engine_cands_init(&bcs);
        engine_cands_init(&tcs);
        engine_collect(&body, &bcs);
        struct cand *cs = bcs.v, *ts = tcs.v;
        size_t nc = bcs.n, nt = 0;

        uint32_t prev_small[64];
        uint32_t *prev = nc <= 64 ? prev_small : ex_xmalloc(nc * sizeof *prev);
        engine_link_types(cs, nc, prev);
        /* the mentions' bits for engine_same_in (found when first asked) */
        uint8_t bits_small[256];
        uint8_t *bits = body.nments <= sizeof bits_small ? bits_small : ex_xmalloc(body.nments);
        struct engine_mk mk_small[8];
        struct engine_mk *mk = NULL;
        if (nc > 1) { /* else no pair is compared */
                memset(bits, ENGINE_BIT_UNSET, body.nments);
                mk = nc <= 8 ? mk_small : ex_xmalloc(nc * sizeof *mk);
        }
        /* Merge in text order: each candidate into the nearest earlier event
         * of its type that it restates, among the 256 candidates before it. */
        for (size_t i = 0; i < nc && nc > 1; i++) {
                struct cand *c = &cs[i];
                struct engine_mk *cm = &mk[i];
                cm->sent = c->sent;
                cm->dead = cm->keyed = false;
                for (size_t j = prev[i]; j > 0 && i - j < 256; j = prev[j - 1]) {
                        const struct engine_mk *em = &mk[j - 1];
                        if (em->dead)
                                continue;
                        bool same_sent = em->sent == c->sent;
                        bool near = c->sent <= em->sent + 2;
                        struct cand *e = &cs[j - 1];
                        /* apart and complete: only equal key fillers merge */
                        if (!same_sent && (c->complete || !near)) {
                                engine_mk_key(&body, bits, e, &mk[j - 1]);
                                engine_mk_key(&body, bits, c, cm);
                                if (!engine_mk_may_equal(em, cm))
                                        continue;
                        }
                        bool merge;
                        if (!c->complete && (same_sent || (near && c->rule->lend))) {
                                /* an incomplete candidate completes the event */
                                merge = true;
                        } else if (same_sent) {
                                unsigned same = engine_same_in(
                                    &body, bits, e, c, ENGINE_SAME_LOOSE | ENGINE_SAME_STRICT);
                                merge = (same & ENGINE_SAME_LOOSE) || engine_subset(&body, e, c) ||
                                        (same & ENGINE_SAME_STRICT);
                        } else {
                                /* an incomplete one nearby restates it loosely */
                                bool loose = !c->complete && near;
                                unsigned need =
                                    ENGINE_SAME_STRICT | (loose ? ENGINE_SAME_LOOSE : 0);
                                unsigned same = engine_same_in(&body, bits, e, c, need);
                                merge = (same & need) != 0;
                        }
                        if (merge) {
                                engine_merge(&body, e, &body, c);
                                mk[j - 1].keyed = false; /* e grew */
                                c->dead = cm->dead = true;
                                break;
                        }
                }
        }
        if (prev != prev_small)
                free(prev);
        if (bits != bits_small)
                free(bits);
        if (mk != mk_small)
                free(mk);
        /* Title candidates: only fill body events (copied args); the title is
         * read only when the body gives an event. */
        bool has_title = a->title != NULL && *a->title;
        if (has_title) {
                bool any = false;
                for (size_t i = 0; i < nc && !any; i++)
                        any = !cs[i].dead && cs[i].complete &&
                              !(cs[i].rule->needqty && cs[i].nqty == 0);
                has_title = any;
        }
        if (has_title) {
                engine_prepare(&title, x, a, a->title, strlen(a->title), lang, true, NULL, 0);
                engine_collect(&title, &tcs);
                ts = tcs.v;
                nt = tcs.n;
        }
        struct title_arg *extra = NULL;
        size_t nextra = 0;
        for (size_t i = 0; i < nt; i++) {
                struct cand *c = &ts[i];
                for (size_t j = 0; j < nc; j++) {
                        struct cand *e = &cs[j];
                        if (e->dead || e->rule->type_id != c->rule->type_id)
                                continue;
                        /* same key filler by id */
                        bool match = false;
                        for (size_t k = 0; k < e->rule->key.n && !match; k++) {
                                int ea[ENGINE_MAX_ARGS], ca[ENGINE_MAX_ARGS];
                                size_t na =
                                    engine_role_ments(e, e->rule->key_id[k], ea, ENGINE_MAX_ARGS);
                                size_t nb =
                                    engine_role_ments(c, e->rule->key_id[k], ca, ENGINE_MAX_ARGS);
                                bool inter;
                                engine_sets(&body, ea, na, &title, ca, nb, &inter);
                                match = inter;
                        }
                        if (!match)
                                continue;
                        for (size_t k = 0; k < c->nargs; k++) {
                                if (engine_filled(e, c->arg_role[k]))
                                        continue;
                                bool dup = false;
                                for (size_t q = 0; q < nextra; q++)
                                        if (extra[q].event == j && extra[q].role == c->arg_role[k])
                                                dup = true;
                                if (dup)
                                        continue;
                                const struct ex_mention *m = &title.ments[c->arg_ment[k]];
                                extra = ex_xrealloc(extra, (nextra + 1) * sizeof *extra);
                                extra[nextra].event = j;
                                extra[nextra].role = c->arg_role[k];
                                extra[nextra].id = ex_xstrdup(mention_id(&title, m));
                                extra[nextra].text = engine_ment_text(&title, m);
                                nextra++;
                        }
                        break;
                }
        }
        /* Emit. */
        size_t n = 0;
        for (size_t i = 0; i < nc; i++) {
                if (cs[i].rule->needqty && cs[i].nqty == 0)
                        cs[i].dead = true;
                if (!cs[i].dead && cs[i].complete)
                        n++;
        }
        *events = ex_xmalloc((n ? n : 1) * sizeof **events); /* each one is set below */
        struct engine_bufs bufs;                             /* small needs no zeroing */
        bufs.out = bufs.big = (struct ex_buf){NULL, 0, 0};
        if (n > 0)
                ex_buf_grow(&bufs.out, 127); /* room for most summaries at once */
        size_t k = 0;
        for (size_t i = 0; i < nc; i++) {
                if (cs[i].dead || !cs[i].complete)
                        continue;
                (*events)[k++] = engine_event(&body, a, &cs[i], extra, nextra, i, &bufs);
        }
        free(bufs.out.data);
        free(bufs.big.data);
        *nevents = k;
        for (size_t i = 0; i < nextra; i++) {
                free(extra[i].id);
                free(extra[i].text);
        }
        free(extra);
        engine_cands_free(&bcs);
        engine_cands_free(&tcs);
        engine_doc_release(&body, body_hits);
        if (has_title)
                engine_doc_free(&title);
        (void)cause;
        return 0;
}
