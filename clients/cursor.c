/*
 * cursor.c — newswire-alert's persistent position: the origin and sequence
 * of the last event it finished, written atomically (temp file, fsync,
 * rename, fsync of the directory) after each event's actions.
 *
 * Format (text, one field a line):
 *   newswire-alert-cursor 1
 *   origin <32 hex>
 *   seq <decimal>
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/* Parse 32 hex characters into an origin. */
static int
cursor_unhex(const char *s, uint8_t *out)
{
        size_t i;
        unsigned v;

        if (strlen(s) != 2 * NW_ORIGIN_LEN)
                return -1;
        for (i = 0; i < NW_ORIGIN_LEN; i++) {
                if (sscanf(s + 2 * i, "%2x", &v) != 1)
                        return -1;
                out[i] = (uint8_t)v;
        }
        return 0;
}

/* Load the cursor at path. */
int
cursor_load(const char *path, struct cursor *c, char **cause)
{
        char *buf, *line, *p, *why = NULL;
        size_t len;
        int have = 0, lineno = 0;

        memset(c, 0, sizeof *c);
        if (access(path, F_OK) != 0 && errno == ENOENT)
                return 0;
        if (client_read_file(path, &buf, &len, cause) != 0)
                return -1;
        p = buf;
        while ((line = strsep(&p, "\n")) != NULL) {
                lineno++;
                if (*line == '\0')
                        continue;
                if (lineno == 1) {
                        if (strcmp(line, "newswire-alert-cursor 1") != 0)
                                goto bad;
                } else if (strncmp(line, "origin ", 7) == 0) {
                        if (cursor_unhex(line + 7, c->c_origin) != 0)
                                goto bad;
                        have |= 1;
                } else if (strncmp(line, "seq ", 4) == 0) {
                        if (client_parse_u64(line + 4, &c->c_seq, &why) != 0)
                                goto bad;
                        have |= 2;
                } else
                        goto bad;
        }
        free(buf);
        if (have != 3) {
                lineno = 0;
                free(why);
                return client_fail(cause, "%s: not a newswire-alert cursor file (incomplete)",
                                   path);
        }
        c->c_valid = true;
        return 0;
bad:
        free(buf);
        free(why);
        return client_fail(cause, "%s:%d: not a newswire-alert cursor file", path, lineno);
}

/* Write the cursor atomically. */
int
cursor_save(const char *path, const struct cursor *c, char **cause)
{
        char hex[2 * NW_ORIGIN_LEN + 1], *tmp, *text, *dcopy;
        int fd, dfd, rc = -1;
        size_t len, off = 0;
        ssize_t w;

        nw_origin_hex(c->c_origin, hex);
        text = nw_xprintf("newswire-alert-cursor 1\norigin %s\nseq %llu\n", hex,
                          (unsigned long long)c->c_seq);
        len = strlen(text);
        tmp = nw_xprintf("%s.tmp", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd == -1) {
                client_fail(cause, "%s: %s", tmp, strerror(errno));
                goto out;
        }
        while (off < len) {
                w = write(fd, text + off, len - off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0) {
                        client_fail(cause, "%s: %s", tmp, strerror(errno));
                        close(fd);
                        goto out;
                }
                off += (size_t)w;
        }
        if (fsync(fd) != 0 || close(fd) != 0) {
                client_fail(cause, "%s: %s", tmp, strerror(errno));
                goto out;
        }
        if (rename(tmp, path) != 0) {
                client_fail(cause, "%s: %s", path, strerror(errno));
                goto out;
        }
        dcopy = nw_xstrdup(path);
        if ((dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
                fsync(dfd);
                close(dfd);
        }
        free(dcopy);
        rc = 0;
out:
        free(tmp);
        free(text);
        return rc;
}
