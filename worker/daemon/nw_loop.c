/* nw_loop.c -- the consume-transform-produce loop with at-least-once delivery.
 *
 * Invariants:
 *  - every consumed offset is tracked in the watermark before anything else happens to it;
 *  - an offset is marked done only when its output (or DLQ) record is acknowledged by Kafka,
 *    or when it needs no output (an exact duplicate);
 *  - offsets are stored only from the watermark, so a later offset never carries an earlier
 *    unfinished one past a commit;
 *  - while Redis is unreachable nothing of the held batch is produced or stored. */
#include "nw_loop.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nw_buf.h"
#include "nw_http.h"
#include "nw_kafka.h"
#include "nw_log.h"
#include "nw_metrics.h"
#include "nw_pipeline.h"
#include "nw_pool.h"
#include "nw_redis.h"
#include "nw_serialize.h"
#include "nw_time.h"
#include "nw_watermark.h"

enum item_state { IT_NEW = 0, IT_OK, IT_DLQ, IT_DROPPED };

struct item {
        struct nw_kmsg m;
        enum item_state state;
        struct nw_article a;
        enum nw_err err;
        char reason[256];
        struct nw_claim_keys keys;
        char *claim_value;
        struct nw_claim_reply reply;
        int unchecked;
        int publish;            /* emit(): published as an enriched record */
        char *out;              /* its serialized record (NULL: not serialized or too big) */
        size_t out_len;
};

#define DLQ_HEADERS 6

/* A produced record awaiting its delivery report: owns its bytes (librdkafka does not copy)
 * and knows which input offset it finishes. */
struct inflight {
        char *payload;
        size_t len;
        char *key;
        size_t key_len;
        const char *dest;
        int32_t partition;
        int64_t offset;
        struct nw_kheaders *headers;
        char *extra[2 * DLQ_HEADERS + 1];       /* NULL-terminated name/value pairs */
        int attempts;
        enum nw_err dlq_reason;                 /* NW_OK for an output record */
        int64_t input_ts_ms;                    /* the input's Kafka timestamp, -1 if none */
        struct inflight *next;                  /* in the retry list */
};

struct counters {
        uint64_t consumed, published, duplicates, near, dlq, unchecked, redelivered_own;
        uint64_t claim_batches, claims;
};

struct nw_loop {
        const struct nw_config *cfg;
        const char *version;
        struct nw_kafka *kc;
        struct nw_redis *redis;
        struct nw_watermark *wm;
        struct nw_limits lim;

        struct item *batch;
        size_t n, cap;
        /* the next batch: fetched and run through the pipelines while Redis works on this
         * one's claims (at-least-once only); it becomes the batch once this one is emitted */
        struct item *ahead;
        size_t ahead_n, ahead_cap;

        struct inflight *retry;
        int fatal;
        char fatal_reason[1024];
        int redis_down;
        int eos;                /* exactly-once: outputs and offsets commit in one transaction */
        int txn_failed;         /* a delivery in the open transaction failed */
        uint64_t txn_outputs;   /* output records produced in the open transaction */
        int64_t held_since_ms;  /* taking no input since then: the producer is behind */
        struct counters c;
        struct nw_metrics m;
        struct nw_http *http;
        struct nw_pool *pool;
};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void set_fatal(struct nw_loop *loop, const char *reason)
{
        if (!loop->fatal) {
                atomic_fetch_add(&loop->m.errors[NW_EK_FATAL], 1);
                loop->fatal = 1;
                snprintf(loop->fatal_reason, sizeof(loop->fatal_reason), "%s", reason);
                nw_log(NW_LOG_ERR, "worker", "fatal: %s", reason);
        }
}

/* ---- offsets ---------------------------------------------------------------------------- */

static void finish_offset(struct nw_loop *loop, int32_t partition, int64_t offset)
{
        int64_t commit;
        int moved;

        if (loop->eos) {
                return;         /* offsets go with the transaction, not through the store */
        }
        moved = nw_wm_done(loop->wm, loop->cfg->topic_input, partition, offset, &commit);

        if (moved == 1) {
                nw_kafka_store(loop->kc, loop->cfg->topic_input, partition, commit);
        }
        /* -1: the partition was revoked meanwhile; its new owner starts from the last commit */
}

static void inflight_free(struct inflight *f)
{
        free(f->payload);
        free(f->key);
        nw_kafka_headers_destroy(f->headers);
        for (size_t i = 0; f->extra[i]; i++) {
                free(f->extra[i]);
        }
        free(f);
}

static enum nw_err send(struct nw_loop *loop, struct inflight *f)
{
        char errstr[512];
        /* Records already wait for room in the producer (its queue is full): the next ones
         * would each wait as long in turn, for minutes with a batch, deaf to a stop request.
         * Try them without waiting; one pass of the loop then waits at most once. */
        int backlog = loop->retry != NULL;
        enum nw_err err = nw_kafka_produce(loop->kc, f->dest, f->key, f->key_len, f->payload,
                                           f->len, f->headers,
                                           f->extra[0] ? (const char *const *)f->extra : NULL, f,
                                           backlog ? 0 : (int)loop->cfg->shutdown_timeout_ms,
                                           errstr, sizeof(errstr));
        if (err == NW_ERR_FATAL) {
                set_fatal(loop, errstr);
        } else if (err != NW_OK) {
                atomic_fetch_add(&loop->m.errors[NW_EK_PRODUCE], 1);
                if (!backlog) {
                        nw_log(NW_LOG_WARN, "kafka", "%s; will retry", errstr);
                }
        }
        return err;
}

static void on_delivery(void *ctx, void *opaque, int ok, int permanent, const char *reason)
{
        struct nw_loop *loop = ctx;
        struct inflight *f = opaque;

        if (loop->eos) {
                /* inside a transaction: success counts when it commits; a failure makes the
                 * commit abort and the whole batch is processed again */
                if (!ok) {
                        loop->txn_failed = 1;
                        atomic_fetch_add(&loop->m.errors[NW_EK_DELIVERY], 1);
                        nw_log(NW_LOG_WARN, "kafka", "delivery to %s failed in a transaction: %s",
                               f->dest, reason ? reason : "unknown");
                } else if (f->dlq_reason != NW_OK) {
                        atomic_fetch_add(&loop->m.dlq[f->dlq_reason], 1);
                }
                inflight_free(f);
                return;
        }
        if (ok) {
                if (f->dlq_reason != NW_OK) {
                        atomic_fetch_add(&loop->m.dlq[f->dlq_reason], 1);
                } else if (f->dest == loop->cfg->topic_output) {
                        loop->c.published++;
                        atomic_fetch_add(&loop->m.published, 1);
                        if (f->input_ts_ms > 0) {
                                nw_hist_observe(&loop->m.end_to_end_seconds,
                                                (now_ms() - f->input_ts_ms) * 1000);
                        }
                }
                finish_offset(loop, f->partition, f->offset);
                inflight_free(f);
                return;
        }
        atomic_fetch_add(&loop->m.errors[NW_EK_DELIVERY], 1);
        f->attempts++;
        nw_log(NW_LOG_WARN, "kafka", "delivery to %s failed (attempt %d): %s", f->dest,
               f->attempts, reason ? reason : "unknown");
        if (permanent || f->attempts >= loop->cfg->delivery_max_attempts) {
                char why[600];
                /* Stop rather than skip: the offset stays unstored and the message is
                 * redelivered after a restart, so nothing is lost. */
                snprintf(why, sizeof(why), "cannot deliver a record to %s: %s", f->dest,
                         reason ? reason : "unknown");
                set_fatal(loop, why);
                inflight_free(f);
                return;
        }
        f->next = loop->retry;
        loop->retry = f;
}

static void send_retries(struct nw_loop *loop)
{
        struct inflight *list = loop->retry;

        loop->retry = NULL;
        while (list) {
                struct inflight *f = list;
                list = f->next;
                f->next = NULL;
                if (loop->fatal || send(loop, f) != NW_OK) {
                        f->next = loop->retry;
                        loop->retry = f;
                }
        }
}

/* ---- rebalances ------------------------------------------------------------------------- */

static void drop_items(struct item *items, size_t n, int32_t partition)
{
        for (size_t i = 0; i < n; i++) {
                struct item *it = &items[i];
                if (it->state != IT_DROPPED && it->m.partition == partition) {
                        nw_kafka_release(&it->m);
                        nw_article_free(&it->a);
                        free(it->claim_value);
                        it->claim_value = NULL;
                        it->state = IT_DROPPED;
                }
        }
}

/* Both batches: a revocation can come while the next batch is being fetched, with this
 * batch's claims still in Redis. Their replies are read afterwards against the same items:
 * nw_redis_claim_recv() reads only the claim's near signature, which lives in the item
 * (zeroed here, not freed), and a dropped item's reply is ignored by emit(). */
static void drop_batch_items(struct nw_loop *loop, int32_t partition)
{
        drop_items(loop->batch, loop->n, partition);
        drop_items(loop->ahead, loop->ahead_n, partition);
}

static void on_assign(void *ctx, const struct nw_tp *tps, size_t n)
{
        struct nw_loop *loop = ctx;

        atomic_store(&loop->m.partitions_assigned, nw_kafka_assigned(loop->kc));
        for (size_t i = 0; i < n; i++) {
                nw_log(NW_LOG_INFO, "kafka", "assigned %s [%d]", tps[i].topic, (int)tps[i].partition);
        }
}

static void on_revoke(void *ctx, const struct nw_tp *tps, size_t n)
{
        struct nw_loop *loop = ctx;
        char errstr[512];
        int left;

        /* Settle what was produced so its offsets are committed before the partitions go;
         * what was consumed but not produced is abandoned and will be redelivered. (With
         * transactions nothing is open between batches, and the store is not used.) */
        left = loop->eos ? 0 : nw_kafka_flush(loop->kc, (int)loop->cfg->shutdown_timeout_ms);
        if (!loop->eos && nw_kafka_commit(loop->kc, errstr, sizeof(errstr)) != NW_OK) {
                atomic_fetch_add(&loop->m.errors[NW_EK_COMMIT], 1);
                nw_log(NW_LOG_WARN, "kafka", "%s", errstr);
        }
        /* the partitions are gone once this returns; with the eager protocol that is all */
        atomic_store(&loop->m.partitions_assigned, 0);
        for (size_t i = 0; i < n; i++) {
                nw_log(NW_LOG_INFO, "kafka", "revoked %s [%d]", tps[i].topic, (int)tps[i].partition);
                drop_batch_items(loop, tps[i].partition);
                nw_wm_drop(loop->wm, tps[i].topic, tps[i].partition);
        }
        if (left > 0) {
                nw_log(NW_LOG_WARN, "kafka", "%d records still in flight at revocation; "
                       "their input will be processed again by the next owner", left);
        }
}

static void on_fatal(void *ctx, const char *reason)
{
        char why[600];
        snprintf(why, sizeof(why), "librdkafka fatal error: %s", reason);
        set_fatal(ctx, why);
}

static void on_stats(void *ctx, const char *json, size_t len)
{
        struct nw_loop *loop = ctx;
        nw_metrics_take_stats(&loop->m, loop->cfg->topic_input, json, len);
}

static void on_log(void *ctx, int level, const char *facility, const char *msg)
{
        const char *kv[] = {"facility", facility, NULL};
        (void)ctx;
        if (level <= nw_log_level) {
                nw_log_kv(level, "librdkafka", kv, "%s", msg);
        }
}

/* ---- the batch -------------------------------------------------------------------------- */

static void batch_add(struct nw_loop *loop, const struct nw_kmsg *m)
{
        struct item *it;

        if (loop->n == loop->cap) {
                loop->cap = loop->cap ? loop->cap * 2 : 64;
                loop->batch = nw_xrealloc(loop->batch, loop->cap * sizeof(*loop->batch));
        }
        it = &loop->batch[loop->n++];
        memset(it, 0, sizeof(*it));
        it->m = *m;
        loop->c.consumed++;
        atomic_fetch_add(&loop->m.consumed, 1);
        if (loop->eos) {
                return;         /* positions commit with each transaction, not by watermark */
        }
        if (nw_wm_track(loop->wm, loop->cfg->topic_input, m->partition, m->offset) != 0) {
                /* An offset at or below one already tracked: the consumer went back (an offset
                 * reset, a seek). Keep the tracking as it is: the offset is either still
                 * pending (its new output finishes it) or already below the watermark. Starting
                 * afresh here could store a later offset past an earlier unfinished one. */
                nw_log(NW_LOG_DEBUG, "kafka", "offset %lld of partition %d seen again",
                       (long long)m->offset, (int)m->partition);
        }
}

static void batch_clear(struct nw_loop *loop)
{
        for (size_t i = 0; i < loop->n; i++) {
                struct item *it = &loop->batch[i];
                nw_kafka_release(&it->m);
                nw_article_free(&it->a);
                free(it->claim_value);
                free(it->out);
        }
        loop->n = 0;
}

/* The batch and the one fetched ahead trade places; batch_add(), run_pipelines() and
 * batch_clear() work on whichever is loop->batch. */
static void batch_swap(struct nw_loop *loop)
{
        struct item *b = loop->batch;
        size_t n = loop->n, cap = loop->cap;

        loop->batch = loop->ahead;
        loop->n = loop->ahead_n;
        loop->cap = loop->ahead_cap;
        loop->ahead = b;
        loop->ahead_n = n;
        loop->ahead_cap = cap;
}

/* Both batches, freed (stopping: what was fetched ahead is redelivered, nothing of it was
 * produced or claimed). */
static void batches_clear(struct nw_loop *loop)
{
        batch_clear(loop);
        batch_swap(loop);
        batch_clear(loop);
        batch_swap(loop);
}

/* The pure part of one item: decode, normalize, fingerprint, extract, and its claim. Runs on
 * any pool thread: it touches only its item (and atomics). */
static void run_pipeline(struct nw_loop *loop, struct item *it)
{
        struct nw_msg msg = {it->m.value, it->m.len,
                             it->m.content_type[0] ? it->m.content_type : NULL, 1,
                             loop->cfg->topic_input, it->m.partition, it->m.offset};
        struct nw_buf cv;
        int64_t t0 = mono_us();

        nw_article_init(&it->a);
        it->err = nw_pipeline_process(&loop->lim, &msg, &it->a, it->reason, sizeof(it->reason));
        nw_hist_observe(&loop->m.processing_seconds, mono_us() - t0);
        if (it->err != NW_OK) {
                it->state = IT_DLQ;
                return;
        }
        it->state = IT_OK;
        nw_claim_keys(&it->a, loop->cfg->redis_key_prefix, &it->keys);
        if (!loop->cfg->dedupe_url) {
                it->keys.url[0] = '\0';
        }
        nw_buf_init(&cv, 0);
        nw_claim_value(&it->a, &cv);
        it->claim_value = nw_buf_take(&cv);
}

/* Back on the loop's thread: per-message problems are logged, rate-limited. */
static void report_dlq(struct item *it)
{
        long suppressed = 0;

        if (it->state == IT_DLQ && nw_log_allow(nw_err_name(it->err), 20, &suppressed)) {
                char part[16], off[24], sup[24];
                const char *kv[] = {"code", nw_err_name(it->err), "partition", part,
                                    "offset", off, "suppressed", sup, NULL};
                snprintf(part, sizeof(part), "%d", (int)it->m.partition);
                snprintf(off, sizeof(off), "%lld", (long long)it->m.offset);
                snprintf(sup, sizeof(sup), "%ld", suppressed);
                nw_log_kv(NW_LOG_WARN, "pipeline", kv, "dead-lettered: %s", it->reason);
        }
}

struct pool_job {
        struct nw_loop *loop;
        size_t *todo;           /* indexes of the batch's new items */
};

static void pool_item(void *ctx, size_t i)
{
        struct pool_job *job = ctx;
        run_pipeline(job->loop, &job->loop->batch[job->todo[i]]);
}

/* The batch's claims, sent to Redis in parts as the pipelines produce them and read back in
 * one receive: Redis works on the first part while the pool computes the next, instead of
 * the pool and Redis taking turns. */
struct claims {
        struct nw_claim *claims;
        struct nw_claim_reply *replies;
        size_t *index;          /* batch index of each claim */
        size_t k, sent;
        enum nw_err err;        /* of the first failed send */
        char errstr[512];
        int64_t wait_us;        /* time the loop spent in Redis calls */
        uint64_t trips;
};

static void claims_init(struct nw_loop *loop, struct claims *cl)
{
        memset(cl, 0, sizeof(*cl));
        cl->claims = nw_xcalloc(loop->n + 1, sizeof(*cl->claims));
        cl->replies = nw_xcalloc(loop->n + 1, sizeof(*cl->replies));
        cl->index = nw_xcalloc(loop->n + 1, sizeof(*cl->index));
        cl->trips = nw_redis_round_trips(loop->redis);
}

/* Gather the claims of batch items @p idx[0..n) that need one, and send them. */
static void claims_send(struct nw_loop *loop, struct claims *cl, const size_t *idx, size_t n)
{
        size_t first = cl->k;
        int64_t t0;

        for (size_t j = 0; j < n; j++) {
                struct item *it = &loop->batch[idx[j]];
                if (it->state == IT_OK && !it->unchecked) {
                        cl->claims[cl->k] = (struct nw_claim){
                                it->keys.content, it->keys.url, it->claim_value, it->a.id,
                                loop->cfg->dedupe_near ? &it->a.near : NULL};
                        cl->index[cl->k++] = idx[j];
                }
        }
        if (cl->err != NW_OK || cl->k == first) {
                return;
        }
        t0 = mono_us();
        cl->err = nw_redis_claim_send(loop->redis, cl->claims + first, cl->k - first,
                                      loop->cfg->dedupe_ttl_s, loop->cfg->redis_key_prefix,
                                      (double)loop->cfg->dedupe_near_threshold_pct / 100.0,
                                      cl->errstr, sizeof(cl->errstr));
        cl->wait_us += mono_us() - t0;
        if (cl->err == NW_OK) {
                cl->sent = cl->k;
        }
}

/* The older buckets' filters, as /metrics shows them. */
static void filter_metrics(struct nw_loop *loop)
{
        struct nw_redis_filter_stats fs;

        nw_redis_near_filter_stats(loop->redis, &fs);
        atomic_store(&loop->m.near_filters, fs.filters);
        atomic_store(&loop->m.near_filter_bytes, fs.bytes);
        atomic_store(&loop->m.near_filter_skipped, fs.skipped);
}

/* Read the replies and settle the round.
 * @returns NW_OK, NW_ERR_REDIS (hold the batch) or NW_ERR_CONFIG (fatal). */
static enum nw_err claims_finish(struct nw_loop *loop, struct claims *cl)
{
        char errstr[512];
        int64_t t0 = mono_us();
        enum nw_err err = nw_redis_claim_recv(loop->redis, cl->claims, cl->replies, cl->sent,
                                              errstr, sizeof(errstr));

        cl->wait_us += mono_us() - t0;
        if (cl->err != NW_OK) {
                err = cl->err;  /* the send's reason is the first and the clearest */
                snprintf(errstr, sizeof(errstr), "%s", cl->errstr);
        }
        if (nw_redis_round_trips(loop->redis) > cl->trips) {
                atomic_fetch_add(&loop->m.redis_round_trips, 1);
                nw_hist_observe(&loop->m.redis_seconds, cl->wait_us);
        }
        atomic_store(&loop->m.redis_up, err == NW_OK);
        if (err != NW_OK) {
                atomic_fetch_add(&loop->m.errors[NW_EK_REDIS], 1);
        }
        filter_metrics(loop);
        if (err == NW_OK) {
                for (size_t j = 0; j < cl->k; j++) {
                        loop->batch[cl->index[j]].reply = cl->replies[j];
                }
                if (cl->k > 0) {
                        loop->c.claim_batches++;
                        loop->c.claims += cl->k;
                }
                if (loop->redis_down) {
                        nw_log(NW_LOG_NOTICE, "redis", "%s", "Redis is reachable again; resuming");
                }
        } else if (err == NW_ERR_REDIS) {
                if (!loop->redis_down) {
                        nw_log(NW_LOG_WARN, "redis", "%s; pausing consumption until it is back",
                               errstr);
                }
        } else {
                set_fatal(loop, errstr);
        }
        free(cl->claims);
        free(cl->replies);
        free(cl->index);
        return err;
}

/* The batch's items still to be run through the pipeline (their indexes into @p todo). */
static size_t new_items(struct nw_loop *loop, size_t *todo)
{
        size_t k = 0;

        for (size_t i = 0; i < loop->n; i++) {
                if (loop->batch[i].state == IT_NEW) {
                        todo[k++] = i;
                }
        }
        return k;
}

/* Batch items @p idx[0..n) through the pipeline, in parallel when there are threads. */
static void run_items(struct nw_loop *loop, size_t *idx, size_t n)
{
        struct pool_job job = {loop, idx};

        nw_pool_run(loop->pool, pool_item, &job, n);
        for (size_t j = 0; j < n; j++) {
                report_dlq(&loop->batch[idx[j]]);
        }
}

/* Every new item of the batch through the pipeline. */
static void run_pipelines(struct nw_loop *loop)
{
        size_t *todo = nw_xcalloc(loop->n + 1, sizeof(*todo));

        run_items(loop, todo, new_items(loop, todo));
        free(todo);
}

/* One round trip for every item of the batch that needs a claim. */
static enum nw_err claim_all(struct nw_loop *loop)
{
        size_t *all = nw_xcalloc(loop->n + 1, sizeof(*all));
        struct claims cl;

        for (size_t i = 0; i < loop->n; i++) {
                all[i] = i;
        }
        claims_init(loop, &cl);
        claims_send(loop, &cl, all, loop->n);
        free(all);
        return claims_finish(loop, &cl);
}

/* The pipelines and the claims of a batch, overlapped: the items go to Redis in parts (about
 * eight per batch, of at least 16 items); a part's new items go through the pool first, and
 * its claims are sent as soon as they are done, while the pool runs the next part. Items run
 * ahead (look_ahead()) are only sent. Parts go in batch order, so claims reach Redis in input
 * order and the first copy of a story stays its original. The replies are read by
 * claims_finish(). */
static void run_and_send(struct nw_loop *loop, struct claims *cl)
{
        size_t *all = nw_xcalloc(loop->n + 1, sizeof(*all));
        size_t *todo = nw_xcalloc(loop->n + 1, sizeof(*todo));
        size_t part = (loop->n + 7) / 8;

        if (part < 16) {
                part = 16;
        }
        claims_init(loop, cl);
        for (size_t at = 0; at < loop->n; at += part) {
                size_t m = loop->n - at < part ? loop->n - at : part, k = 0;
                for (size_t j = at; j < at + m; j++) {
                        all[j] = j;
                        if (loop->batch[j].state == IT_NEW) {
                                todo[k++] = j;
                        }
                }
                if (k > 0) {
                        run_items(loop, todo, k);
                }
                claims_send(loop, cl, all + at, m);
        }
        free(todo);
        free(all);
}

/* Add the messages the consumer has already fetched, up to a full batch, without waiting. */
static void take_fetched(struct nw_loop *loop)
{
        struct nw_kmsg m;

        while (loop->n < (size_t)loop->cfg->batch_max_messages && nw_kafka_poll(loop->kc, 0, &m)) {
                batch_add(loop, &m);
        }
}

/* While Redis works on the batch's claims, the messages already fetched for the next batch
 * go through the pipelines, so the pool is not idle while the loop waits for the replies.
 * Only the pure part runs ahead: the next batch's claims are sent after this batch's are
 * settled, and nothing of it is produced before this batch is. Not with transactions, whose
 * abort rewinds the input to the start of the batch. */
static void look_ahead(struct nw_loop *loop)
{
        if (loop->eos || loop->ahead_n > 0) {
                return;
        }
        batch_swap(loop);
        take_fetched(loop);
        if (loop->n > 0) {
                run_pipelines(loop);
        }
        batch_swap(loop);
}

static struct inflight *inflight_new(struct nw_loop *loop, const struct item *it, const char *dest)
{
        struct inflight *f = nw_xcalloc(1, sizeof(*f));
        (void)loop;
        f->input_ts_ms = -1;
        f->dest = dest;
        f->partition = it->m.partition;
        f->offset = it->m.offset;
        return f;
}

/* The original message, unchanged (value, key, headers) plus our headers, to @p dest: the
 * dead-letter topic, or the duplicates topic. @p pairs is a name/value list of @p n names. */
static void produce_original(struct nw_loop *loop, struct item *it, const char *dest,
                             const char *const *pairs, size_t n, enum nw_err reason)
{
        struct inflight *f = inflight_new(loop, it, dest);

        for (size_t i = 0; i < 2 * n && i < 2 * DLQ_HEADERS; i++) {
                f->extra[i] = nw_xstrdup(pairs[i]);
        }
        /* the original bytes, unchanged, so the item can be inspected and replayed */
        f->payload = nw_xmalloc(it->m.len ? it->m.len : 1);
        if (it->m.len) {
                memcpy(f->payload, it->m.value, it->m.len);     /* an empty value may be NULL */
        }
        f->len = it->m.len;
        if (it->m.key_len) {
                f->key = nw_xmalloc(it->m.key_len);
                memcpy(f->key, it->m.key, it->m.key_len);
                f->key_len = it->m.key_len;
        }
        f->headers = nw_kafka_headers_copy(&it->m);
        f->dlq_reason = reason;
        if (send(loop, f) != NW_OK) {
                f->next = loop->retry;
                loop->retry = f;
        }
}

static void produce_dlq(struct nw_loop *loop, struct item *it)
{
        char part[16], off[24];
        const char *pairs[2 * DLQ_HEADERS] = {
                "nw.error.code", nw_err_name(it->err), "nw.error.reason", it->reason,
                "nw.source.topic", loop->cfg->topic_input, "nw.source.partition", part,
                "nw.source.offset", off, "nw.worker.version", loop->version,
        };

        snprintf(part, sizeof(part), "%d", (int)it->m.partition);
        snprintf(off, sizeof(off), "%lld", (long long)it->m.offset);
        loop->c.dlq++;
        produce_original(loop, it, loop->cfg->topic_dlq, pairs, DLQ_HEADERS, it->err);
}

/* An exact duplicate: counted, and copied to topic.duplicates when one is configured (then
 * its offset is finished by that record's delivery, like any other output). */
static void handle_duplicate(struct nw_loop *loop, struct item *it)
{
        char part[16], off[24];
        const char *pairs[] = {"nw.duplicate_of", it->reply.holder, "nw.source.topic",
                               loop->cfg->topic_input, "nw.source.partition", part,
                               "nw.source.offset", off};

        loop->c.duplicates++;
        atomic_fetch_add(&loop->m.duplicates_exact, 1);
        nw_log(NW_LOG_DEBUG, "dedupe", "exact duplicate of %s: partition %d offset %lld",
               it->reply.holder, (int)it->m.partition, (long long)it->m.offset);
        if (!*loop->cfg->topic_duplicates) {
                finish_offset(loop, it->m.partition, it->m.offset);
                return;
        }
        snprintf(part, sizeof(part), "%d", (int)it->m.partition);
        snprintf(off, sizeof(off), "%lld", (long long)it->m.offset);
        produce_original(loop, it, loop->cfg->topic_duplicates, pairs, 4, NW_OK);
}

static void produce_record(struct nw_loop *loop, struct item *it)
{
        struct inflight *f;

        if (!it->out) {
                it->err = NW_ERR_TOO_BIG;
                snprintf(it->reason, sizeof(it->reason), "%s", "the record could not be serialized");
                produce_dlq(loop, it);
                return;
        }
        f = inflight_new(loop, it, loop->cfg->topic_output);
        f->input_ts_ms = it->m.timestamp_ms;
        loop->txn_outputs++;
        f->len = it->out_len;
        f->payload = it->out;   /* the inflight record owns it now */
        it->out = NULL;
        f->key_len = strlen(it->a.id);
        f->key = nw_xstrndup(it->a.id, f->key_len);
        if (send(loop, f) != NW_OK) {
                f->next = loop->retry;
                loop->retry = f;
        }
}

struct serialize_job {
        struct nw_loop *loop;
        size_t *todo;
        const char *processed_at;
};

static void serialize_item(void *ctx, size_t i)
{
        struct serialize_job *job = ctx;
        struct item *it = &job->loop->batch[job->todo[i]];
        struct nw_buf out;

        nw_buf_init(&out, 0);
        if (nw_serialize(&it->a, job->processed_at, job->loop->version, &out) != NW_OK) {
                nw_buf_free(&out);
                return;         /* it->out stays NULL: dead-lettered by produce_record() */
        }
        it->out_len = out.len;
        it->out = nw_buf_take(&out);
}

/* The batch's records, serialized on the pool: serializing is pure and about a tenth of an
 * article's cost, which on the loop's thread alone left the other threads idle. */
static void serialize_all(struct nw_loop *loop, const char *processed_at)
{
        size_t *todo = nw_xcalloc(loop->n + 1, sizeof(*todo));
        struct serialize_job job = {loop, todo, processed_at};
        size_t k = 0;

        for (size_t i = 0; i < loop->n; i++) {
                if (loop->batch[i].publish) {
                        todo[k++] = i;
                }
        }
        nw_pool_run(loop->pool, serialize_item, &job, k);
        free(todo);
}

static void emit(struct nw_loop *loop)
{
        char processed_at[40];

        nw_time_format(now_ms(), 1, processed_at, sizeof(processed_at));
        /* what gets published, marked as the record must say, before serializing */
        for (size_t i = 0; i < loop->n; i++) {
                struct item *it = &loop->batch[i];

                it->publish = 0;
                if (it->state != IT_OK) {
                        continue;
                }
                if (it->unchecked) {
                        it->a.dedupe_status = NW_DEDUPE_UNCHECKED;
                } else if (it->reply.result == NW_CLAIM_DUPLICATE) {
                        continue;
                } else if (it->reply.near_of[0]) {
                        nw_article_mark_near(&it->a, it->reply.near_of, it->reply.similarity);
                }
                it->publish = 1;
        }
        serialize_all(loop, processed_at);
        /* produced in batch order: the per-partition order of the output follows the input */
        for (size_t i = 0; i < loop->n && !loop->fatal; i++) {
                struct item *it = &loop->batch[i];

                if (it->state == IT_DLQ) {
                        produce_dlq(loop, it);
                        continue;
                }
                if (it->state != IT_OK) {
                        continue;
                }
                if (!it->publish) {
                        handle_duplicate(loop, it);
                        continue;
                }
                if (it->unchecked) {
                        loop->c.unchecked++;
                        atomic_fetch_add(&loop->m.unchecked, 1);
                } else {
                        if (it->reply.result == NW_CLAIM_OWN) {
                                loop->c.redelivered_own++;
                                atomic_fetch_add(&loop->m.redelivered_own, 1);
                        }
                        if (it->reply.near_of[0]) {
                                loop->c.near++;
                                atomic_fetch_add(&loop->m.duplicates_near, 1);
                        }
                }
                produce_record(loop, it);
        }
}

/* The batch's input positions: per partition, one past its last message (every message of
 * the batch is finished when the transaction commits), or its first (to rewind). */
static size_t batch_positions(struct nw_loop *loop, struct nw_tp_offset *out, int first)
{
        size_t n = 0;

        for (size_t i = 0; i < loop->n; i++) {
                const struct item *it = &loop->batch[i];
                size_t k = 0;
                if (it->state == IT_DROPPED) {
                        continue;
                }
                while (k < n && out[k].partition != it->m.partition) {
                        k++;
                }
                if (k == n) {
                        out[n++] = (struct nw_tp_offset){loop->cfg->topic_input, it->m.partition,
                                                         first ? it->m.offset : it->m.offset + 1};
                } else if (first ? it->m.offset < out[k].offset : it->m.offset + 1 > out[k].offset) {
                        out[k].offset = first ? it->m.offset : it->m.offset + 1;
                }
        }
        return n;
}

/* Exactly-once: the batch's records and its input positions commit together. An aborted
 * transaction leaves nothing visible to read_committed consumers; the input is rewound and
 * the batch processed again (its Redis claims read back as this message's own). */
static void emit_transaction(struct nw_loop *loop)
{
        struct nw_tp_offset *pos = nw_xcalloc(loop->n + 1, sizeof(*pos));
        char errstr[1024];
        size_t n;
        enum nw_err err;

        loop->txn_failed = 0;
        loop->txn_outputs = 0;
        err = nw_kafka_txn_begin(loop->kc, errstr, sizeof(errstr));
        if (err != NW_OK) {
                set_fatal(loop, errstr);
                goto out;
        }
        emit(loop);
        n = batch_positions(loop, pos, 0);
        err = loop->fatal ? NW_ERR_FATAL
                          : nw_kafka_txn_commit(loop->kc, pos, n, (int)loop->cfg->shutdown_timeout_ms,
                                                errstr, sizeof(errstr));
        if (err == NW_OK && !loop->txn_failed) {
                loop->c.published += loop->txn_outputs;
                atomic_fetch_add(&loop->m.published, loop->txn_outputs);
                goto out;
        }
        if (err == NW_ERR_FATAL) {
                set_fatal(loop, loop->fatal ? loop->fatal_reason : errstr);
                goto out;
        }
        nw_log(NW_LOG_WARN, "kafka", "%s; processing the batch again", errstr);
        n = batch_positions(loop, pos, 1);
        if (nw_kafka_seek(loop->kc, pos, n, errstr, sizeof(errstr)) != NW_OK) {
                set_fatal(loop, errstr);
        }
out:
        free(pos);
}

/* One turn with the input held (Redis down, or the producer behind): the partitions are
 * paused (nw_kafka_pause), but the consumer is still polled, so that the group keeps this
 * member past max.poll.interval.ms and rebalances and the consumer's fatal errors are
 * served. A message fetched before the pause may still arrive: it joins the batch.
 * @returns 1 when one did. */
static int poll_held(struct nw_loop *loop, int timeout_ms)
{
        struct nw_kmsg m;

        atomic_store(&loop->m.heartbeat_ms, mono_ms());
        send_retries(loop);
        if (!nw_kafka_poll(loop->kc, timeout_ms, &m)) {
                return 0;
        }
        batch_add(loop, &m);
        return 1;
}

/* Hold the batch until Redis answers: input held (poll_held()), reconnection with capped
 * exponential backoff. */
static void wait_for_redis(struct nw_loop *loop, const volatile sig_atomic_t *stop)
{
        long backoff = 100;

        loop->redis_down = 1;
        nw_kafka_pause(loop->kc, 1);
        atomic_store(&loop->m.paused, 1);
        while (!*stop && !loop->fatal) {
                int64_t until = mono_ms() + backoff;
                char errstr[512];

                while (mono_ms() < until && !*stop) {
                        if (poll_held(loop, 100)) {
                                run_pipelines(loop);    /* claim_all() claims the whole batch */
                        }
                }
                if (nw_redis_connect(loop->redis, errstr, sizeof(errstr)) == NW_OK) {
                        atomic_store(&loop->m.redis_up, 1);
                        enum nw_err err = claim_all(loop);
                        if (err == NW_OK) {
                                break;
                        }
                        if (err != NW_ERR_REDIS) {
                                break;  /* fatal, set by claim_all */
                        }
                } else {
                        nw_log(NW_LOG_DEBUG, "redis", "%s", errstr);
                }
                backoff = backoff * 2 > loop->cfg->redis_backoff_max_ms
                                  ? loop->cfg->redis_backoff_max_ms
                                  : backoff * 2;
        }
        if (!*stop && !loop->fatal) {
                nw_kafka_pause(loop->kc, 0);
                loop->redis_down = 0;
                atomic_store(&loop->m.paused, 0);
        }
}

static void process_batch(struct nw_loop *loop, const volatile sig_atomic_t *stop)
{
        struct claims cl;
        enum nw_err err;

        run_and_send(loop, &cl);
        if (cl.err == NW_OK) {
                look_ahead(loop);
        }
        err = claims_finish(loop, &cl);
        if (err == NW_ERR_REDIS) {
                if (loop->cfg->dedupe_fail_open) {
                        for (size_t i = 0; i < loop->n; i++) {
                                loop->batch[i].unchecked = 1;
                        }
                } else {
                        wait_for_redis(loop, stop);
                        if (loop->redis_down) {
                                return; /* stopping while Redis is down: abandon the batch */
                        }
                }
        }
        if (loop->fatal) {
                return;
        }
        if (loop->eos) {
                emit_transaction(loop);
        } else {
                emit(loop);
        }
}

static void collect(struct nw_loop *loop)
{
        struct nw_kmsg m;
        int timeout = (int)(loop->cfg->batch_timeout_ms < 200 ? loop->cfg->batch_timeout_ms : 200);

        /* the first wait is short so that a stop signal is seen within 200 ms; a batch run
         * ahead is only topped up with what has already arrived */
        if (loop->n == 0) {
                if (!nw_kafka_poll(loop->kc, timeout, &m)) {
                        return;
                }
                batch_add(loop, &m);
        }
        take_fetched(loop);
}

/* Backpressure: every record the producer has not delivered yet keeps its bytes (ours and
 * librdkafka's copy). While the producer cannot deliver as fast as the loop produces (a slow
 * or unreachable broker, the topics' leaders still being looked up at start-up) the loop
 * holds its input (poll_held()) and serves delivery reports, so memory stays flat instead of
 * growing with the backlog. The limit is four batches of records, and half of librdkafka's
 * default queue.buffering.max.messages (100000) at most, so that the loop stops before the
 * producer's own queue is full (its produce calls would block).
 * @returns 1 when the loop should wait (it has waited up to 50 ms for reports). */
static int producer_behind(struct nw_loop *loop)
{
        int limit = 4 * (int)loop->cfg->batch_max_messages, backlog = nw_kafka_outq(loop->kc);
        int64_t t0;

        if (limit > 50000) {
                limit = 50000;
        }
        atomic_store(&loop->m.output_backlog, backlog);
        if (backlog < limit) {
                if (loop->held_since_ms) {
                        nw_kafka_pause(loop->kc, 0);
                        nw_log(NW_LOG_INFO, "kafka", "producer caught up after %lld ms; "
                               "taking input again", (long long)(mono_ms() - loop->held_since_ms));
                        loop->held_since_ms = 0;
                }
                return 0;
        }
        if (!loop->held_since_ms) {
                loop->held_since_ms = mono_ms();
                nw_kafka_pause(loop->kc, 1);
                nw_log(NW_LOG_INFO, "kafka", "%d records await delivery (limit %d); taking no "
                       "input until the producer catches up", backlog, limit);
        }
        t0 = mono_us();
        nw_kafka_serve(loop->kc, 50);   /* the delivery reports, as soon as they come */
        poll_held(loop, 0);
        atomic_fetch_add(&loop->m.backpressure_us, (uint64_t)(mono_us() - t0));
        return 1;
}

int nw_loop_run(struct nw_loop *loop, const volatile sig_atomic_t *stop)
{
        char errstr[512];
        int left;
        int64_t last_report = mono_ms(), last_redis_check = mono_ms();

        nw_log(NW_LOG_INFO, "worker", "consuming %s -> %s (dlq %s), %s", loop->cfg->topic_input,
               loop->cfg->topic_output, loop->cfg->topic_dlq,
               loop->eos ? "exactly-once (transactions)" : "at-least-once");
        /* the filters are built from the start, not at the first item: a replica that has
         * been idle is as cheap for Redis as one that has been busy */
        if (loop->cfg->dedupe_near) {
                nw_redis_near_filters_start(loop->redis, loop->cfg->dedupe_ttl_s,
                                            loop->cfg->redis_key_prefix);
        }
        while (!*stop && !loop->fatal) {
                atomic_store(&loop->m.heartbeat_ms, mono_ms());
                atomic_store(&loop->m.in_flight, (int)nw_wm_pending(loop->wm));
                if (producer_behind(loop)) {
                        continue;
                }
                collect(loop);
                if (loop->n > 0) {
                        process_batch(loop, stop);
                        batch_clear(loop);
                        batch_swap(loop);       /* the batch run ahead, if any, is next */
                }
                send_retries(loop);
                nw_kafka_serve(loop->kc, 0);
                if (loop->n == 0 && mono_ms() - last_redis_check >= 2000) {
                        filter_metrics(loop);
                        /* idle: keep /readyz truthful about Redis between batches */
                        last_redis_check = mono_ms();
                        atomic_store(&loop->m.redis_up,
                                     nw_redis_ping(loop->redis, errstr, sizeof(errstr)) == NW_OK);
                }
                if (mono_ms() - last_report >= 30000) {
                        last_report = mono_ms();
                        nw_log(NW_LOG_INFO, "worker",
                               "consumed=%llu published=%llu duplicates=%llu dlq=%llu in_flight=%zu",
                               (unsigned long long)loop->c.consumed,
                               (unsigned long long)loop->c.published,
                               (unsigned long long)loop->c.duplicates,
                               (unsigned long long)loop->c.dlq, nw_wm_pending(loop->wm));
                }
        }
        batches_clear(loop);
        nw_log(NW_LOG_INFO, "worker", "%s", loop->fatal ? "stopping after a fatal error" : "draining");
        /* Drain: deliver what was produced (its offsets get stored by the reports), then
         * commit. Unfinished input is not committed and will be redelivered. */
        left = nw_kafka_flush(loop->kc, (int)loop->cfg->shutdown_timeout_ms);
        if (left > 0) {
                nw_log(NW_LOG_WARN, "kafka", "%d records undelivered at shutdown; their input "
                       "will be processed again", left);
        }
        if (!loop->eos && nw_kafka_commit(loop->kc, errstr, sizeof(errstr)) != NW_OK) {
                atomic_fetch_add(&loop->m.errors[NW_EK_COMMIT], 1);
                nw_log(NW_LOG_WARN, "kafka", "%s", errstr);
        }
        nw_log(NW_LOG_INFO, "worker",
               "stopped: consumed=%llu published=%llu duplicates=%llu near_duplicates=%llu "
               "dlq=%llu unchecked=%llu claims=%llu claim_batches=%llu redis_round_trips=%llu "
               "held_ms=%llu",
               (unsigned long long)loop->c.consumed, (unsigned long long)loop->c.published,
               (unsigned long long)loop->c.duplicates, (unsigned long long)loop->c.near,
               (unsigned long long)loop->c.dlq,
               (unsigned long long)loop->c.unchecked, (unsigned long long)loop->c.claims,
               (unsigned long long)loop->c.claim_batches,
               (unsigned long long)nw_redis_round_trips(loop->redis),
               (unsigned long long)(atomic_load(&loop->m.backpressure_us) / 1000));
        return loop->fatal ? NW_EXIT_FATAL : NW_EXIT_OK;
}

static struct nw_kafka_setting *kafka_settings(const struct nw_config *cfg)
{
        struct nw_kafka_setting *ks = nw_xcalloc(cfg->n_kafka + 1, sizeof(*ks));

        for (size_t i = 0; i < cfg->n_kafka; i++) {
                ks[i].target = (enum nw_kafka_target)cfg->kafka[i].scope;
                ks[i].name = cfg->kafka[i].name;
                ks[i].value = cfg->kafka[i].value;
        }
        return ks;
}

enum nw_err nw_loop_check_config(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
        struct nw_kafka_setting *ks = kafka_settings(cfg);
        struct nw_redis *r;
        enum nw_err err = nw_kafka_check(ks, cfg->n_kafka, errstr, errstr_size);

        free(ks);
        if (err != NW_OK) {
                return err;
        }
        r = nw_redis_new(cfg->redis_url, cfg->redis_password, cfg->redis_timeout_ms, errstr,
                         errstr_size);
        if (!r) {
                return NW_ERR_CONFIG;
        }
        nw_redis_destroy(r);
        return NW_OK;
}

struct nw_loop *nw_loop_new(const struct nw_config *cfg, const char *version, char *errstr,
                            size_t errstr_size)
{
        struct nw_loop *loop = nw_xcalloc(1, sizeof(*loop));
        struct nw_kafka_setting *ks = kafka_settings(cfg);
        struct nw_kafka_hooks hooks = {loop, on_delivery, on_assign, on_revoke, on_fatal, on_log,
                                       on_stats};
        const char *outputs[] = {cfg->topic_output, cfg->topic_dlq,
                                 *cfg->topic_duplicates ? cfg->topic_duplicates : NULL, NULL};

        loop->cfg = cfg;
        loop->version = version;
        nw_metrics_init(&loop->m, version);
        atomic_store(&loop->m.heartbeat_ms, mono_ms());
        loop->lim.max_bytes = (size_t)cfg->input_max_bytes;
        loop->lim.max_depth = (int)cfg->input_max_depth;
        loop->wm = nw_wm_new();
        loop->pool = nw_pool_new((int)cfg->worker_threads, errstr, errstr_size);
        if (!loop->pool) {
                goto fail;
        }
        loop->redis = nw_redis_new(cfg->redis_url, cfg->redis_password, cfg->redis_timeout_ms,
                                   errstr, errstr_size);
        if (!loop->redis) {
                goto fail;
        }
        nw_redis_set_near_filters(loop->redis, (size_t)cfg->dedupe_near_filter_mb << 20);
        loop->kc = nw_kafka_new(ks, cfg->n_kafka, cfg->topic_input, outputs, &hooks, errstr,
                                errstr_size);
        if (!loop->kc) {
                goto fail;
        }
        loop->eos = nw_kafka_transactional(loop->kc);
        if (cfg->http_port > 0) {
                struct nw_http_opts ho = {cfg->http_address, (int)cfg->http_port,
                                          cfg->http_healthy_ms, cfg->dedupe_fail_open};
                loop->http = nw_http_start(&ho, &loop->m, errstr, errstr_size);
                if (!loop->http) {
                        goto fail;
                }
                nw_log(NW_LOG_INFO, "http", "serving /metrics, /healthz, /readyz on %s:%ld",
                       cfg->http_address, cfg->http_port);
        }
        /* ready means Redis answers too: find out now rather than at the first batch */
        {
                char rerr[512];
                atomic_store(&loop->m.redis_up,
                             nw_redis_connect(loop->redis, rerr, sizeof(rerr)) == NW_OK);
        }
        free(ks);
        return loop;
fail:
        free(ks);
        nw_loop_destroy(loop);
        return NULL;
}

void nw_loop_destroy(struct nw_loop *loop)
{
        if (!loop) {
                return;
        }
        batches_clear(loop);
        /* the consumer is closed (leaving the group) before the producer is destroyed */
        nw_kafka_destroy(loop->kc);
        nw_http_stop(loop->http);
        while (loop->retry) {
                struct inflight *f = loop->retry;
                loop->retry = f->next;
                inflight_free(f);
        }
        nw_redis_destroy(loop->redis);
        nw_pool_destroy(loop->pool);
        nw_wm_destroy(loop->wm);
        nw_metrics_free(&loop->m);
        free(loop->batch);
        free(loop->ahead);
        free(loop);
}
