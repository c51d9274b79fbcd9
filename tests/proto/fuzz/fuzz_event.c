/*
 * fuzz_event.c — libFuzzer target for nw_event_decode: any accepted input must
 * re-encode, decode again to an equal event, and render to JSON that parses
 * back to an equal event (or is refused only for a JSON limit).
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
        fprintf(stderr, "fuzz_event: %s\n", what);
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

        r = nw_event_decode(data, size, &ev, &cause);
        if (r != NW_OK) {
                if (ev != NULL || cause == NULL || r >= 0)
                        fuzz_die("error without cause, or event on error");
                free(cause);
                return 0;
        }
        if (nw_event_encode(ev, &buf, &len) != 0) {
                /* Only near the size limit: re-encoding writes every key and
                 * makes each quantity value a float64, so it may grow a little. */
                if (size < NW_MAX_MESSAGE - 65536)
                        fuzz_die("a decoded event does not encode");
                nw_event_destroy(&ev);
                return 0;
        }
        if (nw_event_decode(buf, len, &again, NULL) != NW_OK)
                fuzz_die("a re-encoded event does not decode");
        if (!nw_event_equal(ev, again))
                fuzz_die("re-encoded event differs");
        json = nw_event_to_json(ev);
        if (!nw_utf8_valid(json, strlen(json)))
                fuzz_die("JSON is not valid UTF-8");
        r = nw_event_from_json(json, strlen(json), &fromjson, &cause);
        if (r == NW_OK && !nw_event_equal(ev, fromjson))
                fuzz_die("JSON round trip differs");
        if (r != NW_OK && r != NW_E_LIMIT) {
                fprintf(stderr, "%s\n", cause);
                fuzz_die("JSON of a valid event refused");
        }
        free(cause);
        free(json);
        free(buf);
        nw_event_destroy(&fromjson);
        nw_event_destroy(&again);
        nw_event_destroy(&ev);
        return 0;
}
