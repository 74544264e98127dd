/* bench_produce.c -- produce the lines of a file to a Kafka topic, optionally at a fixed rate,
 * for the benchmark's latency phase. kcat 1.7 holds lines read from a pipe until more input
 * or EOF arrives, so it cannot pace a stream; this produces each line when it is due.
 *
 * usage: bench_produce BOOTSTRAP TOPIC FILE [RATE_PER_S] [-X prop=value ...]
 *   RATE_PER_S 0 (default): as fast as the client allows. Exit 0 when every line was
 *   delivered (acknowledged by the broker), 1 otherwise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static size_t delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        (void)opaque;
        if (m->err) {
                if (failed++ == 0) {
                        fprintf(stderr, "bench_produce: %s\n", rd_kafka_err2str(m->err));
                }
        } else {
                delivered++;
        }
}

static int64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
        char err[256];

        if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "bench_produce: %s\n", err);
                exit(2);
        }
}

int main(int argc, char **argv)
{
        char err[256];
        double rate = 0;
        int argi = 4;

        if (argc < 4) {
                fprintf(stderr, "usage: bench_produce BOOTSTRAP TOPIC FILE [RATE_PER_S] [-X prop=value ...]\n");
                return 2;
        }
        if (argc > 4 && strcmp(argv[4], "-X") != 0) {
                rate = atof(argv[4]);
                argi = 5;
        }
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", argv[1]);
        /* a paced record should leave at once; unpaced, batching is what the floor uses */
        set(conf, "linger.ms", rate > 0 ? "0" : "5");
        for (; argi + 1 < argc; argi += 2) {
                char *eq = strchr(argv[argi + 1], '=');
                if (strcmp(argv[argi], "-X") != 0 || !eq) {
                        fprintf(stderr, "bench_produce: expected -X prop=value, got %s\n", argv[argi]);
                        return 2;
                }
                *eq = '\0';
                set(conf, argv[argi + 1], eq + 1);
        }
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
        if (!rk) {
                fprintf(stderr, "bench_produce: %s\n", err);
                return 2;
        }
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[2], NULL);
        if (!rkt) {
                fprintf(stderr, "bench_produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
                return 2;
        }
        FILE *f = fopen(argv[3], "r");
        if (!f) {
                perror(argv[3]);
                return 2;
        }
        char *line = NULL;
        size_t cap = 0, sent = 0;
        ssize_t len;
        int64_t t0 = now_ns();

        while ((len = getline(&line, &cap, f)) > 0) {
                if (line[len - 1] == '\n') {
                        len--;
                }
                if (len == 0) {
                        continue;
                }
                if (rate > 0) {
                        /* due times follow the schedule, so a late write does not shift the rest */
                        int64_t due = t0 + (int64_t)((double)sent * 1e9 / rate);
                        for (int64_t now = now_ns(); now < due; now = now_ns()) {
                                int64_t wait = due - now;
                                struct timespec ts = {wait / 1000000000, wait % 1000000000};
                                rd_kafka_poll(rk, 0);
                                nanosleep(&ts, NULL);
                        }
                }
                /* a full local queue waits for deliveries, bounded by the flush below;
                 * rd_kafka_produce() rather than producev(), whose macros are GNU C */
                while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, line,
                                        (size_t)len, NULL, 0, NULL) != 0) {
                        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                fprintf(stderr, "bench_produce: %s\n",
                                        rd_kafka_err2str(rd_kafka_last_error()));
                                return 1;
                        }
                        rd_kafka_poll(rk, 100);
                }
                sent++;
                rd_kafka_poll(rk, 0);
        }
        free(line);
        fclose(f);
        if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
                fprintf(stderr, "bench_produce: %d records undelivered after 60 s\n",
                        rd_kafka_outq_len(rk));
        }
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        fprintf(stderr, "bench_produce: %zu sent, %zu delivered, %zu failed in %.2f s\n", sent,
                delivered, failed, (double)(now_ns() - t0) / 1e9);
        return delivered == sent && failed == 0 ? 0 : 1;
}
