/* helpers.c — shared by the extractor's unit tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

static struct extractor *th_x;

/* Free the shared extractor at exit (leak checkers stay quiet). */
static void
th_cleanup(void)
{
        extractor_destroy(&th_x);
}

const struct extractor *
th_extractor(void)
{
        if (th_x == NULL) {
                char *cause = NULL;
                th_x = extractor_new(getenv("NEWSWIRE_DATA"), &cause);
                if (th_x == NULL)
                        fail_msg("extractor_new: %s", cause ? cause : "?");
                atexit(th_cleanup);
        }
        return th_x;
}

struct nw_event **
th_run(const char *text, size_t *n)
{
        char *cause = NULL;
        struct article *a = article_parse(text, strlen(text), &cause);
        if (a == NULL)
                fail_msg("article_parse: %s", cause ? cause : "?");
        struct nw_event **evs = NULL;
        if (extractor_run(th_extractor(), a, &evs, n, &cause) != 0)
                fail_msg("extractor_run: %s", cause ? cause : "?");
        article_destroy(&a);
        return evs;
}

const struct nw_event *
th_find(struct nw_event **evs, size_t n, const char *type)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(evs[i]->type, type) == 0)
                        return evs[i];
        return NULL;
}

bool
th_has_arg(const struct nw_event *ev, const char *role, const char *what)
{
        if (ev == NULL)
                return false;
        for (size_t i = 0; i < ev->nargs; i++) {
                const struct nw_arg *a = &ev->args[i];
                if (strcmp(a->role, role) != 0)
                        continue;
                if ((a->id && strcmp(a->id, what) == 0) || (a->text && strcmp(a->text, what) == 0))
                        return true;
        }
        return false;
}

void
th_dump(struct nw_event **evs, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char *js = nw_event_to_json(evs[i]);
                fprintf(stderr, "  event: %s\n", js ? js : "?");
                free(js);
        }
}

void
th_doc(struct ex_doc *d, struct article *a, const char *body, const char *published, int lang)
{
        memset(a, 0, sizeof *a);
        a->published = (char *)published;
        a->lang = (char *)(lang == EX_EN ? "en" : "zh");
        a->body = (char *)body;
        a->body_len = strlen(body);
        engine_doc(d, th_extractor(), a, body, strlen(body), lang);
}

void
th_doc_free(struct ex_doc *d, struct article *a)
{
        engine_doc_free(d);
        (void)a;
}

char *
th_slurp(const char *rel, size_t *len)
{
        const char *src = getenv("NW_SOURCE_DIR");
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
        FILE *fp = fopen(path, "rb");
        if (fp == NULL)
                fail_msg("cannot open %s", path);
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *b = malloc((size_t)n + 1);
        assert_non_null(b);
        assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
        fclose(fp);
        b[n] = '\0';
        if (len != NULL)
                *len = (size_t)n;
        return b;
}
