/* nw_config.h -- the worker's settings: one table drives defaults, parsing, validation,
 * --help and check-config. Precedence, lowest first: defaults < config file < NEWSWORKER_*
 * environment < command-line flags. kafka.* properties pass through to librdkafka.
 *
 * Secrets (redis.password, and kafka.* properties whose name says password/secret/key) may
 * instead be read from a file: redis.password_file, kafka.<prop>_file (e.g.
 * kafka.sasl.password_file, env NEWSWORKER_KAFKA_SASL_PASSWORD_FILE). The file is read when
 * the key is set, at start-up; one trailing newline (LF or CRLF) is dropped; errors name the
 * file, never its content. Within one source the later line or flag wins; in the environment
 * setting both NAME and NAME_FILE is an error, since the environment has no order. */
#ifndef NW_DAEMON_CONFIG_H
#define NW_DAEMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include "nw_err.h"

enum nw_kafka_scope {
        NW_KAFKA_BOTH = 0,      /* kafka.<prop> */
        NW_KAFKA_CONSUMER,      /* kafka.consumer.<prop> */
        NW_KAFKA_PRODUCER       /* kafka.producer.<prop> */
};

struct nw_kafka_prop {
        enum nw_kafka_scope scope;
        char *name;             /* the librdkafka property name */
        char *value;
        char *origin;           /* "default", "file:line", "env NAME", "flag" */
};

struct nw_config {
        char *topic_input, *topic_output, *topic_dlq, *topic_duplicates;
        char *redis_url, *redis_password, *redis_password_file, *redis_key_prefix;
        long redis_timeout_ms, redis_backoff_max_ms;
        long dedupe_ttl_s;
        int dedupe_fail_open, dedupe_url, dedupe_near;
        long dedupe_near_threshold_pct, dedupe_near_filter_mb;
        long batch_max_messages, batch_timeout_ms;
        long worker_threads;
        long input_max_bytes, input_max_depth;
        long shutdown_timeout_ms;
        long delivery_max_attempts;
        char *log_level;
        char *http_address;
        long http_port, http_healthy_ms;

        struct nw_kafka_prop *kafka;
        size_t n_kafka;

        char **origins;         /* per table setting: "default", "file:line", "env NAME", ... */
};

/** @brief Fill @p cfg with the defaults; cannot fail. */
void nw_config_init(struct nw_config *cfg);
/** @brief Free what @p cfg owns. */
void nw_config_free(struct nw_config *cfg);

/** @brief Set one key from a source named by @p origin (for messages).
 *  @returns NW_OK or NW_ERR_CONFIG with the reason in @p errstr. */
enum nw_err nw_config_set(struct nw_config *cfg, const char *key, const char *value,
                          const char *origin, char *errstr, size_t errstr_size);

/** @brief Read a "key = value" file ('#' comments). Errors cite file:line. */
enum nw_err nw_config_load_file(struct nw_config *cfg, const char *path, char *errstr,
                                size_t errstr_size);

/** @brief Apply NEWSWORKER_* variables from @p envp (NULL-terminated, like environ). */
enum nw_err nw_config_load_env(struct nw_config *cfg, char *const *envp, char *errstr,
                               size_t errstr_size);

/** @brief Defaults that depend on other settings, once all sources are applied (a librdkafka
 *  default the user has not set may follow the mode the worker runs in). */
void nw_config_finish(struct nw_config *cfg);

/** @brief Check cross-field rules after all sources are applied. */
enum nw_err nw_config_validate(const struct nw_config *cfg, char *errstr, size_t errstr_size);

/** @brief Print the effective configuration, secrets masked, as "key = value  # origin". */
void nw_config_print(const struct nw_config *cfg, FILE *out);

/** @brief Print the table of settings (name, type, default, description). */
void nw_config_print_help(FILE *out);

/** @brief Print the settings table as tab-separated lines: name, type, default, environment
 *  variable, secret (yes/no), description -- for tests and generated documentation. */
void nw_config_print_table(FILE *out);

/** @returns 1 when @p key names a secret whose value must never be printed or logged. */
int nw_config_is_secret(const char *key);

/** @brief Copy @p url into @p out with any password replaced by "****". */
void nw_config_mask_url(const char *url, char *out, size_t out_size);

/** @brief Hand every configured secret value (redis.password, the password inside redis.url,
 *  secret kafka.* properties) to nw_log_add_secret(), so that no log line can carry one. */
void nw_config_protect_secrets(const struct nw_config *cfg);

/** @brief Hand the password inside @p url (may be NULL) to nw_log_add_secret(). */
void nw_config_protect_url(const char *url);

#endif
