/* helpers.h — shared by the extractor's unit tests. */
#ifndef NW_EXTRACT_TEST_HELPERS_H
#define NW_EXTRACT_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "extract-int.h"

/* The extractor over the repository's data/ (NEWSWIRE_DATA), loaded once. */
const struct extractor *th_extractor(void);
/* Parse text as an article (header block + body) and extract; *n events. */
struct nw_event **th_run(const char *text, size_t *n);
/* The first event of a type, or NULL. */
const struct nw_event *th_find(struct nw_event **evs, size_t n, const char *type);
/* Whether ev has an argument with role whose id or text equals what. */
bool th_has_arg(const struct nw_event *ev, const char *role, const char *what);
/* Print events (on failure, for the log). */
void th_dump(struct nw_event **evs, size_t n);
/* A prepared document of one body in lang with a Published date. */
void th_doc(struct ex_doc *d, struct article *a, const char *body, const char *published, int lang);
void th_doc_free(struct ex_doc *d, struct article *a);
/* Read a file of the source tree (NW_SOURCE_DIR-relative); malloc'd. */
char *th_slurp(const char *rel, size_t *len);

#endif
