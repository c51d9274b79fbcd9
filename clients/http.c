/*
 * http.c — the clients' HTTP: one blocking libcurl request at a time, a
 * token file reader, and one-line messages from error responses.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "client.h"

/* Append what curl received to the response body (bounded at 64 MiB). */
static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
        struct http_response *r = arg;
        size_t n = size * nmemb;

        if (r->hr_len + n > (size_t)64 << 20)
                return 0;
        r->hr_body = nw_xrealloc(r->hr_body, r->hr_len + n + 1);
        memcpy(r->hr_body + r->hr_len, ptr, n);
        r->hr_len += n;
        r->hr_body[r->hr_len] = '\0';
        return n;
}

/* Initialise libcurl once per process. */
static void
http_global_init(void)
{
        static int done;

        if (!done) {
                curl_global_init(CURL_GLOBAL_DEFAULT);
                done = 1;
        }
}

/* One request; -1 only when no HTTP response came. */
int
http_request(const char *method, const char *url, const char *content_type, const char *body,
             size_t len, const char *token, long timeout_ms, struct http_response *r, char **cause)
{
        char errbuf[CURL_ERROR_SIZE] = "";
        struct curl_slist *hdrs = NULL;
        char *h;
        CURLcode rc;
        CURL *c;

        http_global_init();
        memset(r, 0, sizeof *r);
        r->hr_body = nw_xstrdup("");
        if ((c = curl_easy_init()) == NULL)
                return client_fail(cause, "cannot initialise libcurl");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "newswire-client/1");
        if (strcmp(method, "POST") == 0) {
                curl_easy_setopt(c, CURLOPT_POST, 1L);
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : 0));
        } else if (strcmp(method, "GET") != 0)
                curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (content_type != NULL) {
                h = nw_xprintf("Content-Type: %s", content_type);
                hdrs = curl_slist_append(hdrs, h);
                free(h);
        }
        if (token != NULL) {
                h = nw_xprintf("Authorization: Bearer %s", token);
                hdrs = curl_slist_append(hdrs, h);
                free(h);
        }
        hdrs = curl_slist_append(hdrs, "Expect:");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->hr_status);
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        if (rc != CURLE_OK) {
                http_response_clear(r);
                return client_fail(cause, "cannot reach %s: %s", url,
                                   *errbuf ? errbuf : curl_easy_strerror(rc));
        }
        return 0;
}

/* Free the body. */
void
http_response_clear(struct http_response *r)
{
        free(r->hr_body);
        r->hr_body = NULL;
        r->hr_len = 0;
}

/* First line of a token file. */
int
http_read_token(const char *path, char **token, char **cause)
{
        char *buf, *nl;
        size_t len;

        if (client_read_file(path, &buf, &len, cause) != 0)
                return -1;
        if ((nl = strchr(buf, '\n')) != NULL)
                *nl = '\0';
        len = strlen(buf);
        while (len > 0 && isspace((unsigned char)buf[len - 1]))
                buf[--len] = '\0';
        if (len == 0) {
                free(buf);
                return client_fail(cause, "%s: empty token file", path);
        }
        *token = buf;
        return 0;
}

/* The "message" (and "error") of a JSON body, else the body's first line, else the status. */
char *
http_error_text(const struct http_response *r)
{
        json_t *j, *e, *m;
        char *s = NULL;
        size_t n;

        if (r->hr_body != NULL && r->hr_len > 0) {
                j = json_loadb(r->hr_body, r->hr_len, 0, NULL);
                if (j != NULL) {
                        e = json_object_get(j, "error");
                        m = json_object_get(j, "message");
                        if (json_is_string(m))
                                s = nw_xprintf("HTTP %ld%s%s: %s", r->hr_status,
                                               json_is_string(e) ? " " : "",
                                               json_is_string(e) ? json_string_value(e) : "",
                                               json_string_value(m));
                        else if (json_is_string(e))
                                s = nw_xprintf("HTTP %ld: %s", r->hr_status, json_string_value(e));
                        json_decref(j);
                        if (s != NULL)
                                return s;
                }
                n = strcspn(r->hr_body, "\r\n");
                if (n > 200)
                        n = 200;
                if (n > 0)
                        return nw_xprintf("HTTP %ld: %.*s", r->hr_status, (int)n, r->hr_body);
        }
        return nw_xprintf("HTTP %ld", r->hr_status);
}
