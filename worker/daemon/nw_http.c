/* nw_http.c -- the HTTP endpoints over libmicrohttpd (internal polling thread). */
#include "nw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <microhttpd.h>

#include "nw_buf.h"

struct nw_http {
        struct MHD_Daemon *d;
        struct nw_http_opts opts;
        struct nw_metrics *m;
};

static int64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
                             struct nw_buf *body)
{
        struct MHD_Response *r = MHD_create_response_from_buffer(body->len, body->data ? body->data : (void *)"",
                                                                 MHD_RESPMEM_MUST_COPY);
        enum MHD_Result ret;

        MHD_add_response_header(r, "Content-Type", type);
        ret = MHD_queue_response(c, status, r);
        MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
        struct nw_http *h = cls;
        struct nw_metrics *m = h->m;
        struct nw_buf b;
        unsigned int status = MHD_HTTP_OK;
        const char *type = "text/plain; charset=utf-8";
        enum MHD_Result ret;

        (void)version;
        (void)upload;
        (void)upload_size;
        (void)state;
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
                nw_buf_init(&b, 0);
                nw_buf_puts(&b, "method not allowed\n");
                ret = reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, type, &b);
                nw_buf_free(&b);
                return ret;
        }
        nw_buf_init(&b, 0);
        if (strcmp(url, "/metrics") == 0) {
                type = "text/plain; version=0.0.4; charset=utf-8";
                nw_metrics_render(m, &b);
        } else if (strcmp(url, "/healthz") == 0) {
                int64_t age = mono_ms() - atomic_load(&m->heartbeat_ms);
                if (age > h->opts.healthy_ms) {
                        status = MHD_HTTP_SERVICE_UNAVAILABLE;
                        nw_buf_printf(&b, "stalled: the worker loop last ran %lld ms ago\n", (long long)age);
                } else {
                        nw_buf_puts(&b, "ok\n");
                }
        } else if (strcmp(url, "/readyz") == 0) {
                int parts = atomic_load(&m->partitions_assigned);
                int redis = atomic_load(&m->redis_up);
                if (parts <= 0 || (!redis && !h->opts.fail_open)) {
                        status = MHD_HTTP_SERVICE_UNAVAILABLE;
                        nw_buf_printf(&b, "not ready:%s%s\n", parts <= 0 ? " no partitions assigned" : "",
                                      !redis && !h->opts.fail_open ? " Redis unreachable" : "");
                } else {
                        nw_buf_printf(&b, "ready: %d partitions, Redis %s\n", parts,
                                      redis ? "up" : "down (fail-open)");
                }
        } else {
                status = MHD_HTTP_NOT_FOUND;
                nw_buf_puts(&b, "not found: try /metrics, /healthz or /readyz\n");
        }
        ret = reply(c, status, type, &b);
        nw_buf_free(&b);
        return ret;
}

struct nw_http *nw_http_start(const struct nw_http_opts *opts, struct nw_metrics *m,
                              char *errstr, size_t errstr_size)
{
        struct nw_http *h = nw_xcalloc(1, sizeof(*h));
        struct sockaddr_in sin;
        struct sockaddr_in6 sin6;
        struct sockaddr *sa;
        unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

        h->opts = *opts;
        h->m = m;
        memset(&sin, 0, sizeof(sin));
        memset(&sin6, 0, sizeof(sin6));
        if (inet_pton(AF_INET, opts->address, &sin.sin_addr) == 1) {
                sin.sin_family = AF_INET;
                sin.sin_port = htons((uint16_t)opts->port);
                sa = (struct sockaddr *)&sin;
        } else if (inet_pton(AF_INET6, opts->address, &sin6.sin6_addr) == 1) {
                sin6.sin6_family = AF_INET6;
                sin6.sin6_port = htons((uint16_t)opts->port);
                sa = (struct sockaddr *)&sin6;
                flags |= MHD_USE_IPv6;
        } else {
                snprintf(errstr, errstr_size, "http.address \"%s\" is not an IPv4 or IPv6 address",
                         opts->address);
                nw_http_stop(h);
                return NULL;
        }
        h->d = MHD_start_daemon(flags, (uint16_t)opts->port, NULL, NULL, handle, h,
                                MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT, 64u,
                                MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
        if (!h->d) {
                snprintf(errstr, errstr_size, "cannot serve HTTP on %s:%d (port in use?)",
                         opts->address, opts->port);
                nw_http_stop(h);
                return NULL;
        }
        return h;
}

void nw_http_stop(struct nw_http *h)
{
        if (!h) {
                return;
        }
        if (h->d) {
                MHD_stop_daemon(h->d);
        }
        free(h);
}
