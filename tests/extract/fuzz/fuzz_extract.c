/*
 * fuzz_extract.c — libFuzzer target over the whole extractor: the input is an
 * article (text form, or the JSON form when its first byte is '{'), parsed and
 * run through every stage. The seeds are real articles (mutated by libFuzzer)
 * and random bytes. The extractor is built once from NEWSWIRE_DATA.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static struct extractor *fx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
        char *cause = NULL;
        fx = extractor_new(getenv("NEWSWIRE_DATA"), &cause);
        if (fx == NULL) {
                fprintf(stderr, "fuzz_extract: %s\n", cause ? cause : "no data");
                abort();
        }
        (void)argc;
        (void)argv;
        return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        char *cause = NULL;
        struct article *a = size > 0 && buf[0] == '{' ? article_from_json(buf, size, &cause)
                                                      : article_parse(buf, size, &cause);
        free(cause);
        if (a == NULL)
                return 0;
        struct nw_event **evs = NULL;
        size_t n = 0;
        cause = NULL;
        if (extractor_run(fx, a, &evs, &n, &cause) == 0) {
                for (size_t i = 0; i < n; i++) {
                        if (evs[i]->evidence_end > a->body_len ||
                            evs[i]->evidence_start > evs[i]->evidence_end)
                                abort();
                        char *js = nw_event_to_json(evs[i]);
                        if (js == NULL)
                                abort();
                        free(js);
                }
        }
        free(cause);
        extractor_free_events(&evs, n);
        article_destroy(&a);
        return 0;
}
