/* nw_log.h -- one JSON object per line on stderr: time, level, component, message, context.
 * Levels are syslog numbers so that librdkafka's log levels line up. Not signal-safe: never
 * call from a signal handler. */
#ifndef NW_DAEMON_LOG_H
#define NW_DAEMON_LOG_H

#include <stdarg.h>

enum nw_level {
        NW_LOG_ERR = 3,
        NW_LOG_WARN = 4,
        NW_LOG_NOTICE = 5,
        NW_LOG_INFO = 6,
        NW_LOG_DEBUG = 7
};

extern int nw_log_level;

/** @returns the level for "error", "warn", "notice", "info", "debug", or -1. */
int nw_log_parse_level(const char *name);

/** @brief Write one log line. @p kv is a NULL-terminated list of key, value string pairs
 *  added as context fields (values are JSON-escaped). */
void nw_log_kv(int level, const char *component, const char *const *kv, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#define nw_log(level, component, ...)                                      \
        do {                                                               \
                if ((level) <= nw_log_level) {                             \
                        nw_log_kv((level), (component), NULL, __VA_ARGS__); \
                }                                                          \
        } while (0)

/** @brief Register a secret (copied): from now on every occurrence of it in a log line's
 *  message or context values is written as "****". A safety net under "never log a secret":
 *  it also covers librdkafka's own log lines. NULL, "" and secrets shorter than 4 bytes are
 *  ignored (masking every "a" would make logs unreadable); at most 32 are kept. */
void nw_log_add_secret(const char *secret);

/** @brief Forget every registered secret (wiping the copies). */
void nw_log_clear_secrets(void);

/** @brief Rate-limit per-message problems: @returns 1 when a line for @p key may be written
 *  now (at most @p per_minute lines a minute per key), else 0 and the suppressed count grows;
 *  the next allowed line reports how many were suppressed in @p *suppressed. */
int nw_log_allow(const char *key, int per_minute, long *suppressed);

#endif
