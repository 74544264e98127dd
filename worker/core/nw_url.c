/* nw_url.c -- URL canonicalization (RFC 3986 shapes, http and https only). */
#include "nw_url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct span {
        const char *p;
        size_t n;
};

/* Parameters that identify a campaign or a click, never the page. */
static int is_tracking(const char *k, size_t n)
{
        static const char *const names[] = {"fbclid", "gclid", "dclid", "gbraid", "wbraid",
                                            "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
                                            "_ga", "_gl", "mkt_tok", "oly_anon_id", "oly_enc_id",
                                            "vero_id", "__twitter_impression", NULL};
        if (n >= 4 && strncasecmp(k, "utm_", 4) == 0) {
                return 1;
        }
        for (const char *const *t = names; *t; t++) {
                if (strlen(*t) == n && strncasecmp(*t, k, n) == 0) {
                        return 1;
                }
        }
        return 0;
}

static int cmp_span(const void *a, const void *b)
{
        const struct span *x = a, *y = b;
        size_t n = x->n < y->n ? x->n : y->n;
        int c = memcmp(x->p, y->p, n);
        if (c) {
                return c;
        }
        return x->n < y->n ? -1 : x->n > y->n;
}

enum nw_err nw_url_canonical(const char *url, size_t len, struct nw_buf *out)
{
        const char *p = url, *end = url + len;
        const char *scheme_end, *auth, *auth_end, *host, *host_end, *port = NULL;
        const char *path, *path_end, *query = NULL, *query_end = NULL;
        size_t scheme_len, out_len0 = out->len;
        struct span *params = NULL;
        size_t n_params = 0;
        int https;

        /* trim white space the producer may have left around it */
        while (p < end && isspace((unsigned char)*p)) {
                p++;
        }
        while (end > p && isspace((unsigned char)end[-1])) {
                end--;
        }
        scheme_end = memchr(p, ':', (size_t)(end - p));
        if (!scheme_end) {
                return NW_ERR_BAD_FIELD;
        }
        scheme_len = (size_t)(scheme_end - p);
        if (scheme_len == 4 && strncasecmp(p, "http", 4) == 0) {
                https = 0;
        } else if (scheme_len == 5 && strncasecmp(p, "https", 5) == 0) {
                https = 1;
        } else {
                return NW_ERR_BAD_FIELD;
        }
        if (end - scheme_end < 3 || scheme_end[1] != '/' || scheme_end[2] != '/') {
                return NW_ERR_BAD_FIELD;
        }
        auth = scheme_end + 3;
        auth_end = auth;
        while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#') {
                auth_end++;
        }
        host = auth;
        for (const char *q = auth; q < auth_end; q++) {
                if (*q == '@') {
                        host = q + 1;   /* user info is dropped: it may hold a password */
                }
        }
        host_end = auth_end;
        if (host < host_end && *host == '[') {
                const char *rb = memchr(host, ']', (size_t)(host_end - host));
                if (!rb) {
                        return NW_ERR_BAD_FIELD;
                }
                if (rb + 1 < host_end && rb[1] == ':') {
                        port = rb + 2;
                }
                host_end = rb + 1;
        } else {
                const char *colon = memchr(host, ':', (size_t)(host_end - host));
                if (colon) {
                        port = colon + 1;
                        host_end = colon;
                }
        }
        if (host_end == host) {
                return NW_ERR_BAD_FIELD;
        }
        path = auth_end;
        path_end = path;
        while (path_end < end && *path_end != '?' && *path_end != '#') {
                path_end++;
        }
        if (path_end < end && *path_end == '?') {
                query = path_end + 1;
                query_end = query;
                while (query_end < end && *query_end != '#') {
                        query_end++;
                }
        }

        if (nw_buf_puts(out, https ? "https://" : "http://") != NW_OK) {
                goto too_big;
        }
        for (const char *q = host; q < host_end; q++) {
                if (nw_buf_putc(out, (char)tolower((unsigned char)*q)) != NW_OK) {
                        goto too_big;
                }
        }
        if (port && port < auth_end) {
                size_t plen = (size_t)(auth_end - port);
                int dflt = (plen == 2 && !https && memcmp(port, "80", 2) == 0) ||
                           (plen == 3 && https && memcmp(port, "443", 3) == 0);
                for (size_t k = 0; k < plen; k++) {
                        if (!isdigit((unsigned char)port[k])) {
                                out->len = out_len0;
                                out->data[out->len] = '\0';
                                return NW_ERR_BAD_FIELD;
                        }
                }
                if (!dflt && plen > 0 &&
                    (nw_buf_putc(out, ':') != NW_OK || nw_buf_append(out, port, plen) != NW_OK)) {
                        goto too_big;
                }
        }
        if (path == path_end) {
                if (nw_buf_putc(out, '/') != NW_OK) {
                        goto too_big;
                }
        } else if (nw_buf_append(out, path, (size_t)(path_end - path)) != NW_OK) {
                goto too_big;
        }
        if (query && query_end > query) {
                size_t cap = 1;
                for (const char *q = query; q < query_end; q++) {
                        cap += *q == '&';
                }
                params = nw_xmalloc(cap * sizeof(*params));
                for (const char *q = query; q <= query_end;) {
                        const char *amp = q;
                        while (amp < query_end && *amp != '&') {
                                amp++;
                        }
                        if (amp > q) {
                                const char *eq = memchr(q, '=', (size_t)(amp - q));
                                size_t klen = (size_t)((eq ? eq : amp) - q);
                                if (!is_tracking(q, klen)) {
                                        params[n_params++] = (struct span){q, (size_t)(amp - q)};
                                }
                        }
                        q = amp + 1;
                }
                qsort(params, n_params, sizeof(*params), cmp_span);
                for (size_t k = 0; k < n_params; k++) {
                        if (nw_buf_putc(out, k ? '&' : '?') != NW_OK ||
                            nw_buf_append(out, params[k].p, params[k].n) != NW_OK) {
                                goto too_big;
                        }
                }
        }
        free(params);
        return NW_OK;
too_big:
        free(params);
        out->len = out_len0;
        if (out->data) {
                out->data[out->len] = '\0';
        }
        return NW_ERR_TOO_BIG;
}
