/*
 * filter.c — the event filters of newswire-sub and newswire-alert rules:
 * type prefixes, entities (any role, optionally with what the lexicon puts
 * under them), modalities and a minimum confidence.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "extract.h"

/* A filter: kinds ANDed, values within a kind ORed. */
struct filter {
        char **f_types; /* type prefixes */
        size_t f_ntypes;
        char **f_entities; /* entity ids */
        size_t f_nentities;
        char **f_modalities;
        size_t f_nmodalities;
        double f_min_confidence;     /* 0: any */
        struct extractor *f_lexicon; /* set when --related */
};

/* Append a copy of s to a string list. */
static void
filter_list_add(char ***list, size_t *n, const char *s)
{
        *list = nw_xrealloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = nw_xstrdup(s);
}

/* Free a string list. */
static void
filter_list_free(char **list, size_t n)
{
        size_t i;

        for (i = 0; i < n; i++)
                free(list[i]);
        free(list);
}

/* An empty filter: everything passes. */
struct filter *
filter_new(void)
{
        return nw_xcalloc(1, sizeof(struct filter));
}

/* Free f. */
void
filter_destroy(struct filter **fp)
{
        struct filter *f = *fp;

        if (f == NULL)
                return;
        filter_list_free(f->f_types, f->f_ntypes);
        filter_list_free(f->f_entities, f->f_nentities);
        filter_list_free(f->f_modalities, f->f_nmodalities);
        extractor_destroy(&f->f_lexicon);
        free(f);
        *fp = NULL;
}

/* Add a type prefix ("product." or "product.plan"). */
void
filter_add_type(struct filter *f, const char *prefix)
{
        filter_list_add(&f->f_types, &f->f_ntypes, prefix);
}

/* Add an entity id: [a-z0-9-]+ or any other non-empty stable id. */
int
filter_add_entity(struct filter *f, const char *id, char **cause)
{
        if (id == NULL || *id == '\0')
                return client_fail(cause, "empty entity id");
        if (!nw_utf8_valid(id, strlen(id)))
                return client_fail(cause, "entity id is not UTF-8");
        filter_list_add(&f->f_entities, &f->f_nentities, id);
        return 0;
}

/* Add one modality (asserted, planned, likely, negated). */
int
filter_add_modality(struct filter *f, const char *m, char **cause)
{
        static const char *known[] = {"asserted", "planned", "likely", "negated"};
        size_t i;

        for (i = 0; i < 4; i++)
                if (strcmp(m, known[i]) == 0) {
                        filter_list_add(&f->f_modalities, &f->f_nmodalities, m);
                        return 0;
                }
        return client_fail(cause, "unknown modality '%s' (asserted, planned, likely, negated)", m);
}

/* Call add for each item of a comma list "a, b,c" (blanks around items
 * trimmed, empty items skipped); empty is the message when there is none. */
int
filter_add_list(struct filter *f, const char *list,
                int (*add)(struct filter *, const char *, char **), const char *empty, char **cause)
{
        char *copy = nw_xstrdup(list), *p = copy, *tok, *e;
        int rc = 0, n = 0;

        while ((tok = strsep(&p, ",")) != NULL) {
                while (*tok == ' ' || *tok == '\t')
                        tok++;
                e = tok + strlen(tok);
                while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
                        *--e = '\0';
                if (*tok == '\0')
                        continue;
                n++;
                if ((rc = add(f, tok, cause)) != 0)
                        break;
        }
        free(copy);
        if (rc == 0 && n == 0)
                return client_fail(cause, "%s", empty);
        return rc;
}

/* Add "a,b,c" modalities (spaces around names allowed). */
int
filter_add_modalities(struct filter *f, const char *list, char **cause)
{
        return filter_add_list(f, list, filter_add_modality, "empty modality list", cause);
}

/* Minimum confidence (0..1). */
void
filter_set_min_confidence(struct filter *f, double min)
{
        f->f_min_confidence = min;
}

/* Load the lexicon so entities match their descendants too. */
int
filter_set_related(struct filter *f, const char *datadir, char **cause)
{
        char *why = NULL;

        if (f->f_lexicon != NULL)
                return 0;
        f->f_lexicon = extractor_new(datadir, &why);
        if (f->f_lexicon == NULL) {
                client_fail(cause, "cannot load the lexicon for --related: %s",
                            why ? why : "unknown error");
                free(why);
                return -1;
        }
        return 0;
}

/* Whether id is one of f's entities, or (related) under one. */
static bool
filter_entity_match(const struct filter *f, const char *id)
{
        const char *cur = id;
        size_t i, depth;

        for (depth = 0; cur != NULL && depth < 64; depth++) {
                for (i = 0; i < f->f_nentities; i++)
                        if (strcmp(cur, f->f_entities[i]) == 0)
                                return true;
                if (f->f_lexicon == NULL)
                        break;
                cur = extractor_entity_parent(f->f_lexicon, cur);
        }
        return false;
}

/* Whether ev passes f. */
bool
filter_match(const struct filter *f, const struct nw_event *ev)
{
        size_t i;
        bool ok;

        if (f->f_ntypes > 0) {
                ok = false;
                for (i = 0; i < f->f_ntypes && !ok; i++)
                        ok = ev->type != NULL &&
                             strncmp(ev->type, f->f_types[i], strlen(f->f_types[i])) == 0;
                if (!ok)
                        return false;
        }
        if (f->f_nmodalities > 0) {
                ok = false;
                for (i = 0; i < f->f_nmodalities && !ok; i++)
                        ok = ev->modality != NULL && strcmp(ev->modality, f->f_modalities[i]) == 0;
                if (!ok)
                        return false;
        }
        if (ev->confidence < f->f_min_confidence)
                return false;
        if (f->f_nentities > 0) {
                ok = false;
                for (i = 0; i < ev->nargs && !ok; i++)
                        ok = ev->args[i].id != NULL && filter_entity_match(f, ev->args[i].id);
                if (!ok)
                        return false;
        }
        return true;
}

/* How many type prefixes there are, for the SUB socket. */
size_t
filter_type_count(const struct filter *f)
{
        return f->f_ntypes;
}

/* The i-th type prefix, or NULL past the end. */
const char *
filter_type(const struct filter *f, size_t i)
{
        return i < f->f_ntypes ? f->f_types[i] : NULL;
}
