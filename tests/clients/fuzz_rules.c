/*
 * fuzz_ruleset.c — libFuzzer target for newswire-alert's rules parser.
 * Keys that load the lexicon (related = yes) are exercised too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *cause = NULL;
        struct rules *rs;

        rs = ruleset_parse((const char *)data, size, "fuzz", NULL, &cause);
        ruleset_destroy(&rs);
        free(cause);
        return 0;
}
