/*
 * config.c — the option table and everything it drives: defaults, the INI
 * file (libinih), command-line flags, validation, --help and the sample
 * configuration. One row per option; nothing about an option lives elsewhere.
 */
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newswired.h"

enum config_type {
        CONFIG_BOOL,
        CONFIG_INT,
        CONFIG_STRING,
        CONFIG_LIST,  /* repeatable string: endpoint lists */
        CONFIG_LEVEL, /* log level name */
};

struct config_option {
        const char *name; /* INI key; the flag is the same with '-' for '_' */
        enum config_type type;
        int64_t min, max; /* bounds of CONFIG_INT */
        const char *def;  /* default as text ("" = empty); lists: ' '-separated */
        size_t off;       /* offset of the field in struct config */
        size_t noff;      /* CONFIG_LIST: offset of the count */
        const char *help;
};

#define OFF(f) offsetof(struct config, f)

/* Default endpoints: "@state@" is replaced by the state directory. */
static const struct config_option config_table[] = {
    {"foreground", CONFIG_BOOL, 0, 1, "false", OFF(cfg_foreground), 0,
     "Stay in the foreground and log to stderr (systemd runs it so)."},
    {"allow_root", CONFIG_BOOL, 0, 1, "false", OFF(cfg_allow_root), 0,
     "Run even as root (refused otherwise)."},
    {"state_dir", CONFIG_STRING, 0, 0, "var", OFF(cfg_state_dir), 0,
     "Directory of the SQLite store and the default ipc sockets (mode 0700).\n"
     "Default: $STATE_DIRECTORY when set (systemd), else var (relative\n"
     "to the working directory)."},
    {"data_dir", CONFIG_STRING, 0, 0, "", OFF(cfg_data_dir), 0,
     "Lexicons and rules; empty: $NEWSWIRE_DATA or the installed data."},
    {"http", CONFIG_STRING, 0, 0, "127.0.0.1:7700", OFF(cfg_http), 0,
     "ADDR:PORT of the HTTP ingest API; empty: no HTTP."},
    {"pub", CONFIG_LIST, 0, 0, "ipc://@state@/pub.sock tcp://127.0.0.1:7701", OFF(cfg_pub),
     OFF(cfg_npub), "ZeroMQ PUB endpoint of the event stream (repeatable)."},
    {"replay", CONFIG_LIST, 0, 0, "ipc://@state@/replay.sock tcp://127.0.0.1:7702", OFF(cfg_replay),
     OFF(cfg_nreplay), "ZeroMQ ROUTER endpoint for replay and stats requests (repeatable)."},
    {"spool", CONFIG_STRING, 0, 0, "", OFF(cfg_spool), 0,
     "Spool directory: articles renamed into it are ingested, then moved to\n"
     "done/ or failed/ (with NAME.error). Empty: no spool."},
    {"log_level", CONFIG_LEVEL, 0, 0, "info", OFF(cfg_log_level), 0, "warn, info or debug."},
    {"token_file", CONFIG_STRING, 0, 0, "", OFF(cfg_token_file), 0,
     "File holding the ingest token; POSTs must then send\n"
     "\"Authorization: Bearer TOKEN\". Empty: no token."},
    {"workers", CONFIG_INT, 1, 64, "2", OFF(cfg_workers), 0, "Extraction threads."},
    {"max_body", CONFIG_INT, 1024, 67108864, "1048576", OFF(cfg_max_body), 0,
     "Largest article accepted, in bytes (413 above)."},
    {"queue_max", CONFIG_INT, 1, 1000000, "4096", OFF(cfg_queue_max), 0,
     "Articles stored but not yet processed before ingest answers 503."},
    {"http_timeout", CONFIG_INT, 1, 3600, "30", OFF(cfg_http_timeout), 0,
     "Seconds a client may stall while sending a request or reading a reply."},
    {"http_max_conns", CONFIG_INT, 1, 100000, "256", OFF(cfg_http_max_conns), 0,
     "Concurrent HTTP connections; more wait in the listen queue."},
    {"sndhwm", CONFIG_INT, 1, 10000000, "10000", OFF(cfg_sndhwm), 0,
     "PUB high-water mark, messages per subscriber; a slower subscriber\n"
     "loses messages (it sees a gap in seq and replays)."},
    {"heartbeat_ms", CONFIG_INT, 50, 60000, "1000", OFF(cfg_heartbeat_ms), 0,
     "Milliseconds between heartbeats on PUB."},
    {"replay_limit", CONFIG_INT, 1, 1000000, "1000", OFF(cfg_replay_limit), 0,
     "Events a replay request gets when it asks for 0."},
    {"replay_max", CONFIG_INT, 1, 10000000, "10000", OFF(cfg_replay_max), 0,
     "Most events one replay request may ask for."},
    {"batch_max", CONFIG_INT, 1, 100000, "256", OFF(cfg_batch_max), 0,
     "Articles whose events are committed in one transaction."},
    {"shutdown_timeout", CONFIG_INT, 1, 600, "10", OFF(cfg_shutdown_timeout), 0,
     "Seconds SIGTERM waits for in-flight extractions; the rest are\n"
     "processed at the next start."},
    {"sync", CONFIG_STRING, 0, 0, "full", OFF(cfg_sync), 0,
     "SQLite synchronous mode: full (an fsync per commit, survives power\n"
     "loss) or normal (survives a crash of the daemon, not of the machine)."},
    {"allow_remote", CONFIG_BOOL, 0, 1, "false", OFF(cfg_allow_remote), 0,
     "Allow http, pub and replay on tcp addresses other than loopback\n"
     "(127.0.0.0/8, ::1, localhost); refused otherwise. Use CURVE and a\n"
     "token when you do."},
    {"curve_secret_key_file", CONFIG_STRING, 0, 0, "", OFF(cfg_curve_secret_key_file), 0,
     "The daemon's CURVE secret key (Z85, from `newswire-ctl keygen`, mode\n"
     "0600). Set: PUB and replay endpoints on tcp require CURVE, and only\n"
     "the clients whose public key is in curve_clients_dir get in. Empty:\n"
     "no CURVE."},
    {"curve_public_key_file", CONFIG_STRING, 0, 0, "", OFF(cfg_curve_public_key_file), 0,
     "The daemon's CURVE public key; when set, it must match the secret key\n"
     "(a check that the right pair is installed). Clients need this file."},
    {"curve_clients_dir", CONFIG_STRING, 0, 0, "", OFF(cfg_curve_clients_dir), 0,
     "Directory of the authorised clients' public keys: every NAME.pub in it.\n"
     "Read again on SIGHUP. Required with curve_secret_key_file."},
    {"curve_ipc", CONFIG_BOOL, 0, 1, "false", OFF(cfg_curve_ipc), 0,
     "Require CURVE on ipc endpoints too (else they are guarded by the\n"
     "state directory's mode 0700 only)."},
};
#define CONFIG_NOPTIONS (sizeof config_table / sizeof config_table[0])

/* The option called name (INI key or flag spelling), or NULL. */
static const struct config_option *
config_find(const char *name)
{
        char key[64];
        size_t i;

        if (strlen(name) >= sizeof key)
                return NULL;
        for (i = 0; name[i] != '\0'; i++)
                key[i] = name[i] == '-' ? '_' : name[i];
        key[i] = '\0';
        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                if (strcmp(config_table[i].name, key) == 0)
                        return &config_table[i];
        }
        return NULL;
}

/* Replace "@state@" in s by the state directory; malloc'd. */
static char *
config_expand(const struct config *cfg, const char *s)
{
        const char *at = strstr(s, "@state@");
        char *out;

        if (at == NULL)
                return xstrdup(s);
        xasprintf(&out, "%.*s%s%s", (int)(at - s), s, cfg->cfg_state_dir, at + 7);
        return out;
}

/* Free a list option's entries. */
static void
config_list_clear(char **list, size_t *n)
{
        size_t i;

        for (i = 0; i < *n; i++) {
                free(list[i]);
                list[i] = NULL;
        }
        *n = 0;
}

/* Set one option's field from text; lists append (the caller clears). */
static int
config_apply(struct config *cfg, const struct config_option *o, const char *value, char **cause)
{
        char *base = (char *)cfg;
        char *end;
        long long ll;

        switch (o->type) {
        case CONFIG_BOOL:
                if (nw_parse_bool(value, (bool *)(base + o->off)) != 0) {
                        xasprintf(cause, "%s: \"%s\" is not a boolean (yes/no)", o->name, value);
                        return -1;
                }
                return 0;
        case CONFIG_INT:
                errno = 0;
                ll = strtoll(value, &end, 10);
                if (errno != 0 || end == value || *end != '\0') {
                        xasprintf(cause, "%s: \"%s\" is not a number", o->name, value);
                        return -1;
                }
                if (ll < o->min || ll > o->max) {
                        xasprintf(cause, "%s: %lld is out of range %" PRId64 "..%" PRId64, o->name,
                                  ll, o->min, o->max);
                        return -1;
                }
                *(int64_t *)(base + o->off) = ll;
                return 0;
        case CONFIG_STRING: {
                char **p = (char **)(base + o->off);
                free(*p);
                *p = xstrdup(value);
                return 0;
        }
        case CONFIG_LIST: {
                char **list = (char **)(base + o->off);
                size_t *n = (size_t *)(base + o->noff);
                if (*value == '\0') {
                        xasprintf(cause, "%s: empty endpoint", o->name);
                        return -1;
                }
                if (*n >= CONFIG_MAX_ENDPOINTS) {
                        xasprintf(cause, "%s: more than %d endpoints", o->name,
                                  CONFIG_MAX_ENDPOINTS);
                        return -1;
                }
                list[(*n)++] = xstrdup(value);
                return 0;
        }
        case CONFIG_LEVEL: {
                int lvl = log_level_parse(value);
                if (lvl < 0) {
                        xasprintf(cause, "%s: \"%s\" is not warn, info or debug", o->name, value);
                        return -1;
                }
                *(int *)(base + o->off) = lvl;
                return 0;
        }
        }
        return -1;
}

/* Which list options were already set from the command line (they replace
 * the defaults and the file's values at their first occurrence). */
struct config_seen {
        bool cs_file[CONFIG_NOPTIONS];
        bool cs_cli[CONFIG_NOPTIONS];
};

/* Set an option, handling list replacement by source. */
static int
config_set_seen(struct config *cfg, struct config_seen *seen, const char *name, const char *value,
                bool from_cli, char **cause)
{
        const struct config_option *o = config_find(name);
        size_t idx;

        if (o == NULL) {
                xasprintf(cause, "unknown option \"%s\"", name);
                return -1;
        }
        idx = (size_t)(o - config_table);
        if (o->type == CONFIG_LIST && seen != NULL) {
                bool *flag = from_cli ? &seen->cs_cli[idx] : &seen->cs_file[idx];
                if (!*flag) {
                        config_list_clear((char **)((char *)cfg + o->off),
                                          (size_t *)((char *)cfg + o->noff));
                        *flag = true;
                }
        }
        return config_apply(cfg, o, value, cause);
}

/* Set one option from its INI or flag name (lists append). */
int
config_set(struct config *cfg, const char *name, const char *value, bool from_cli, char **cause)
{
        return config_set_seen(cfg, NULL, name, value, from_cli, cause);
}

/* A configuration holding the table's defaults. */
struct config *
config_new(void)
{
        struct config *cfg = xcalloc(1, sizeof *cfg);
        const char *sd = getenv("STATE_DIRECTORY");
        size_t i;
        char *cause = NULL;

        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                if (o->type == CONFIG_LIST)
                        continue;
                if (config_apply(cfg, o, o->def, &cause) != 0)
                        fatalx("bad default: %s", cause);
        }
        /* systemd may pass several directories separated by ':'; take the first. */
        if (sd != NULL && *sd != '\0') {
                free(cfg->cfg_state_dir);
                cfg->cfg_state_dir = xstrndup(sd, strcspn(sd, ":"));
        }
        return cfg;
}

/* Free every string of cfg and cfg itself. */
void
config_destroy(struct config **cfgp)
{
        struct config *cfg = *cfgp;
        size_t i;

        if (cfg == NULL)
                return;
        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                if (o->type == CONFIG_STRING)
                        free(*(char **)((char *)cfg + o->off));
                else if (o->type == CONFIG_LIST)
                        config_list_clear((char **)((char *)cfg + o->off),
                                          (size_t *)((char *)cfg + o->noff));
        }
        free(cfg->cfg_file);
        free(cfg->cfg_token);
        free(cfg);
        *cfgp = NULL;
}

/* State handed through ini_parse. */
struct config_ini {
        struct config *ci_cfg;
        struct config_seen *ci_seen;
        char *ci_cause;
        const char *ci_name;
};

/* inih callback: one key = value in a section. The first error is kept;
 * inih reports its line number as the return value of ini_parse. */
static int
config_ini_handler(void *user, const char *section, const char *name, const char *value)
{
        struct config_ini *ci = user;
        char *cause = NULL;

        if (ci->ci_cause != NULL)
                return 0;
        if (*section != '\0' && strcmp(section, "newswired") != 0) {
                xasprintf(&ci->ci_cause, "unknown section [%s] (only [newswired])", section);
                return 0;
        }
        if (strchr(name, '-') != NULL) {
                xasprintf(&ci->ci_cause, "write \"%s\" with underscores", name);
                return 0;
        }
        if (config_set_seen(ci->ci_cfg, ci->ci_seen, name, value, false, &cause) != 0) {
                ci->ci_cause = cause;
                return 0;
        }
        return 1;
}

/* Parse INI text or a file into cfg. */
static int
config_parse(struct config *cfg, struct config_seen *seen, const char *path, const char *text,
             char **cause)
{
        struct config_ini ci = {cfg, seen, NULL, path ? path : "config"};
        int rc;

        if (path != NULL)
                rc = ini_parse(path, config_ini_handler, &ci);
        else
                rc = ini_parse_string(text, config_ini_handler, &ci);
        if (rc == -1) {
                xasprintf(cause, "%s: %s", path, strerror(errno));
                return -1;
        }
        if (rc == -2) {
                xasprintf(cause, "%s: out of memory", ci.ci_name);
                return -1;
        }
        if (ci.ci_cause != NULL) {
                xasprintf(cause, "%s:%d: %s", ci.ci_name, rc, ci.ci_cause);
                free(ci.ci_cause);
                return -1;
        }
        if (rc > 0) {
                xasprintf(cause, "%s:%d: syntax error (expected key = value)", ci.ci_name, rc);
                return -1;
        }
        return 0;
}

/* Read an INI file into cfg. */
int
config_parse_file(struct config *cfg, const char *path, char **cause)
{
        struct config_seen seen;

        memset(&seen, 0, sizeof seen);
        return config_parse(cfg, &seen, path, NULL, cause);
}

/* Read INI text into cfg. */
int
config_parse_string(struct config *cfg, const char *text, char **cause)
{
        struct config_seen seen;

        memset(&seen, 0, sizeof seen);
        return config_parse(cfg, &seen, NULL, text, cause);
}

/* Fill lists that were never set with their defaults. */
static void
config_default_lists(struct config *cfg)
{
        size_t i;
        char *cause = NULL;

        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                size_t *n = (size_t *)((char *)cfg + o->noff);
                char *copy, *tok, *save = NULL;

                if (o->type != CONFIG_LIST || *n != 0)
                        continue;
                copy = xstrdup(o->def);
                for (tok = strtok_r(copy, " ", &save); tok != NULL;
                     tok = strtok_r(NULL, " ", &save)) {
                        char *v = config_expand(cfg, tok);
                        if (config_apply(cfg, o, v, &cause) != 0)
                                fatalx("bad default: %s", cause);
                        free(v);
                }
                free(copy);
        }
}

/* Check one HOST:PORT. */
static int
config_check_hostport(const char *s, char **cause)
{
        const char *colon = strrchr(s, ':');
        char *end;
        long port;

        if (colon == NULL || colon == s) {
                xasprintf(cause, "http: \"%s\" is not ADDR:PORT", s);
                return -1;
        }
        port = strtol(colon + 1, &end, 10);
        if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535) {
                xasprintf(cause, "http: bad port in \"%s\"", s);
                return -1;
        }
        return 0;
}

/* Whether host (no brackets) is a loopback address or localhost. */
static bool
config_loopback(const char *host, size_t len)
{
        if (len == 9 && strncasecmp(host, "localhost", 9) == 0)
                return true;
        if (len == 3 && strncmp(host, "::1", 3) == 0)
                return true;
        if (len >= 5 && strncmp(host, "127.", 4) == 0)
                return strspn(host, "0123456789.") >= len;
        return false;
}

/* Refuse a tcp endpoint (or the http ADDR:PORT) off loopback unless
 * allow_remote is set. what names the option. */
static int
config_check_remote(const struct config *cfg, const char *what, const char *addr, char **cause)
{
        const char *host = addr, *end;
        size_t len;

        if (cfg->cfg_allow_remote)
                return 0;
        if (strncmp(host, "tcp://", 6) == 0)
                host += 6;
        else if (strcmp(what, "http") != 0)
                return 0; /* ipc:// and inproc:// are local */
        if (*host == '[') {
                host++;
                end = strchr(host, ']');
        } else
                end = strrchr(host, ':');
        len = end != NULL ? (size_t)(end - host) : strlen(host);
        if (config_loopback(host, len))
                return 0;
        xasprintf(cause,
                  "%s: \"%s\" is not a loopback address; listening beyond this host needs "
                  "allow_remote = yes (and CURVE keys and an ingest token)",
                  what, addr);
        return -1;
}

/* Read the ingest token: first line of the file, trimmed, not empty. */
static int
config_read_token(struct config *cfg, char **cause)
{
        char *buf, *err = NULL;
        size_t len;
        struct stat sb;

        if (util_read_file(cfg->cfg_token_file, 4096, &buf, &len, &err) != 0) {
                xasprintf(cause, "token_file: %s", err);
                free(err);
                return -1;
        }
        if (stat(cfg->cfg_token_file, &sb) == 0 && (sb.st_mode & 0044) != 0)
                log_warnx("token_file %s is readable by others", cfg->cfg_token_file);
        buf[strcspn(buf, "\r\n")] = '\0';
        len = strlen(buf);
        while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
                buf[--len] = '\0';
        if (len == 0) {
                xasprintf(cause, "token_file %s: empty token", cfg->cfg_token_file);
                free(buf);
                return -1;
        }
        free(cfg->cfg_token);
        cfg->cfg_token = buf;
        return 0;
}

/* Checks across options, default lists, the token file. */
int
config_finish(struct config *cfg, char **cause)
{
        size_t i;

        if (*cfg->cfg_state_dir == '\0') {
                xasprintf(cause, "state_dir: must not be empty");
                return -1;
        }
        config_default_lists(cfg);
        for (i = 0; i < cfg->cfg_npub + cfg->cfg_nreplay; i++) {
                const char *e =
                    i < cfg->cfg_npub ? cfg->cfg_pub[i] : cfg->cfg_replay[i - cfg->cfg_npub];
                if (strncmp(e, "tcp://", 6) != 0 && strncmp(e, "ipc://", 6) != 0 &&
                    strncmp(e, "inproc://", 9) != 0) {
                        xasprintf(cause, "endpoint \"%s\": expected tcp://, ipc:// or inproc://",
                                  e);
                        return -1;
                }
                if (config_check_remote(cfg, i < cfg->cfg_npub ? "pub" : "replay", e, cause) != 0)
                        return -1;
        }
        if (*cfg->cfg_http != '\0' && (config_check_hostport(cfg->cfg_http, cause) != 0 ||
                                       config_check_remote(cfg, "http", cfg->cfg_http, cause) != 0))
                return -1;
        if (*cfg->cfg_curve_secret_key_file != '\0' && *cfg->cfg_curve_clients_dir == '\0') {
                xasprintf(cause, "curve_secret_key_file is set but curve_clients_dir is not (the "
                                 "directory of authorised client keys)");
                return -1;
        }
        if (*cfg->cfg_curve_secret_key_file == '\0' &&
            (*cfg->cfg_curve_clients_dir != '\0' || *cfg->cfg_curve_public_key_file != '\0' ||
             cfg->cfg_curve_ipc)) {
                xasprintf(cause, "curve_clients_dir, curve_public_key_file and curve_ipc need "
                                 "curve_secret_key_file");
                return -1;
        }
        if (strcmp(cfg->cfg_sync, "full") != 0 && strcmp(cfg->cfg_sync, "normal") != 0) {
                xasprintf(cause, "sync: \"%s\" is not full or normal", cfg->cfg_sync);
                return -1;
        }
        if (cfg->cfg_replay_limit > cfg->cfg_replay_max) {
                xasprintf(cause, "replay_limit (%" PRId64 ") is above replay_max (%" PRId64 ")",
                          cfg->cfg_replay_limit, cfg->cfg_replay_max);
                return -1;
        }
        if (*cfg->cfg_token_file != '\0' && config_read_token(cfg, cause) != 0)
                return -1;
        return 0;
}

/* Print a help text as INI comment lines (prefix "# ") or indented. */
static void
config_write_text(FILE *f, const char *prefix, const char *text)
{
        const char *p = text, *nl;

        while (*p != '\0') {
                nl = strchr(p, '\n');
                if (nl == NULL)
                        nl = p + strlen(p);
                fprintf(f, "%s%.*s\n", prefix, (int)(nl - p), p);
                p = *nl ? nl + 1 : nl;
        }
}

/* The sample configuration: every option commented out at its default. */
void
config_write_sample(FILE *f)
{
        size_t i;

        fprintf(f, "# newswired.conf — configuration of the newswire daemon.\n"
                   "# Generated by `newswired --dump-config`; every line below is a default.\n"
                   "# Every option is also a flag: state_dir = X is --state-dir X.\n"
                   "# List options (pub, replay) may be repeated; @state@ is the state dir.\n\n"
                   "[newswired]\n");
        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                fprintf(f, "\n");
                config_write_text(f, "# ", o->help);
                if (o->type == CONFIG_INT)
                        fprintf(f, "#   (%" PRId64 "..%" PRId64 ")\n", o->min, o->max);
                if (o->type == CONFIG_LIST) {
                        char *copy = xstrdup(o->def), *tok, *save = NULL;
                        for (tok = strtok_r(copy, " ", &save); tok != NULL;
                             tok = strtok_r(NULL, " ", &save))
                                fprintf(f, "#%s = %s\n", o->name, tok);
                        free(copy);
                } else
                        fprintf(f, "#%s = %s\n", o->name, o->def);
        }
}

/* The --help text, from the same table. */
void
config_write_help(FILE *f, const char *prog)
{
        size_t i;

        fprintf(f,
                "usage: %s [options]\n\n"
                "  -c, --config FILE     read options from an INI file first\n"
                "  -n                    check the configuration and exit\n"
                "  -f                    same as --foreground\n"
                "  -d                    same as --foreground --log-level debug\n"
                "      --dump-config     print a commented configuration with every default\n"
                "  -h, --help            this text\n"
                "  -V, --version         print the version\n\n"
                "Every option of the configuration file is also a flag:\n",
                prog);
        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                char flag[64];
                size_t j;

                for (j = 0; o->name[j] != '\0' && j < sizeof flag - 1; j++)
                        flag[j] = o->name[j] == '_' ? '-' : o->name[j];
                flag[j] = '\0';
                if (o->type == CONFIG_BOOL)
                        fprintf(f, "\n  --%s\n", flag);
                else
                        fprintf(f, "\n  --%s %s  (default: %s)\n", flag,
                                o->type == CONFIG_INT ? "N" : "VALUE", *o->def ? o->def : "none");
                config_write_text(f, "        ", o->help);
        }
}

/* Defaults, the --config file, then the flags. */
int
config_load(struct config *cfg, int argc, char **argv, bool *check_only, char **cause)
{
        struct option *longopts;
        struct config_seen seen;
        size_t i, n = 0;
        int ch, idx;
        const char *file = NULL;

        memset(&seen, 0, sizeof seen);
        *check_only = false;
        longopts = xcalloc(CONFIG_NOPTIONS * 2 + 8, sizeof *longopts);
        for (i = 0; i < CONFIG_NOPTIONS; i++) {
                const struct config_option *o = &config_table[i];
                char *flag = xstrdup(o->name);
                for (char *p = flag; *p; p++)
                        if (*p == '_')
                                *p = '-';
                longopts[n].name = flag;
                longopts[n].has_arg =
                    o->type == CONFIG_BOOL ? optional_argument : required_argument;
                longopts[n].val = 1000 + (int)i;
                n++;
        }
        longopts[n++] = (struct option){"config", required_argument, NULL, 'c'};
        longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
        longopts[n++] = (struct option){"version", no_argument, NULL, 'V'};
        longopts[n++] = (struct option){"dump-config", no_argument, NULL, 900};

        /* First pass: only find --config, so the file comes before the flags. */
        optind = 1;
        opterr = 0;
        while ((ch = getopt_long(argc, argv, "c:dfhnV", longopts, &idx)) != -1) {
                if (ch == 'c')
                        file = optarg;
        }
        if (file != NULL) {
                cfg->cfg_file = xstrdup(file);
                if (config_parse(cfg, &seen, file, NULL, cause) != 0)
                        goto fail;
        }

        optind = 1;
        opterr = 0;
        while ((ch = getopt_long(argc, argv, ":c:dfhnV", longopts, &idx)) != -1) {
                switch (ch) {
                case 'c':
                        break;
                case 'd':
                        cfg->cfg_foreground = true;
                        cfg->cfg_log_level = LOG_LEVEL_DEBUG;
                        break;
                case 'f':
                        cfg->cfg_foreground = true;
                        break;
                case 'n':
                        *check_only = true;
                        break;
                case 'h':
                        config_write_help(stdout, argv[0]);
                        goto done;
                case 'V':
                        printf("newswired %d.%d.%d (protocol v%d)\n", 0, 1, 0, NW_VERSION_MAJOR);
                        goto done;
                case 900:
                        config_write_sample(stdout);
                        goto done;
                case ':':
                        xasprintf(cause, "option %s needs a value", argv[optind - 1]);
                        goto fail;
                case '?':
                        xasprintf(cause, "unknown option %s (see --help)", argv[optind - 1]);
                        goto fail;
                default: {
                        const struct config_option *o = &config_table[ch - 1000];
                        const char *v = optarg;
                        if (o->type == CONFIG_BOOL && v == NULL)
                                v = "yes";
                        if (config_set_seen(cfg, &seen, o->name, v, true, cause) != 0)
                                goto fail;
                        break;
                }
                }
        }
        if (optind < argc) {
                xasprintf(cause, "unexpected argument \"%s\"", argv[optind]);
                goto fail;
        }
        for (i = 0; i < CONFIG_NOPTIONS; i++)
                free((char *)longopts[i].name);
        free(longopts);
        return config_finish(cfg, cause);

done:
        for (i = 0; i < CONFIG_NOPTIONS; i++)
                free((char *)longopts[i].name);
        free(longopts);
        return 1;
fail:
        for (i = 0; i < CONFIG_NOPTIONS; i++)
                free((char *)longopts[i].name);
        free(longopts);
        return -1;
}
