/*
 * extract.h — the extraction library's public API (libnwextract), linked by
 * newswired and newswire-extract.
 *
 * An article goes in (header block + body, or the JSON form), events of
 * ../shared/event-model.md come out as struct nw_event (proto/newswire.h).
 * Lexicons and trigger rules are data files under the data directory
 * (nw_datadir()); nothing about an entity or a trigger is compiled in.
 *
 * Threads: an extractor is immutable once extractor_new() returns; any number
 * of threads may call extractor_run() on it at once. Reload = build a new one
 * and swap; destroy the old one when no thread uses it.
 */
#ifndef NW_EXTRACT_H
#define NW_EXTRACT_H

#include <stddef.h>

#include "newswire.h"

/* A parsed article. Owns every string: one block holds it, its header values
 * and body. A caller may set title, url, published, source or lang to a
 * malloc'ed string of its own (article_destroy frees it); body stays. */
struct article {
	char *title, *url, *published, *source, *lang; /* NULL when absent */
	char *body;      /* the body as received (NUL-terminated copy) */
	size_t body_len; /* bytes in body, without the NUL */
	char id[17];     /* first 16 hex of sha256 of the normalized body */
};

/* Parse the text form: an optional "Name: value" header block ended by the
 * first empty line, then the body. Detects lang when no Language header.
 * NULL with *cause set when there is no article (empty body, only headers...). */
struct article *article_parse(const char *buf, size_t len, char **cause);
/* Parse the JSON form {"title","url","published","source","language","text"}. */
struct article *article_from_json(const char *buf, size_t len, char **cause);
/* Free a and set *a to NULL. NULL-safe. */
void article_destroy(struct article **a);

struct extractor;

/* Load lexicons and rules from datadir (NULL: nw_datadir()). NULL with *cause
 * naming the file and line on a broken data file. */
struct extractor *extractor_new(const char *datadir, char **cause);
/* Free x and set *x to NULL. NULL-safe. */
void extractor_destroy(struct extractor **x);

/* Extract the events of one article. *events is a malloc'd array of *nevents
 * new events (no seq); free with extractor_free_events(). Deterministic: the
 * same article always yields the same events with the same ids. */
int extractor_run(const struct extractor *x, const struct article *a, struct nw_event ***events,
    size_t *nevents, char **cause);
void extractor_free_events(struct nw_event ***events, size_t nevents);

/* The lexicon's parent of an entity id (qwen3-max -> qwen -> alibaba), or
 * NULL. For subscribers that match an entity "and what is under it". */
const char *extractor_entity_parent(const struct extractor *x, const char *id);
/* Counts of what was loaded, for logs and /metrics. */
size_t extractor_entity_count(const struct extractor *x);
size_t extractor_rule_count(const struct extractor *x);

#endif /* NW_EXTRACT_H */
