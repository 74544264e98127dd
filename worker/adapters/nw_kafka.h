/* nw_kafka.h -- the Kafka adapter: one consumer in a group and one producer, their
 * configuration, delivery reports, rebalances and offset storage. Hides rd_kafka_t: the rest
 * of the worker sees borrowed spans and callbacks on its own thread. */
#ifndef NW_ADAPTERS_KAFKA_H
#define NW_ADAPTERS_KAFKA_H

#include <stddef.h>
#include <stdint.h>
#include "nw_err.h"

struct nw_kafka;
struct nw_kheaders;

enum nw_kafka_target { NW_KT_BOTH = 0, NW_KT_CONSUMER, NW_KT_PRODUCER };

/* One librdkafka property for the consumer, the producer or both; borrowed. */
struct nw_kafka_setting {
        enum nw_kafka_target target;
        const char *name, *value;
};

struct nw_tp {
        const char *topic;      /* borrowed for the duration of the callback */
        int32_t partition;
};

/* Callbacks, all run on the thread that calls nw_kafka_poll()/_flush()/_produce(). */
struct nw_kafka_hooks {
        void *ctx;
        /** A produced record was acknowledged (ok 1) or failed for good (ok 0, reason set;
         *  permanent 1 when retrying the same bytes cannot help, e.g. the record is too large). */
        void (*on_delivery)(void *ctx, void *opaque, int ok, int permanent, const char *reason);
        /** Partitions were assigned to us (already applied). */
        void (*on_assign)(void *ctx, const struct nw_tp *tps, size_t n);
        /** Partitions are being taken away: finish or abandon their work now; they are
         *  unassigned when this returns. */
        void (*on_revoke)(void *ctx, const struct nw_tp *tps, size_t n);
        /** librdkafka says the client is unusable (RD_KAFKA_RESP_ERR__FATAL). */
        void (*on_fatal)(void *ctx, const char *reason);
        /** A log line from librdkafka (syslog level). */
        void (*on_log)(void *ctx, int level, const char *facility, const char *msg);
        /** The consumer's statistics JSON (statistics.interval.ms); may be NULL. */
        void (*on_stats)(void *ctx, const char *json, size_t len);
};

/* A consumed message: borrowed views valid until nw_kafka_release(). */
struct nw_kmsg {
        const char *value;
        size_t len;
        const void *key;
        size_t key_len;
        const char *topic;
        int32_t partition;
        int64_t offset;
        int64_t timestamp_ms;   /* -1 when the message has none */
        char content_type[64];  /* from a "content-type" header, or "" */
        void *rkm;              /* private */
};

#define NW_KAFKA_OUT_TOPICS 4   /* most @p output_topics of nw_kafka_new() */

/** @brief Create the consumer (subscribed to @p input_topic) and the producer, which looks up
 *  the leaders of @p output_topics (NULL-terminated, at most NW_KAFKA_OUT_TOPICS) at once.
 *  Every setting goes through rd_kafka_conf_set(); an unknown or invalid one is an error
 *  quoting librdkafka's reason. @returns NULL on error (NW_ERR_CONFIG class). */
struct nw_kafka *nw_kafka_new(const struct nw_kafka_setting *settings, size_t n,
                              const char *input_topic, const char *const *output_topics,
                              const struct nw_kafka_hooks *hooks, char *errstr,
                              size_t errstr_size);

/** @brief Validate @p settings as nw_kafka_new() would, without connecting.
 *  @returns NW_OK or NW_ERR_CONFIG. */
enum nw_err nw_kafka_check(const struct nw_kafka_setting *settings, size_t n, char *errstr,
                           size_t errstr_size);

/** @brief Close the consumer (commit, leave the group) and destroy both clients. The producer
 *  should be flushed first. NULL is a no-op. */
void nw_kafka_destroy(struct nw_kafka *kc);

/** @brief Wait up to @p timeout_ms for one message, serving callbacks meanwhile.
 *  @returns 1 with @p out filled, 0 when none came. */
int nw_kafka_poll(struct nw_kafka *kc, int timeout_ms, struct nw_kmsg *out);
/** @brief Release a message from nw_kafka_poll(). */
void nw_kafka_release(struct nw_kmsg *m);

/** @brief Serve producer callbacks (delivery reports, logs) without blocking longer than
 *  @p timeout_ms. */
void nw_kafka_serve(struct nw_kafka *kc, int timeout_ms);

/** @brief Copy the headers of @p m (NULL when it has none). */
struct nw_kheaders *nw_kafka_headers_copy(const struct nw_kmsg *m);
void nw_kafka_headers_destroy(struct nw_kheaders *h);

/** @brief Produce one record. @p value must stay valid until its delivery report (it is not
 *  copied). @p headers (may be NULL) are copied and @p extra adds name/value pairs
 *  (NULL-terminated list, may be NULL). While the local queue is full the producer is
 *  polled, up to @p block_ms.
 *  @returns NW_OK; NW_ERR_KAFKA when it could not be queued (retry later); NW_ERR_FATAL. */
enum nw_err nw_kafka_produce(struct nw_kafka *kc, const char *topic, const void *key,
                             size_t key_len, const void *value, size_t len,
                             const struct nw_kheaders *headers, const char *const *extra,
                             void *opaque, int block_ms, char *errstr, size_t errstr_size);

/** @brief Store @p next_offset (one past the last finished message) for the partition; the
 *  auto-commit and the commits on revoke and close take it from there. */
enum nw_err nw_kafka_store(struct nw_kafka *kc, const char *topic, int32_t partition,
                           int64_t next_offset);

/** @brief Commit stored offsets now and wait for the result. */
enum nw_err nw_kafka_commit(struct nw_kafka *kc, char *errstr, size_t errstr_size);

/** @brief Wait up to @p timeout_ms for every produced record's delivery report.
 *  @returns the number still outstanding. */
int nw_kafka_flush(struct nw_kafka *kc, int timeout_ms);

/** @brief Pause (1) or resume (0) fetching on every assigned partition. */
void nw_kafka_pause(struct nw_kafka *kc, int pause);

/* An input partition's position: the next offset to read. */
struct nw_tp_offset {
        const char *topic;
        int32_t partition;
        int64_t offset;
};

/** @returns 1 when the producer is transactional (a transactional.id was configured): the
 *  worker then runs exactly-once -- outputs and input offsets commit together. */
int nw_kafka_transactional(const struct nw_kafka *kc);

/** @brief Begin a transaction. @returns NW_OK or NW_ERR_FATAL (reason in @p errstr). */
enum nw_err nw_kafka_txn_begin(struct nw_kafka *kc, char *errstr, size_t errstr_size);

/** @brief Add the input positions @p offs to the open transaction and commit it; an abortable
 *  failure aborts it. @returns NW_OK (outputs and offsets are committed); NW_ERR_KAFKA (the
 *  transaction was aborted: nothing of it is visible to read_committed consumers and the
 *  caller must rewind its input with nw_kafka_seek() and process the batch again);
 *  NW_ERR_FATAL (the producer is fenced or broken: stop). */
enum nw_err nw_kafka_txn_commit(struct nw_kafka *kc, const struct nw_tp_offset *offs, size_t n,
                                int timeout_ms, char *errstr, size_t errstr_size);

/** @brief Move the consumer back to @p offs (after an aborted transaction). */
enum nw_err nw_kafka_seek(struct nw_kafka *kc, const struct nw_tp_offset *offs, size_t n,
                          char *errstr, size_t errstr_size);

/** @returns the number of partitions currently assigned. */
int nw_kafka_assigned(const struct nw_kafka *kc);

/** @returns the number of produced records awaiting a delivery report. */
int nw_kafka_outq(const struct nw_kafka *kc);

#endif
