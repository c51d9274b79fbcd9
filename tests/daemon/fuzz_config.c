/*
 * fuzz_config.c — libFuzzer target for newswired's configuration parser
 * (libinih through the option table, then the cross-option checks): any
 * input must give 0 or -1 with a message, never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newswired.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct config *cfg;
        char *text, *cause = NULL;
        static bool init;

        if (!init) {
                log_init(LOG_LEVEL_WARN, false);
                init = true;
        }
        text = xmalloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';
        cfg = config_new();
        if (config_parse_string(cfg, text, &cause) == 0) {
                /* No file reads driven by the input. */
                free(cfg->cfg_token_file);
                cfg->cfg_token_file = xstrdup("");
                if (config_finish(cfg, &cause) != 0 && cause == NULL)
                        abort();
        } else if (cause == NULL)
                abort();
        free(cause);
        config_destroy(&cfg);
        free(text);
        return 0;
}
