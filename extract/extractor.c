/*
 * extractor.c — the public face of libnwextract: build an extractor from the
 * data directory, run it on articles, answer questions about the lexicon.
 */
#include <stdlib.h>
#include <string.h>

#include "extract-int.h"

#define EXTRACTOR_MAX_TEXT ((size_t)1 << 30) /* bytes of body or title */

struct extractor *
extractor_new(const char *datadir, char **cause)
{
        char *dir = datadir != NULL ? ex_xstrdup(datadir) : nw_datadir();
        if (dir == NULL) {
                if (cause != NULL)
                        *cause = ex_xstrdup("no data directory (set NEWSWIRE_DATA)");
                return NULL;
        }
        struct extractor *x = ex_xcalloc(1, sizeof *x);
        x->datadir = dir;
        if (rules_load(x, dir, cause) != 0) {
                extractor_destroy(&x);
                return NULL;
        }
        return x;
}

void
extractor_destroy(struct extractor **xp)
{
        if (xp == NULL || *xp == NULL)
                return;
        rules_free(*xp);
        free((*xp)->datadir);
        free(*xp);
        *xp = NULL;
}

int
extractor_run(const struct extractor *x, const struct article *a, struct nw_event ***events,
              size_t *nevents, char **cause)
{
        *events = NULL;
        *nevents = 0;
        if (x == NULL || a == NULL) {
                if (cause != NULL)
                        *cause = ex_xstrdup("no extractor or no article");
                return -1;
        }
        /* normalised text is at most three times the raw (a bad byte becomes
         * U+FFFD), and its offsets must fit struct ex_hit's 32 bits */
        if (a->body_len > EXTRACTOR_MAX_TEXT ||
            (a->title != NULL && strlen(a->title) > EXTRACTOR_MAX_TEXT)) {
                if (cause != NULL)
                        *cause = ex_xstrdup("article too large to extract (over 1 GB)");
                return -1;
        }
        return engine_run(x, a, events, nevents, cause);
}

void
extractor_free_events(struct nw_event ***events, size_t nevents)
{
        if (events == NULL || *events == NULL)
                return;
        for (size_t i = 0; i < nevents; i++)
                nw_event_destroy(&(*events)[i]);
        free(*events);
        *events = NULL;
}

const char *
extractor_entity_parent(const struct extractor *x, const char *id)
{
        if (x == NULL || id == NULL)
                return NULL;
        for (size_t i = 0; i < x->nents; i++)
                if (strcmp(x->ents[i].id, id) == 0)
                        return x->ents[i].parent >= 0 ? x->ents[x->ents[i].parent].id : NULL;
        return NULL;
}

size_t
extractor_entity_count(const struct extractor *x)
{
        return x != NULL ? x->nents : 0;
}

size_t
extractor_rule_count(const struct extractor *x)
{
        return x != NULL ? x->nrules : 0;
}
