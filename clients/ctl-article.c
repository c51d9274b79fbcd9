/*
 * ctl-article.c — "newswire-ctl article ID": GET /v1/articles/ID, the
 * article's status (queued, done, failed) and its events, as the daemon's
 * JSON; exit 1 when the daemon does not know the article.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* Ask and print. */
static int
ctl_article_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        const char *id = argv[1], *p;
        char *path, *what;
        int code;

        for (p = id; *p != '\0'; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        client_exitx(CLIENT_EXIT_USAGE, "'%s' is not an article id (hex)", id);
        if (*id == '\0' || strlen(id) > 64)
                client_exitx(CLIENT_EXIT_USAGE, "'%s' is not an article id (hex)", id);
        path = nw_xprintf("v1/articles/%s", id);
        what = nw_xprintf("article %s", id);
        code = ctl_http_get_print(cx, path, what);
        free(path);
        free(what);
        return code;
}

const struct ctl_cmd ctl_article_cmd = {
    .c_name = "article",
    .c_synopsis = "ID",
    .c_help = "an article's status and events",
    .c_min_args = 1,
    .c_max_args = 1,
    .c_exec = ctl_article_exec,
};
