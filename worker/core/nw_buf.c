/* nw_buf.c -- capped growable buffer and the aborting allocators. */
#include "nw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
        fprintf(stderr, "newsworker: out of memory allocating %zu bytes\n", n);
        abort();
}

void *nw_xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (!p) {
                oom(n);
        }
        return p;
}

void *nw_xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        if (!p) {
                oom(n * size);
        }
        return p;
}

void *nw_xrealloc(void *p, size_t n)
{
        void *q = realloc(p, n ? n : 1);
        if (!q) {
                oom(n);
        }
        return q;
}

char *nw_xstrndup(const char *s, size_t n)
{
        char *d = nw_xmalloc(n + 1);
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

char *nw_xstrdup(const char *s)
{
        return nw_xstrndup(s, strlen(s));
}

void nw_buf_init(struct nw_buf *b, size_t max)
{
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
        b->max = max;
}

void nw_buf_free(struct nw_buf *b)
{
        nw_free(b->data);
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
}

void nw_buf_reset(struct nw_buf *b)
{
        b->len = 0;
        if (b->data) {
                b->data[0] = '\0';
        }
}

static enum nw_err reserve(struct nw_buf *b, size_t n)
{
        size_t need;

        if (n > (size_t)-1 - b->len - 1) {
                return NW_ERR_TOO_BIG;
        }
        need = b->len + n;
        if (b->max && need > b->max) {
                return NW_ERR_TOO_BIG;
        }
        if (need + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < need + 1) {
                        cap *= 2;
                }
                b->data = nw_xrealloc(b->data, cap);
                b->cap = cap;
        }
        return NW_OK;
}

enum nw_err nw_buf_reserve(struct nw_buf *b, size_t n)
{
        if (reserve(b, n) != NW_OK) {
                return NW_ERR_TOO_BIG;
        }
        if (b->data) {
                b->data[b->len] = '\0';        /* a new allocation reads as "" too */
        }
        return NW_OK;
}

enum nw_err nw_buf_append_slow(struct nw_buf *b, const void *p, size_t n)
{
        if (reserve(b, n) != NW_OK) {
                return NW_ERR_TOO_BIG;
        }
        if (n) {
                memcpy(b->data + b->len, p, n);
        }
        b->len += n;
        b->data[b->len] = '\0';
        return NW_OK;
}

enum nw_err nw_buf_puts(struct nw_buf *b, const char *s)
{
        return nw_buf_append(b, s, strlen(s));
}

enum nw_err nw_buf_printf(struct nw_buf *b, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
                return NW_ERR_TOO_BIG;
        }
        if (reserve(b, (size_t)n) != NW_OK) {
                return NW_ERR_TOO_BIG;
        }
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return NW_OK;
}

const char *nw_buf_str(const struct nw_buf *b)
{
        return b->data ? b->data : "";
}

char *nw_buf_take(struct nw_buf *b)
{
        char *p = b->data ? b->data : nw_xstrdup("");
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
        return p;
}
