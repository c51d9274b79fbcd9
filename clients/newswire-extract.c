/*
 * newswire-extract — run the extractor offline over article files.
 *
 *   newswire-extract [--text] [--json-input] [--published DATE] [--data DIR] FILE...|-
 *
 * Each FILE is an article (header block + body, or the JSON form when it
 * starts with '{'); "-" reads standard input. Events go to standard output as
 * JSON lines (nw_event_to_json, no seq), or one readable line per event with
 * --text. A file that cannot be read or holds no article is named on stderr;
 * the other files are still processed and the exit status is 1 at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* Print usage and exit. */
static void
usage(FILE *fp, int status)
{
        fputs("usage: newswire-extract [--text] [--published DATE] [--data DIR] FILE...|-\n"
              "  Extract news events from article files (text with headers, or JSON)\n"
              "  and print them as JSON lines, or readable lines with --text.\n"
              "  --published DATE  resolve relative times against DATE when the\n"
              "                    article has no Published header\n"
              "  --data DIR        lexicons and rules (default: NEWSWIRE_DATA or built-in)\n",
              fp);
        exit(status);
}

/* Read a whole file (or stdin for "-"); NULL with errno set on failure. */
static char *
slurp(const char *path, size_t *len)
{
        FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (fp == NULL)
                return NULL;
        size_t cap = 65536, n = 0;
        char *buf = malloc(cap);
        if (buf == NULL) {
                if (fp != stdin)
                        fclose(fp);
                return NULL;
        }
        for (;;) {
                if (n == cap) {
                        cap *= 2;
                        char *nb = realloc(buf, cap);
                        if (nb == NULL) {
                                free(buf);
                                if (fp != stdin)
                                        fclose(fp);
                                errno = ENOMEM;
                                return NULL;
                        }
                        buf = nb;
                }
                size_t r = fread(buf + n, 1, cap - n, fp);
                n += r;
                if (r == 0)
                        break;
        }
        int err = ferror(fp) ? errno : 0;
        if (fp != stdin)
                fclose(fp);
        if (err != 0) {
                free(buf);
                errno = err;
                return NULL;
        }
        *len = n;
        return buf;
}

/* Print one event as a readable line. */
static void
print_text(const struct nw_event *ev)
{
        printf("%-20s %-8s %.2f", ev->type, ev->modality, ev->confidence);
        for (size_t i = 0; i < ev->nargs; i++)
                printf(" %s=%s", ev->args[i].role,
                       ev->args[i].text ? ev->args[i].text
                       : ev->args[i].id ? ev->args[i].id
                                        : "?");
        if (ev->time_value != NULL || ev->time_text != NULL)
                printf(" time=%s", ev->time_value ? ev->time_value : ev->time_text);
        for (size_t i = 0; i < ev->nquantities; i++)
                printf(" qty=%.15g%s", ev->quantities[i].value, ev->quantities[i].unit);
        for (size_t i = 0; i < ev->nattrs; i++)
                printf(" %s:%s", ev->attrs[i].key, ev->attrs[i].value);
        printf("  | %s\n", ev->summary ? ev->summary : "");
}

/* Extract one file; 0 on success, -1 when it was reported as bad. */
static int
run_file(const struct extractor *x, const char *path, const char *published, int text)
{
        size_t len = 0;
        char *buf = slurp(path, &len);
        if (buf == NULL) {
                fprintf(stderr, "newswire-extract: %s: %s\n", path, strerror(errno));
                return -1;
        }
        char *cause = NULL;
        size_t i = 0;
        while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r'))
                i++;
        struct article *a = i < len && buf[i] == '{' ? article_from_json(buf, len, &cause)
                                                     : article_parse(buf, len, &cause);
        free(buf);
        if (a == NULL) {
                fprintf(stderr, "newswire-extract: %s: %s\n", path, cause ? cause : "no article");
                free(cause);
                return -1;
        }
        if (a->published == NULL && published != NULL)
                a->published = strdup(published);
        struct nw_event **evs = NULL;
        size_t n = 0;
        if (extractor_run(x, a, &evs, &n, &cause) != 0) {
                fprintf(stderr, "newswire-extract: %s: %s\n", path, cause ? cause : "failed");
                free(cause);
                article_destroy(&a);
                return -1;
        }
        for (size_t k = 0; k < n; k++) {
                if (text) {
                        print_text(evs[k]);
                } else {
                        char *js = nw_event_to_json(evs[k]);
                        if (js != NULL) {
                                fputs(js, stdout);
                                fputc('\n', stdout);
                                free(js);
                        }
                }
        }
        extractor_free_events(&evs, n);
        article_destroy(&a);
        return 0;
}

int
main(int argc, char **argv)
{
        int text = 0, bad = 0, nfiles = 0;
        const char *published = NULL, *datadir = NULL;
        int i = 1;
        for (; i < argc; i++) {
                if (strcmp(argv[i], "--text") == 0)
                        text = 1;
                else if (strcmp(argv[i], "--published") == 0 && i + 1 < argc)
                        published = argv[++i];
                else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
                        datadir = argv[++i];
                else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        usage(stdout, 0);
                else if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else if (argv[i][0] == '-' && argv[i][1] != '\0')
                        usage(stderr, 2);
                else
                        break;
        }
        if (i >= argc)
                usage(stderr, 2);
        char *cause = NULL;
        struct extractor *x = extractor_new(datadir, &cause);
        if (x == NULL) {
                fprintf(stderr, "newswire-extract: %s\n", cause ? cause : "cannot load data");
                free(cause);
                return 1;
        }
        for (; i < argc; i++, nfiles++)
                if (run_file(x, argv[i], published, text) != 0)
                        bad++;
        fflush(stdout);
        extractor_destroy(&x);
        return bad > 0 ? 1 : 0;
}
