/*
 * newswire-post — send articles to newswired over HTTP (POST /v1/articles)
 * and print each one's article id. Operands: files, directories (their
 * regular files, sorted, dot files skipped) or "-" for stdin.
 * Exit codes: 0 all posted, 1 some failed (each said on stderr), 2 usage,
 * 3 daemon unreachable (stops at the first connection failure).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "client.h"

enum {
        O_URL = 1,
        O_TOKEN_FILE,
        O_TIMEOUT,
        O_QUIET,
};

static const struct opt post_opts[] = {
    {"url", 'u', "URL", "daemon URL (default $NEWSWIRE_URL or " CLIENT_DEFAULT_URL ")", O_URL},
    {"token-file", 'k', "FILE", "send the token in FILE (default $NEWSWIRE_TOKEN_FILE)",
     O_TOKEN_FILE},
    {"timeout", 'T', "SECONDS", "per request (default 30)", O_TIMEOUT},
    {"quiet", 'q', NULL, "print nothing for articles posted", O_QUIET},
    {NULL, 0, NULL, NULL, 0},
};

/* What the options say. */
struct post_args {
        const char *a_url;
        const char *a_token_file;
        int64_t a_timeout;
        bool a_quiet;
        char *a_token;
        char *a_endpoint; /* a_url + /v1/articles */
};

/* Option handler. */
static int
post_option(void *arg, int key, const char *value, char **cause)
{
        struct post_args *a = arg;

        switch (key) {
        case O_URL:
                if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
                        return client_fail(cause, "'%s' is not an http:// or https:// URL", value);
                a->a_url = value;
                return 0;
        case O_TOKEN_FILE:
                a->a_token_file = value;
                return 0;
        case O_TIMEOUT:
                if (client_parse_seconds(value, &a->a_timeout, cause) != 0)
                        return -1;
                return a->a_timeout > 0 ? 0 : client_fail(cause, "must be positive");
        case O_QUIET:
                a->a_quiet = true;
                return 0;
        }
        return 0;
}

/* Whether name ends with suffix. */
static bool
post_ends_with(const char *name, const char *suffix)
{
        size_t n = strlen(name), k = strlen(suffix);

        return n >= k && strcmp(name + n - k, suffix) == 0;
}

/*
 * Post one article. Returns 0 posted, 1 failed (said), or 3 when the daemon
 * could not be reached at all.
 */
static int
post_one(struct post_args *a, const char *path)
{
        struct http_response r;
        const char *ctype, *id, *status;
        char *buf, *cause = NULL, *msg;
        size_t len, i;
        json_t *j;

        if (client_read_file(path, &buf, &len, &cause) != 0) {
                client_warnx("%s", cause);
                free(cause);
                return 1;
        }
        for (i = 0;
             i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r'); i++)
                ;
        if (i == len) {
                client_warnx("%s: empty file, nothing to post", path);
                free(buf);
                return 1;
        }
        ctype = (post_ends_with(path, ".json") || buf[i] == '{') ? "application/json"
                                                                 : "text/plain; charset=utf-8";
        if (http_request("POST", a->a_endpoint, ctype, buf, len, a->a_token, (long)a->a_timeout, &r,
                         &cause) != 0) {
                client_warnx("%s", cause);
                free(cause);
                free(buf);
                return 3;
        }
        free(buf);
        if (r.hr_status != 200 && r.hr_status != 201 && r.hr_status != 202) {
                msg = http_error_text(&r);
                client_warnx("%s: %s", path, msg);
                free(msg);
                http_response_clear(&r);
                return 1;
        }
        j = json_loadb(r.hr_body, r.hr_len, 0, NULL);
        id = json_string_value(json_object_get(j, "article"));
        status = json_string_value(json_object_get(j, "status"));
        if (id == NULL) {
                client_warnx("%s: HTTP %ld without an article id in the answer", path, r.hr_status);
                json_decref(j);
                http_response_clear(&r);
                return 1;
        }
        if (!a->a_quiet) {
                if (r.hr_status == 200 || (status != NULL && strcmp(status, "duplicate") == 0))
                        printf("%s: %s duplicate\n", path, id);
                else
                        printf("%s: %s\n", path, id);
                fflush(stdout);
        }
        json_decref(j);
        http_response_clear(&r);
        return 0;
}

/* qsort order for names. */
static int
post_name_cmp(const void *x, const void *y)
{
        return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Post every regular file of a directory, in name order. Worst result. */
static int
post_dir(struct post_args *a, const char *dir)
{
        char **names = NULL, *path;
        size_t n = 0, i;
        struct dirent *de;
        struct stat st;
        int rc, worst = 0;
        DIR *d;

        if ((d = opendir(dir)) == NULL) {
                client_warnx("%s: %s", dir, strerror(errno));
                return 1;
        }
        while ((de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.')
                        continue;
                path =
                    nw_xprintf("%s%s%s", dir,
                               *dir != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
                if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
                        free(path);
                        continue;
                }
                names = nw_xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = path;
        }
        closedir(d);
        qsort(names, n, sizeof *names, post_name_cmp);
        if (n == 0) {
                client_warnx("%s: no files to post", dir);
                worst = 1;
        }
        for (i = 0; i < n; i++) {
                if (worst < 3) {
                        rc = post_one(a, names[i]);
                        if (rc > worst)
                                worst = rc;
                }
                free(names[i]);
        }
        free(names);
        return worst;
}

int
main(int argc, char **argv)
{
        struct post_args a = {.a_timeout = 30000};
        char *cause = NULL;
        struct stat st;
        int first, i, rc, worst = 0;

        client_init("newswire-post");
        first = opt_parse(argc, argv, post_opts, "[options] FILE...|DIR|-", post_option, &a);
        if (first == argc)
                client_exitx(CLIENT_EXIT_USAGE, "no article given (FILE, DIR or - for stdin; "
                                                "see --help)");
        if (a.a_url == NULL)
                a.a_url = client_env("NEWSWIRE_URL", CLIENT_DEFAULT_URL);
        if (a.a_token_file == NULL)
                a.a_token_file = client_env("NEWSWIRE_TOKEN_FILE", NULL);
        if (a.a_token_file != NULL && http_read_token(a.a_token_file, &a.a_token, &cause) != 0)
                client_exitx(CLIENT_EXIT_USAGE, "%s", cause);
        a.a_endpoint =
            nw_xprintf("%s%sv1/articles", a.a_url, post_ends_with(a.a_url, "/") ? "" : "/");
        for (i = first; i < argc && worst < 3; i++) {
                if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
                        rc = post_dir(&a, argv[i]);
                else
                        rc = post_one(&a, argv[i]);
                if (rc > worst)
                        worst = rc;
        }
        free(a.a_endpoint);
        free(a.a_token);
        return worst == 3 ? CLIENT_EXIT_UNREACHABLE : worst ? CLIENT_EXIT_FAIL : CLIENT_EXIT_OK;
}
