/* nw_offline.c -- the offline mode. It batches items like the daemon so that, with --redis,
 * the same pipelined claim code runs; in memory it uses nw_seen for the same decisions. */
#include "nw_offline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "nw_buf.h"
#include "nw_log.h"
#include "nw_near.h"
#include "nw_pipeline.h"
#include "nw_pool.h"
#include "nw_redis.h"
#include "nw_seen.h"
#include "nw_serialize.h"
#include "nw_time.h"

struct offline {
        const struct nw_config *cfg;
        const struct nw_offline_opts *opts;
        const char *version;
        struct nw_limits lim;
        struct nw_seen *seen;
        struct nw_near_index *near;
        struct nw_redis *redis;
        FILE *out, *dlq;
        struct nw_pool *pool;
        struct pending *batch;  /* BATCH entries, n of them in use */
        size_t n;
        char processed_at[40];
        unsigned long items, published, duplicates, near_dups, dead;
};

static void write_dlq(struct offline *o, const char *file, unsigned long line, size_t len,
                      enum nw_err err, const char *reason)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        const unsigned char *buf;
        size_t blen;
        char where[32];

        if (!g) {
                abort();
        }
        snprintf(where, sizeof(where), "%lu", line);
        yajl_gen_map_open(g);
        yajl_gen_string(g, (const unsigned char *)"error_code", 10);
        yajl_gen_string(g, (const unsigned char *)nw_err_name(err), strlen(nw_err_name(err)));
        yajl_gen_string(g, (const unsigned char *)"reason", 6);
        yajl_gen_string(g, (const unsigned char *)reason, strlen(reason));
        yajl_gen_string(g, (const unsigned char *)"file", 4);
        yajl_gen_string(g, (const unsigned char *)file, strlen(file));
        yajl_gen_string(g, (const unsigned char *)"line", 4);
        yajl_gen_number(g, where, strlen(where));
        yajl_gen_string(g, (const unsigned char *)"bytes", 5);
        snprintf(where, sizeof(where), "%zu", len);
        yajl_gen_number(g, where, strlen(where));
        yajl_gen_map_close(g);
        if (yajl_gen_get_buf(g, &buf, &blen) == yajl_gen_status_ok) {
                fprintf(o->dlq, "%.*s\n", (int)blen, (const char *)buf);
        }
        yajl_gen_free(g);
        o->dead++;
}

/* In memory: the same all-or-nothing rule as the Redis script. */
static enum nw_claim_result claim_memory(struct offline *o, const struct nw_claim *c, char *holder,
                                         size_t holder_size)
{
        const char *keys[2] = {c->key_content, c->key_url && *c->key_url ? c->key_url : NULL};
        int own = 0, nkeys = keys[1] ? 2 : 1;

        for (int i = 0; i < nkeys; i++) {
                const char *cur = nw_seen_get(o->seen, keys[i]);
                if (cur && strcmp(cur, c->value) != 0) {
                        snprintf(holder, holder_size, "%s", cur);
                        return NW_CLAIM_DUPLICATE;
                }
                own += cur != NULL;
        }
        for (int i = 0; i < nkeys; i++) {
                nw_seen_put(o->seen, keys[i], c->value);
        }
        return own == nkeys ? NW_CLAIM_OWN : NW_CLAIM_NEW;
}

static void batch_free(struct offline *o);

/* One input item of the batch: its bytes, where it came from, and what the pipeline made
 * of it. */
struct pending {
        char *raw;
        size_t len;
        const char *file;
        unsigned long line;
        enum nw_err err;
        char reason[256];
        struct nw_article a;
        struct nw_claim_keys keys;
        char *value;            /* the claim's value: "file:line id" */
        int publish;
        char *out;              /* its record (NULL: not serialized) */
        size_t out_len;
};

static void batch_free(struct offline *o)
{
        for (size_t i = 0; i < o->n; i++) {
                nw_article_free(&o->batch[i].a);
                free(o->batch[i].raw);
                free(o->batch[i].value);
                free(o->batch[i].out);
        }
        o->n = 0;
}

/* The pure part of one item, on any pool thread: it touches only its own pending entry. */
static void run_item(void *ctx, size_t i)
{
        struct offline *o = ctx;
        struct pending *p = &o->batch[i];
        struct nw_msg msg = {p->raw, p->len, NULL, 0, NULL, 0, 0};
        struct nw_buf cv;

        nw_article_init(&p->a);
        p->err = nw_pipeline_process(&o->lim, &msg, &p->a, p->reason, sizeof(p->reason));
        if (p->err != NW_OK) {
                return;
        }
        /* offline items have no Kafka coordinates: name them by file and line so that a
         * re-run of the same input finds its own claims */
        nw_claim_keys(&p->a, o->cfg->redis_key_prefix, &p->keys);
        if (!o->cfg->dedupe_url) {
                p->keys.url[0] = '\0';
        }
        nw_buf_init(&cv, 0);
        nw_buf_printf(&cv, "%s:%lu %s", p->file, p->line, p->a.id);
        p->value = nw_buf_take(&cv);
}

static void serialize_item(void *ctx, size_t i)
{
        struct offline *o = ctx;
        struct pending *p = &o->batch[i];
        struct nw_buf out;

        if (!p->publish) {
                return;
        }
        nw_buf_init(&out, 0);
        if (nw_serialize(&p->a, o->processed_at, o->version, &out) != NW_OK) {
                nw_buf_free(&out);
                return;
        }
        p->out_len = out.len;
        p->out = nw_buf_take(&out);
}

/* The batch through the pipelines and the serializer on the pool, the claims in input order
 * in between, and the records and dead letters written in input order: the output is the
 * same whatever the number of threads. @returns 0, or 1 when Redis failed. */
static int flush_batch(struct offline *o)
{
        struct pending *p = o->batch;
        size_t n = o->n, k = 0;
        struct nw_claim *claims = nw_xcalloc(n + 1, sizeof(*claims));
        struct nw_claim_reply *replies = nw_xcalloc(n + 1, sizeof(*replies));
        size_t *idx = nw_xcalloc(n + 1, sizeof(*idx));
        char errstr[512];
        struct timespec ts;
        int rc = 0;

        nw_pool_run(o->pool, run_item, o, n);
        for (size_t i = 0; i < n; i++) {
                if (p[i].err != NW_OK) {
                        write_dlq(o, p[i].file, p[i].line, p[i].len, p[i].err, p[i].reason);
                        continue;
                }
                claims[k] = (struct nw_claim){p[i].keys.content, p[i].keys.url, p[i].value, p[i].a.id,
                                              o->cfg->dedupe_near ? &p[i].a.near : NULL};
                idx[k++] = i;
        }
        if (o->opts->no_dedupe) {
                for (size_t j = 0; j < k; j++) {
                        replies[j].result = NW_CLAIM_NEW;
                }
        } else if (o->redis) {
                if (k > 0 &&
                    nw_redis_claim_batch(o->redis, claims, k, o->cfg->dedupe_ttl_s,
                                         o->cfg->redis_key_prefix,
                                         (double)o->cfg->dedupe_near_threshold_pct / 100.0, replies,
                                         errstr, sizeof(errstr)) != NW_OK) {
                        nw_log(NW_LOG_ERR, "redis", "%s", errstr);
                        rc = 1;
                        goto out;
                }
        } else {
                for (size_t j = 0; j < k; j++) {
                        double sim = 0.0;
                        const char *of;
                        replies[j].result = claim_memory(o, &claims[j], replies[j].holder,
                                                         sizeof(replies[j].holder));
                        if (replies[j].result == NW_CLAIM_DUPLICATE || !claims[j].near) {
                                continue;
                        }
                        of = nw_near_index_check_insert(o->near, claims[j].id, claims[j].near,
                                                        (double)o->cfg->dedupe_near_threshold_pct / 100.0,
                                                        &sim);
                        if (of) {
                                snprintf(replies[j].near_of, sizeof(replies[j].near_of), "%s", of);
                                replies[j].similarity = sim;
                        }
                }
        }
        for (size_t j = 0; j < k; j++) {
                struct pending *q = &p[idx[j]];
                if (replies[j].result == NW_CLAIM_DUPLICATE) {
                        o->duplicates++;
                        continue;
                }
                if (replies[j].near_of[0]) {
                        nw_article_mark_near(&q->a, replies[j].near_of, replies[j].similarity);
                        o->near_dups++;
                }
                q->publish = 1;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        nw_time_format((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, 1, o->processed_at,
                       sizeof(o->processed_at));
        nw_pool_run(o->pool, serialize_item, o, n);
        for (size_t i = 0; i < n; i++) {
                if (!p[i].publish) {
                        continue;
                }
                if (!p[i].out) {
                        nw_log(NW_LOG_ERR, "offline", "record %s could not be serialized", p[i].a.id);
                        continue;
                }
                fwrite(p[i].out, 1, p[i].out_len, o->out);
                fputc('\n', o->out);
                o->published++;
        }
out:
        batch_free(o);
        free(claims);
        free(replies);
        free(idx);
        return rc;
}

/* Room for as many items as a batch takes: enough to keep every thread busy, few enough that
 * the batch's claims stay one Redis round trip of modest size. */
#define BATCH 256

static int handle_item(struct offline *o, const char *file, unsigned long line, const char *value,
                       size_t len)
{
        struct pending *p = &o->batch[o->n];

        o->items++;
        memset(p, 0, sizeof(*p));
        p->raw = nw_xmalloc(len + 1);
        memcpy(p->raw, value, len);
        p->raw[len] = '\0';
        p->len = len;
        p->file = file;
        p->line = line;
        if (++o->n == BATCH) {
                return flush_batch(o);
        }
        return 0;
}

static int read_all(FILE *f, struct nw_buf *b, size_t max)
{
        char chunk[65536];
        size_t n;

        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                if (nw_buf_append(b, chunk, n) != NW_OK || b->len > max) {
                        return -1;
                }
        }
        return ferror(f) ? -2 : 0;
}

static int is_text_file(const char *name, const struct nw_buf *content)
{
        size_t len = strlen(name), i = 0;

        if (len > 4 && strcmp(name + len - 4, ".txt") == 0) {
                return 1;
        }
        while (i < content->len && (content->data[i] == ' ' || content->data[i] == '\n' ||
                                    content->data[i] == '\t' || content->data[i] == '\r')) {
                i++;
        }
        return i < content->len && content->data[i] != '{';
}

static int process_stream(struct offline *o, FILE *f, const char *name)
{
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        unsigned long lineno = 0;
        int rc = 0;

        while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
                lineno++;
                while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
                        n--;
                }
                if (n == 0) {
                        continue;       /* blank lines separate nothing in JSON lines */
                }
                rc = handle_item(o, name, lineno, line, (size_t)n);
        }
        free(line);
        return rc;
}

int nw_offline_run(const struct nw_config *cfg, const struct nw_offline_opts *opts,
                   char *const *files, int n, const char *version, FILE *out)
{
        struct offline o;
        char errstr[512];
        int rc = 0;

        memset(&o, 0, sizeof(o));
        o.cfg = cfg;
        o.opts = opts;
        o.version = version;
        o.out = out;
        o.dlq = stderr;
        o.lim.max_bytes = (size_t)cfg->input_max_bytes;
        o.lim.max_depth = (int)cfg->input_max_depth;
        /* records are a few KB each: a large buffer makes one write of many of them (glibc
         * ignores the size unless it is given the buffer; static, so it outlives the stream's
         * last flush at exit) */
        {
                static char outbuf[1 << 20];
                setvbuf(out, outbuf, _IOFBF, sizeof(outbuf));
        }
        o.batch = nw_xcalloc(BATCH, sizeof(*o.batch));
        o.pool = nw_pool_new((int)cfg->worker_threads, errstr, sizeof(errstr));
        if (!o.pool) {
                nw_log(NW_LOG_ERR, "offline", "%s", errstr);
                rc = 1;
                goto out;
        }
        if (opts->dlq_path) {
                o.dlq = fopen(opts->dlq_path, "w");
                if (!o.dlq) {
                        nw_log(NW_LOG_ERR, "offline", "cannot write %s: %s", opts->dlq_path,
                               strerror(errno));
                        rc = 1;
                        goto out;
                }
        }
        if (opts->redis_url) {
                o.redis = nw_redis_new(opts->redis_url, cfg->redis_password, cfg->redis_timeout_ms,
                                       errstr, sizeof(errstr));
                if (!o.redis) {
                        nw_log(NW_LOG_ERR, "offline", "%s", errstr);
                        rc = 2;
                        goto out;
                }
                nw_redis_set_near_filters(o.redis, (size_t)cfg->dedupe_near_filter_mb << 20);
                if (nw_redis_connect(o.redis, errstr, sizeof(errstr)) != NW_OK) {
                        nw_log(NW_LOG_ERR, "redis", "%s", errstr);
                        rc = 1;
                        goto out;
                }
                /* a batch job: the older buckets' filters first, so that every claim has them */
                if (cfg->dedupe_near) {
                        nw_redis_near_filters_wait(o.redis, cfg->dedupe_ttl_s, cfg->redis_key_prefix,
                                                   60000);
                }
        } else {
                o.seen = nw_seen_new();
                o.near = nw_near_index_new();
        }
        if (n == 0) {
                rc = process_stream(&o, stdin, "-");
        }
        for (int i = 0; i < n && rc == 0; i++) {
                FILE *f = strcmp(files[i], "-") == 0 ? stdin : fopen(files[i], "rb");
                struct nw_buf content;
                if (!f) {
                        nw_log(NW_LOG_ERR, "offline", "cannot read %s: %s", files[i], strerror(errno));
                        rc = 1;
                        break;
                }
                /* a gzip file is not text: say so rather than dead-letter every line */
                if (strlen(files[i]) > 3 && strcmp(files[i] + strlen(files[i]) - 3, ".gz") == 0) {
                        nw_log(NW_LOG_ERR, "offline", "%s is compressed: pipe it through zcat", files[i]);
                        fclose(f);
                        rc = 1;
                        break;
                }
                nw_buf_init(&content, 0);
                if (f != stdin && read_all(f, &content, (size_t)-1 / 2) == 0 &&
                    is_text_file(files[i], &content)) {
                        rc = handle_item(&o, files[i], 1, nw_buf_str(&content), content.len);
                } else if (f != stdin) {
                        FILE *mem = fmemopen(content.data, content.len, "r");
                        if (content.len > 0 && mem) {
                                rc = process_stream(&o, mem, files[i]);
                        }
                        if (mem) {
                                fclose(mem);
                        }
                } else {
                        rc = process_stream(&o, stdin, "-");
                }
                nw_buf_free(&content);
                if (f != stdin) {
                        fclose(f);
                }
        }
        if (rc == 0 && o.n > 0) {
                rc = flush_batch(&o);
        }
        fflush(out);
        nw_log(NW_LOG_INFO, "offline",
               "items=%lu published=%lu duplicates=%lu near_duplicates=%lu dead_lettered=%lu",
               o.items, o.published, o.duplicates, o.near_dups, o.dead);
        if (o.redis) {
                struct nw_redis_filter_stats fs;
                nw_redis_near_filter_stats(o.redis, &fs);
                nw_log(NW_LOG_INFO, "offline", "near_filters=%zu near_filters_copied=%zu "
                       "near_filter_bytes=%zu near_filter_skipped=%llu", fs.filters, fs.copied,
                       fs.bytes, (unsigned long long)fs.skipped);
        }
out:
        if (o.dlq && o.dlq != stderr) {
                fclose(o.dlq);
        }
        nw_redis_destroy(o.redis);
        nw_seen_destroy(o.seen);
        nw_near_index_destroy(o.near);
        batch_free(&o);
        free(o.batch);
        nw_pool_destroy(o.pool);
        return rc;
}
