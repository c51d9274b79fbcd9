/*
 * event.c — the event model in memory: new/destroy/dup, the builders that
 * copy their arguments, accessors, and deep comparison.
 *
 * The builders copy strings and the argument, attribute, quantity and
 * reporter arrays into the event's pool, a list of chunks the event frees
 * at once, instead of a malloc per string and a realloc per element: an
 * extracted event holds twenty-odd small strings. The first chunk shares
 * one allocation with the event, so most events are one malloc and one
 * free. Decoders may still hang malloc'd strings and arrays on the fields;
 * event_owned tells the two apart by address.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nw-private.h"

/* Bytes of an event with its first pool chunk: most extracted events fit,
 * and the block stays within the sizes malloc keeps per-thread caches of. */
#define EVENT_BLOCK 1024

/* One chunk of an event's string pool; the newest chunk comes first, the
 * one allocated with the event last. */
struct nw_event_pool {
        struct nw_event_pool *next;
        size_t used, cap;
        alignas(max_align_t) char data[];
};

/* Where the first chunk starts in an event's block. */
#define EVENT_POOL_OFF                                                                             \
        ((sizeof(struct nw_event) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

/* The pool chunk allocated with ev, right after it. */
static struct nw_event_pool *
event_first_pool(const struct nw_event *ev)
{
        return (struct nw_event_pool *)((char *)ev + EVENT_POOL_OFF);
}

/* The room of the chunk allocated with an event. */
#define EVENT_FIRST_CAP (EVENT_BLOCK - EVENT_POOL_OFF - sizeof(struct nw_event_pool))

/* n bytes at the start of a new chunk of ev's pool, of EVENT_BLOCK bytes
 * after the first, then twice the last (out of line: most events need
 * none). */
static __attribute__((noinline)) void *
event_alloc_chunk(struct nw_event *ev, size_t n)
{
        struct nw_event_pool *p = ev->pool;
        size_t cap = p->next == NULL ? EVENT_BLOCK - sizeof *p : 2 * p->cap;

        if (cap < n)
                cap = n;
        p = nw_xmalloc(sizeof *p + cap);
        p->next = ev->pool;
        p->used = n;
        p->cap = cap;
        ev->pool = p;
        return p->data;
}

/* n bytes in ev's pool, aligned to align (1 or a power of two up to
 * max_align_t's); a new chunk when they do not fit. */
static inline void *
event_alloc(struct nw_event *ev, size_t n, size_t align)
{
        struct nw_event_pool *p = ev->pool;
        size_t at = (p->used + align - 1) & ~(align - 1);

        if (at > p->cap || p->cap - at < n)
                return event_alloc_chunk(ev, n);
        p->used = at + n;
        return p->data + at;
}

/* A copy of s[0..n) and a NUL in ev's pool. */
static char *
event_copy(struct nw_event *ev, const char *s, size_t n)
{
        char *out = event_alloc(ev, n + 1, 1);

        memcpy(out, s, n);
        out[n] = '\0';
        return out;
}

/* A copy of s in ev's pool; NULL stays NULL. */
static char *
event_strdup(struct nw_event *ev, const char *s)
{
        return s != NULL ? event_copy(ev, s, strlen(s)) : NULL;
}

/* Whether ptr lives in ev's pool (a builder's copy), not in a malloc of
 * its own: first the chunk that came with ev, where most copies are. */
static inline bool
event_owned(const struct nw_event *ev, const void *ptr)
{
        uintptr_t c = (uintptr_t)ptr;
        const struct nw_event_pool *p;

        if (c - (uintptr_t)event_first_pool(ev)->data < EVENT_FIRST_CAP)
                return true;
        for (p = ev->pool; p != NULL; p = p->next)
                if (c - (uintptr_t)p->data < p->cap)
                        return true;
        return false;
}

/* Free s unless it lives in ev's pool. */
static inline void
event_free_str(const struct nw_event *ev, void *s)
{
        if (s != NULL && !event_owned(ev, s))
                free(s);
}

/* The alignment of the arrays in the pool (their elements hold pointers
 * and doubles). */
#define EVENT_ARRAY_ALIGN alignof(struct nw_quantity)

/* The room of a pool array of n elements: 4, 8, 16... (0 for none). */
static size_t
event_room(size_t n)
{
        size_t room = 4;

        if (n == 0)
                return 0;
        while (room < n)
                room *= 2;
        return room;
}

/* A pool array of n elements of size bytes, with its room (event_room). */
static void *
event_array(struct nw_event *ev, size_t n, size_t size)
{
        return n > 0 ? event_alloc(ev, event_room(n) * size, EVENT_ARRAY_ALIGN) : NULL;
}

/* The array arr of n elements of size bytes with room for one more: in
 * the pool, a copy to twice the room when it is full; an array a decoder
 * malloc'd grows by realloc. */
static void *
event_grow(struct nw_event *ev, void *arr, size_t n, size_t size)
{
        void *out;

        if (arr != NULL && !event_owned(ev, arr))
                return nw_xrealloc(arr, (n + 1) * size);
        if (arr != NULL && n < event_room(n))
                return arr;
        out = event_array(ev, n + 1, size);
        if (arr != NULL && n > 0)
                memcpy(out, arr, n * size);
        return out;
}

/* An empty event without a modality: one block with its first pool chunk. */
static struct nw_event *
event_new(void)
{
        struct nw_event *ev = nw_xmalloc(EVENT_BLOCK);
        struct nw_event_pool *p = event_first_pool(ev);

        memset(ev, 0, sizeof *ev);
        p->next = NULL;
        p->used = 0;
        p->cap = EVENT_FIRST_CAP;
        ev->pool = p;
        ev->v = NW_VERSION_MAJOR;
        return ev;
}

/* A new empty event: v = NW_VERSION_MAJOR, modality "asserted". */
struct nw_event *
nw_event_new(void)
{
        struct nw_event *ev = event_new();

        ev->modality = event_strdup(ev, "asserted");
        return ev;
}

/* Free the strings of ev's article reference. */
static void
event_article_clear(struct nw_event *ev)
{
        struct nw_article_ref *a = &ev->article;

        event_free_str(ev, a->id);
        event_free_str(ev, a->url);
        event_free_str(ev, a->title);
        event_free_str(ev, a->published);
        event_free_str(ev, a->source);
        event_free_str(ev, a->lang);
        memset(a, 0, sizeof *a);
}

/* Free ev and everything it owns; set *ev to NULL. */
void
nw_event_destroy(struct nw_event **evp)
{
        struct nw_event *ev;
        size_t i;

        if (evp == NULL || *evp == NULL)
                return;
        ev = *evp;
        event_free_str(ev, ev->id);
        event_free_str(ev, ev->type);
        event_free_str(ev, ev->modality);
        for (i = 0; i < ev->nargs; i++) {
                event_free_str(ev, ev->args[i].role);
                event_free_str(ev, ev->args[i].id);
                event_free_str(ev, ev->args[i].text);
        }
        event_free_str(ev, ev->args);
        for (i = 0; i < ev->nattrs; i++) {
                event_free_str(ev, ev->attrs[i].key);
                event_free_str(ev, ev->attrs[i].value);
        }
        event_free_str(ev, ev->attrs);
        event_free_str(ev, ev->time_value);
        event_free_str(ev, ev->time_text);
        for (i = 0; i < ev->nquantities; i++) {
                event_free_str(ev, ev->quantities[i].kind);
                event_free_str(ev, ev->quantities[i].unit);
                event_free_str(ev, ev->quantities[i].text);
        }
        event_free_str(ev, ev->quantities);
        for (i = 0; i < ev->nreported_by; i++) {
                event_free_str(ev, ev->reported_by[i].id);
                event_free_str(ev, ev->reported_by[i].text);
        }
        event_free_str(ev, ev->reported_by);
        event_free_str(ev, ev->summary);
        event_free_str(ev, ev->evidence_text);
        event_article_clear(ev);
        while (ev->pool != event_first_pool(ev)) {
                struct nw_event_pool *next = ev->pool->next;

                free(ev->pool);
                ev->pool = next;
        }
        free(ev);
        *evp = NULL;
}

/* A deep copy of ev. */
struct nw_event *
nw_event_dup(const struct nw_event *ev)
{
        struct nw_event *d = event_new();
        size_t i;

        d->v = ev->v;
        d->id = event_strdup(d, ev->id);
        d->has_seq = ev->has_seq;
        d->seq = ev->seq;
        d->type = event_strdup(d, ev->type);
        d->modality = event_strdup(d, ev->modality);
        d->confidence = ev->confidence;
        if (ev->nargs > 0)
                d->args = event_array(d, ev->nargs, sizeof *d->args);
        for (i = 0; i < ev->nargs; i++) {
                d->args[i].role = event_strdup(d, ev->args[i].role);
                d->args[i].id = event_strdup(d, ev->args[i].id);
                d->args[i].text = event_strdup(d, ev->args[i].text);
        }
        d->nargs = ev->nargs;
        if (ev->nattrs > 0)
                d->attrs = event_array(d, ev->nattrs, sizeof *d->attrs);
        for (i = 0; i < ev->nattrs; i++) {
                d->attrs[i].key = event_strdup(d, ev->attrs[i].key);
                d->attrs[i].value = event_strdup(d, ev->attrs[i].value);
        }
        d->nattrs = ev->nattrs;
        d->time_value = event_strdup(d, ev->time_value);
        d->time_text = event_strdup(d, ev->time_text);
        if (ev->nquantities > 0)
                d->quantities = event_array(d, ev->nquantities, sizeof *d->quantities);
        for (i = 0; i < ev->nquantities; i++) {
                d->quantities[i].kind = event_strdup(d, ev->quantities[i].kind);
                d->quantities[i].value = ev->quantities[i].value;
                d->quantities[i].unit = event_strdup(d, ev->quantities[i].unit);
                d->quantities[i].text = event_strdup(d, ev->quantities[i].text);
        }
        d->nquantities = ev->nquantities;
        if (ev->nreported_by > 0)
                d->reported_by = event_array(d, ev->nreported_by, sizeof *d->reported_by);
        for (i = 0; i < ev->nreported_by; i++) {
                d->reported_by[i].id = event_strdup(d, ev->reported_by[i].id);
                d->reported_by[i].text = event_strdup(d, ev->reported_by[i].text);
        }
        d->nreported_by = ev->nreported_by;
        d->summary = event_strdup(d, ev->summary);
        d->evidence_text = event_strdup(d, ev->evidence_text);
        d->evidence_start = ev->evidence_start;
        d->evidence_end = ev->evidence_end;
        nw_event_set_article(d, &ev->article);
        return d;
}

/* Replace *slot (a field of ev) with a copy of s. */
static void
event_replace(struct nw_event *ev, char **slot, const char *s)
{
        char *copy = event_strdup(ev, s);

        event_free_str(ev, *slot);
        *slot = copy;
}

/* Set the event id. */
void
nw_event_set_id(struct nw_event *ev, const char *id)
{
        event_replace(ev, &ev->id, id);
}

/* Set the event type. */
void
nw_event_set_type(struct nw_event *ev, const char *type)
{
        event_replace(ev, &ev->type, type);
}

/* Set the modality. */
void
nw_event_set_modality(struct nw_event *ev, const char *modality)
{
        event_replace(ev, &ev->modality, modality);
}

/* Set the summary. */
void
nw_event_set_summary(struct nw_event *ev, const char *summary)
{
        event_replace(ev, &ev->summary, summary);
}

/* Set the time value and surface text (either may be NULL). */
void
nw_event_set_time(struct nw_event *ev, const char *value, const char *text)
{
        event_replace(ev, &ev->time_value, value);
        event_replace(ev, &ev->time_text, text);
}

/* Set the evidence: len bytes of text and their offsets in the article body. */
void
nw_event_set_evidence(struct nw_event *ev, const char *text, size_t len, uint64_t start,
                      uint64_t end)
{
        char *copy = text != NULL ? event_copy(ev, text, len) : NULL;

        event_free_str(ev, ev->evidence_text);
        ev->evidence_text = copy;
        ev->evidence_start = start;
        ev->evidence_end = end;
}

/* Set the article reference (a copy of art; NULL clears it). */
void
nw_event_set_article(struct nw_event *ev, const struct nw_article_ref *art)
{
        struct nw_article_ref copy;

        memset(&copy, 0, sizeof copy);
        if (art != NULL) {
                copy.id = event_strdup(ev, art->id);
                copy.url = event_strdup(ev, art->url);
                copy.title = event_strdup(ev, art->title);
                copy.published = event_strdup(ev, art->published);
                copy.source = event_strdup(ev, art->source);
                copy.lang = event_strdup(ev, art->lang);
        }
        event_article_clear(ev);
        ev->article = copy;
}

/* Append an argument. */
void
nw_event_add_arg(struct nw_event *ev, const char *role, const char *id, const char *text)
{
        struct nw_arg *a;

        ev->args = event_grow(ev, ev->args, ev->nargs, sizeof *ev->args);
        a = &ev->args[ev->nargs++];
        a->role = event_strdup(ev, role);
        a->id = event_strdup(ev, id);
        a->text = event_strdup(ev, text);
}

/* Set an attribute, replacing the value of an existing key. */
void
nw_event_set_attr(struct nw_event *ev, const char *key, const char *value)
{
        struct nw_attr *a;
        size_t i;

        for (i = 0; i < ev->nattrs; i++) {
                if (strcmp(ev->attrs[i].key, key) == 0) {
                        event_replace(ev, &ev->attrs[i].value, value);
                        return;
                }
        }
        ev->attrs = event_grow(ev, ev->attrs, ev->nattrs, sizeof *ev->attrs);
        a = &ev->attrs[ev->nattrs++];
        a->key = event_strdup(ev, key);
        a->value = event_strdup(ev, value);
}

/* Append a quantity. */
void
nw_event_add_quantity(struct nw_event *ev, const char *kind, double value, const char *unit,
                      const char *text)
{
        struct nw_quantity *q;

        ev->quantities = event_grow(ev, ev->quantities, ev->nquantities, sizeof *ev->quantities);
        q = &ev->quantities[ev->nquantities++];
        q->kind = event_strdup(ev, kind);
        q->value = value;
        q->unit = event_strdup(ev, unit);
        q->text = event_strdup(ev, text);
}

/* Append a reporter. */
void
nw_event_add_reported_by(struct nw_event *ev, const char *id, const char *text)
{
        struct nw_ref *r;

        ev->reported_by =
            event_grow(ev, ev->reported_by, ev->nreported_by, sizeof *ev->reported_by);
        r = &ev->reported_by[ev->nreported_by++];
        r->id = event_strdup(ev, id);
        r->text = event_strdup(ev, text);
}

/* The value of attribute key, or NULL. */
const char *
nw_event_attr(const struct nw_event *ev, const char *key)
{
        size_t i;

        for (i = 0; i < ev->nattrs; i++) {
                if (ev->attrs[i].key != NULL && strcmp(ev->attrs[i].key, key) == 0)
                        return ev->attrs[i].value;
        }
        return NULL;
}

/* The first argument with this role, or NULL. */
const struct nw_arg *
nw_event_arg(const struct nw_event *ev, const char *role)
{
        size_t i;

        for (i = 0; i < ev->nargs; i++) {
                if (ev->args[i].role != NULL && strcmp(ev->args[i].role, role) == 0)
                        return &ev->args[i];
        }
        return NULL;
}

/* Two nullable strings are equal (NULL equals only NULL). */
static bool
event_str_eq(const char *a, const char *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return strcmp(a, b) == 0;
}

/* Whether a and b hold the same event, field by field (attrs in any order). */
bool
nw_event_equal(const struct nw_event *a, const struct nw_event *b)
{
        const struct nw_article_ref *x = &a->article, *y = &b->article;
        size_t i;

        if (a->v != b->v || !event_str_eq(a->id, b->id) || a->has_seq != b->has_seq ||
            (a->has_seq && a->seq != b->seq) || !event_str_eq(a->type, b->type) ||
            !event_str_eq(a->modality, b->modality) || a->confidence != b->confidence ||
            a->nargs != b->nargs || a->nattrs != b->nattrs || a->nquantities != b->nquantities ||
            a->nreported_by != b->nreported_by)
                return false;
        for (i = 0; i < a->nargs; i++) {
                if (!event_str_eq(a->args[i].role, b->args[i].role) ||
                    !event_str_eq(a->args[i].id, b->args[i].id) ||
                    !event_str_eq(a->args[i].text, b->args[i].text))
                        return false;
        }
        for (i = 0; i < a->nattrs; i++) { /* a map: order does not matter */
                if (a->attrs[i].key == NULL ||
                    !event_str_eq(a->attrs[i].value, nw_event_attr(b, a->attrs[i].key)))
                        return false;
        }
        for (i = 0; i < a->nquantities; i++) {
                if (!event_str_eq(a->quantities[i].kind, b->quantities[i].kind) ||
                    a->quantities[i].value != b->quantities[i].value ||
                    !event_str_eq(a->quantities[i].unit, b->quantities[i].unit) ||
                    !event_str_eq(a->quantities[i].text, b->quantities[i].text))
                        return false;
        }
        for (i = 0; i < a->nreported_by; i++) {
                if (!event_str_eq(a->reported_by[i].id, b->reported_by[i].id) ||
                    !event_str_eq(a->reported_by[i].text, b->reported_by[i].text))
                        return false;
        }
        return event_str_eq(a->time_value, b->time_value) &&
               event_str_eq(a->time_text, b->time_text) && event_str_eq(a->summary, b->summary) &&
               event_str_eq(a->evidence_text, b->evidence_text) &&
               a->evidence_start == b->evidence_start && a->evidence_end == b->evidence_end &&
               event_str_eq(x->id, y->id) && event_str_eq(x->url, y->url) &&
               event_str_eq(x->title, y->title) && event_str_eq(x->published, y->published) &&
               event_str_eq(x->source, y->source) && event_str_eq(x->lang, y->lang);
}
