/*
 * helpers.h — shared by the proto unit tests: a sample event and a way to
 * decode a valid encoded event after changing one field of its msgpack tree.
 */
#ifndef PROTO_TEST_HELPERS_H
#define PROTO_TEST_HELPERS_H

#include <msgpack.h>

#include "newswire.h"

/* A fully populated event (every field set, two of each list). */
struct nw_event *helpers_sample_event(void);

enum helpers_op {
        HELPERS_REPLACE, /* the value at path becomes repl */
        HELPERS_DELETE,  /* the key at path is removed */
        HELPERS_ADD,     /* the last component of path is added to its parent map */
};

/*
 * Encode the sample event, apply op at path ("type", "args[0].role",
 * "evidence.start", "" for the top map itself with REPLACE), re-pack and decode.
 * Returns the decoder's result; *cause is freed unless wanted (may be NULL).
 */
int helpers_decode_mutated(const char *path, enum helpers_op op, const msgpack_object *repl,
                           char **cause);

/* Re-pack bytes after a mutation, for callers that need the bytes. */
void helpers_mutate(const void *in, size_t inlen, const char *path, enum helpers_op op,
                    const msgpack_object *repl, char **out, size_t *outlen);

/* msgpack object constructors (strings point at the caller's memory). */
msgpack_object helpers_uint(uint64_t v);
msgpack_object helpers_int(int64_t v);
msgpack_object helpers_double(double v);
msgpack_object helpers_str(const char *s);
msgpack_object helpers_strn(const char *s, size_t n);
msgpack_object helpers_nil(void);
msgpack_object helpers_bool(bool v);
msgpack_object helpers_bin(const void *p, size_t n);
msgpack_object helpers_array(msgpack_object *items, uint32_t n);
msgpack_object helpers_map(msgpack_object_kv *kv, uint32_t n);

/* Read a whole file into a malloc'd buffer; NULL on error. */
char *helpers_read_file(const char *path, size_t *len);

#endif
