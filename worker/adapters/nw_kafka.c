/* nw_kafka.c -- librdkafka 2.0.2 high-level consumer + producer.
 * Logs are routed to the main queue (log.queue=true) so that log_cb runs on our thread
 * inside poll, never on librdkafka's internal threads. */
#include "nw_kafka.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

#include "nw_buf.h"
#include "nw_produceva.h"

struct nw_kafka {
        rd_kafka_t *consumer;
        rd_kafka_t *producer;
        int transactional;
        struct nw_kafka_hooks hooks;
        int assigned;
        int paused;
        rd_kafka_topic_t *out_topics[NW_KAFKA_OUT_TOPICS];   /* held so their metadata is known */
};

struct nw_kheaders {
        rd_kafka_headers_t *h;
};

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        struct nw_kafka *kc = rd_kafka_opaque(rk);
        if (kc && kc->hooks.on_log) {
                kc->hooks.on_log(kc->hooks.ctx, level, fac, buf);
        }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
        struct nw_kafka *kc = opaque;
        char fatal[512];

        if (!kc) {
                return;
        }
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
                rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
                if (kc->hooks.on_fatal) {
                        kc->hooks.on_fatal(kc->hooks.ctx, fatal);
                }
                return;
        }
        /* A broker refusing our credentials: librdkafka would reconnect and be refused for
         * ever while the worker sits unready, so stop with a clear reason instead (exit 1).
         * The reason names the mechanism, never the password. */
        if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
                snprintf(fatal, sizeof(fatal), "Kafka authentication failed (check "
                         "kafka.security.protocol, kafka.sasl.mechanisms, kafka.sasl.username and "
                         "kafka.sasl.password[_file]): %s", reason);
                if (kc->hooks.on_fatal) {
                        kc->hooks.on_fatal(kc->hooks.ctx, fatal);
                }
                return;
        }
        /* other errors are informational: librdkafka retries by itself */
        if (kc->hooks.on_log) {
                char msg[600];
                snprintf(msg, sizeof(msg), "%s: %s", rd_kafka_err2name(err), reason);
                kc->hooks.on_log(kc->hooks.ctx, 4, "ERROR", msg);
        }
}

static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
        struct nw_kafka *kc = opaque;

        (void)rk;
        if (kc && kc->hooks.on_stats) {
                kc->hooks.on_stats(kc->hooks.ctx, json, len);
        }
        return 0;       /* librdkafka frees json */
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
        struct nw_kafka *kc = opaque;
        int permanent;

        (void)rk;
        if (!kc || !kc->hooks.on_delivery) {
                return;
        }
        permanent = rkm->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
                    rkm->err == RD_KAFKA_RESP_ERR_INVALID_RECORD;
        kc->hooks.on_delivery(kc->hooks.ctx, rkm->_private, rkm->err == RD_KAFKA_RESP_ERR_NO_ERROR,
                              permanent, rkm->err ? rd_kafka_err2str(rkm->err) : NULL);
}

static size_t to_tps(const rd_kafka_topic_partition_list_t *parts, struct nw_tp **out)
{
        struct nw_tp *tps = nw_xcalloc((size_t)parts->cnt + 1, sizeof(*tps));
        for (int i = 0; i < parts->cnt; i++) {
                tps[i].topic = parts->elems[i].topic;
                tps[i].partition = parts->elems[i].partition;
        }
        *out = tps;
        return (size_t)parts->cnt;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        struct nw_kafka *kc = opaque;
        int cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
        struct nw_tp *tps = NULL;
        size_t n = to_tps(parts, &tps);

        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                if (cooperative) {
                        rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
                        if (e) {
                                rd_kafka_error_destroy(e);
                        }
                        kc->assigned += parts->cnt;
                } else {
                        rd_kafka_assign(rk, parts);
                        kc->assigned = parts->cnt;
                }
                if (kc->paused) {
                        /* input held (Redis down, the producer behind): new partitions wait too */
                        rd_kafka_pause_partitions(rk, parts);
                }
                if (kc->hooks.on_assign) {
                        kc->hooks.on_assign(kc->hooks.ctx, tps, n);
                }
        } else {
                /* revoked or lost: the worker settles what it can before we let go */
                if (kc->hooks.on_revoke) {
                        kc->hooks.on_revoke(kc->hooks.ctx, tps, n);
                }
                if (cooperative) {
                        rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
                        if (e) {
                                rd_kafka_error_destroy(e);
                        }
                        kc->assigned -= parts->cnt;
                } else {
                        rd_kafka_assign(rk, NULL);
                        kc->assigned = 0;
                }
        }
        free(tps);
}

static enum nw_err apply(rd_kafka_conf_t *conf, const char *name, const char *value,
                         char *errstr, size_t errstr_size)
{
        char why[512];

        if (rd_kafka_conf_set(conf, name, value, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "kafka property %s: %s", name, why);
                return NW_ERR_CONFIG;
        }
        return NW_OK;
}

/* Build one client's configuration: user settings for its side, then the ones at-least-once
 * depends on, which the user cannot change. */
static int wants_transactions(const struct nw_kafka_setting *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (s[i].target != NW_KT_CONSUMER && strcmp(s[i].name, "transactional.id") == 0 &&
                    s[i].value[0]) {
                        return 1;
                }
        }
        return 0;
}

static rd_kafka_conf_t *build_conf(const struct nw_kafka_setting *s, size_t n,
                                   enum nw_kafka_target side, char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        int txn = wants_transactions(s, n);

        for (size_t i = 0; i < n; i++) {
                if (s[i].target != NW_KT_BOTH && s[i].target != side) {
                        continue;
                }
                /* consumer-only properties given for both sides are not for the producer */
                if (s[i].target == NW_KT_BOTH && side == NW_KT_PRODUCER &&
                    (strcmp(s[i].name, "group.id") == 0 ||
                     strncmp(s[i].name, "auto.", 5) == 0 ||
                     strcmp(s[i].name, "partition.assignment.strategy") == 0)) {
                        continue;
                }
                if (apply(conf, s[i].name, s[i].value, errstr, errstr_size) != NW_OK) {
                        goto fail;
                }
        }
        if (apply(conf, "log.queue", "true", errstr, errstr_size) != NW_OK) {
                goto fail;
        }
        if (side == NW_KT_CONSUMER &&
            (apply(conf, "enable.auto.offset.store", "false", errstr, errstr_size) != NW_OK ||
             /* exactly-once: offsets are committed inside the producer's transactions, and
              * only committed input is read */
             apply(conf, "enable.auto.commit", txn ? "false" : "true", errstr, errstr_size) != NW_OK ||
             (txn && apply(conf, "isolation.level", "read_committed", errstr, errstr_size) != NW_OK))) {
                goto fail;
        }
        return conf;
fail:
        rd_kafka_conf_destroy(conf);
        return NULL;
}

enum nw_err nw_kafka_check(const struct nw_kafka_setting *settings, size_t n, char *errstr,
                           size_t errstr_size)
{
        rd_kafka_conf_t *c = build_conf(settings, n, NW_KT_CONSUMER, errstr, errstr_size);
        rd_kafka_conf_t *p;

        if (!c) {
                return NW_ERR_CONFIG;
        }
        rd_kafka_conf_destroy(c);
        p = build_conf(settings, n, NW_KT_PRODUCER, errstr, errstr_size);
        if (!p) {
                return NW_ERR_CONFIG;
        }
        rd_kafka_conf_destroy(p);
        return NW_OK;
}

struct nw_kafka *nw_kafka_new(const struct nw_kafka_setting *settings, size_t n,
                              const char *input_topic, const char *const *output_topics,
                              const struct nw_kafka_hooks *hooks, char *errstr,
                              size_t errstr_size)
{
        struct nw_kafka *kc = nw_xcalloc(1, sizeof(*kc));
        rd_kafka_conf_t *cconf = NULL, *pconf = NULL;
        rd_kafka_topic_partition_list_t *sub = NULL;
        rd_kafka_resp_err_t err;

        kc->hooks = *hooks;
        cconf = build_conf(settings, n, NW_KT_CONSUMER, errstr, errstr_size);
        if (!cconf) {
                goto fail;
        }
        pconf = build_conf(settings, n, NW_KT_PRODUCER, errstr, errstr_size);
        if (!pconf) {
                goto fail;
        }
        rd_kafka_conf_set_opaque(cconf, kc);
        rd_kafka_conf_set_log_cb(cconf, log_cb);
        rd_kafka_conf_set_error_cb(cconf, error_cb);
        rd_kafka_conf_set_rebalance_cb(cconf, rebalance_cb);
        rd_kafka_conf_set_stats_cb(cconf, stats_cb);
        rd_kafka_conf_set_opaque(pconf, kc);
        rd_kafka_conf_set_log_cb(pconf, log_cb);
        rd_kafka_conf_set_error_cb(pconf, error_cb);
        rd_kafka_conf_set_dr_msg_cb(pconf, dr_cb);

        kc->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, errstr_size);
        if (!kc->producer) {
                goto fail;      /* pconf is still ours */
        }
        pconf = NULL;
        rd_kafka_set_log_queue(kc->producer, NULL);
        /* A topic the producer knows of has its leaders looked up now, in the background;
         * otherwise the lookup starts with the first record and the records of the first
         * second wait for it (about 0.9 s on a local broker). */
        for (int i = 0; output_topics && i < NW_KAFKA_OUT_TOPICS && output_topics[i]; i++) {
                kc->out_topics[i] = rd_kafka_topic_new(kc->producer, output_topics[i], NULL);
        }
        kc->transactional = wants_transactions(settings, n);
        if (kc->transactional) {
                /* fences an earlier instance with the same transactional.id and aborts what
                 * it left open */
                rd_kafka_error_t *e = rd_kafka_init_transactions(kc->producer, 60000);
                if (e) {
                        snprintf(errstr, errstr_size, "init transactions: %s", rd_kafka_error_string(e));
                        rd_kafka_error_destroy(e);
                        goto fail;
                }
        }
        kc->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, errstr, errstr_size);
        if (!kc->consumer) {
                goto fail;
        }
        cconf = NULL;
        rd_kafka_set_log_queue(kc->consumer, NULL);
        rd_kafka_poll_set_consumer(kc->consumer);
        sub = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(sub, input_topic, RD_KAFKA_PARTITION_UA);
        err = rd_kafka_subscribe(kc->consumer, sub);
        rd_kafka_topic_partition_list_destroy(sub);
        if (err) {
                snprintf(errstr, errstr_size, "subscribe to %s: %s", input_topic,
                         rd_kafka_err2str(err));
                goto fail;
        }
        return kc;
fail:
        if (cconf) {
                rd_kafka_conf_destroy(cconf);
        }
        if (pconf) {
                rd_kafka_conf_destroy(pconf);
        }
        nw_kafka_destroy(kc);
        return NULL;
}

void nw_kafka_destroy(struct nw_kafka *kc)
{
        if (!kc) {
                return;
        }
        if (kc->consumer) {
                rd_kafka_consumer_close(kc->consumer);
                rd_kafka_destroy(kc->consumer);
        }
        for (int i = 0; i < NW_KAFKA_OUT_TOPICS; i++) {
                if (kc->out_topics[i]) {
                        rd_kafka_topic_destroy(kc->out_topics[i]);
                }
        }
        if (kc->producer) {
                /* hand every undelivered record back through its delivery report, so the
                 * owner can free what it holds for it */
                rd_kafka_purge(kc->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
                rd_kafka_poll(kc->producer, 0);
                rd_kafka_destroy(kc->producer);
        }
        free(kc);
}

void nw_kafka_serve(struct nw_kafka *kc, int timeout_ms)
{
        rd_kafka_poll(kc->producer, timeout_ms);
}

int nw_kafka_poll(struct nw_kafka *kc, int timeout_ms, struct nw_kmsg *out)
{
        rd_kafka_message_t *rkm;
        rd_kafka_headers_t *hdrs = NULL;
        rd_kafka_timestamp_type_t tstype;

        rd_kafka_poll(kc->producer, 0);
        rkm = rd_kafka_consumer_poll(kc->consumer, timeout_ms);
        if (!rkm) {
                return 0;
        }
        if (rkm->err == RD_KAFKA_RESP_ERR__FATAL) {
                /* A consumer's fatal error (e.g. a static member fenced) arrives here, as a
                 * message, never through error_cb: without this the worker would sit idle for
                 * ever, alive but consuming nothing. Same drain path as a producer's. */
                char fatal[512];
                rd_kafka_fatal_error(kc->consumer, fatal, sizeof(fatal));
                rd_kafka_message_destroy(rkm);
                if (kc->hooks.on_fatal) {
                        kc->hooks.on_fatal(kc->hooks.ctx, fatal);
                }
                return 0;
        }
        if (rkm->err) {
                /* other consumer errors are informational; librdkafka recovers by itself */
                if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && kc->hooks.on_log) {
                        char msg[600];
                        snprintf(msg, sizeof(msg), "consume: %s: %s", rd_kafka_err2name(rkm->err),
                                 rd_kafka_message_errstr(rkm));
                        kc->hooks.on_log(kc->hooks.ctx, 4, "CONSUME", msg);
                }
                rd_kafka_message_destroy(rkm);
                return 0;
        }
        memset(out, 0, sizeof(*out));
        out->rkm = rkm;
        out->value = rkm->payload;
        out->len = rkm->len;
        out->key = rkm->key;
        out->key_len = rkm->key_len;
        out->topic = rd_kafka_topic_name(rkm->rkt);
        out->partition = rkm->partition;
        out->offset = rkm->offset;
        out->timestamp_ms = rd_kafka_message_timestamp(rkm, &tstype);
        if (rd_kafka_message_headers(rkm, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const void *v;
                size_t sz;
                if (rd_kafka_header_get_last(hdrs, "content-type", &v, &sz) ==
                            RD_KAFKA_RESP_ERR_NO_ERROR && v) {
                        if (sz >= sizeof(out->content_type)) {
                                sz = sizeof(out->content_type) - 1;
                        }
                        memcpy(out->content_type, v, sz);
                        out->content_type[sz] = '\0';
                        if (memchr(out->content_type, '\0', sz)) {
                                out->content_type[0] = '\0';
                        }
                }
        }
        return 1;
}

void nw_kafka_release(struct nw_kmsg *m)
{
        if (m->rkm) {
                rd_kafka_message_destroy(m->rkm);
                m->rkm = NULL;
        }
}

struct nw_kheaders *nw_kafka_headers_copy(const struct nw_kmsg *m)
{
        rd_kafka_headers_t *hdrs = NULL;
        struct nw_kheaders *h;

        if (rd_kafka_message_headers(m->rkm, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || !hdrs) {
                return NULL;
        }
        h = nw_xmalloc(sizeof(*h));
        h->h = rd_kafka_headers_copy(hdrs);
        return h;
}

void nw_kafka_headers_destroy(struct nw_kheaders *h)
{
        if (!h) {
                return;
        }
        rd_kafka_headers_destroy(h->h);
        free(h);
}

enum nw_err nw_kafka_produce(struct nw_kafka *kc, const char *topic, const void *key,
                             size_t key_len, const void *value, size_t len,
                             const struct nw_kheaders *headers, const char *const *extra,
                             void *opaque, int block_ms, char *errstr, size_t errstr_size)
{
        int waited = 0;

        for (;;) {
                rd_kafka_headers_t *h = headers ? rd_kafka_headers_copy(headers->h)
                                                : (extra ? rd_kafka_headers_new(8) : NULL);
                rd_kafka_resp_err_t err;

                for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2) {
                        rd_kafka_header_add(h, extra[i], -1, extra[i + 1], -1);
                }
                /* no F_COPY: the caller keeps value alive until the delivery report, which
                 * saves a copy of every record */
                rd_kafka_vu_t vu[5] = {
                        {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = topic},
                        {.vtype = RD_KAFKA_VTYPE_KEY, .u.mem = {(void *)(uintptr_t)key, key_len}},
                        {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {(void *)(uintptr_t)value, len}},
                        {.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = opaque},
                        {.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = h},
                };

                err = nw_produceva(kc->producer, vu, h ? 5 : 4);
                if (!err) {
                        return NW_OK;   /* the headers now belong to the message */
                }
                if (h) {
                        rd_kafka_headers_destroy(h);
                }
                if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && waited < block_ms) {
                        /* serve delivery reports to make room */
                        rd_kafka_poll(kc->producer, 50);
                        waited += 50;
                        continue;
                }
                if (err == RD_KAFKA_RESP_ERR__FATAL) {
                        /* "Local: Fatal error" says nothing: give the underlying cause, as
                         * error_cb does (the produce call often sees the fatal state first) */
                        char why[512];
                        rd_kafka_fatal_error(kc->producer, why, sizeof(why));
                        snprintf(errstr, errstr_size, "produce to %s: librdkafka fatal error: %s",
                                 topic, why);
                        return NW_ERR_FATAL;
                }
                snprintf(errstr, errstr_size, "produce to %s: %s", topic, rd_kafka_err2str(err));
                return NW_ERR_KAFKA;
        }
}

enum nw_err nw_kafka_store(struct nw_kafka *kc, const char *topic, int32_t partition,
                           int64_t next_offset)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_resp_err_t err;

        rd_kafka_topic_partition_list_add(l, topic, partition)->offset = next_offset;
        err = rd_kafka_offsets_store(kc->consumer, l);
        rd_kafka_topic_partition_list_destroy(l);
        return err ? NW_ERR_KAFKA : NW_OK;
}

enum nw_err nw_kafka_commit(struct nw_kafka *kc, char *errstr, size_t errstr_size)
{
        rd_kafka_resp_err_t err = rd_kafka_commit(kc->consumer, NULL, 0);

        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
                snprintf(errstr, errstr_size, "commit: %s", rd_kafka_err2str(err));
                return NW_ERR_KAFKA;
        }
        return NW_OK;
}

int nw_kafka_flush(struct nw_kafka *kc, int timeout_ms)
{
        rd_kafka_flush(kc->producer, timeout_ms);
        return rd_kafka_outq_len(kc->producer);
}

void nw_kafka_pause(struct nw_kafka *kc, int pause)
{
        rd_kafka_topic_partition_list_t *l = NULL;

        kc->paused = pause;
        if (rd_kafka_assignment(kc->consumer, &l) != RD_KAFKA_RESP_ERR_NO_ERROR || !l) {
                return;
        }
        if (pause) {
                rd_kafka_pause_partitions(kc->consumer, l);
        } else {
                rd_kafka_resume_partitions(kc->consumer, l);
        }
        rd_kafka_topic_partition_list_destroy(l);
}

int nw_kafka_transactional(const struct nw_kafka *kc)
{
        return kc->transactional;
}

enum nw_err nw_kafka_txn_begin(struct nw_kafka *kc, char *errstr, size_t errstr_size)
{
        rd_kafka_error_t *e = rd_kafka_begin_transaction(kc->producer);

        if (!e) {
                return NW_OK;
        }
        snprintf(errstr, errstr_size, "begin transaction: %s", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
        return NW_ERR_FATAL;
}

static rd_kafka_topic_partition_list_t *to_list(const struct nw_tp_offset *offs, size_t n)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)n);
        for (size_t i = 0; i < n; i++) {
                rd_kafka_topic_partition_list_add(l, offs[i].topic, offs[i].partition)->offset =
                        offs[i].offset;
        }
        return l;
}

/* Retriable errors are retried in place; abortable ones abort; anything else is fatal. */
enum nw_err nw_kafka_txn_commit(struct nw_kafka *kc, const struct nw_tp_offset *offs, size_t n,
                                int timeout_ms, char *errstr, size_t errstr_size)
{
        rd_kafka_error_t *e = NULL;
        int tries = 0;

        if (n > 0) {
                rd_kafka_topic_partition_list_t *l = to_list(offs, n);
                rd_kafka_consumer_group_metadata_t *meta = rd_kafka_consumer_group_metadata(kc->consumer);
                do {
                        if (e) {
                                rd_kafka_error_destroy(e);
                        }
                        e = rd_kafka_send_offsets_to_transaction(kc->producer, l, meta, timeout_ms);
                } while (e && rd_kafka_error_is_retriable(e) && ++tries < 5);
                rd_kafka_consumer_group_metadata_destroy(meta);
                rd_kafka_topic_partition_list_destroy(l);
        }
        tries = 0;
        while (!e) {
                e = rd_kafka_commit_transaction(kc->producer, timeout_ms);
                if (!e) {
                        return NW_OK;
                }
                if (rd_kafka_error_is_retriable(e) && ++tries < 5) {
                        rd_kafka_error_destroy(e);
                        e = NULL;
                }
        }
        snprintf(errstr, errstr_size, "transaction: %s", rd_kafka_error_string(e));
        if (rd_kafka_error_txn_requires_abort(e)) {
                rd_kafka_error_t *ae;
                rd_kafka_error_destroy(e);
                ae = rd_kafka_abort_transaction(kc->producer, timeout_ms);
                if (!ae) {
                        return NW_ERR_KAFKA;
                }
                snprintf(errstr, errstr_size, "abort transaction: %s", rd_kafka_error_string(ae));
                rd_kafka_error_destroy(ae);
                return NW_ERR_FATAL;
        }
        rd_kafka_error_destroy(e);
        return NW_ERR_FATAL;
}

enum nw_err nw_kafka_seek(struct nw_kafka *kc, const struct nw_tp_offset *offs, size_t n,
                          char *errstr, size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *l;
        rd_kafka_error_t *e;
        enum nw_err err = NW_OK;

        if (n == 0) {
                return NW_OK;
        }
        l = to_list(offs, n);
        e = rd_kafka_seek_partitions(kc->consumer, l, 10000);
        if (e) {
                snprintf(errstr, errstr_size, "seek: %s", rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
                err = NW_ERR_FATAL;
        }
        for (int i = 0; !e && i < l->cnt; i++) {
                if (l->elems[i].err) {
                        snprintf(errstr, errstr_size, "seek %s [%d]: %s", l->elems[i].topic,
                                 (int)l->elems[i].partition, rd_kafka_err2str(l->elems[i].err));
                        err = NW_ERR_FATAL;
                }
        }
        rd_kafka_topic_partition_list_destroy(l);
        return err;
}

int nw_kafka_assigned(const struct nw_kafka *kc)
{
        return kc->assigned;
}

int nw_kafka_outq(const struct nw_kafka *kc)
{
        return rd_kafka_outq_len(kc->producer);
}
