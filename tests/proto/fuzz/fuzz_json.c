/*
 * fuzz_json.c — libFuzzer target for nw_event_from_json: any accepted input
 * must render and parse back equal, and survive the msgpack form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop the fuzzer with a message: an invariant broke. */
static void
fuzz_die(const char *what)
{
        fprintf(stderr, "fuzz_json: %s\n", what);
        abort();
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct nw_event *ev = NULL, *again = NULL, *fromjson = NULL;
        char *buf, *json, *cause = NULL;
        size_t len;
        int r;

        r = nw_event_from_json((const char *)data, size, &ev, &cause);
        if (r != NW_OK) {
                if (ev != NULL || cause == NULL || r >= 0)
                        fuzz_die("error without cause, or event on error");
                free(cause);
                return 0;
        }
        json = nw_event_to_json(ev);
        r = nw_event_from_json(json, strlen(json), &fromjson, &cause);
        if (r == NW_OK && !nw_event_equal(ev, fromjson))
                fuzz_die("JSON round trip differs");
        if (r != NW_OK && r != NW_E_LIMIT)
                fuzz_die("rendered JSON refused");
        free(cause);
        if (nw_event_encode(ev, &buf, &len) != 0)
                fuzz_die("a parsed event does not encode");
        if (nw_event_decode(buf, len, &again, NULL) != NW_OK || !nw_event_equal(ev, again))
                fuzz_die("msgpack round trip differs");
        free(json);
        free(buf);
        nw_event_destroy(&fromjson);
        nw_event_destroy(&again);
        nw_event_destroy(&ev);
        return 0;
}
