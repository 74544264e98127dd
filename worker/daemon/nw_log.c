/* nw_log.c -- JSON-lines logger. Each line is built in a local buffer and written with one
 * fputs so that lines from librdkafka's callbacks and ours never interleave mid-line.
 * Registered secrets are replaced by "****" before anything is written. */
#include "nw_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "nw_buf.h"
#include "nw_time.h"

int nw_log_level = NW_LOG_INFO;

enum { MAX_SECRETS = 32, MIN_SECRET_LEN = 4 };
static char *secrets[MAX_SECRETS];
static size_t n_secrets;

void nw_log_add_secret(const char *secret)
{
        if (!secret || strlen(secret) < MIN_SECRET_LEN || n_secrets == MAX_SECRETS) {
                return;
        }
        for (size_t i = 0; i < n_secrets; i++) {
                if (strcmp(secrets[i], secret) == 0) {
                        return;
                }
        }
        secrets[n_secrets++] = nw_xstrdup(secret);
}

void nw_log_clear_secrets(void)
{
        for (size_t i = 0; i < n_secrets; i++) {
                memset(secrets[i], 0, strlen(secrets[i]));
                free(secrets[i]);
                secrets[i] = NULL;
        }
        n_secrets = 0;
}

/* @returns @p s, or @p tmp filled with @p s where every registered secret is "****". */
static const char *scrub(const char *s, struct nw_buf *tmp)
{
        int hit = 0;

        for (size_t i = 0; i < n_secrets && !hit; i++) {
                hit = strstr(s, secrets[i]) != NULL;
        }
        if (!hit) {
                return s;
        }
        nw_buf_reset(tmp);
        while (*s) {
                size_t skip = 0;
                for (size_t i = 0; i < n_secrets; i++) {
                        size_t n = strlen(secrets[i]);
                        if (strncmp(s, secrets[i], n) == 0 && n > skip) {
                                skip = n;       /* the longest match, if secrets overlap */
                        }
                }
                if (skip) {
                        nw_buf_puts(tmp, "****");
                        s += skip;
                } else {
                        nw_buf_putc(tmp, *s++);
                }
        }
        return nw_buf_str(tmp);
}

int nw_log_parse_level(const char *name)
{
        static const struct {
                const char *name;
                int level;
        } names[] = {{"error", NW_LOG_ERR}, {"warn", NW_LOG_WARN}, {"warning", NW_LOG_WARN},
                     {"notice", NW_LOG_NOTICE}, {"info", NW_LOG_INFO}, {"debug", NW_LOG_DEBUG}};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                if (strcasecmp(names[i].name, name) == 0) {
                        return names[i].level;
                }
        }
        return -1;
}

static const char *level_name(int level)
{
        switch (level) {
        case 0: case 1: case 2: case NW_LOG_ERR: return "error";
        case NW_LOG_WARN: return "warn";
        case NW_LOG_NOTICE: return "notice";
        case NW_LOG_INFO: return "info";
        default: return "debug";
        }
}

static void json_str(struct nw_buf *b, const char *s)
{
        nw_buf_putc(b, '"');
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\') {
                        nw_buf_putc(b, '\\');
                        nw_buf_putc(b, (char)c);
                } else if (c == '\n') {
                        nw_buf_puts(b, "\\n");
                } else if (c < 0x20 || c == 0x7F) {
                        nw_buf_printf(b, "\\u%04x", c);
                } else {
                        nw_buf_putc(b, (char)c);
                }
        }
        nw_buf_putc(b, '"');
}

void nw_log_kv(int level, const char *component, const char *const *kv, const char *fmt, ...)
{
        struct nw_buf b, tmp;
        char msg[2048];
        char *full = NULL;
        const char *text;
        int n;
        char when[40];
        struct timespec ts;
        va_list ap;

        if (level > nw_log_level) {
                return;
        }
        va_start(ap, fmt);
        n = vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (n >= (int)sizeof(msg) && n < (1 << 20)) {
                /* format the whole message, so that a secret cut by the cap cannot slip past
                 * the scrubber half-printed; the cap is applied after scrubbing */
                full = nw_xmalloc((size_t)n + 1);
                va_start(ap, fmt);
                vsnprintf(full, (size_t)n + 1, fmt, ap);
                va_end(ap);
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        nw_time_format((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, 1, when, sizeof(when));
        nw_buf_init(&b, 0);
        nw_buf_init(&tmp, 0);
        nw_buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"component\":", when,
                      level_name(level));
        json_str(&b, component);
        nw_buf_puts(&b, ",\"msg\":");
        text = scrub(full ? full : msg, &tmp);
        if (strlen(text) >= sizeof(msg)) {
                memcpy(msg, text, sizeof(msg) - 1);    /* the cap, as before */
                msg[sizeof(msg) - 1] = '\0';
                text = msg;
        }
        json_str(&b, text);
        for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
                nw_buf_putc(&b, ',');
                json_str(&b, kv[i]);
                nw_buf_putc(&b, ':');
                json_str(&b, scrub(kv[i + 1], &tmp));
        }
        nw_buf_puts(&b, "}\n");
        fputs(nw_buf_str(&b), stderr);
        fflush(stderr);
        nw_buf_free(&tmp);
        nw_buf_free(&b);
        free(full);
}

struct limiter {
        char key[48];
        time_t minute;
        int count;
        long suppressed;
};

int nw_log_allow(const char *key, int per_minute, long *suppressed)
{
        static struct limiter slots[32];
        struct limiter *l = NULL;
        time_t now = time(NULL) / 60;

        for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
                if (strcmp(slots[i].key, key) == 0 || slots[i].key[0] == '\0') {
                        l = &slots[i];
                        break;
                }
        }
        if (!l) {
                l = &slots[0];  /* more keys than slots: share one budget */
        }
        if (l->key[0] == '\0') {
                snprintf(l->key, sizeof(l->key), "%s", key);
        }
        if (l->minute != now) {
                l->minute = now;
                l->count = 0;
        }
        if (l->count >= per_minute) {
                l->suppressed++;
                return 0;
        }
        l->count++;
        *suppressed = l->suppressed;
        l->suppressed = 0;
        return 1;
}
