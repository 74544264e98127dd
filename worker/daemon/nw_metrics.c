/* nw_metrics.c -- metric storage and the Prometheus text format (version 0.0.4). */
#include "nw_metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

/* seconds; wide enough for a Redis round trip (sub-millisecond) and an end-to-end latency
 * that includes a Redis outage */
static const double bounds[NW_HIST_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                               0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30};

void nw_metrics_init(struct nw_metrics *m, const char *version)
{
        pthread_mutex_t *lock = nw_xmalloc(sizeof(*lock));

        memset(m, 0, sizeof(*m));
        pthread_mutex_init(lock, NULL);
        m->lag_lock = lock;
        m->version = version;
}

void nw_metrics_free(struct nw_metrics *m)
{
        if (m->lag_lock) {
                pthread_mutex_destroy(m->lag_lock);
                free(m->lag_lock);
                m->lag_lock = NULL;
        }
}

void nw_hist_observe(struct nw_hist *h, int64_t us)
{
        double s = (double)us / 1e6;
        int i = 0;

        if (us < 0) {
                us = 0;
        }
        while (i < NW_HIST_BUCKETS && s > bounds[i]) {
                i++;
        }
        atomic_fetch_add(&h->bucket[i], 1);
        atomic_fetch_add(&h->count, 1);
        atomic_fetch_add(&h->sum_us, (uint_fast64_t)us);
}

void nw_metrics_take_stats(struct nw_metrics *m, const char *topic, const char *json, size_t len)
{
        char *text = nw_xstrndup(json, len);
        const char *path_topics[] = {"topics", NULL};
        yajl_val root = yajl_tree_parse(text, NULL, 0), topics, t, parts;

        free(text);
        if (!root) {
                return;
        }
        topics = yajl_tree_get(root, path_topics, yajl_t_object);
        t = topics ? yajl_tree_get(topics, (const char *[]){topic, NULL}, yajl_t_object) : NULL;
        parts = t ? yajl_tree_get(t, (const char *[]){"partitions", NULL}, yajl_t_object) : NULL;
        if (parts) {
                pthread_mutex_lock(m->lag_lock);
                memset(m->lag_known, 0, sizeof(m->lag_known));
                for (size_t i = 0; i < parts->u.object.len; i++) {
                        long p = strtol(parts->u.object.keys[i], NULL, 10);
                        yajl_val lag = yajl_tree_get(parts->u.object.values[i],
                                                     (const char *[]){"consumer_lag", NULL},
                                                     yajl_t_number);
                        /* -1: internal pseudo-partition; lag -1: not known yet */
                        if (p < 0 || p >= NW_LAG_PARTITIONS || !lag || YAJL_GET_INTEGER(lag) < 0) {
                                continue;
                        }
                        m->lag[p] = YAJL_GET_INTEGER(lag);
                        m->lag_known[p] = 1;
                }
                pthread_mutex_unlock(m->lag_lock);
        }
        yajl_tree_free(root);
}

static void counter(struct nw_buf *o, const char *name, const char *help, uint64_t v)
{
        nw_buf_printf(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
                      (unsigned long long)v);
}

static void gauge(struct nw_buf *o, const char *name, const char *help, long long v)
{
        nw_buf_printf(o, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name, v);
}

static void histogram(struct nw_buf *o, const char *name, const char *help, struct nw_hist *h)
{
        uint64_t cum = 0;

        nw_buf_printf(o, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
        for (int i = 0; i <= NW_HIST_BUCKETS; i++) {
                cum += atomic_load(&h->bucket[i]);
                if (i < NW_HIST_BUCKETS) {
                        nw_buf_printf(o, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i],
                                      (unsigned long long)cum);
                } else {
                        nw_buf_printf(o, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
                }
        }
        nw_buf_printf(o, "%s_sum %.6f\n%s_count %llu\n", name,
                      (double)atomic_load(&h->sum_us) / 1e6, name,
                      (unsigned long long)atomic_load(&h->count));
}

void nw_metrics_render(struct nw_metrics *m, struct nw_buf *o)
{
        static const char *const kinds[NW_EK__COUNT] = {"redis", "delivery", "produce", "commit",
                                                        "fatal"};

        nw_buf_printf(o, "# HELP newsworker_build_info Version of the running worker.\n"
                         "# TYPE newsworker_build_info gauge\n"
                         "newsworker_build_info{version=\"%s\"} 1\n", m->version);
        counter(o, "newsworker_messages_consumed_total", "Messages consumed from the input topic.",
                atomic_load(&m->consumed));
        counter(o, "newsworker_records_published_total",
                "Enriched records acknowledged by Kafka on the output topic.",
                atomic_load(&m->published));
        nw_buf_puts(o, "# HELP newsworker_duplicates_total Items recognized as duplicates: exact ones "
                       "are not published, near ones are published marked.\n"
                       "# TYPE newsworker_duplicates_total counter\n");
        nw_buf_printf(o, "newsworker_duplicates_total{kind=\"exact\"} %llu\n",
                      (unsigned long long)atomic_load(&m->duplicates_exact));
        nw_buf_printf(o, "newsworker_duplicates_total{kind=\"near\"} %llu\n",
                      (unsigned long long)atomic_load(&m->duplicates_near));
        counter(o, "newsworker_unchecked_total",
                "Records published without a dedupe check (dedupe.fail_open while Redis was down).",
                atomic_load(&m->unchecked));
        counter(o, "newsworker_redelivered_total",
                "Messages that found their own dedupe claim (a redelivery) and were published again.",
                atomic_load(&m->redelivered_own));
        nw_buf_puts(o, "# HELP newsworker_dlq_records_total Records sent to the dead-letter topic, by reason.\n"
                       "# TYPE newsworker_dlq_records_total counter\n");
        for (int e = 1; e < NW_ERR__COUNT; e++) {
                uint64_t v = atomic_load(&m->dlq[e]);
                if (v || e <= NW_ERR_NO_CONTENT) {
                        nw_buf_printf(o, "newsworker_dlq_records_total{reason=\"%s\"} %llu\n",
                                      nw_err_name((enum nw_err)e), (unsigned long long)v);
                }
        }
        nw_buf_puts(o, "# HELP newsworker_errors_total Errors by kind (each was retried unless fatal).\n"
                       "# TYPE newsworker_errors_total counter\n");
        for (int k = 0; k < NW_EK__COUNT; k++) {
                nw_buf_printf(o, "newsworker_errors_total{kind=\"%s\"} %llu\n", kinds[k],
                              (unsigned long long)atomic_load(&m->errors[k]));
        }
        counter(o, "newsworker_redis_round_trips_total",
                "Pipelined Redis round trips (one per batch).", atomic_load(&m->redis_round_trips));
        histogram(o, "newsworker_redis_round_trip_seconds",
                  "Time a batch's Redis round trip kept the loop waiting (sending the claims, "
                  "reading the replies); Redis works on them while the pipelines run.",
                  &m->redis_seconds);
        histogram(o, "newsworker_processing_seconds",
                  "Time to decode, normalize, fingerprint and extract one message.",
                  &m->processing_seconds);
        histogram(o, "newsworker_end_to_end_seconds",
                  "From the input message's Kafka timestamp to its output's acknowledgement.",
                  &m->end_to_end_seconds);
        gauge(o, "newsworker_in_flight_messages",
              "Consumed messages whose output is not yet acknowledged.", atomic_load(&m->in_flight));
        gauge(o, "newsworker_output_backlog",
              "Records produced and not yet acknowledged; at 4 x batch.max_messages the worker "
              "takes no input until the producer catches up.", atomic_load(&m->output_backlog));
        nw_buf_printf(o, "# HELP newsworker_backpressure_seconds_total Time the input was held "
                         "because the producer was behind.\n"
                         "# TYPE newsworker_backpressure_seconds_total counter\n"
                         "newsworker_backpressure_seconds_total %.3f\n",
                      (double)atomic_load(&m->backpressure_us) / 1e6);
        gauge(o, "newsworker_partitions_assigned", "Input partitions assigned to this worker.",
              atomic_load(&m->partitions_assigned));
        gauge(o, "newsworker_redis_up", "1 when the last Redis round trip succeeded.",
              atomic_load(&m->redis_up));
        gauge(o, "newsworker_paused", "1 while consumption is paused waiting for Redis.",
              atomic_load(&m->paused));
        gauge(o, "newsworker_near_filters",
              "Older near-duplicate buckets with a filter in this worker (dedupe.near_filter_mb).",
              (long long)atomic_load(&m->near_filters));
        gauge(o, "newsworker_near_filter_bytes", "Memory those filters take.",
              (long long)atomic_load(&m->near_filter_bytes));
        counter(o, "newsworker_near_filter_skipped_total",
                "Bands of items that the filters ruled out of an older bucket, so that the claim "
                "script does not look them up there.",
                atomic_load(&m->near_filter_skipped));
        nw_buf_puts(o, "# HELP newsworker_consumer_lag Messages behind the end of each assigned input "
                       "partition (librdkafka statistics).\n# TYPE newsworker_consumer_lag gauge\n");
        pthread_mutex_lock(m->lag_lock);
        for (int p = 0; p < NW_LAG_PARTITIONS; p++) {
                if (m->lag_known[p]) {
                        nw_buf_printf(o, "newsworker_consumer_lag{partition=\"%d\"} %lld\n", p,
                                      (long long)m->lag[p]);
                }
        }
        pthread_mutex_unlock(m->lag_lock);
}
