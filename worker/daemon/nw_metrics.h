/* nw_metrics.h -- the worker's counters, gauges and histograms, written by the loop thread
 * and read by the HTTP thread (C11 atomics; a mutex only for the per-partition lag table),
 * rendered in the Prometheus text format. */
#ifndef NW_DAEMON_METRICS_H
#define NW_DAEMON_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "nw_buf.h"
#include "nw_err.h"

#define NW_HIST_BUCKETS 14
#define NW_LAG_PARTITIONS 256

struct nw_hist {
        atomic_uint_fast64_t bucket[NW_HIST_BUCKETS + 1];     /* last: +Inf */
        atomic_uint_fast64_t count;
        atomic_uint_fast64_t sum_us;
};

enum nw_error_kind {
        NW_EK_REDIS = 0,        /* a Redis round trip failed */
        NW_EK_DELIVERY,         /* Kafka reported a failed delivery (retried) */
        NW_EK_PRODUCE,          /* a record could not be queued (retried) */
        NW_EK_COMMIT,           /* an offset commit failed */
        NW_EK_FATAL,            /* a fatal error stopped the worker */
        NW_EK__COUNT
};

struct nw_metrics {
        atomic_uint_fast64_t consumed, published, duplicates_exact, duplicates_near, unchecked;
        atomic_uint_fast64_t redelivered_own;
        atomic_uint_fast64_t dlq[NW_ERR__COUNT];
        atomic_uint_fast64_t errors[NW_EK__COUNT];
        atomic_uint_fast64_t redis_round_trips, backpressure_us, near_filter_skipped;
        atomic_uint_fast64_t near_filters, near_filter_bytes;
        struct nw_hist redis_seconds, processing_seconds, end_to_end_seconds;
        atomic_int in_flight, partitions_assigned, redis_up, paused, output_backlog;
        atomic_int_fast64_t heartbeat_ms;       /* monotonic ms of the loop's last turn */
        /* consumer lag per partition of the input topic, from librdkafka's statistics */
        int64_t lag[NW_LAG_PARTITIONS];
        int lag_known[NW_LAG_PARTITIONS];
        void *lag_lock;
        const char *version;
};

/** @brief Zero @p m; cannot fail. */
void nw_metrics_init(struct nw_metrics *m, const char *version);
void nw_metrics_free(struct nw_metrics *m);

/** @brief Add one observation of @p us microseconds. */
void nw_hist_observe(struct nw_hist *h, int64_t us);

/** @brief Read librdkafka's statistics JSON and keep the consumer lag of @p topic's partitions. */
void nw_metrics_take_stats(struct nw_metrics *m, const char *topic, const char *json, size_t len);

/** @brief Append the Prometheus text exposition of @p m to @p out. */
void nw_metrics_render(struct nw_metrics *m, struct nw_buf *out);

#endif
