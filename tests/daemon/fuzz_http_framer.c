/*
 * fuzz_http_framer.c — libFuzzer target for the HTTP request framer of
 * daemon/http.c (the input filter in front of evhttp). The first byte
 * chooses how the rest arrives (in pieces of 1..256 bytes); the framer must
 * never crash nor leak, and when no chunked request is in the input, until
 * it refuses an oversize request (FRAMER_DISCARD) the bytes it hands on are
 * exactly the bytes received, in order. (A chunked one is rewritten.)
 */
#include <event2/buffer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "newswired.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether "chunked" occurs in p[0..n), in any case. */
static bool
has_chunked(const uint8_t *p, size_t n)
{
        size_t i;

        for (i = 0; i + 7 <= n; i++)
                if (strncasecmp((const char *)p + i, "chunked", 7) == 0)
                        return true;
        return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_framer f = {.hf_max = 1000};
        struct evbuffer *src = evbuffer_new(), *dst = evbuffer_new();
        size_t piece, off = 1, n, out;
        unsigned char *flat;

        if (size == 0)
                goto done;
        piece = (size_t)data[0] + 1;
        while (off < size) {
                n = size - off < piece ? size - off : piece;
                evbuffer_add(src, data + off, n);
                off += n;
                http_framer_run(&f, src, dst);
        }
        out = evbuffer_get_length(dst);
        if (f.hf_state != FRAMER_DISCARD && !has_chunked(data + 1, size - 1)) {
                /* Nothing rewritten: what went on is a prefix of the input
                 * (whatever is held back waits for the rest of a header). */
                if (out + evbuffer_get_length(src) != size - 1)
                        abort();
                flat = evbuffer_pullup(dst, -1);
                if (out > 0 && memcmp(flat, data + 1, out) != 0)
                        abort();
        }
done:
        http_framer_clear(&f);
        evbuffer_free(src);
        evbuffer_free(dst);
        return 0;
}
