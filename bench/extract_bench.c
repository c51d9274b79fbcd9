/*
 * extract_bench — throughput of the whole extractor on one core.
 *
 *   bench_extract [--mb N] [--no-big] [DIR...]
 *
 * Loads every *.txt article of the DIRs (default: tests/extract/corpus and
 * its subfolders), runs extractor_run over them again and again until N MB
 * (default 50) of article text went through, and prints MB/s, events/s and the
 * peak RSS. Then builds one 1 MB and one 10 MB article out of the corpus
 * bodies and times each, to show that the cost grows linearly with size
 * (--no-big skips that part, e.g. under a profiler). The default corpus is
 * mostly short FewFC snippets; give tests/extract/corpus/dev to measure
 * news articles of ordinary length alone. The CPU-time figure is the one
 * to compare on a machine shared with other work.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "extract.h"

struct item {
        char *buf;
        size_t len;
};

static struct item *items;
static size_t nitems;

/* Seconds on a monotonic clock. */
static double
now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds of CPU this process used: steadier than the wall clock on a
 * machine shared with other work. */
static double
cpu(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read a file whole; NULL on error. */
static char *
slurp(const char *path, size_t *len)
{
        FILE *fp = fopen(path, "rb");
        if (fp == NULL)
                return NULL;
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *b = malloc((size_t)(n > 0 ? n : 0) + 1);
        if (b == NULL || (n > 0 && fread(b, 1, (size_t)n, fp) != (size_t)n)) {
                free(b);
                fclose(fp);
                return NULL;
        }
        fclose(fp);
        b[n > 0 ? n : 0] = '\0';
        *len = (size_t)(n > 0 ? n : 0);
        return b;
}

/* Add the *.txt articles of dir and, one level down, of its subfolders. */
static void
load_dir(const char *dir, int depth)
{
        DIR *d = opendir(dir);
        if (d == NULL)
                return;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.')
                        continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                size_t l = strlen(de->d_name);
                if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0 &&
                    strcmp(de->d_name, "LICENSE.txt") != 0) {
                        size_t len;
                        char *b = slurp(path, &len);
                        if (b == NULL)
                                continue;
                        items = realloc(items, (nitems + 1) * sizeof *items);
                        items[nitems].buf = b;
                        items[nitems++].len = len;
                } else if (depth > 0 && de->d_type == DT_DIR) {
                        load_dir(path, depth - 1);
                }
        }
        closedir(d);
}

/* Run the extractor over one buffer; returns the number of events. */
static size_t
run_one(const struct extractor *x, const char *buf, size_t len)
{
        char *cause = NULL;
        struct article *a = article_parse(buf, len, &cause);
        if (a == NULL) {
                free(cause);
                return 0;
        }
        struct nw_event **evs = NULL;
        size_t n = 0;
        if (extractor_run(x, a, &evs, &n, &cause) != 0) {
                fprintf(stderr, "bench_extract: %s\n", cause ? cause : "failed");
                free(cause);
        }
        extractor_free_events(&evs, n);
        article_destroy(&a);
        return n;
}

/* One article of about size bytes: a header, then corpus bodies repeated. */
static char *
make_big(size_t size, size_t *len)
{
        const char *hdr = "Title: big\nPublished: 2025-06-01\nLanguage: zh\n\n";
        size_t cap = size + 65536, n = strlen(hdr);
        char *b = malloc(cap);
        memcpy(b, hdr, n);
        for (size_t i = 0; n < size; i++) {
                const struct item *it = &items[i % nitems];
                const char *body = strstr(it->buf, "\n\n");
                body = body ? body + 2 : it->buf;
                size_t bl = it->len - (size_t)(body - it->buf);
                if (n + bl + 1 > cap)
                        break;
                memcpy(b + n, body, bl);
                n += bl;
                b[n++] = '\n';
        }
        *len = n;
        return b;
}

int
main(int argc, char **argv)
{
        double target_mb = 50;
        bool big = true;
        int i = 1;
        for (;;) {
                if (i + 1 < argc && strcmp(argv[i], "--mb") == 0) {
                        target_mb = atof(argv[i + 1]);
                        i += 2;
                } else if (i < argc && strcmp(argv[i], "--no-big") == 0) {
                        big = false;
                        i++;
                } else {
                        break;
                }
        }
        for (; i < argc; i++)
                load_dir(argv[i], 1);
        if (nitems == 0) {
                const char *src = getenv("NW_SOURCE_DIR");
                char dir[4096];
                snprintf(dir, sizeof dir, "%s/tests/extract/corpus", src ? src : ".");
                load_dir(dir, 1);
        }
        if (nitems == 0) {
                fprintf(stderr, "bench_extract: no articles (give a DIR or set NW_SOURCE_DIR)\n");
                return 1;
        }
        char *cause = NULL;
        double t0 = now();
        struct extractor *x = extractor_new(NULL, &cause);
        if (x == NULL) {
                fprintf(stderr, "bench_extract: %s\n", cause ? cause : "no data");
                return 1;
        }
        double tload = now() - t0;
        size_t corpus = 0;
        for (size_t k = 0; k < nitems; k++)
                corpus += items[k].len;
        printf("extractor: %zu entities, %zu rules, loaded in %.1f ms\n", extractor_entity_count(x),
               extractor_rule_count(x), tload * 1000);
        printf("corpus: %zu articles, %.1f KB (%.0f bytes on average), replicated to %.0f MB\n",
               nitems, corpus / 1024.0, (double)corpus / (double)nitems, target_mb);

        size_t total = 0, events = 0, runs = 0;
        t0 = now();
        double c0 = cpu();
        while ((double)total < target_mb * 1e6) {
                const struct item *it = &items[runs % nitems];
                events += run_one(x, it->buf, it->len);
                total += it->len;
                runs++;
        }
        double dt = now() - t0, dc = cpu() - c0;
        printf(
            "throughput: %.1f MB in %.2f s = %.1f MB/s on one core, %zu articles, %.0f events/s\n",
            total / 1e6, dt, total / 1e6 / dt, runs, events / dt);
        printf("cpu time: %.2f s = %.1f MB/s of CPU\n", dc, total / 1e6 / dc);

        if (!big)
                goto done;
        size_t l1, l10;
        char *b1 = make_big(1000000, &l1);
        char *b10 = make_big(10000000, &l10);
        t0 = now();
        size_t e1 = run_one(x, b1, l1);
        double d1 = now() - t0;
        t0 = now();
        size_t e10 = run_one(x, b10, l10);
        double d10 = now() - t0;
        printf("linearity: 1 MB article %.1f ms (%zu events), 10 MB article %.1f ms (%zu events), "
               "ratio %.1f for 10x the text\n",
               d1 * 1000, e1, d10 * 1000, e10, d10 / d1);
        free(b1);
        free(b10);
done:;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
        extractor_destroy(&x);
        for (size_t k = 0; k < nitems; k++)
                free(items[k].buf);
        free(items);
        return 0;
}
