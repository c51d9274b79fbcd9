/*
 * ctl.h — newswire-ctl's commands: one file per command (ctl-*.c), each
 * exporting one struct ctl_cmd, listed in ctl_table[] (newswire-ctl.c).
 */
#ifndef NW_CTL_H
#define NW_CTL_H

#include "client.h"

/* What the global options say, shared by every command. */
struct ctl_ctx {
        const char *cx_url;                        /* HTTP base URL */
        char *cx_token;                            /* bearer token, or NULL */
        const char *cx_replay;                     /* replay endpoint */
        int64_t cx_timeout;                        /* ms per request */
        bool cx_json;                              /* machine-readable output where it differs */
        const char *cx_server_key, *cx_client_key; /* CURVE key files, or NULL */
        struct client_curve cx_curve;              /* loaded from them */
};

/* A command. */
struct ctl_cmd {
        const char *c_name;
        const char *c_synopsis;                                   /* after the name */
        const char *c_help;                                       /* one line */
        const struct opt *c_opts;                                 /* its own options (NULL: none) */
        int c_min_args, c_max_args;                               /* operands */
        int (*c_exec)(struct ctl_ctx *cx, int argc, char **argv); /* returns an exit code */
};

extern const struct ctl_cmd ctl_stats_cmd;
extern const struct ctl_cmd ctl_health_cmd;
extern const struct ctl_cmd ctl_replay_cmd;
extern const struct ctl_cmd ctl_article_cmd;
extern const struct ctl_cmd ctl_metrics_cmd;
extern const struct ctl_cmd ctl_keygen_cmd;

/* GET base/path; print the body on success (2xx). Returns an exit code;
 * failures are said on stderr. */
int ctl_http_get_print(struct ctl_ctx *cx, const char *path, const char *what);

#endif /* NW_CTL_H */
