/* nw_http.h -- /metrics, /healthz and /readyz on one port, served by libmicrohttpd's own
 * thread from the shared nw_metrics (the loop never blocks on a scrape). */
#ifndef NW_DAEMON_HTTP_H
#define NW_DAEMON_HTTP_H

#include <stddef.h>
#include "nw_metrics.h"

struct nw_http;

struct nw_http_opts {
        const char *address;    /* e.g. "0.0.0.0" or "127.0.0.1" */
        int port;
        long healthy_ms;        /* /healthz fails when the loop has not turned for this long */
        int fail_open;          /* Redis down does not make the worker unready */
};

/** @brief Start serving. @returns NULL with a reason in @p errstr (the port is taken, ...). */
struct nw_http *nw_http_start(const struct nw_http_opts *opts, struct nw_metrics *m,
                              char *errstr, size_t errstr_size);
/** @brief Stop serving and free; NULL is a no-op. */
void nw_http_stop(struct nw_http *h);

#endif
