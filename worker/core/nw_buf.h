/* nw_buf.h -- a growable byte buffer with a hard cap, always NUL-terminated.
 * Appends past the cap fail with NW_ERR_TOO_BIG and leave the buffer as it was,
 * so every input-derived size is bounded in one place. */
#ifndef NW_CORE_BUF_H
#define NW_CORE_BUF_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "nw_err.h"

struct nw_buf {
        char *data;     /* NUL-terminated when len > 0 or after any append; may be NULL when empty */
        size_t len;
        size_t cap;     /* allocated bytes */
        size_t max;     /* hard limit on len; 0 means unlimited */
};

/** @brief Initialise an empty buffer; cannot fail. @p max 0 means no limit. */
void nw_buf_init(struct nw_buf *b, size_t max);
/** @brief Release the memory; the buffer is empty and reusable afterwards. */
void nw_buf_free(struct nw_buf *b);
/** @brief Forget the contents, keep the memory (for reuse in a hot loop). */
void nw_buf_reset(struct nw_buf *b);
/** @brief Make room for @p n more bytes, so that appends of up to that many allocate nothing.
 *  @returns NW_OK or NW_ERR_TOO_BIG (past the cap), the contents unchanged either way. */
enum nw_err nw_buf_reserve(struct nw_buf *b, size_t n);

/** @returns NW_OK or NW_ERR_TOO_BIG. */
enum nw_err nw_buf_append_slow(struct nw_buf *b, const void *p, size_t n);

/* Appends are inline when the bytes fit: text clean-up and the serializer append a few bytes
 * at a time, and a call plus the cap arithmetic cost more than the copy. (len never exceeds
 * max, and an allocated buffer always has room past len for the NUL.) */
static inline enum nw_err nw_buf_append(struct nw_buf *b, const void *p, size_t n)
{
        if (n < b->cap - b->len && (!b->max || n <= b->max - b->len)) {
                if (n) {
                        memcpy(b->data + b->len, p, n);
                }
                b->len += n;
                b->data[b->len] = '\0';
                return NW_OK;
        }
        return nw_buf_append_slow(b, p, n);
}

static inline enum nw_err nw_buf_putc(struct nw_buf *b, char c)
{
        if (b->cap - b->len > 1 && (!b->max || b->len < b->max)) {
                b->data[b->len++] = c;
                b->data[b->len] = '\0';
                return NW_OK;
        }
        return nw_buf_append_slow(b, &c, 1);
}

enum nw_err nw_buf_puts(struct nw_buf *b, const char *s);
/** @brief printf-style append. @returns NW_OK or NW_ERR_TOO_BIG. */
enum nw_err nw_buf_printf(struct nw_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/** @returns the contents as a C string ("" when empty); borrowed, valid until the next change. */
const char *nw_buf_str(const struct nw_buf *b);
/** @returns the contents, handing the memory to the caller (free()); the buffer becomes empty.
 *  Never NULL: an empty buffer yields an allocated "". */
char *nw_buf_take(struct nw_buf *b);

/* Out of memory is not recoverable here: print and abort, the orchestrator restarts us and
 * uncommitted offsets are redelivered. Callers cap sizes before allocating. */
void *nw_xmalloc(size_t n);
void *nw_xcalloc(size_t n, size_t size);
void *nw_xrealloc(void *p, size_t n);
/** @brief free(@p p) without the call when @p p is NULL: many of an article's strings are
 *  NULL, and a free(NULL) is still a call into the allocator (some forty instructions in
 *  jemalloc), which the release of every article would pay for each of them. */
static inline void nw_free(void *p)
{
        if (p) {
                free(p);
        }
}
char *nw_xstrdup(const char *s);
char *nw_xstrndup(const char *s, size_t n);

#endif
