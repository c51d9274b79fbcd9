/*
 * event.c — the event model in memory: new/destroy/dup, the builders that
 * copy their arguments, accessors, and deep comparison.
 */
#include <stdlib.h>
#include <string.h>

#include "nw-private.h"

/* A new empty event: v = NW_VERSION_MAJOR, modality "asserted". */
struct nw_event *
nw_event_new(void)
{
        struct nw_event *ev = nw_xcalloc(1, sizeof *ev);

        ev->v = NW_VERSION_MAJOR;
        ev->modality = nw_xstrdup("asserted");
        return ev;
}

/* Free the strings of an article reference. */
static void
event_article_clear(struct nw_article_ref *a)
{
        free(a->id);
        free(a->url);
        free(a->title);
        free(a->published);
        free(a->source);
        free(a->lang);
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
        free(ev->id);
        free(ev->type);
        free(ev->modality);
        for (i = 0; i < ev->nargs; i++) {
                free(ev->args[i].role);
                free(ev->args[i].id);
                free(ev->args[i].text);
        }
        free(ev->args);
        for (i = 0; i < ev->nattrs; i++) {
                free(ev->attrs[i].key);
                free(ev->attrs[i].value);
        }
        free(ev->attrs);
        free(ev->time_value);
        free(ev->time_text);
        for (i = 0; i < ev->nquantities; i++) {
                free(ev->quantities[i].kind);
                free(ev->quantities[i].unit);
                free(ev->quantities[i].text);
        }
        free(ev->quantities);
        for (i = 0; i < ev->nreported_by; i++) {
                free(ev->reported_by[i].id);
                free(ev->reported_by[i].text);
        }
        free(ev->reported_by);
        free(ev->summary);
        free(ev->evidence_text);
        event_article_clear(&ev->article);
        free(ev);
        *evp = NULL;
}

/* A deep copy of ev. */
struct nw_event *
nw_event_dup(const struct nw_event *ev)
{
        struct nw_event *d = nw_xcalloc(1, sizeof *d);
        size_t i;

        d->v = ev->v;
        d->id = nw_xstrdup(ev->id);
        d->has_seq = ev->has_seq;
        d->seq = ev->seq;
        d->type = nw_xstrdup(ev->type);
        d->modality = nw_xstrdup(ev->modality);
        d->confidence = ev->confidence;
        if (ev->nargs > 0)
                d->args = nw_xcalloc(ev->nargs, sizeof *d->args);
        for (i = 0; i < ev->nargs; i++) {
                d->args[i].role = nw_xstrdup(ev->args[i].role);
                d->args[i].id = nw_xstrdup(ev->args[i].id);
                d->args[i].text = nw_xstrdup(ev->args[i].text);
        }
        d->nargs = ev->nargs;
        if (ev->nattrs > 0)
                d->attrs = nw_xcalloc(ev->nattrs, sizeof *d->attrs);
        for (i = 0; i < ev->nattrs; i++) {
                d->attrs[i].key = nw_xstrdup(ev->attrs[i].key);
                d->attrs[i].value = nw_xstrdup(ev->attrs[i].value);
        }
        d->nattrs = ev->nattrs;
        d->time_value = nw_xstrdup(ev->time_value);
        d->time_text = nw_xstrdup(ev->time_text);
        if (ev->nquantities > 0)
                d->quantities = nw_xcalloc(ev->nquantities, sizeof *d->quantities);
        for (i = 0; i < ev->nquantities; i++) {
                d->quantities[i].kind = nw_xstrdup(ev->quantities[i].kind);
                d->quantities[i].value = ev->quantities[i].value;
                d->quantities[i].unit = nw_xstrdup(ev->quantities[i].unit);
                d->quantities[i].text = nw_xstrdup(ev->quantities[i].text);
        }
        d->nquantities = ev->nquantities;
        if (ev->nreported_by > 0)
                d->reported_by = nw_xcalloc(ev->nreported_by, sizeof *d->reported_by);
        for (i = 0; i < ev->nreported_by; i++) {
                d->reported_by[i].id = nw_xstrdup(ev->reported_by[i].id);
                d->reported_by[i].text = nw_xstrdup(ev->reported_by[i].text);
        }
        d->nreported_by = ev->nreported_by;
        d->summary = nw_xstrdup(ev->summary);
        d->evidence_text = nw_xstrdup(ev->evidence_text);
        d->evidence_start = ev->evidence_start;
        d->evidence_end = ev->evidence_end;
        nw_event_set_article(d, &ev->article);
        return d;
}

/* Replace *slot with a copy of s. */
static void
event_replace(char **slot, const char *s)
{
        char *copy = nw_xstrdup(s);

        free(*slot);
        *slot = copy;
}

/* Set the event id. */
void
nw_event_set_id(struct nw_event *ev, const char *id)
{
        event_replace(&ev->id, id);
}

/* Set the event type. */
void
nw_event_set_type(struct nw_event *ev, const char *type)
{
        event_replace(&ev->type, type);
}

/* Set the modality. */
void
nw_event_set_modality(struct nw_event *ev, const char *modality)
{
        event_replace(&ev->modality, modality);
}

/* Set the summary. */
void
nw_event_set_summary(struct nw_event *ev, const char *summary)
{
        event_replace(&ev->summary, summary);
}

/* Set the time value and surface text (either may be NULL). */
void
nw_event_set_time(struct nw_event *ev, const char *value, const char *text)
{
        event_replace(&ev->time_value, value);
        event_replace(&ev->time_text, text);
}

/* Set the evidence: len bytes of text and their offsets in the article body. */
void
nw_event_set_evidence(struct nw_event *ev, const char *text, size_t len, uint64_t start,
                      uint64_t end)
{
        char *copy = nw_xstrndup(text, len);

        free(ev->evidence_text);
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
                copy.id = nw_xstrdup(art->id);
                copy.url = nw_xstrdup(art->url);
                copy.title = nw_xstrdup(art->title);
                copy.published = nw_xstrdup(art->published);
                copy.source = nw_xstrdup(art->source);
                copy.lang = nw_xstrdup(art->lang);
        }
        event_article_clear(&ev->article);
        ev->article = copy;
}

/* Append an argument. */
void
nw_event_add_arg(struct nw_event *ev, const char *role, const char *id, const char *text)
{
        struct nw_arg *a;

        ev->args = nw_xrealloc(ev->args, (ev->nargs + 1) * sizeof *ev->args);
        a = &ev->args[ev->nargs++];
        a->role = nw_xstrdup(role);
        a->id = nw_xstrdup(id);
        a->text = nw_xstrdup(text);
}

/* Set an attribute, replacing the value of an existing key. */
void
nw_event_set_attr(struct nw_event *ev, const char *key, const char *value)
{
        struct nw_attr *a;
        size_t i;

        for (i = 0; i < ev->nattrs; i++) {
                if (strcmp(ev->attrs[i].key, key) == 0) {
                        event_replace(&ev->attrs[i].value, value);
                        return;
                }
        }
        ev->attrs = nw_xrealloc(ev->attrs, (ev->nattrs + 1) * sizeof *ev->attrs);
        a = &ev->attrs[ev->nattrs++];
        a->key = nw_xstrdup(key);
        a->value = nw_xstrdup(value);
}

/* Append a quantity. */
void
nw_event_add_quantity(struct nw_event *ev, const char *kind, double value, const char *unit,
                      const char *text)
{
        struct nw_quantity *q;

        ev->quantities =
            nw_xrealloc(ev->quantities, (ev->nquantities + 1) * sizeof *ev->quantities);
        q = &ev->quantities[ev->nquantities++];
        q->kind = nw_xstrdup(kind);
        q->value = value;
        q->unit = nw_xstrdup(unit);
        q->text = nw_xstrdup(text);
}

/* Append a reporter. */
void
nw_event_add_reported_by(struct nw_event *ev, const char *id, const char *text)
{
        struct nw_ref *r;

        ev->reported_by =
            nw_xrealloc(ev->reported_by, (ev->nreported_by + 1) * sizeof *ev->reported_by);
        r = &ev->reported_by[ev->nreported_by++];
        r->id = nw_xstrdup(id);
        r->text = nw_xstrdup(text);
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
