/*
 * ctl-keygen.c — "newswire-ctl keygen NAME": a new CURVE key pair, the
 * secret key in NAME.key (mode 0600) and the public key in NAME.pub (0644),
 * both Z85 after a comment line (PROTOCOL.md 12). A missing parent directory
 * is created 0700. Existing files are kept unless --force.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.h>

#include "ctl.h"

enum { K_FORCE = 1 };

static const struct opt ctl_keygen_opts[] = {
    {"force", 'f', NULL, "replace existing key files", K_FORCE},
    {NULL, 0, NULL, NULL, 0},
};

/* Option handler. */
static int
ctl_keygen_option(void *arg, int key, const char *value, char **cause)
{
        *(bool *)arg = true;
        return 0;
}

/* Write text to path with mode, atomically (temp file, fsync, rename). */
static int
ctl_keygen_write(const char *path, mode_t mode, const char *text, bool force, char **cause)
{
        char *tmp = nw_xprintf("%s.tmp.%ld", path, (long)getpid());
        size_t len = strlen(text);
        int fd, rc = -1;

        if (!force && access(path, F_OK) == 0) {
                client_fail(cause, "%s exists (use --force to replace it)", path);
                goto out;
        }
        if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) == -1) {
                client_fail(cause, "%s: %s", tmp, strerror(errno));
                goto out;
        }
        if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
                client_fail(cause, "%s: %s", tmp, strerror(errno));
                close(fd);
                unlink(tmp);
                goto out;
        }
        close(fd);
        if (rename(tmp, path) != 0) {
                client_fail(cause, "%s: %s", path, strerror(errno));
                unlink(tmp);
                goto out;
        }
        rc = 0;
out:
        free(tmp);
        return rc;
}

/* Generate and write the pair. */
static int
ctl_keygen_exec(struct ctl_ctx *cx, int argc, char **argv)
{
        char pub[NW_KEY_Z85_LEN + 1], sec[NW_KEY_Z85_LEN + 1];
        char *keyf, *pubf, *text, *dir, *cause = NULL;
        bool force = false;
        int first, code = CLIENT_EXIT_OK;
        struct stat sb;

        first = opt_parse(argc, argv, ctl_keygen_opts, "keygen [--force] NAME", ctl_keygen_option,
                          &force);
        if (argc - first != 1)
                client_exitx(CLIENT_EXIT_USAGE, "usage: newswire-ctl keygen [--force] NAME");
        if (zmq_has("curve") == 0)
                client_exitx(CLIENT_EXIT_FAIL, "this libzmq has no CURVE support");
        dir = nw_xstrdup(argv[first]);
        if (stat(dirname(dir), &sb) != 0 && mkdir(dir, 0700) != 0)
                client_exitx(CLIENT_EXIT_FAIL, "mkdir %s: %s", dir, strerror(errno));
        free(dir);
        if (zmq_curve_keypair(pub, sec) != 0)
                client_exitx(CLIENT_EXIT_FAIL, "zmq_curve_keypair: %s", zmq_strerror(errno));
        keyf = nw_xprintf("%s.key", argv[first]);
        pubf = nw_xprintf("%s.pub", argv[first]);
        text = nw_xprintf("# newswire CURVE secret key: keep it private (mode 0600)\n%s\n", sec);
        if (ctl_keygen_write(keyf, 0600, text, force, &cause) != 0) {
                client_warnx("%s", cause);
                code = CLIENT_EXIT_FAIL;
        }
        explicit_bzero(text, strlen(text));
        explicit_bzero(sec, sizeof sec);
        free(text);
        text = nw_xprintf("# newswire CURVE public key\n%s\n", pub);
        if (code == CLIENT_EXIT_OK && ctl_keygen_write(pubf, 0644, text, force, &cause) != 0) {
                client_warnx("%s", cause);
                unlink(keyf);
                code = CLIENT_EXIT_FAIL;
        }
        if (code == CLIENT_EXIT_OK)
                printf("%s\n", pub);
        free(cause);
        free(text);
        free(keyf);
        free(pubf);
        return code;
}

const struct ctl_cmd ctl_keygen_cmd = {
    .c_name = "keygen",
    .c_synopsis = "[--force] NAME",
    .c_help = "new CURVE key pair: NAME.key (secret, 0600), NAME.pub",
    .c_opts = ctl_keygen_opts,
    .c_min_args = 1,
    .c_max_args = 1,
    .c_exec = ctl_keygen_exec,
};
