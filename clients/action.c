/*
 * action.c — what a matching newswire-alert rule does with an event: run a
 * command (event JSON on stdin, NEWSWIRE_* in the environment), POST to a
 * webhook (the event JSON, or Slack/Mattermost {"text": ...}) retrying with
 * exponential backoff, append a JSON line to a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"

/* The Slack/Mattermost incoming-webhook body. */
char *
action_slack_body(const struct nw_event *ev, const char *rule)
{
        char *line, *text, *out;
        json_t *j;

        line = out_text(ev);
        /* drop the local clock: the chat shows its own time */
        text = nw_xprintf("[%s] %s%s%s", rule, strchr(line, ' ') ? strchr(line, ' ') + 1 : line,
                          ev->article.url ? " " : "", ev->article.url ? ev->article.url : "");
        j = json_pack("{s:s}", "text", text);
        out = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        free(line);
        free(text);
        if (out == NULL)
                out = nw_xstrdup("{\"text\":\"newswire event\"}");
        return out;
}

/* Sleep ms, waking early when *stop is set. */
static void
action_sleep(int64_t ms, volatile sig_atomic_t *stop)
{
        struct timespec ts;

        while (ms > 0 && !(stop && *stop)) {
                int64_t step = ms > 100 ? 100 : ms;

                ts.tv_sec = 0;
                ts.tv_nsec = step * 1000000;
                nanosleep(&ts, NULL);
                ms -= step;
        }
}

/* POST to the webhook, retrying with backoff. */
static int
action_webhook(const struct rule *r, const struct nw_event *ev, volatile sig_atomic_t *stop,
               char **cause)
{
        char *body, *why = NULL;
        struct http_response resp;
        int64_t delay = r->r_backoff_ms;
        unsigned attempt;
        int rc = -1;

        body = r->r_format == RULES_WEBHOOK_SLACK ? action_slack_body(ev, r->r_name)
                                                  : nw_event_to_json(ev);
        for (attempt = 0; attempt <= r->r_retries; attempt++) {
                if (attempt > 0) {
                        client_warnx("rule [%s]: webhook failed (%s); retry %u/%u in %.1f s",
                                     r->r_name, why, attempt, r->r_retries, delay / 1000.0);
                        action_sleep(delay, stop);
                        delay = delay * 2 > r->r_backoff_max_ms ? r->r_backoff_max_ms : delay * 2;
                        if (stop && *stop)
                                break;
                }
                free(why);
                why = NULL;
                if (http_request("POST", r->r_webhook, "application/json", body, strlen(body), NULL,
                                 (long)r->r_timeout_ms, &resp, &why) != 0)
                        continue;
                if (resp.hr_status >= 200 && resp.hr_status < 300) {
                        http_response_clear(&resp);
                        rc = 0;
                        break;
                }
                why = http_error_text(&resp);
                http_response_clear(&resp);
        }
        if (rc != 0)
                client_fail(cause, "webhook %s: %s (gave up after %u attempt%s)", r->r_webhook,
                            why ? why : "interrupted", attempt, attempt == 1 ? "" : "s");
        free(body);
        free(why);
        return rc;
}

/* Set NEWSWIRE_NAME=value in the child's environment. */
static void
action_setenv(const char *name, const char *value)
{
        if (value != NULL)
                setenv(name, value, 1);
        else
                unsetenv(name);
}

/* In the child: the NEWSWIRE_* variables. */
static void
action_child_env(const struct rule *r, const struct nw_event *ev, const struct nw_trailer *t)
{
        char buf[64], hex[2 * NW_ORIGIN_LEN + 1], *ents = NULL, *tmp;
        size_t i;

        action_setenv("NEWSWIRE_RULE", r->r_name);
        action_setenv("NEWSWIRE_ID", ev->id);
        action_setenv("NEWSWIRE_TYPE", ev->type);
        action_setenv("NEWSWIRE_MODALITY", ev->modality);
        action_setenv("NEWSWIRE_SUMMARY", ev->summary);
        action_setenv("NEWSWIRE_TIME", ev->time_value);
        action_setenv("NEWSWIRE_ARTICLE_URL", ev->article.url);
        action_setenv("NEWSWIRE_ARTICLE_ID", ev->article.id);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)t->seq);
        action_setenv("NEWSWIRE_SEQ", buf);
        snprintf(buf, sizeof buf, "%.3f", ev->confidence);
        action_setenv("NEWSWIRE_CONFIDENCE", buf);
        nw_origin_hex(t->origin, hex);
        action_setenv("NEWSWIRE_ORIGIN", hex);
        for (i = 0; i < ev->nargs; i++) {
                if (ev->args[i].id == NULL)
                        continue;
                tmp = nw_xprintf("%s%s%s", ents ? ents : "", ents ? " " : "", ev->args[i].id);
                free(ents);
                ents = tmp;
        }
        action_setenv("NEWSWIRE_ENTITIES", ents ? ents : "");
        free(ents);
}

/* Run the command with the event JSON on stdin; wait at most the timeout. */
static int
action_exec(const struct rule *r, const struct nw_event *ev, const struct nw_trailer *t,
            char **cause)
{
        char *json = nw_event_to_json(ev), *line;
        int fds[2], status = 0;
        size_t off = 0, len;
        int64_t deadline;
        pid_t pid, w;
        ssize_t n;

        line = nw_xprintf("%s\n", json);
        free(json);
        len = strlen(line);
        if (pipe2(fds, O_CLOEXEC) != 0) {
                free(line);
                return client_fail(cause, "pipe: %s", strerror(errno));
        }
        fflush(stdout);
        fflush(stderr);
        if ((pid = fork()) == -1) {
                free(line);
                close(fds[0]);
                close(fds[1]);
                return client_fail(cause, "fork: %s", strerror(errno));
        }
        if (pid == 0) {
                dup2(fds[0], STDIN_FILENO);
                signal(SIGPIPE, SIG_DFL);
                setpgid(0, 0);
                action_child_env(r, ev, t);
                execl("/bin/sh", "sh", "-c", r->r_exec, (char *)NULL);
                _exit(127);
        }
        close(fds[0]);
        while (off < len) { /* a command that ignores stdin gets EPIPE: fine */
                n = write(fds[1], line + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                off += (size_t)n;
        }
        close(fds[1]);
        free(line);
        deadline = client_now_ms() + r->r_timeout_ms;
        for (;;) {
                w = waitpid(pid, &status, WNOHANG);
                if (w == pid)
                        break;
                if (w == -1 && errno != EINTR)
                        return client_fail(cause, "waitpid: %s", strerror(errno));
                if (client_now_ms() >= deadline) {
                        kill(-pid, SIGKILL);
                        kill(pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        return client_fail(cause, "command timed out after %.1f s: %s",
                                           r->r_timeout_ms / 1000.0, r->r_exec);
                }
                action_sleep(10, NULL);
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status))
                return client_fail(cause, "command exited %d: %s", WEXITSTATUS(status), r->r_exec);
        return client_fail(cause, "command killed by signal %d: %s", WTERMSIG(status), r->r_exec);
}

/* Append the event as one JSON line, in one write, then fsync. */
static int
action_file(const struct rule *r, const struct nw_event *ev, char **cause)
{
        char *json = nw_event_to_json(ev), *line;
        size_t len;
        ssize_t n;
        int fd, rc = 0;

        line = nw_xprintf("%s\n", json);
        free(json);
        len = strlen(line);
        fd = open(r->r_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd == -1) {
                free(line);
                return client_fail(cause, "%s: %s", r->r_file, strerror(errno));
        }
        do
                n = write(fd, line, len);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)len)
                rc = client_fail(cause, "%s: %s", r->r_file,
                                 n < 0 ? strerror(errno) : "short write");
        else if (fsync(fd) != 0)
                rc = client_fail(cause, "%s: fsync: %s", r->r_file, strerror(errno));
        close(fd);
        free(line);
        return rc;
}

/* Run every action of the rule; all are tried even when one fails. */
int
action_run(const struct rule *r, const struct nw_event *ev, const struct nw_trailer *t,
           volatile sig_atomic_t *stop, char **cause)
{
        char *why = NULL, *first = NULL;

        if (r->r_file != NULL && action_file(r, ev, &why) != 0) {
                first = why;
                why = NULL;
        }
        if (r->r_exec != NULL && action_exec(r, ev, t, &why) != 0) {
                if (first == NULL)
                        first = why;
                else
                        free(why);
                why = NULL;
        }
        if (r->r_webhook != NULL && action_webhook(r, ev, stop, &why) != 0) {
                if (first == NULL)
                        first = why;
                else
                        free(why);
        }
        if (first != NULL) {
                if (cause != NULL)
                        *cause = first;
                else
                        free(first);
                return -1;
        }
        return 0;
}
