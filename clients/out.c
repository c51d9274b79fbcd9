/*
 * out.c — how the tools print events: JSON lines for programs, a readable
 * line (time, sequence, type, summary) for people on a terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

/* OUT_AUTO becomes JSON unless f is a terminal. */
enum out_format
out_resolve(enum out_format fmt, FILE *f)
{
        if (fmt != OUT_AUTO)
                return fmt;
        return isatty(fileno(f)) ? OUT_TEXT : OUT_JSON;
}

/* "HH:MM:SS #seq type summary [modality confidence]". */
char *
out_text(const struct nw_event *ev)
{
        char clock[16], seq[32] = "", *s, *p;
        time_t now = time(NULL);
        struct tm tm;

        localtime_r(&now, &tm);
        strftime(clock, sizeof clock, "%H:%M:%S", &tm);
        if (ev->has_seq)
                snprintf(seq, sizeof seq, "#%llu ", (unsigned long long)ev->seq);
        s = nw_xprintf("%s %s%s %s [%s %.2f]", clock, seq, ev->type ? ev->type : "?",
                       ev->summary ? ev->summary : "(no summary)",
                       ev->modality ? ev->modality : "?", ev->confidence);
        for (p = s; *p != '\0'; p++) /* one event, one line */
                if (*p == '\n' || *p == '\r' || *p == '\t')
                        *p = ' ';
        return s;
}

/* Print one event and flush; on a write error errno is the cause. */
int
out_event(FILE *f, enum out_format fmt, const struct nw_event *ev, char **cause)
{
        char *line;

        line = out_resolve(fmt, f) == OUT_TEXT ? out_text(ev) : nw_event_to_json(ev);
        if (line == NULL)
                return client_fail(cause, "cannot render the event");
        fputs(line, f);
        fputc('\n', f);
        free(line);
        if (fflush(f) != 0 || ferror(f)) {
                int e = errno; /* the caller looks at it (EPIPE) */

                client_fail(cause, "write error: %s", strerror(e));
                errno = e;
                return -1;
        }
        return 0;
}
