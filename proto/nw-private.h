/*
 * nw-private.h — libnewswire's internal header: helpers shared by its files.
 * Not part of the public API (newswire.h); a section per file.
 */
#ifndef NW_PRIVATE_H
#define NW_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "newswire.h"

/* ---- util.c ---- */

/* The allocation wrappers nw_x* are public: see newswire.h. */

/* Set *cause (when cause is non-NULL) and return err. */
int nw_fail(char **cause, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Decode one UTF-8 sequence at s[0..n). Returns its length (1..4) with *cp set
 * when it is valid, or minus the length of its maximal invalid subpart (-1..-3)
 * when it is not, the unit a replacement character stands for.
 */
int nw_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* A growing byte buffer, always NUL-terminated once something was added. */
struct nw_buf {
        char *b_data;
        size_t b_len;
        size_t b_cap;
};
void nw_buf_add(struct nw_buf *b, const void *p, size_t n);
void nw_buf_addc(struct nw_buf *b, char c);
void nw_buf_adds(struct nw_buf *b, const char *s);
void nw_buf_addf(struct nw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with every invalid UTF-8 subpart replaced by U+FFFD. */
void nw_buf_add_utf8(struct nw_buf *b, const char *s, size_t n);

/* ---- codec.c: msgpack decoding helpers shared with wire.c ---- */

/*
 * Check buf as exactly one msgpack value within the NW_MAX_* limits, then
 * unpack it into *u (msgpack_unpacked_destroy it after, also on failure).
 */
int nw_codec_unpack(const void *buf, size_t len, msgpack_unpacked *u, char **cause);
/*
 * Collect the values of the known keys of map o: vals[i] is the value of
 * names[i] or NULL. Unknown keys are skipped; a non-string key is NW_E_TYPE,
 * a repeated known key NW_E_VALUE, a non-map NW_E_TYPE.
 */
int nw_codec_fields(const msgpack_object *o, const char *what, const char *const *names, size_t n,
                    const msgpack_object **vals, char **cause);
/* Check a message's "v" value (NULL: absent): NW_E_MISSING, _TYPE, _VERSION. */
int nw_codec_version(const msgpack_object *v, const char *what, char **cause);
/* Fill ev (from nw_event_new()) from a decoded event map. */
int nw_codec_event_from_object(const msgpack_object *o, struct nw_event *ev, char **cause);
/* Whether a map key is the string name. */
bool nw_codec_key_is(const msgpack_object *key, const char *name);
/* Typed field readers: NW_E_TYPE on a wrong type, NW_E_VALUE on a bad value. */
int nw_codec_uint(const msgpack_object *o, const char *field, uint64_t *v, char **cause);
int nw_codec_int(const msgpack_object *o, const char *field, int64_t *v, char **cause);
int nw_codec_number(const msgpack_object *o, const char *field, double *v, char **cause);
int nw_codec_bool(const msgpack_object *o, const char *field, bool *v, char **cause);
/* A string: valid UTF-8, no NUL, at most max bytes; nil gives NULL when nullable. */
int nw_codec_str(const msgpack_object *o, const char *field, bool nullable, size_t max, char **v,
                 char **cause);
/* A string copied into a fixed buffer of size cap (NW_E_LIMIT when longer). */
int nw_codec_strbuf(const msgpack_object *o, const char *field, char *buf, size_t cap,
                    char **cause);
/* A bin of exactly n bytes. */
int nw_codec_bin(const msgpack_object *o, const char *field, uint8_t *buf, size_t n, char **cause);
/* A name for a msgpack object type, for messages. */
const char *nw_codec_type_name(const msgpack_object *o);

/* Pack helpers. */
void nw_codec_pack_str(msgpack_packer *pk, const char *s); /* NULL packs nil */
void nw_codec_pack_key(msgpack_packer *pk, const char *s);

#endif /* NW_PRIVATE_H */
