/*
 * curve.c — a client's CURVE keys: the daemon's public key (--server-key,
 * its NAME.pub) and our own secret key (--client-key, our NAME.key, whose
 * public half is derived), set on every socket before it connects.
 * PROTOCOL.md 12 has the key files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zmq.h>

#include "client.h"

/* Load the daemon's public key and our secret key; both or neither. */
int
curve_load(struct client_curve *cc, const char *server_key, const char *client_key, char **cause)
{
        char *err = NULL;
        struct stat sb;

        memset(cc, 0, sizeof *cc);
        if (server_key == NULL && client_key == NULL)
                return 0;
        if (server_key == NULL || client_key == NULL)
                return client_fail(cause, "CURVE needs both --server-key (the daemon's public "
                                          "key) and --client-key (your secret key)");
        if (zmq_has("curve") == 0)
                return client_fail(cause, "this libzmq has no CURVE support");
        if (nw_key_read(server_key, cc->cc_server, &err) != 0 ||
            nw_key_read(client_key, cc->cc_secret, &err) != 0) {
                client_fail(cause, "%s", err);
                free(err);
                return -1;
        }
        if (stat(client_key, &sb) == 0 && (sb.st_mode & 0077) != 0)
                client_warnx("%s: secret key readable by others (chmod 600 it)", client_key);
        if (zmq_curve_public(cc->cc_public, cc->cc_secret) != 0)
                return client_fail(cause, "%s: %s", client_key, zmq_strerror(errno));
        if (strcmp(cc->cc_public, cc->cc_server) == 0)
                return client_fail(cause,
                                   "%s is the daemon's own key pair; generate one for the "
                                   "client (newswire-ctl keygen NAME)",
                                   client_key);
        cc->cc_on = true;
        return 0;
}

/* Make sock a CURVE client of the daemon (before zmq_connect). */
int
curve_apply(const struct client_curve *cc, void *sock, char **cause)
{
        if (cc == NULL || !cc->cc_on)
                return 0;
        if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, cc->cc_server, NW_KEY_Z85_LEN + 1) != 0 ||
            zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, cc->cc_public, NW_KEY_Z85_LEN + 1) != 0 ||
            zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, cc->cc_secret, NW_KEY_Z85_LEN + 1) != 0)
                return client_fail(cause, "CURVE options: %s", zmq_strerror(errno));
        return 0;
}
