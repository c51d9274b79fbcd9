/*
 * fuzz_cursor.c — libFuzzer target for newswire-alert's cursor file reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char path[64];
        struct cursor c;
        char *cause = NULL;
        FILE *f;

        if (path[0] == '\0')
                snprintf(path, sizeof path, "/tmp/fuzz_cursor.%ld", (long)getpid());
        if ((f = fopen(path, "wb")) == NULL)
                return 0;
        fwrite(data, 1, size, f);
        fclose(f);
        cursor_load(path, &c, &cause);
        unlink(path);
        free(cause);
        return 0;
}
