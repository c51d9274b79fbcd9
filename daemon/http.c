/*
 * http.c — the HTTP ingest and status API on evhttp: POST /v1/articles,
 * GET /v1/articles/ID, /healthz and /metrics. Answers are JSON with a
 * message a person can act on. A POST is answered 202 only after its
 * article is committed (ingest_submit calls back after the group commit).
 *
 * Connections are counted through the bufferevent evhttp asks us for; right
 * after, we find the evhttp_connection around it (its callback argument) and
 * set a close callback on it. At http_max_conns the listener is paused and
 * new clients wait in the kernel's listen queue. evhttp's timeout closes
 * stalled clients.
 *
 * Sizes. libevent refuses a body over its own limit before any callback of
 * ours runs, with an HTML page (2.1 has no error callback, and a header
 * callback can only be set on requests we make, not on those we receive).
 * So every connection's bytes go through an input filter (http_sizer) that
 * frames requests by Content-Length: a request announcing more than
 * max_body reaches evhttp with Content-Length 0, Connection: close and
 * HTTP_SIZE_HEADER carrying the announced size, and the rest of its body is
 * dropped unread; the handler answers our JSON 413. A chunked request is
 * held back and de-chunked: evhttp gets it whole with a Content-Length, or,
 * once its chunks add up to more than max_body, the same way as an oversize
 * one but with HTTP_CHUNKED_HEADER, and the rest is dropped. (A client that
 * sends "Expect: 100-continue" with a chunked body so waits for its own
 * timeout, 1 s for curl, before sending it.) libevent's own limit
 * (max_body + HTTP_SLACK) stays as a backstop.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "newswired.h"

/* Set by http_sizer on a request whose announced body is over max_body. */
#define HTTP_SIZE_HEADER "X-Newswire-Announced-Length"
/* Set by http_sizer on a chunked request over max_body: the body bytes its
 * chunks announced up to the one crossing the limit. */
#define HTTP_CHUNKED_HEADER "X-Newswire-Chunked-Length"
#define HTTP_CHUNK_LINE     1024        /* longest chunk-size or trailer line we frame */
#define HTTP_MAX_HEADERS    (64 * 1024) /* evhttp's header limit, and ours */
#define HTTP_SLACK          (64 * 1024) /* libevent's body limit is max_body + this */

/* The input filter's state for one connection: its framer (newswired.h),
 * and what flushes its output. */
struct http_sizer {
        struct http_framer sz_framer;
        struct bufferevent *sz_bev; /* the filter */
        struct event *sz_kick;      /* flushes the filter's output */
};

struct http {
        struct evhttp *h_http;
        struct evhttp_bound_socket *h_sock;
        struct event_base *h_base;
        const struct config *h_cfg;
        size_t h_conns;             /* open connections */
        bool h_paused;              /* listener disabled at the cap */
        bool h_stopped;             /* draining for exit */
        bool h_freeing;             /* evhttp_free in progress */
        struct bufferevent **h_new; /* connections made since the last adopt */
        size_t h_nnew, h_newcap;
        struct event *h_adopt;
};

/* Send a JSON body with a status; takes ownership of obj. */
static void
http_json(struct evhttp_request *req, int code, const char *reason, json_t *obj)
{
        struct evbuffer *buf = evbuffer_new();
        char *text = json_dumps(obj, JSON_COMPACT);

        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "application/json");
        evbuffer_add_printf(buf, "%s\n", text ? text : "{}");
        evhttp_send_reply(req, code, reason, buf);
        evbuffer_free(buf);
        free(text);
        json_decref(obj);
}

/* Send {"error": code-name, "message": msg}. */
static void
http_error(struct evhttp_request *req, int code, const char *reason, const char *msg)
{
        if (code >= 400)
                metrics.m_rejected++;
        http_json(req, code, reason, json_pack("{s:s, s:s}", "error", reason, "message", msg));
}

/* The media type of a request without parameters, lowercased, or "". */
static void
http_media_type(struct evhttp_request *req, char *out, size_t size)
{
        const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
        size_t i = 0;

        out[0] = '\0';
        if (ct == NULL)
                return;
        while (*ct == ' ')
                ct++;
        for (; ct[i] != '\0' && ct[i] != ';' && ct[i] != ' ' && i + 1 < size; i++)
                out[i] = (char)(ct[i] >= 'A' && ct[i] <= 'Z' ? ct[i] + 32 : ct[i]);
        out[i] = '\0';
}

/* Constant-time comparison of the bearer token. */
static bool
http_token_ok(struct http *h, struct evhttp_request *req)
{
        const char *auth =
            evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
        const char *want = h->h_cfg->cfg_token;
        size_t i, wl, gl;
        unsigned char diff = 0;

        if (want == NULL)
                return true;
        if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
                return false;
        auth += 7;
        wl = strlen(want);
        gl = strlen(auth);
        for (i = 0; i < wl; i++)
                diff |= (unsigned char)want[i] ^ (unsigned char)(i < gl ? auth[i] : 0);
        return diff == 0 && gl == wl;
}

/* The value of header name in a header block (NUL-terminated), copied to
 * out; false when absent. Names are matched without case at line starts. */
static bool
http_header_value(const char *block, const char *name, char *out, size_t size)
{
        size_t nl = strlen(name), n;
        const char *p = block, *v;

        while ((p = strstr(p, "\n")) != NULL) {
                p++;
                if (strncasecmp(p, name, nl) != 0 || p[nl] != ':')
                        continue;
                v = p + nl + 1;
                v += strspn(v, " \t");
                n = strcspn(v, "\r\n");
                while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                        n--;
                snprintf(out, size, "%.*s", (int)n, v);
                return true;
        }
        return false;
}

/* Rewrite a request's header block for evhttp: without its Transfer-Encoding
 * and Content-Length, and then either with Content-Length length
 * (size_header NULL) or, for an oversize request, with Content-Length 0,
 * Connection: close and size_header: length. */
static void
http_framer_rewrite(struct evbuffer *dst, const char *block, const char *size_header,
                    uint64_t length)
{
        static const char *const dropped[] = {
            "Content-Length:", "Transfer-Encoding:", "Connection:", HTTP_SIZE_HEADER ":",
            HTTP_CHUNKED_HEADER ":"};
        const char *line = block, *nl;
        size_t len, i, ndrop = size_header != NULL ? 5 : 2;

        /* The request line, then every header but those replaced. */
        while ((nl = strstr(line, "\n")) != NULL) {
                len = (size_t)(nl + 1 - line);
                if (len <= 2)
                        break; /* the empty line ending the block */
                for (i = 0; line != block && i < ndrop; i++)
                        if (strncasecmp(line, dropped[i], strlen(dropped[i])) == 0)
                                break;
                if (line == block || i == ndrop)
                        evbuffer_add(dst, line, len);
                line = nl + 1;
        }
        if (size_header == NULL)
                evbuffer_add_printf(dst, "Content-Length: %llu\r\n\r\n",
                                    (unsigned long long)length);
        else
                evbuffer_add_printf(dst,
                                    "Content-Length: 0\r\nConnection: close\r\n%s: %llu\r\n\r\n",
                                    size_header, (unsigned long long)length);
}

/* One header block at the start of src (complete: ends at end bytes). */
static void
http_framer_head(struct http_framer *f, struct evbuffer *src, struct evbuffer *dst, size_t end)
{
        char *block = xmalloc(end + 1), value[64], *e;
        unsigned long long cl = 0;

        evbuffer_remove(src, block, end);
        block[end] = '\0';
        if (http_header_value(block, "Transfer-Encoding", value, sizeof value)) {
                if (strcasecmp(value, "chunked") == 0) {
                        /* held back until its last chunk */
                        f->hf_head = block;
                        f->hf_body = evbuffer_new();
                        if (f->hf_body == NULL)
                                fatalx("http: out of memory");
                        f->hf_state = FRAMER_CHUNK_SIZE;
                        return;
                }
                /* libevent reads "chunked" alone as chunked; any other
                 * coding is its to refuse or frame (its limit the backstop) */
                evbuffer_add(dst, block, end);
                f->hf_state = FRAMER_PASS;
        } else if (http_header_value(block, "Content-Length", value, sizeof value)) {
                errno = 0;
                cl = strtoull(value, &e, 10);
                if (errno != 0 || e == value || *e != '\0') {
                        /* Malformed: let evhttp refuse it (400). */
                        evbuffer_add(dst, block, end);
                        f->hf_state = FRAMER_PASS;
                } else if (cl > f->hf_max) {
                        http_framer_rewrite(dst, block, HTTP_SIZE_HEADER, cl);
                        f->hf_state = FRAMER_DISCARD;
                } else {
                        evbuffer_add(dst, block, end);
                        f->hf_left = cl;
                        f->hf_state = cl > 0 ? FRAMER_BODY : FRAMER_HEAD;
                }
        } else
                evbuffer_add(dst, block, end);
        free(block);
}

/* The line at the start of src as libevent reads it (ended by LF or CRLF):
 * its length with the end in *n, the text without it in line. False while
 * incomplete; *n is 0 when the line is longer than cap - 1. */
static bool
http_framer_line(struct evbuffer *src, char *line, size_t cap, size_t *n)
{
        size_t eol = 0;
        struct evbuffer_ptr p = evbuffer_search_eol(src, NULL, &eol, EVBUFFER_EOL_CRLF);

        *n = 0;
        if (p.pos == -1)
                return evbuffer_get_length(src) >= cap; /* too long: *n stays 0 */
        if ((size_t)p.pos >= cap)
                return true;
        evbuffer_copyout(src, line, (size_t)p.pos);
        line[p.pos] = '\0';
        *n = (size_t)p.pos + eol;
        return true;
}

/* Free what a framer holds (a chunked request in progress). */
void
http_framer_clear(struct http_framer *f)
{
        free(f->hf_head);
        f->hf_head = NULL;
        if (f->hf_body != NULL)
                evbuffer_free(f->hf_body);
        f->hf_body = NULL;
}

/* Chunked framing evhttp will refuse (400): hand it the header block and
 * the bytes from the bad line on; the chunks kept so far are dropped. */
static void
http_framer_malformed(struct http_framer *f, struct evbuffer *dst)
{
        evbuffer_add(dst, f->hf_head, strlen(f->hf_head));
        http_framer_clear(f);
        f->hf_state = FRAMER_PASS;
}

/* A chunk-size line at the start of src, read the way libevent reads it
 * (empty lines skipped, hex size, nothing after it but a space): expect its
 * data; or, when the chunk would take the body over hf_max, pass the request
 * as an oversize one. False while incomplete. */
static bool
http_framer_chunk(struct http_framer *f, struct evbuffer *src, struct evbuffer *dst)
{
        char line[HTTP_CHUNK_LINE], *e;
        size_t n, have = evbuffer_get_length(f->hf_body);
        long long size;

        if (!http_framer_line(src, line, sizeof line, &n))
                return false;
        if (n == 0) {
                http_framer_malformed(f, dst);
                return true;
        }
        if (*line == '\0') { /* the CRLF after a chunk's data */
                evbuffer_drain(src, n);
                return true;
        }
        errno = 0;
        size = strtoll(line, &e, 16);
        if (errno != 0 || (*e != '\0' && *e != ' ') || size < 0) {
                http_framer_malformed(f, dst);
                return true;
        }
        evbuffer_drain(src, n);
        if ((uint64_t)size > f->hf_max - have) {
                http_framer_rewrite(dst, f->hf_head, HTTP_CHUNKED_HEADER, have + (uint64_t)size);
                http_framer_clear(f);
                f->hf_state = FRAMER_DISCARD;
        } else if (size == 0)
                f->hf_state = FRAMER_TRAILER;
        else {
                f->hf_left = (uint64_t)size;
                f->hf_state = FRAMER_CHUNK_DATA;
        }
        return true;
}

/* A trailer line at the start of src: dropped; the empty one ends the
 * request, passed on with a Content-Length. False while incomplete. */
static bool
http_framer_trailer(struct http_framer *f, struct evbuffer *src, struct evbuffer *dst)
{
        char line[HTTP_CHUNK_LINE];
        size_t n;

        if (!http_framer_line(src, line, sizeof line, &n))
                return false;
        if (n == 0) {
                http_framer_malformed(f, dst);
                return true;
        }
        evbuffer_drain(src, n);
        if (*line == '\0') {
                http_framer_rewrite(dst, f->hf_head, NULL, evbuffer_get_length(f->hf_body));
                evbuffer_add_buffer(dst, f->hf_body);
                http_framer_clear(f);
                f->hf_state = FRAMER_HEAD;
        }
        return true;
}

/* Move what src holds to dst, request by request, refusing oversize ones at
 * their headers or at the chunk crossing the limit (see the top of this
 * file). True when bytes moved. */
bool
http_framer_run(struct http_framer *f, struct evbuffer *src, struct evbuffer *dst)
{
        struct evbuffer_ptr end;
        size_t before = evbuffer_get_length(dst), n;

        for (;;) {
                n = evbuffer_get_length(src);
                if (n == 0)
                        break;
                switch (f->hf_state) {
                case FRAMER_PASS:
                        evbuffer_remove_buffer(src, dst, n);
                        return evbuffer_get_length(dst) > before;
                case FRAMER_DISCARD:
                        evbuffer_drain(src, n);
                        return evbuffer_get_length(dst) > before;
                case FRAMER_BODY:
                case FRAMER_CHUNK_DATA:
                        if (n > f->hf_left)
                                n = (size_t)f->hf_left;
                        evbuffer_remove_buffer(src, f->hf_state == FRAMER_BODY ? dst : f->hf_body,
                                               n);
                        f->hf_left -= n;
                        if (f->hf_left == 0)
                                f->hf_state =
                                    f->hf_state == FRAMER_BODY ? FRAMER_HEAD : FRAMER_CHUNK_SIZE;
                        continue;
                case FRAMER_CHUNK_SIZE:
                        if (!http_framer_chunk(f, src, dst))
                                return evbuffer_get_length(dst) > before;
                        continue;
                case FRAMER_TRAILER:
                        if (!http_framer_trailer(f, src, dst))
                                return evbuffer_get_length(dst) > before;
                        continue;
                case FRAMER_HEAD:
                        break;
                }
                /* FRAMER_HEAD: blank lines before a request pass as they are. */
                if (n >= 2 && evbuffer_search(src, "\r\n", 2, NULL).pos == 0) {
                        evbuffer_remove_buffer(src, dst, 2);
                        continue;
                }
                end = evbuffer_search(src, "\r\n\r\n", 4, NULL);
                if (end.pos == -1) {
                        if (n > HTTP_MAX_HEADERS) {
                                /* Too long for evhttp anyway: it answers 400. */
                                evbuffer_remove_buffer(src, dst, n);
                                f->hf_state = FRAMER_PASS;
                        }
                        break;
                }
                http_framer_head(f, src, dst, (size_t)end.pos + 4);
        }
        return evbuffer_get_length(dst) > before;
}

/* The input filter: the connection's framer. BEV_OK when bytes moved. */
static enum bufferevent_filter_result
http_sizer_filter(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
                  enum bufferevent_flush_mode mode, void *arg)
{
        struct http_sizer *sz = arg;

        return http_framer_run(&sz->sz_framer, src, dst) ? BEV_OK : BEV_NEED_MORE;
}

/* Deferred from http_sizer_outbuf_cb: move what evhttp wrote through the
 * filter. libevent 2.1's filter leaves output written while EV_WRITE was
 * off (evhttp writes a reply, then enables EV_WRITE) until more is written;
 * a flush once evhttp has enabled writing sends it. */
static void
http_sizer_kick_cb(evutil_socket_t fd, short what, void *arg)
{
        struct http_sizer *sz = arg;

        bufferevent_flush(sz->sz_bev, EV_WRITE, BEV_NORMAL);
}

/* Bytes were added to the filter's output: flush them on the next pass. */
static void
http_sizer_outbuf_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
        struct http_sizer *sz = arg;

        if (info->n_added > 0)
                event_active(sz->sz_kick, 0, 0);
}

/* The output filter: pass evhttp's bytes down and write them to the socket
 * at once. A filter's output counts as written once it is handed down, and
 * evhttp then frees a connection that is to close (shutting the socket's
 * writing side): what was not yet on the socket would be lost. */
static enum bufferevent_filter_result
http_sizer_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
               enum bufferevent_flush_mode mode, void *arg)
{
        struct http_sizer *sz = arg;
        evutil_socket_t fd = bufferevent_getfd(sz->sz_bev);

        if (evbuffer_get_length(src) == 0)
                return BEV_NEED_MORE;
        evbuffer_add_buffer(dst, src);
        if (fd >= 0) {
                while (evbuffer_get_length(dst) > 0 && evbuffer_write(dst, fd) > 0)
                        ;
        }
        return BEV_OK;
}

/* The filter is freed with its connection. */
static void
http_sizer_free(void *arg)
{
        struct http_sizer *sz = arg;

        event_free(sz->sz_kick);
        http_framer_clear(&sz->sz_framer);
        free(sz);
}

/* Ingest outcome: answer the waiting POST. */
static void
http_ingest_done(void *arg, enum ingest_result res, const char *id)
{
        struct evhttp_request *req = arg;

        switch (res) {
        case INGEST_STORED:
                http_json(req, 202, "Accepted",
                          json_pack("{s:s, s:s}", "article", id, "status", "queued"));
                break;
        case INGEST_DUPLICATE:
                http_json(req, 200, "OK",
                          json_pack("{s:s, s:s, s:s}", "article", id, "status", "duplicate",
                                    "message", "this article was already received; no new events"));
                break;
        case INGEST_FULL:
                evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "1");
                http_error(req, 503, "Service Unavailable",
                           "the processing queue is full; retry after a second");
                break;
        case INGEST_ERROR:
                evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "5");
                http_error(req, 503, "Service Unavailable",
                           "the article could not be stored (storage error); retry later");
                break;
        }
}

/* POST /v1/articles (rest is ""). */
static void
http_post_article(struct http *h, struct evhttp_request *req, const char *rest)
{
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t len = evbuffer_get_length(in);
        char type[64], *raw, *cause = NULL, msg[512];
        const char *announced;
        struct article *a;
        struct ingest *ing;
        int format;

        if (!http_token_ok(h, req)) {
                evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                                  "Bearer");
                http_error(
                    req, 401, "Unauthorized",
                    "this server needs an ingest token: send \"Authorization: Bearer TOKEN\"");
                return;
        }
        if ((announced = evhttp_find_header(evhttp_request_get_input_headers(req),
                                            HTTP_SIZE_HEADER)) != NULL) {
                snprintf(msg, sizeof msg,
                         "the article is %s bytes (its Content-Length), over the limit of %lld",
                         announced, (long long)h->h_cfg->cfg_max_body);
                http_error(req, 413, "Payload Too Large", msg);
                return;
        }
        if ((announced = evhttp_find_header(evhttp_request_get_input_headers(req),
                                            HTTP_CHUNKED_HEADER)) != NULL) {
                snprintf(msg, sizeof msg,
                         "the article is at least %s bytes (its chunks so far), over the limit "
                         "of %lld",
                         announced, (long long)h->h_cfg->cfg_max_body);
                http_error(req, 413, "Payload Too Large", msg);
                return;
        }
        if (ingest_stopping()) {
                evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "5");
                http_error(req, 503, "Service Unavailable", "the daemon is shutting down");
                return;
        }
        http_media_type(req, type, sizeof type);
        if (*type == '\0' || strcmp(type, "text/plain") == 0)
                format = STORE_TEXT;
        else if (strcmp(type, "application/json") == 0)
                format = STORE_JSON;
        else {
                snprintf(msg, sizeof msg,
                         "Content-Type %s is not accepted: send text/plain "
                         "(header block and body) or application/json",
                         type);
                http_error(req, 415, "Unsupported Media Type", msg);
                return;
        }
        if (len > (size_t)h->h_cfg->cfg_max_body) {
                snprintf(msg, sizeof msg, "the article is %zu bytes, over the limit of %lld", len,
                         (long long)h->h_cfg->cfg_max_body);
                http_error(req, 413, "Payload Too Large", msg);
                return;
        }
        if (len == 0) {
                http_error(req, 400, "Bad Request", "the body is empty: send an article");
                return;
        }
        raw = xmalloc(len + 1);
        evbuffer_copyout(in, raw, len);
        raw[len] = '\0';
        if (!nw_utf8_valid(raw, len)) {
                free(raw);
                http_error(req, 400, "Bad Request", "the body is not valid UTF-8");
                return;
        }
        if (format == STORE_JSON)
                a = article_from_json(raw, len, &cause);
        else
                a = article_parse(raw, len, &cause);
        if (a == NULL) {
                snprintf(msg, sizeof msg, "not an article: %s", cause ? cause : "cannot be parsed");
                free(cause);
                free(raw);
                http_error(req, 400, "Bad Request", msg);
                return;
        }
        free(cause);
        if (!ingest_room()) {
                article_destroy(&a);
                free(raw);
                http_ingest_done(req, INGEST_FULL, "");
                return;
        }
        ing = xcalloc(1, sizeof *ing);
        ing->in_article = a;
        ing->in_format = format;
        ing->in_raw = raw;
        ing->in_rawlen = len;
        ing->in_done = http_ingest_done;
        ing->in_arg = req;
        ingest_submit(ing);
}

/* GET /v1/articles/ID. */
static void
http_get_article(struct http *h, struct evhttp_request *req, const char *id)
{
        char *status = NULL, *error = NULL, *cause = NULL;
        uint64_t nevents = 0, received = 0;
        size_t i;
        int rc;
        json_t *obj;

        for (i = 0; id[i] != '\0'; i++) {
                if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
                        break;
        }
        if (i != 16 || id[i] != '\0') {
                http_error(req, 400, "Bad Request",
                           "an article id is 16 lowercase hex digits (as returned by POST)");
                return;
        }
        rc = store_article_info(ingest_store(), id, &status, &error, &nevents, &received, &cause);
        if (rc < 0) {
                log_warnx("%s", cause);
                free(cause);
                http_error(req, 500, "Internal Server Error", "storage error");
                return;
        }
        if (rc == 0) {
                http_error(req, 404, "Not Found", "no article with this id");
                return;
        }
        obj = json_pack("{s:s, s:s, s:I, s:I}", "article", id, "status", status, "events",
                        (json_int_t)nevents, "received_ms", (json_int_t)received);
        json_object_set_new(obj, "error", error ? json_string(error) : json_null());
        http_json(req, 200, "OK", obj);
        free(status);
        free(error);
}

/* GET /metrics. */
static void
http_metrics(struct http *h, struct evhttp_request *req, const char *rest)
{
        struct evbuffer *buf = evbuffer_new();
        char *text = metrics_render();

        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "text/plain; version=0.0.4");
        evbuffer_add(buf, text, strlen(text));
        evhttp_send_reply(req, 200, "OK", buf);
        evbuffer_free(buf);
        free(text);
}

/* GET /healthz. */
static void
http_healthz(struct http *h, struct evhttp_request *req, const char *rest)
{
        http_json(req, 200, "OK",
                  json_pack("{s:s, s:I, s:I}", "status", ingest_stopping() ? "stopping" : "ok",
                            "last_seq", (json_int_t)store_last_seq(ingest_store()), "queue_depth",
                            (json_int_t)ingest_queue_depth()));
}

/* The resources: a path (or a path prefix, the rest handed to the handler)
 * and the one method it takes. */
static const struct {
        const char *hr_path;         /* exact path, or prefix when hr_prefix */
        bool hr_prefix;              /* match paths starting with hr_path */
        enum evhttp_cmd_type hr_cmd; /* the method */
        const char *hr_allow;        /* its name, for 405's Allow header */
        void (*hr_fn)(struct http *, struct evhttp_request *, const char *rest);
} http_routes[] = {
    {"/v1/articles", false, EVHTTP_REQ_POST, "POST", http_post_article},
    {"/v1/articles/", true, EVHTTP_REQ_GET, "GET", http_get_article},
    {"/healthz", false, EVHTTP_REQ_GET, "GET", http_healthz},
    {"/metrics", false, EVHTTP_REQ_GET, "GET", http_metrics},
};

/* Every request: route by path and method. */
static void
http_request_cb(struct evhttp_request *req, void *arg)
{
        struct http *h = arg;
        const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
        enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
        size_t i, n;

        if (path == NULL)
                path = "/";
        for (i = 0; i < sizeof http_routes / sizeof http_routes[0]; i++) {
                n = strlen(http_routes[i].hr_path);
                if (http_routes[i].hr_prefix ? strncmp(path, http_routes[i].hr_path, n) != 0
                                             : strcmp(path, http_routes[i].hr_path) != 0)
                        continue;
                if (cmd == http_routes[i].hr_cmd) {
                        http_routes[i].hr_fn(h, req, path + n);
                        return;
                }
                evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                                  http_routes[i].hr_allow);
                http_error(req, 405, "Method Not Allowed", "use the method in the Allow header");
                return;
        }
        http_error(req, 404, "Not Found",
                   "no such resource: POST /v1/articles, GET /v1/articles/ID, /healthz, /metrics");
}

/* Pause or resume accepting around the connection cap. */
static void
http_check_cap(struct http *h)
{
        struct evconnlistener *l;

        if (h->h_sock == NULL || h->h_stopped || h->h_freeing)
                return;
        l = evhttp_bound_socket_get_listener(h->h_sock);
        if (!h->h_paused && h->h_conns >= (size_t)h->h_cfg->cfg_http_max_conns) {
                evconnlistener_disable(l);
                h->h_paused = true;
                metrics.m_http_refused++;
                log_info("http: %zu connections, not accepting more for now", h->h_conns);
        } else if (h->h_paused && h->h_conns < (size_t)h->h_cfg->cfg_http_max_conns) {
                evconnlistener_enable(l);
                h->h_paused = false;
        }
}

/* The one place a connection ends: count it out, log why, maybe accept again. */
static void
http_conn_gone(struct http *h, const char *reason)
{
        log_debug("http: connection closed: %s", reason);
        metrics.m_http_conns--;
        if (h->h_conns > 0)
                h->h_conns--;
        http_check_cap(h);
}

/* evhttp closed a connection (done, peer gone, timeout or error). */
static void
http_conn_closed(struct evhttp_connection *evcon, void *arg)
{
        http_conn_gone(arg, "closed by evhttp");
}

/* Deferred from http_bevcb: evhttp has now made the connection around the
 * bufferevent and set itself as its callback argument; register our close
 * callback on that connection. */
static void
http_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
        struct http *h = arg;
        size_t i;

        for (i = 0; i < h->h_nnew; i++) {
                void *cbarg = NULL;
                bufferevent_getcb(h->h_new[i], NULL, NULL, NULL, &cbarg);
                if (cbarg != NULL)
                        evhttp_connection_set_closecb(cbarg, http_conn_closed, h);
                else
                        http_conn_gone(h, "closed before evhttp adopted it");
        }
        h->h_nnew = 0;
        http_check_cap(h);
}

/* evhttp wants a bufferevent for a new connection: count the connection,
 * and find its evhttp_connection once evhttp has built it. */
static struct bufferevent *
http_bevcb(struct event_base *base, void *arg)
{
        struct http *h = arg;
        struct bufferevent *sock, *bev;
        struct http_sizer *sz;

        if ((sock = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
                return NULL;
        sz = xcalloc(1, sizeof *sz);
        sz->sz_framer.hf_max = (uint64_t)h->h_cfg->cfg_max_body;
        sz->sz_kick = event_new(base, -1, 0, http_sizer_kick_cb, sz);
        bev = bufferevent_filter_new(sock, http_sizer_filter, http_sizer_out, BEV_OPT_CLOSE_ON_FREE,
                                     http_sizer_free, sz);
        if (bev == NULL) {
                http_sizer_free(sz);
                bufferevent_free(sock);
                return NULL;
        }
        sz->sz_bev = bev;
        evbuffer_add_cb(bufferevent_get_output(bev), http_sizer_outbuf_cb, sz);
        if (h->h_nnew == h->h_newcap) {
                h->h_newcap = h->h_newcap ? h->h_newcap * 2 : 16;
                h->h_new = xrealloc(h->h_new, h->h_newcap * sizeof *h->h_new);
        }
        h->h_new[h->h_nnew++] = bev;
        event_active(h->h_adopt, 0, 0);
        h->h_conns++;
        metrics.m_http_conns++;
        /* Disabling the listener here also ends its accept loop. */
        http_check_cap(h);
        return bev;
}

/* Listen on ADDR:PORT. */
struct http *
http_new(struct event_base *base, const struct config *cfg, char **cause)
{
        struct http *h = xcalloc(1, sizeof *h);
        char *addr = xstrdup(cfg->cfg_http), *colon = strrchr(addr, ':');
        int port = atoi(colon + 1);

        *colon = '\0';
        if (addr[0] == '[' && colon > addr + 1 && colon[-1] == ']') {
                colon[-1] = '\0';
                memmove(addr, addr + 1, strlen(addr));
        }
        h->h_base = base;
        h->h_cfg = cfg;
        h->h_adopt = event_new(base, -1, 0, http_adopt_cb, h);
        h->h_http = evhttp_new(base);
        evhttp_set_timeout(h->h_http, (int)cfg->cfg_http_timeout);
        evhttp_set_max_body_size(h->h_http, (ev_ssize_t)cfg->cfg_max_body + HTTP_SLACK);
        evhttp_set_max_headers_size(h->h_http, HTTP_MAX_HEADERS);
        evhttp_set_allowed_methods(h->h_http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                                  EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                                  EVHTTP_REQ_OPTIONS);
        evhttp_set_gencb(h->h_http, http_request_cb, h);
        evhttp_set_bevcb(h->h_http, http_bevcb, h);
        h->h_sock = evhttp_bind_socket_with_handle(h->h_http, addr, (uint16_t)port);
        if (h->h_sock == NULL) {
                xasprintf(cause, "http: cannot listen on %s: %s", cfg->cfg_http, strerror(errno));
                free(addr);
                http_destroy(&h);
                return NULL;
        }
        log_info("http on %s", cfg->cfg_http);
        free(addr);
        return h;
}

/* Close the listener and every connection. */
void
http_destroy(struct http **hp)
{
        struct http *h = *hp;

        if (h == NULL)
                return;
        /* Connections closed below must not touch the listener any more. */
        h->h_freeing = true;
        if (h->h_http != NULL)
                evhttp_free(h->h_http);
        if (h->h_adopt != NULL)
                event_free(h->h_adopt);
        free(h->h_new);
        free(h);
        *hp = NULL;
}

/* Stop accepting new connections (drain for exit). */
void
http_stop_accepting(struct http *h)
{
        if (h->h_sock != NULL && !h->h_stopped) {
                evconnlistener_disable(evhttp_bound_socket_get_listener(h->h_sock));
                h->h_stopped = true;
        }
}
