/*
 * newswire-ctl — the operator's tool: one subcommand per ctl-*.c file, found
 * through ctl_table[]. Global options come before the command.
 * Exit codes: 0 ok, 1 the daemon answered "no" (unhealthy, unknown article),
 * 2 usage, 3 daemon unreachable.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_cmd *ctl_table[] = {
    &ctl_stats_cmd,   &ctl_health_cmd,  &ctl_replay_cmd,
    &ctl_article_cmd, &ctl_metrics_cmd, &ctl_keygen_cmd,
};
#define CTL_NCMDS (sizeof ctl_table / sizeof ctl_table[0])

enum {
        O_URL = 1,
        O_TOKEN_FILE,
        O_REPLAY,
        O_TIMEOUT,
        O_JSON,
        O_SERVER_KEY,
        O_CLIENT_KEY,
};

static const struct opt ctl_opts[] = {
    {"url", 'u', "URL", "daemon URL (default $NEWSWIRE_URL or " CLIENT_DEFAULT_URL ")", O_URL},
    {"token-file", 'k', "FILE", "send the token in FILE (default $NEWSWIRE_TOKEN_FILE)",
     O_TOKEN_FILE},
    {"replay", 0, "ENDPOINT",
     "replay endpoint (default $NEWSWIRE_REPLAY or " CLIENT_DEFAULT_REPLAY ")", O_REPLAY},
    {"timeout", 'T', "SECONDS", "per request (default 10)", O_TIMEOUT},
    {"json", 'j', NULL, "JSON output where a command prints a table", O_JSON},
    {"server-key", 0, "FILE", "CURVE: the daemon's public key file (default $NEWSWIRE_SERVER_KEY)",
     O_SERVER_KEY},
    {"client-key", 0, "FILE", "CURVE: your secret key file (default $NEWSWIRE_CLIENT_KEY)",
     O_CLIENT_KEY},
    {NULL, 0, NULL, NULL, 0},
};

/* Global option handler. */
static int
ctl_option(void *arg, int key, const char *value, char **cause)
{
        struct ctl_ctx *cx = arg;

        switch (key) {
        case O_URL:
                if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
                        return client_fail(cause, "'%s' is not an http:// or https:// URL", value);
                cx->cx_url = value;
                return 0;
        case O_TOKEN_FILE:
                return http_read_token(value, &cx->cx_token, cause);
        case O_REPLAY:
                cx->cx_replay = value;
                return 0;
        case O_TIMEOUT:
                if (client_parse_seconds(value, &cx->cx_timeout, cause) != 0)
                        return -1;
                return cx->cx_timeout > 0 ? 0 : client_fail(cause, "must be positive");
        case O_JSON:
                cx->cx_json = true;
                return 0;
        case O_SERVER_KEY:
                cx->cx_server_key = value;
                return 0;
        case O_CLIENT_KEY:
                cx->cx_client_key = value;
                return 0;
        }
        return 0;
}

/* The usage: global options and the command table. */
static void
ctl_usage(FILE *f)
{
        size_t i;
        char left[64];

        opt_usage(f, "[options] COMMAND [args]", ctl_opts);
        fprintf(f, "commands:\n");
        for (i = 0; i < CTL_NCMDS; i++) {
                snprintf(left, sizeof left, "%s %s", ctl_table[i]->c_name,
                         ctl_table[i]->c_synopsis);
                if (strlen(left) > 28)
                        fprintf(f, "  %s\n  %-28s %s\n", left, "", ctl_table[i]->c_help);
                else
                        fprintf(f, "  %-28s %s\n", left, ctl_table[i]->c_help);
        }
}

/* GET and print; see ctl.h. */
int
ctl_http_get_print(struct ctl_ctx *cx, const char *path, const char *what)
{
        struct http_response r;
        char *url, *cause = NULL, *msg;
        size_t n;

        url = nw_xprintf("%s%s%s", cx->cx_url, cx->cx_url[strlen(cx->cx_url) - 1] == '/' ? "" : "/",
                         path);
        if (http_request("GET", url, NULL, NULL, 0, cx->cx_token, (long)cx->cx_timeout, &r,
                         &cause) != 0) {
                client_warnx("%s", cause);
                free(cause);
                free(url);
                return CLIENT_EXIT_UNREACHABLE;
        }
        free(url);
        if (r.hr_status < 200 || r.hr_status > 299) {
                msg = http_error_text(&r);
                client_warnx("%s: %s", what, msg);
                free(msg);
                http_response_clear(&r);
                return CLIENT_EXIT_FAIL;
        }
        n = r.hr_len;
        fwrite(r.hr_body, 1, n, stdout);
        if (n > 0 && r.hr_body[n - 1] != '\n')
                fputc('\n', stdout);
        http_response_clear(&r);
        return fflush(stdout) == 0 ? CLIENT_EXIT_OK : CLIENT_EXIT_FAIL;
}

int
main(int argc, char **argv)
{
        struct ctl_ctx cx = {.cx_timeout = 10000};
        const struct ctl_cmd *cmd = NULL;
        int first, nargs, code;
        size_t i;
        char *cause = NULL;

        client_init("newswire-ctl");
        if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                         strcmp(argv[1], "help") == 0)) {
                ctl_usage(stdout);
                return CLIENT_EXIT_OK;
        }
        first = opt_parse(argc, argv, ctl_opts, "[options] COMMAND [args]", ctl_option, &cx);
        if (first == argc) {
                ctl_usage(stderr);
                return CLIENT_EXIT_USAGE;
        }
        for (i = 0; i < CTL_NCMDS; i++)
                if (strcmp(argv[first], ctl_table[i]->c_name) == 0)
                        cmd = ctl_table[i];
        if (cmd == NULL)
                client_exitx(CLIENT_EXIT_USAGE, "unknown command '%s' (see --help)", argv[first]);
        if (cx.cx_url == NULL)
                cx.cx_url = client_env("NEWSWIRE_URL", CLIENT_DEFAULT_URL);
        if (cx.cx_token == NULL && client_env("NEWSWIRE_TOKEN_FILE", NULL) != NULL &&
            http_read_token(client_env("NEWSWIRE_TOKEN_FILE", NULL), &cx.cx_token, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);
        if (cx.cx_replay == NULL)
                cx.cx_replay = client_env("NEWSWIRE_REPLAY", CLIENT_DEFAULT_REPLAY);
        if (cx.cx_server_key == NULL)
                cx.cx_server_key = client_env("NEWSWIRE_SERVER_KEY", NULL);
        if (cx.cx_client_key == NULL)
                cx.cx_client_key = client_env("NEWSWIRE_CLIENT_KEY", NULL);
        if (cmd != &ctl_keygen_cmd &&
            curve_load(&cx.cx_curve, cx.cx_server_key, cx.cx_client_key, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);

        /* The command parses its own options, with its name as argv[0]. */
        argc -= first;
        argv += first;
        nargs = argc - 1;
        if (cmd->c_opts == NULL) {
                if (nargs > 0 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                        printf("usage: newswire-ctl %s %s\n", cmd->c_name, cmd->c_synopsis);
                        return CLIENT_EXIT_OK;
                }
                if (nargs < cmd->c_min_args || nargs > cmd->c_max_args)
                        client_exitx(CLIENT_EXIT_USAGE, "usage: newswire-ctl %s %s", cmd->c_name,
                                     cmd->c_synopsis);
        }
        code = cmd->c_exec(&cx, argc, argv);
        free(cx.cx_token);
        return code;
}
