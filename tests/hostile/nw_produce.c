/* nw_produce.c -- test producer for the hostile corpus: each FILE's bytes, unchanged, become
 * one Kafka message value (kcat's delimiter mode cannot carry every byte), keyed by the file's
 * name; --create makes the topics first with max.message.bytes raised so that a value over
 * the broker's 1 MB default can be produced and dead-lettered.
 * usage: nw_produce BOOTSTRAP TOPIC FILE...
 *        nw_produce --create BOOTSTRAP MAX_MESSAGE_BYTES TOPIC:PARTITIONS... */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

#include "nw_produceva.h"

static int failures;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        (void)opaque;
        if (m->err) {
                fprintf(stderr, "nw_produce: %.*s: %s\n", (int)m->key_len, (const char *)m->key,
                        rd_kafka_err2str(m->err));
                failures++;
        }
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstrap, const char *max_bytes)
{
        char err[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_t *rk;

        if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "message.max.bytes", max_bytes, err, sizeof(err)) ||
            rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err))) {
                fprintf(stderr, "nw_produce: %s\n", err);
                exit(1);
        }
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rk = rd_kafka_new(type, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "nw_produce: %s\n", err);
                exit(1);
        }
        return rk;
}

static int create_topics(const char *bootstrap, const char *max_bytes, int n, char **specs)
{
        rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, bootstrap, "10000000");
        rd_kafka_NewTopic_t **topics = calloc((size_t)n, sizeof(*topics));
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_event_t *ev;
        const rd_kafka_topic_result_t **res;
        size_t nres;
        char err[512];
        int rc = 0;

        for (int i = 0; i < n; i++) {
                char *colon = strrchr(specs[i], ':');
                if (!colon) {
                        fprintf(stderr, "nw_produce: %s: want TOPIC:PARTITIONS\n", specs[i]);
                        return 1;
                }
                *colon = '\0';
                topics[i] = rd_kafka_NewTopic_new(specs[i], atoi(colon + 1), 1, err, sizeof(err));
                if (!topics[i] ||
                    rd_kafka_NewTopic_set_config(topics[i], "max.message.bytes", max_bytes)) {
                        fprintf(stderr, "nw_produce: %s: %s\n", specs[i], err);
                        return 1;
                }
        }
        rd_kafka_CreateTopics(rk, topics, (size_t)n, NULL, q);
        ev = rd_kafka_queue_poll(q, 60000);
        if (!ev || rd_kafka_event_error(ev)) {
                fprintf(stderr, "nw_produce: CreateTopics: %s\n",
                        ev ? rd_kafka_event_error_string(ev) : "timed out");
                return 1;
        }
        res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &nres);
        for (size_t i = 0; i < nres; i++) {
                if (rd_kafka_topic_result_error(res[i])) {
                        fprintf(stderr, "nw_produce: %s: %s\n", rd_kafka_topic_result_name(res[i]),
                                rd_kafka_topic_result_error_string(res[i]));
                        rc = 1;
                }
        }
        rd_kafka_event_destroy(ev);
        rd_kafka_NewTopic_destroy_array(topics, (size_t)n);
        free(topics);
        rd_kafka_queue_destroy(q);
        rd_kafka_destroy(rk);
        return rc;
}

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0;

        *len = 0;
        if (!f) {
                fprintf(stderr, "nw_produce: %s: %s\n", path, strerror(errno));
                exit(1);
        }
        for (;;) {
                size_t n;
                if (*len == cap) {
                        cap = cap ? 2 * cap : 65536;
                        buf = realloc(buf, cap);
                        if (!buf) {
                                abort();
                        }
                }
                n = fread(buf + *len, 1, cap - *len, f);
                if (n == 0) {
                        break;
                }
                *len += n;
        }
        fclose(f);
        return buf;
}

int main(int argc, char **argv)
{
        rd_kafka_t *rk;

        if (argc >= 5 && strcmp(argv[1], "--create") == 0) {
                return create_topics(argv[2], argv[3], argc - 4, argv + 4);
        }
        if (argc < 4) {
                fprintf(stderr, "usage: nw_produce BOOTSTRAP TOPIC FILE...\n"
                                "       nw_produce --create BOOTSTRAP MAX_MESSAGE_BYTES TOPIC:PARTITIONS...\n");
                return 2;
        }
        rk = client(RD_KAFKA_PRODUCER, argv[1], "10000000");
        for (int i = 3; i < argc; i++) {
                size_t len;
                char *value = slurp(argv[i], &len);
                const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
                rd_kafka_resp_err_t err;

                /* in file order, one partition per run of the test: the caller reads results
                 * by key, so order only matters for the "normal item afterwards" check */
                {
                        rd_kafka_vu_t vu[] = {
                                {.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = argv[2]},
                                {.vtype = RD_KAFKA_VTYPE_KEY,
                                 .u.mem = {(void *)(uintptr_t)name, strlen(name)}},
                                {.vtype = RD_KAFKA_VTYPE_VALUE, .u.mem = {len ? value : NULL, len}},
                                {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY},
                        };
                        err = nw_produceva(rk, vu, sizeof(vu) / sizeof(vu[0]));
                }
                if (err) {
                        fprintf(stderr, "nw_produce: %s: %s\n", name, rd_kafka_err2str(err));
                        failures++;
                }
                free(value);
                rd_kafka_poll(rk, 0);
        }
        if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
                fprintf(stderr, "nw_produce: flush timed out\n");
                failures++;
        }
        rd_kafka_destroy(rk);
        return failures ? 1 : 0;
}
