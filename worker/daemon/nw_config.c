/* nw_config.c -- the settings table and its sources; secrets from files; masking. */
#include "nw_config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nw_buf.h"
#include "nw_log.h"

/* T_FILE: the path of a file holding the value of the setting named without "_file". */
enum type { T_STR, T_INT, T_BOOL, T_FILE };

struct setting {
        const char *name;
        enum type type;
        const char *dflt;
        size_t off;
        long min, max;
        int secret;
        const char *desc;
};

#define S(field) offsetof(struct nw_config, field)

static const struct setting table[] = {
        {"topic.input", T_STR, "news.raw", S(topic_input), 0, 0, 0,
         "Kafka topic of raw news items"},
        {"topic.output", T_STR, "news.enriched", S(topic_output), 0, 0, 0,
         "Kafka topic for enriched records"},
        {"topic.dlq", T_STR, "news.dlq", S(topic_dlq), 0, 0, 0,
         "dead-letter topic: original bytes and headers plus nw.error.* headers"},
        {"topic.duplicates", T_STR, "", S(topic_duplicates), 0, 0, 0,
         "optional topic for exact duplicates (empty: they are only counted)"},
        {"redis.url", T_STR, "redis://127.0.0.1:6379/0", S(redis_url), 0, 0, 0,
         "Redis for dedupe: redis://[user:password@]host:port/db or unix:///path/to.sock?db=N"},
        {"redis.password", T_STR, "", S(redis_password), 0, 0, 1,
         "Redis password (overrides the URL's); give it by environment or redis.password_file"},
        {"redis.password_file", T_FILE, "", S(redis_password_file), 0, 0, 0,
         "file holding the Redis password (a mounted secret), read at start-up; trailing newline dropped"},
        {"redis.key_prefix", T_STR, "nw:", S(redis_key_prefix), 0, 0, 0,
         "prefix of every Redis key the worker writes (at most 8 bytes)"},
        {"redis.timeout_ms", T_INT, "2000", S(redis_timeout_ms), 50, 600000, 0,
         "connect and command timeout"},
        {"redis.backoff_max_ms", T_INT, "5000", S(redis_backoff_max_ms), 100, 600000, 0,
         "longest wait between reconnection attempts while Redis is down"},
        {"dedupe.ttl_s", T_INT, "604800", S(dedupe_ttl_s), 1, 315360000, 0,
         "how long a dedupe claim lives (default 7 days)"},
        {"dedupe.fail_open", T_BOOL, "false", S(dedupe_fail_open), 0, 1, 0,
         "when Redis is down, publish with dedupe.status=unchecked instead of pausing"},
        {"dedupe.url", T_BOOL, "true", S(dedupe_url), 0, 1, 0,
         "treat a second item with the same canonical URL as an exact duplicate"},
        {"dedupe.near", T_BOOL, "true", S(dedupe_near), 0, 1, 0,
         "flag near duplicates (syndicated, trimmed or re-wrapped copies) of recent items"},
        {"dedupe.near_threshold_pct", T_INT, "50", S(dedupe_near_threshold_pct), 1, 100, 0,
         "estimated containment (percent of the shorter text's 5-word shingles) that makes a near duplicate"},
        {"dedupe.near_filter_mb", T_INT, "32", S(dedupe_near_filter_mb), 0, 65536, 0,
         "memory for filters of the older near-duplicate buckets, which spare Redis the lookups of bands they cannot hold (0: none)"},
        {"batch.max_messages", T_INT, "500", S(batch_max_messages), 1, 100000, 0,
         "most messages handled in one batch (one Redis round trip)"},
        {"batch.timeout_ms", T_INT, "100", S(batch_timeout_ms), 1, 60000, 0,
         "longest wait to fill a batch"},
        {"worker.threads", T_INT, "0", S(worker_threads), 0, 64, 0,
         "threads that decode, normalize and extract a batch in parallel (0: one per CPU)"},
        {"input.max_bytes", T_INT, "1048576", S(input_max_bytes), 1024, 67108864, 0,
         "largest message value accepted; larger ones go to the DLQ"},
        {"input.max_depth", T_INT, "64", S(input_max_depth), 2, 10000, 0,
         "deepest JSON or HTML nesting accepted"},
        {"shutdown.timeout_ms", T_INT, "10000", S(shutdown_timeout_ms), 100, 3600000, 0,
         "bound on the drain after SIGTERM (keep below the orchestrator's grace period)"},
        {"delivery.max_attempts", T_INT, "5", S(delivery_max_attempts), 1, 1000, 0,
         "produce attempts for one record before the worker stops (nothing is committed past it)"},
        {"log.level", T_STR, "info", S(log_level), 0, 0, 0,
         "error, warn, notice, info or debug"},
        {"http.address", T_STR, "0.0.0.0", S(http_address), 0, 0, 0,
         "address of the /metrics, /healthz and /readyz endpoints"},
        {"http.port", T_INT, "8080", S(http_port), 0, 65535, 0,
         "port of the /metrics, /healthz and /readyz endpoints (0: no HTTP)"},
        {"http.healthy_ms", T_INT, "30000", S(http_healthy_ms), 1000, 3600000, 0,
         "/healthz fails when the worker loop has not turned for this long"},
};

#define N_SETTINGS (sizeof(table) / sizeof(table[0]))

/* librdkafka properties the worker sets unless told otherwise. */
static const struct {
        enum nw_kafka_scope scope;
        const char *name, *value;
} kafka_defaults[] = {
        {NW_KAFKA_BOTH, "bootstrap.servers", "127.0.0.1:9092"},
        {NW_KAFKA_BOTH, "client.id", "newsworker"},
        {NW_KAFKA_CONSUMER, "group.id", "newsworker"},
        {NW_KAFKA_CONSUMER, "auto.offset.reset", "earliest"},
        /* eager assignors: librdkafka 2.0.2's cooperative-sticky has known hangs */
        {NW_KAFKA_CONSUMER, "partition.assignment.strategy", "range,roundrobin"},
        {NW_KAFKA_CONSUMER, "auto.commit.interval.ms", "1000"},
        /* consumer lag per partition for /metrics */
        {NW_KAFKA_CONSUMER, "statistics.interval.ms", "5000"},
        /* The prefetched input, all partitions together (librdkafka's default is 64 MB). Once
         * it is full, librdkafka 2.0.2 stops fetching for up to a second, so it must hold about
         * a second of input: 16 MB gave 30% more than 8 MB end to end, and 32 or 64 MB no more
         * than 16 for 17 or 37 MB more memory (tests/bench/RESULTS.md). Without near-duplicate
         * detection the worker takes input twice as fast: see nw_config_finish(). */
        {NW_KAFKA_CONSUMER, "queued.max.messages.kbytes", "16384"},
        {NW_KAFKA_PRODUCER, "enable.idempotence", "true"},
        {NW_KAFKA_PRODUCER, "linger.ms", "5"},
        {NW_KAFKA_PRODUCER, "compression.type", "lz4"},
};

/* Properties that would break at-least-once delivery if a user changed them. */
static const struct {
        const char *name, *value;
} kafka_locked[] = {
        {"enable.auto.offset.store", "false"},
        {"enable.auto.commit", "true"},
};

static char **str_field(struct nw_config *cfg, const struct setting *s)
{
        return (char **)((char *)cfg + s->off);
}

static long *long_field(struct nw_config *cfg, const struct setting *s)
{
        return (long *)((char *)cfg + s->off);
}

static int *bool_field(struct nw_config *cfg, const struct setting *s)
{
        return (int *)((char *)cfg + s->off);
}

/* Secrets are wiped before their memory goes back to the allocator. */
static void free_secret(char *s)
{
        if (s) {
                memset(s, 0, strlen(s));
                free(s);
        }
}

static void set_origin(struct nw_config *cfg, size_t i, const char *origin)
{
        free(cfg->origins[i]);
        cfg->origins[i] = nw_xstrdup(origin);
}

static const char *type_name(enum type t)
{
        switch (t) {
        case T_INT: return "integer";
        case T_BOOL: return "boolean";
        case T_FILE: return "file";
        default: return "string";
        }
}

/* 1 when @p name ends in "_file" (the secret-from-a-file convention). */
static int is_file_key(const char *name)
{
        size_t n = strlen(name);
        return n > 5 && strcmp(name + n - 5, "_file") == 0;
}

/* Read a secret from @p path into a new string (*out, caller frees): at most 64 KiB, no NUL
 * byte, trailing newlines (LF or CRLF, as `echo` and editors leave them) dropped, not empty.
 * Messages name the file and the key, never the content. */
static enum nw_err read_secret_file(const char *path, const char *key, const char *origin,
                                    char **out, char *errstr, size_t errstr_size)
{
        enum { MAX_SECRET = 65536 };
        FILE *f = NULL;
        char *buf = NULL;
        size_t n;
        enum nw_err err = NW_ERR_CONFIG;

        f = fopen(path, "rb");
        if (!f) {
                snprintf(errstr, errstr_size, "%s: %s: cannot open secret file %s: %s", origin,
                         key, path, strerror(errno));
                goto out;
        }
        buf = nw_xmalloc(MAX_SECRET + 2);
        n = fread(buf, 1, MAX_SECRET + 1, f);
        if (ferror(f)) {
                snprintf(errstr, errstr_size, "%s: %s: cannot read secret file %s: %s", origin,
                         key, path, strerror(errno));
                goto out;
        }
        if (n > MAX_SECRET) {
                snprintf(errstr, errstr_size, "%s: %s: secret file %s is larger than %d bytes",
                         origin, key, path, MAX_SECRET);
                goto out;
        }
        if (memchr(buf, '\0', n)) {
                snprintf(errstr, errstr_size, "%s: %s: secret file %s contains a NUL byte",
                         origin, key, path);
                goto out;
        }
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
                n--;
        }
        if (n == 0) {
                snprintf(errstr, errstr_size, "%s: %s: secret file %s is empty", origin, key,
                         path);
                goto out;
        }
        buf[n] = '\0';
        *out = nw_xstrdup(buf);
        err = NW_OK;
out:
        if (buf) {
                memset(buf, 0, MAX_SECRET + 2);
                free(buf);
        }
        if (f) {
                fclose(f);
        }
        return err;
}

static void kafka_put(struct nw_config *cfg, enum nw_kafka_scope scope, const char *name,
                      const char *value, const char *origin)
{
        struct nw_kafka_prop *p = NULL;

        for (size_t i = 0; i < cfg->n_kafka; i++) {
                if (cfg->kafka[i].scope == scope && strcmp(cfg->kafka[i].name, name) == 0) {
                        p = &cfg->kafka[i];
                        if (nw_config_is_secret(name)) {
                                free_secret(p->value);
                        } else {
                                free(p->value);
                        }
                        free(p->origin);
                        break;
                }
        }
        if (!p) {
                cfg->kafka = nw_xrealloc(cfg->kafka, (cfg->n_kafka + 1) * sizeof(*cfg->kafka));
                p = &cfg->kafka[cfg->n_kafka++];
                p->scope = scope;
                p->name = nw_xstrdup(name);
        }
        p->value = nw_xstrdup(value);
        p->origin = nw_xstrdup(origin);
}

void nw_config_init(struct nw_config *cfg)
{
        char errstr[256];

        memset(cfg, 0, sizeof(*cfg));
        cfg->origins = nw_xcalloc(N_SETTINGS, sizeof(*cfg->origins));
        for (size_t i = 0; i < N_SETTINGS; i++) {
                set_origin(cfg, i, "default");
                if (table[i].type == T_STR || table[i].type == T_FILE) {
                        *str_field(cfg, &table[i]) = nw_xstrdup(table[i].dflt);
                } else {
                        /* defaults are in range by construction */
                        nw_config_set(cfg, table[i].name, table[i].dflt, "default", errstr,
                                      sizeof(errstr));
                }
        }
        for (size_t i = 0; i < sizeof(kafka_defaults) / sizeof(kafka_defaults[0]); i++) {
                kafka_put(cfg, kafka_defaults[i].scope, kafka_defaults[i].name,
                          kafka_defaults[i].value, "default");
        }
}

void nw_config_free(struct nw_config *cfg)
{
        for (size_t i = 0; i < N_SETTINGS; i++) {
                if (table[i].type == T_STR || table[i].type == T_FILE) {
                        if (table[i].secret) {
                                free_secret(*str_field(cfg, &table[i]));
                        } else {
                                free(*str_field(cfg, &table[i]));
                        }
                }
                if (cfg->origins) {
                        free(cfg->origins[i]);
                }
        }
        for (size_t i = 0; i < cfg->n_kafka; i++) {
                if (nw_config_is_secret(cfg->kafka[i].name)) {
                        free_secret(cfg->kafka[i].value);
                } else {
                        free(cfg->kafka[i].value);
                }
                free(cfg->kafka[i].name);
                free(cfg->kafka[i].origin);
        }
        free(cfg->kafka);
        free(cfg->origins);
        memset(cfg, 0, sizeof(*cfg));
}

static int parse_bool(const char *v, int *out)
{
        if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
            !strcmp(v, "1")) {
                *out = 1;
                return 0;
        }
        if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") ||
            !strcmp(v, "0")) {
                *out = 0;
                return 0;
        }
        return -1;
}

enum nw_err nw_config_set(struct nw_config *cfg, const char *key, const char *value,
                          const char *origin, char *errstr, size_t errstr_size)
{
        if (strncmp(key, "kafka.", 6) == 0) {
                enum nw_kafka_scope scope = NW_KAFKA_BOTH;
                const char *name = key + 6;
                if (strncmp(name, "consumer.", 9) == 0) {
                        scope = NW_KAFKA_CONSUMER;
                        name += 9;
                } else if (strncmp(name, "producer.", 9) == 0) {
                        scope = NW_KAFKA_PRODUCER;
                        name += 9;
                }
                if (!*name) {
                        snprintf(errstr, errstr_size, "%s: \"%s\" names no Kafka property",
                                 origin, key);
                        return NW_ERR_CONFIG;
                }
                if (is_file_key(name)) {
                        /* kafka.<prop>_file: the secret property <prop>, read from a file */
                        char base[256], from[700];
                        char *secret = NULL;
                        size_t n = strlen(name) - 5;
                        if (n >= sizeof(base)) {
                                snprintf(errstr, errstr_size, "%s: %s: name too long", origin, key);
                                return NW_ERR_CONFIG;
                        }
                        memcpy(base, name, n);
                        base[n] = '\0';
                        if (!nw_config_is_secret(base)) {
                                snprintf(errstr, errstr_size,
                                         "%s: %s: only secret properties (passwords, secrets, "
                                         "keys) can be read from a file", origin, key);
                                return NW_ERR_CONFIG;
                        }
                        if (read_secret_file(value, key, origin, &secret, errstr, errstr_size) !=
                            NW_OK) {
                                return NW_ERR_CONFIG;
                        }
                        snprintf(from, sizeof(from), "%s (file %s)", origin, value);
                        kafka_put(cfg, scope, base, secret, from);
                        free_secret(secret);
                        return NW_OK;
                }
                for (size_t i = 0; i < sizeof(kafka_locked) / sizeof(kafka_locked[0]); i++) {
                        if (strcmp(name, kafka_locked[i].name) == 0 &&
                            strcmp(value, kafka_locked[i].value) != 0) {
                                snprintf(errstr, errstr_size,
                                         "%s: %s must stay %s: offsets are stored only after "
                                         "the output is acknowledged (at-least-once)",
                                         origin, key, kafka_locked[i].value);
                                return NW_ERR_CONFIG;
                        }
                }
                kafka_put(cfg, scope, name, value, origin);
                return NW_OK;
        }
        for (size_t i = 0; i < N_SETTINGS; i++) {
                const struct setting *s = &table[i];
                if (strcmp(s->name, key) != 0) {
                        continue;
                }
                if (s->type == T_FILE) {
                        /* <key>_file: read the file now and set <key> from it */
                        char target[128], from[700];
                        char *secret = NULL;
                        free(*str_field(cfg, s));
                        *str_field(cfg, s) = nw_xstrdup(value);
                        set_origin(cfg, i, origin);
                        if (!*value) {
                                return NW_OK;   /* no file: nothing to read */
                        }
                        snprintf(target, sizeof(target), "%.*s", (int)(strlen(s->name) - 5),
                                 s->name);
                        if (read_secret_file(value, key, origin, &secret, errstr, errstr_size) !=
                            NW_OK) {
                                return NW_ERR_CONFIG;
                        }
                        snprintf(from, sizeof(from), "%s (file %s)", origin, value);
                        if (nw_config_set(cfg, target, secret, from, errstr, errstr_size) != NW_OK) {
                                free_secret(secret);
                                return NW_ERR_CONFIG;
                        }
                        free_secret(secret);
                        return NW_OK;
                }
                if (s->type == T_STR) {
                        if (s->secret) {
                                free_secret(*str_field(cfg, s));
                        } else {
                                free(*str_field(cfg, s));
                        }
                        *str_field(cfg, s) = nw_xstrdup(value);
                } else if (s->type == T_BOOL) {
                        if (parse_bool(value, bool_field(cfg, s)) != 0) {
                                snprintf(errstr, errstr_size,
                                         "%s: %s must be true or false, not \"%s\"", origin, key,
                                         value);
                                return NW_ERR_CONFIG;
                        }
                } else {
                        char *end = NULL;
                        long v;
                        errno = 0;
                        v = strtol(value, &end, 10);
                        if (errno || end == value || *end || v < s->min || v > s->max) {
                                snprintf(errstr, errstr_size,
                                         "%s: %s must be a whole number from %ld to %ld, not \"%s\"",
                                         origin, key, s->min, s->max, value);
                                return NW_ERR_CONFIG;
                        }
                        *long_field(cfg, s) = v;
                }
                set_origin(cfg, i, origin);
                return NW_OK;
        }
        snprintf(errstr, errstr_size, "%s: unknown setting \"%s\" (see newsworker --help)",
                 origin, key);
        return NW_ERR_CONFIG;
}

static char *trim(char *s)
{
        char *e;

        while (isspace((unsigned char)*s)) {
                s++;
        }
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1])) {
                *--e = '\0';
        }
        return s;
}

enum nw_err nw_config_load_file(struct nw_config *cfg, const char *path, char *errstr,
                                size_t errstr_size)
{
        FILE *f = fopen(path, "r");
        char line[4096];
        int lineno = 0;
        enum nw_err err = NW_OK;

        if (!f) {
                snprintf(errstr, errstr_size, "cannot open config file %s: %s", path,
                         strerror(errno));
                return NW_ERR_CONFIG;
        }
        while (fgets(line, sizeof(line), f)) {
                char origin[300];
                char *k, *v, *eq;

                lineno++;
                snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
                k = trim(line);
                if (!*k || *k == '#') {
                        continue;
                }
                eq = strchr(k, '=');
                if (!eq) {
                        snprintf(errstr, errstr_size, "%s: expected \"key = value\"", origin);
                        err = NW_ERR_CONFIG;
                        break;
                }
                *eq = '\0';
                v = trim(eq + 1);
                k = trim(k);
                /* a value may be quoted to keep leading/trailing spaces or a '#' */
                if (strlen(v) >= 2 && v[0] == '"' && v[strlen(v) - 1] == '"') {
                        v[strlen(v) - 1] = '\0';
                        v++;
                }
                err = nw_config_set(cfg, k, v, origin, errstr, errstr_size);
                if (err != NW_OK) {
                        break;
                }
        }
        fclose(f);
        return err;
}

/* NEWSWORKER_REDIS_TIMEOUT_MS -> redis.timeout_ms: the table is searched for a key whose
 * '.' and '_' both map to '_'; kafka properties have only dots, so
 * NEWSWORKER_KAFKA_CONSUMER_FETCH_MAX_BYTES -> kafka.consumer.fetch.max.bytes, except a
 * final _FILE: NEWSWORKER_KAFKA_SASL_PASSWORD_FILE -> kafka.sasl.password_file. */
static int env_matches(const char *key, const char *env)
{
        for (; *key && *env; key++, env++) {
                char k = *key == '.' ? '_' : (char)toupper((unsigned char)*key);
                if (k != *env) {
                        return 0;
                }
        }
        return *key == '\0' && *env == '\0';
}

enum nw_err nw_config_load_env(struct nw_config *cfg, char *const *envp, char *errstr,
                               size_t errstr_size)
{
        static const char prefix[] = "NEWSWORKER_";

        for (size_t i = 0; envp && envp[i]; i++) {
                const char *e = envp[i], *eq = strchr(e, '=');
                char name[256], key[256], origin[300];
                const char *match = NULL;
                size_t n;

                if (!eq || strncmp(e, prefix, sizeof(prefix) - 1) != 0) {
                        continue;
                }
                n = (size_t)(eq - e) - (sizeof(prefix) - 1);
                if (n == 0 || n >= sizeof(name)) {
                        continue;
                }
                memcpy(name, e + sizeof(prefix) - 1, n);
                name[n] = '\0';
                snprintf(origin, sizeof(origin), "env %.*s", (int)(eq - e), e);
                if (strcmp(name, "CONFIG") == 0) {
                        continue;       /* the config file's path, read by main */
                }
                if (n > 5 && strcmp(name + n - 5, "_FILE") == 0) {
                        /* the environment has no order: NAME and NAME_FILE together are
                         * ambiguous, so refuse rather than pick one silently */
                        size_t base = (size_t)(eq - e) - 5;
                        for (size_t j = 0; envp[j]; j++) {
                                if (strncmp(envp[j], e, base) == 0 && envp[j][base] == '=') {
                                        snprintf(errstr, errstr_size,
                                                 "env %.*s and env %.*s are both set; set only one",
                                                 (int)base, e, (int)(eq - e), e);
                                        return NW_ERR_CONFIG;
                                }
                        }
                }
                for (size_t k = 0; k < N_SETTINGS; k++) {
                        if (env_matches(table[k].name, name)) {
                                match = table[k].name;
                                break;
                        }
                }
                if (match) {
                        snprintf(key, sizeof(key), "%s", match);
                } else if (strncmp(name, "KAFKA_", 6) == 0) {
                        size_t j, len = n;
                        int file = n > 5 && strcmp(name + n - 5, "_FILE") == 0;
                        if (file) {
                                len -= 5;
                        }
                        for (j = 0; j < len; j++) {
                                key[j] = name[j] == '_' ? '.' : (char)tolower((unsigned char)name[j]);
                        }
                        key[j] = '\0';
                        if (file) {
                                memcpy(key + j, "_file", 6);
                        }
                } else {
                        snprintf(errstr, errstr_size, "%s: unknown setting", origin);
                        return NW_ERR_CONFIG;
                }
                if (nw_config_set(cfg, key, eq + 1, origin, errstr, errstr_size) != NW_OK) {
                        return NW_ERR_CONFIG;
                }
        }
        return NW_OK;
}

/* The kafka.consumer.* property @p name still at the worker's default: neither it nor a
 * kafka.* one of the same name was set. */
static struct nw_kafka_prop *consumer_default(struct nw_config *cfg, const char *name)
{
        struct nw_kafka_prop *found = NULL;

        for (size_t i = 0; i < cfg->n_kafka; i++) {
                struct nw_kafka_prop *p = &cfg->kafka[i];
                if (strcmp(p->name, name) != 0) {
                        continue;
                }
                if (p->scope == NW_KAFKA_BOTH) {
                        return NULL;
                }
                if (p->scope == NW_KAFKA_CONSUMER && strcmp(p->origin, "default") == 0) {
                        found = p;
                }
        }
        return found;
}

void nw_config_finish(struct nw_config *cfg)
{
        /* Exact dedupe only, Redis no longer holds the worker back and 16 MB is half a second
         * of its input: 32 MB took it from 19,000 to 27,000-31,600 articles/s end to end for
         * about 20 MB more peak RSS (81-86 MB); 48 MB came within 3 MB of the 100 MB goal. */
        if (!cfg->dedupe_near && consumer_default(cfg, "queued.max.messages.kbytes")) {
                kafka_put(cfg, NW_KAFKA_CONSUMER, "queued.max.messages.kbytes", "32768",
                          "default with dedupe.near=false");
        }
}

enum nw_err nw_config_validate(const struct nw_config *cfg, char *errstr, size_t errstr_size)
{
        if (!*cfg->topic_input || !*cfg->topic_output || !*cfg->topic_dlq) {
                snprintf(errstr, errstr_size, "%s", "topic.input, topic.output and topic.dlq must not be empty");
                return NW_ERR_CONFIG;
        }
        if (strcmp(cfg->topic_input, cfg->topic_output) == 0 ||
            strcmp(cfg->topic_input, cfg->topic_dlq) == 0) {
                snprintf(errstr, errstr_size, "%s", "topic.output and topic.dlq must differ from topic.input");
                return NW_ERR_CONFIG;
        }
        if (strlen(cfg->redis_key_prefix) > 8) {
                snprintf(errstr, errstr_size, "%s", "redis.key_prefix is longer than 8 bytes");
                return NW_ERR_CONFIG;
        }
        if (strncmp(cfg->redis_url, "redis://", 8) != 0 && strncmp(cfg->redis_url, "unix://", 7) != 0) {
                snprintf(errstr, errstr_size, "%s", "redis.url must start with redis:// or unix://");
                return NW_ERR_CONFIG;
        }
        if (nw_log_parse_level(cfg->log_level) < 0) {
                snprintf(errstr, errstr_size, "log.level must be error, warn, notice, info or debug, not \"%s\"",
                         cfg->log_level);
                return NW_ERR_CONFIG;
        }
        return NW_OK;
}

int nw_config_is_secret(const char *key)
{
        static const char *const words[] = {"password", "secret", "sasl.oauthbearer.config",
                                            "ssl.key.pem", "ssl_key", NULL};
        for (const char *const *w = words; *w; w++) {
                if (strstr(key, *w)) {
                        return 1;
                }
        }
        return 0;
}

/* The password of a URL: from the first ':' of the user info to its last '@', exactly as
 * nw_redis_new() reads it, so that a password containing '@' or ':' is masked whole.
 * @returns 1 with *start and *len set, or 0 when the URL carries no password. */
static int url_password(const char *url, const char **start, size_t *len)
{
        const char *scheme = strstr(url, "://");
        const char *at, *colon;

        if (!scheme) {
                return 0;
        }
        at = strrchr(scheme + 3, '@');
        colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
        if (!colon) {
                return 0;
        }
        *start = colon + 1;
        *len = (size_t)(at - colon - 1);
        return 1;
}

void nw_config_mask_url(const char *url, char *out, size_t out_size)
{
        const char *pw;
        size_t len;

        if (!url_password(url, &pw, &len)) {
                snprintf(out, out_size, "%s", url);
                return;
        }
        snprintf(out, out_size, "%.*s****%s", (int)(pw - url), url, pw + len);
}

void nw_config_protect_url(const char *url)
{
        const char *pw;
        size_t len;

        if (url && url_password(url, &pw, &len) && len > 0) {
                char *copy = nw_xstrndup(pw, len);
                nw_log_add_secret(copy);
                free_secret(copy);
        }
}

void nw_config_protect_secrets(const struct nw_config *cfg)
{
        nw_log_add_secret(cfg->redis_password);
        nw_config_protect_url(cfg->redis_url);
        for (size_t i = 0; i < cfg->n_kafka; i++) {
                if (nw_config_is_secret(cfg->kafka[i].name)) {
                        nw_log_add_secret(cfg->kafka[i].value);
                }
        }
}

void nw_config_print(const struct nw_config *cfg, FILE *out)
{
        static const char *const scope_names[] = {"kafka.", "kafka.consumer.", "kafka.producer."};

        for (size_t i = 0; i < N_SETTINGS; i++) {
                const struct setting *s = &table[i];
                struct nw_config *c = (struct nw_config *)(uintptr_t)cfg;
                const char *origin = cfg->origins[i];
                if (s->type == T_STR || s->type == T_FILE) {
                        const char *v = *str_field(c, s);
                        char masked[1024];
                        if (s->secret && *v) {
                                v = "****";
                        } else if (strcmp(s->name, "redis.url") == 0) {
                                nw_config_mask_url(v, masked, sizeof(masked));
                                v = masked;
                        }
                        fprintf(out, "%s = %s  # %s\n", s->name, v, origin);
                } else if (s->type == T_BOOL) {
                        fprintf(out, "%s = %s  # %s\n", s->name,
                                *bool_field(c, s) ? "true" : "false", origin);
                } else {
                        fprintf(out, "%s = %ld  # %s\n", s->name, *long_field(c, s), origin);
                }
        }
        for (size_t i = 0; i < cfg->n_kafka; i++) {
                const struct nw_kafka_prop *p = &cfg->kafka[i];
                fprintf(out, "%s%s = %s  # %s\n", scope_names[p->scope], p->name,
                        nw_config_is_secret(p->name) ? "****" : p->value, p->origin);
        }
}

void nw_config_print_table(FILE *out)
{
        fprintf(out, "name\ttype\tdefault\tenv\tsecret\tdescription\n");
        for (size_t i = 0; i < N_SETTINGS; i++) {
                const struct setting *s = &table[i];
                char env[128] = "NEWSWORKER_";
                size_t k = strlen(env);
                for (const char *p = s->name; *p && k + 1 < sizeof(env); p++) {
                        env[k++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
                }
                env[k] = '\0';
                fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", s->name, type_name(s->type),
                        s->dflt, env, s->secret ? "yes" : "no", s->desc);
        }
}

void nw_config_print_help(FILE *out)
{
        fprintf(out, "Settings (config file \"key = value\", env NEWSWORKER_KEY with dots as _, "
                     "or --key=value):\n");
        for (size_t i = 0; i < N_SETTINGS; i++) {
                const struct setting *s = &table[i];
                fprintf(out, "  %-26s %-7s default %-26s %s\n", s->name, type_name(s->type),
                        *s->dflt ? s->dflt : "\"\"", s->desc);
        }
        fprintf(out, "  kafka.<property>           any librdkafka property, for the consumer and "
                     "the producer\n"
                     "  kafka.consumer.<property>  only for the consumer (e.g. group.id)\n"
                     "  kafka.producer.<property>  only for the producer\n"
                     "  kafka.<secret>_file        a secret property read from a file, e.g. "
                     "kafka.sasl.password_file\n"
                     "Secrets (redis.password, kafka.*password*, *secret*) are masked in "
                     "check-config and never logged.\n");
}
