/* nw_decode.c -- decoding raw items. JSON goes through yajl's event parser rather than its
 * tree, so nesting is bounded while parsing (the tree's teardown recurses) and unknown
 * members stream straight into the `extra` object without a second pass. */
#include "nw_decode.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <strings.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "nw_buf.h"
#include "nw_swar.h"
#include "nw_text.h"

void nw_raw_free(struct nw_raw *raw)
{
        nw_free(raw->id);
        nw_free(raw->source);
        nw_free(raw->url);
        nw_free(raw->title);
        nw_free(raw->body);
        nw_free(raw->published_at);
        nw_free(raw->language);
        nw_free(raw->content_type);
        nw_free(raw->extra_json);
        memset(raw, 0, sizeof(*raw));
}

enum field {
        F_NONE = 0, F_ID, F_SOURCE, F_URL, F_TITLE, F_BODY, F_PUBLISHED_AT, F_LANGUAGE,
        F_CONTENT_TYPE, F_EXTRA
};

static const struct {
        const char *name;
        size_t len;             /* of name: compared before the bytes, for every key */
        enum field f;
} known[] = {
#define KNOWN(name, f) {name, sizeof(name) - 1, f}
        KNOWN("id", F_ID), KNOWN("source", F_SOURCE), KNOWN("url", F_URL),
        KNOWN("title", F_TITLE), KNOWN("body", F_BODY), KNOWN("published_at", F_PUBLISHED_AT),
        KNOWN("language", F_LANGUAGE), KNOWN("content_type", F_CONTENT_TYPE),
#undef KNOWN
};

struct jctx {
        struct nw_raw *raw;
        int depth;              /* 0 outside, 1 inside the top-level object */
        int max_depth;
        enum field cur;         /* the member whose value comes next (depth 1) */
        yajl_gen extra;         /* unknown members, re-serialized */
        int extra_open;
        enum nw_err err;
        char reason[160];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct jctx *c, enum nw_err err, const char *fmt, ...)
{
        va_list ap;

        c->err = err;
        va_start(ap, fmt);
        vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
        va_end(ap);
        return 0;       /* yajl: cancel the parse */
}

/* yajl decodes \u escapes without checking them: a lone low surrogate ("\udc00") comes out
 * as the bytes ED B0 80, which are not UTF-8 and would reach the record and the logs. The raw
 * value was validated before parsing, so only an escape can produce this. NUL bytes (from
 * "\u0000") are the callers' business: known fields refuse them, extra members re-escape them. */
static int escapes_ok(struct jctx *c, const unsigned char *s, size_t n, const char *where)
{
        size_t off = 0;

        while (off < n) {
                const unsigned char *nul = memchr(s + off, '\0', n - off);
                size_t seg = nul ? (size_t)(nul - (s + off)) : n - off;

                if (nw_utf8_validate((const char *)s + off, seg, NULL) != NW_OK) {
                        return fail(c, NW_ERR_BAD_UTF8,
                                    "%s: a \\u escape is not a Unicode character (lone surrogate)",
                                    where);
                }
                off += seg + 1;
        }
        return 1;
}

static const char *field_name(enum field f)
{
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
                if (known[i].f == f) {
                        return known[i].name;
                }
        }
        return "?";
}

/* A value of a known member: strings are taken, null means absent, anything else is a type
 * error except a numeric id, which producers commonly send. */
static int set_field(struct jctx *c, const char *s, size_t n, int is_string, int is_null)
{
        char **slot = NULL;

        switch (c->cur) {
        case F_ID: slot = &c->raw->id; break;
        case F_SOURCE: slot = &c->raw->source; break;
        case F_URL: slot = &c->raw->url; break;
        case F_TITLE: slot = &c->raw->title; break;
        case F_BODY: slot = &c->raw->body; break;
        case F_PUBLISHED_AT: slot = &c->raw->published_at; break;
        case F_LANGUAGE: slot = &c->raw->language; break;
        case F_CONTENT_TYPE: slot = &c->raw->content_type; break;
        default: return 1;
        }
        if (is_null) {
                return 1;
        }
        if (!is_string && !(c->cur == F_ID && s)) {
                return fail(c, NW_ERR_BAD_FIELD, "field \"%s\" must be a string",
                            field_name(c->cur));
        }
        if (memchr(s, '\0', n)) {
                return fail(c, NW_ERR_NUL_BYTE, "field \"%s\" contains a NUL character",
                            field_name(c->cur));
        }
        if (is_string && !escapes_ok(c, (const unsigned char *)s, n, field_name(c->cur))) {
                return 0;
        }
        free(*slot);    /* a repeated member: the last one wins, as in most JSON readers */
        *slot = nw_xstrndup(s, n);
        if (c->cur == F_TITLE) {
                c->raw->title_len = n;
        } else if (c->cur == F_BODY) {
                c->raw->body_len = n;
        }
        return 1;
}

static int in_extra(struct jctx *c)
{
        return c->depth > 1 || (c->depth == 1 && c->cur == F_EXTRA);
}

/* After a complete value at depth 1 the next thing is a key again. */
static void value_done(struct jctx *c)
{
        if (c->depth == 1) {
                c->cur = F_NONE;
        }
}

static int gen_ok(struct jctx *c, yajl_gen_status st)
{
        if (st != yajl_gen_status_ok) {
                return fail(c, NW_ERR_BAD_JSON, "%s", "could not re-encode an unknown member");
        }
        return 1;
}

static int on_null(void *ctx)
{
        struct jctx *c = ctx;
        if (c->depth == 0) {
                return fail(c, NW_ERR_NOT_OBJECT, "%s", "the JSON value is null, not an object");
        }
        if (in_extra(c)) {
                int ok = gen_ok(c, yajl_gen_null(c->extra));
                value_done(c);
                return ok;
        }
        set_field(c, NULL, 0, 0, 1);
        value_done(c);
        return 1;
}

static int on_bool(void *ctx, int b)
{
        struct jctx *c = ctx;
        if (c->depth == 0) {
                return fail(c, NW_ERR_NOT_OBJECT, "%s", "the JSON value is a boolean, not an object");
        }
        if (in_extra(c)) {
                int ok = gen_ok(c, yajl_gen_bool(c->extra, b));
                value_done(c);
                return ok;
        }
        if (!set_field(c, NULL, 0, 0, 0)) {
                return 0;
        }
        value_done(c);
        return 1;
}

static int on_number(void *ctx, const char *s, size_t n)
{
        struct jctx *c = ctx;
        if (c->depth == 0) {
                return fail(c, NW_ERR_NOT_OBJECT, "%s", "the JSON value is a number, not an object");
        }
        if (in_extra(c)) {
                int ok = gen_ok(c, yajl_gen_number(c->extra, s, n));
                value_done(c);
                return ok;
        }
        if (!set_field(c, s, n, 0, 0)) {
                return 0;
        }
        value_done(c);
        return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
        struct jctx *c = ctx;
        if (c->depth == 0) {
                return fail(c, NW_ERR_NOT_OBJECT, "%s", "the JSON value is a string, not an object");
        }
        if (in_extra(c)) {
                int ok = escapes_ok(c, s, n, "an unknown member's value") &&
                         gen_ok(c, yajl_gen_string(c->extra, s, n));
                value_done(c);
                return ok;
        }
        if (!set_field(c, (const char *)s, n, 1, 0)) {
                return 0;
        }
        value_done(c);
        return 1;
}

static int open_container(struct jctx *c, int is_map)
{
        if (c->depth >= c->max_depth) {
                return fail(c, NW_ERR_TOO_DEEP, "JSON nesting exceeds the limit of %d levels",
                            c->max_depth);
        }
        if (c->depth == 0) {
                if (!is_map) {
                        return fail(c, NW_ERR_NOT_OBJECT, "%s", "the JSON value is an array, not an object");
                }
                c->depth = 1;
                return 1;
        }
        if (c->depth == 1 && c->cur != F_EXTRA) {
                return fail(c, NW_ERR_BAD_FIELD, "field \"%s\" must be a string",
                            field_name(c->cur));
        }
        c->depth++;
        return gen_ok(c, is_map ? yajl_gen_map_open(c->extra) : yajl_gen_array_open(c->extra));
}

static int close_container(struct jctx *c, int is_map)
{
        c->depth--;
        if (c->depth == 0) {
                return 1;
        }
        if (!gen_ok(c, is_map ? yajl_gen_map_close(c->extra) : yajl_gen_array_close(c->extra))) {
                return 0;
        }
        value_done(c);
        return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, 1); }
static int on_end_map(void *ctx) { return close_container(ctx, 1); }
static int on_start_array(void *ctx) { return open_container(ctx, 0); }
static int on_end_array(void *ctx) { return close_container(ctx, 0); }

static int on_map_key(void *ctx, const unsigned char *k, size_t n)
{
        struct jctx *c = ctx;

        if (!escapes_ok(c, k, n, "a member name")) {
                return 0;
        }
        if (c->depth > 1) {
                return gen_ok(c, yajl_gen_string(c->extra, k, n));
        }
        c->cur = F_EXTRA;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
                if (known[i].len == n && memcmp(known[i].name, k, n) == 0) {
                        c->cur = known[i].f;
                        return 1;
                }
        }
        if (!c->extra_open) {
                if (!gen_ok(c, yajl_gen_map_open(c->extra))) {
                        return 0;
                }
                c->extra_open = 1;
        }
        return gen_ok(c, yajl_gen_string(c->extra, k, n));
}

static const yajl_callbacks callbacks = {
        on_null, on_bool, NULL, NULL, on_number, on_string, on_start_map, on_map_key,
        on_end_map, on_start_array, on_end_array,
};

static enum nw_err decode_json(const char *value, size_t len, const struct nw_limits *lim,
                               struct nw_raw *out, char *errstr, size_t errstr_size)
{
        struct jctx c;
        yajl_handle h = NULL;
        yajl_status st;
        enum nw_err err = NW_OK;

        memset(&c, 0, sizeof(c));
        c.raw = out;
        c.max_depth = lim->max_depth;
        c.extra = yajl_gen_alloc(NULL);
        h = yajl_alloc(&callbacks, NULL, &c);
        if (!c.extra || !h) {
                abort();
        }
        st = yajl_parse(h, (const unsigned char *)value, len);
        if (st == yajl_status_ok) {
                st = yajl_complete_parse(h);
        }
        if (st != yajl_status_ok) {
                if (c.err != NW_OK) {
                        err = c.err;
                        snprintf(errstr, errstr_size, "%s", c.reason);
                } else {
                        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)value, len);
                        err = NW_ERR_BAD_JSON;
                        snprintf(errstr, errstr_size, "invalid JSON: %s",
                                 msg ? (const char *)msg : "parse error");
                        /* yajl's message ends in a newline; a reason is one line */
                        for (char *p = errstr; *p; p++) {
                                if (*p == '\n') {
                                        *p = '\0';
                                        break;
                                }
                        }
                        yajl_free_error(h, msg);
                }
                goto out;
        }
        if (c.extra_open) {
                const unsigned char *buf;
                size_t blen;
                if (!gen_ok(&c, yajl_gen_map_close(c.extra)) ||
                    yajl_gen_get_buf(c.extra, &buf, &blen) != yajl_gen_status_ok) {
                        err = NW_ERR_BAD_JSON;
                        snprintf(errstr, errstr_size, "%s", "could not re-encode unknown members");
                        goto out;
                }
                out->extra_json = nw_xstrndup((const char *)buf, blen);
        }
        out->is_json = 1;
out:
        yajl_free(h);
        yajl_gen_free(c.extra);
        return err;
}

/* ---- the common case without yajl ------------------------------------------------------
 * Most values are one flat object of known members with string (or null) values and only
 * the short escapes. Such a value is read here in one pass, with exactly the result the
 * event parser gives; anything else (numbers, nesting, unknown members, \u escapes, errors of
 * any kind) makes the reader give up and leaves the value to yajl, so every message and
 * every corner keeps yajl's behaviour. */

static int json_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_space(const char *p, const char *end)
{
        while (p < end && json_space(*p)) {
                p++;
        }
        return p;
}

/* The high bit of each byte of @p x that ends a run of plain string bytes: a control byte,
 * '"' or '\\'. The lowest set bit is exact (a borrow only runs upwards). */
static uint64_t special8(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

        return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

/* The string whose opening quote is at p[-1]: its decoded bytes as a new string in @p *val,
 * the byte after the closing quote returned; NULL to give up. */
static const char *fast_string(const char *p, const char *end, char **val, size_t *vlen)
{
        const char *q = p;
        char *d, *out;
        int escapes = 0, found;

        /* find the closing quote, runs of plain bytes eight at a time */
        for (;;) {
                if (q >= end) {
                        return NULL;    /* unterminated, or a backslash was the last byte */
                }
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
                /* sixteen bytes a step to the next quote, backslash or control byte: the
                 * plain runs of wire copy are a line long, between escaped newlines */
                while (end - q >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
                        __m128i hit = _mm_or_si128(
                                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                /* below 0x20, unsigned: the minimum with 0x1F is the byte */
                                _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
                        unsigned m = (unsigned)_mm_movemask_epi8(hit);
                        if (m) {
                                q += __builtin_ctz(m);
                                goto stopped;
                        }
                        q += 16;
                }
#endif
                /* the last bytes, or all of them without SSE2 */
                q += nw_swar_skip(q, 0, (size_t)(end - q), special8, &found);
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
stopped:
#endif
                if (q >= end || (unsigned char)*q < 0x20) {
                        return NULL;    /* yajl refuses a raw control byte: let it say so */
                }
                if (*q == '"') {
                        break;
                }
                if (*q == '\\') {
                        escapes = 1;
                        q++;            /* the escaped byte cannot end the string */
                }
                q++;
        }
        if (!escapes) {
                *vlen = (size_t)(q - p);
                *val = nw_xstrndup(p, *vlen);
                return q + 1;
        }
        /* decoding only shortens */
        out = d = nw_xmalloc((size_t)(q - p) + 1);
        while (p < q) {
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
                /* Sixteen bytes copied a step up to the next backslash. The copy may run
                 * past it, never past the output's end: d is never ahead of p. Wire copy
                 * has an escaped newline every line or two, and a library call each cost
                 * more than the copying. */
                while (q - p >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
                        unsigned m = (unsigned)_mm_movemask_epi8(
                                _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
                        _mm_storeu_si128((__m128i *)(void *)d, v);
                        if (m) {
                                size_t k = (size_t)__builtin_ctz(m);
                                p += k;
                                d += k;
                                break;
                        }
                        p += 16;
                        d += 16;
                }
                while (p < q && *p != '\\') {
                        *d++ = *p++;
                }
#else
                const char *bs = memchr(p, '\\', (size_t)(q - p));
                size_t run = bs ? (size_t)(bs - p) : (size_t)(q - p);

                memcpy(d, p, run);
                d += run;
                p += run;
#endif
                if (p == q) {
                        break;
                }
                switch (p[1]) {
                case '"': *d++ = '"'; break;
                case '\\': *d++ = '\\'; break;
                case '/': *d++ = '/'; break;
                case 'b': *d++ = '\b'; break;
                case 'f': *d++ = '\f'; break;
                case 'n': *d++ = '\n'; break;
                case 'r': *d++ = '\r'; break;
                case 't': *d++ = '\t'; break;
                default:
                        free(out);      /* \u, or not an escape at all */
                        return NULL;
                }
                p += 2;
        }
        *d = '\0';
        *vlen = (size_t)(d - out);
        *val = out;
        return q + 1;
}

/* @returns 1 with @p out filled, or 0 (out empty) when yajl must read the value. */
static int decode_fast(const char *value, size_t len, const struct nw_limits *lim,
                       struct nw_raw *out)
{
        const char *p = value, *end = value + len;

        if (lim->max_depth < 1) {
                return 0;
        }
        p = skip_space(p, end);
        if (p == end || *p != '{') {
                return 0;
        }
        p = skip_space(p + 1, end);
        if (p < end && *p == '}') {
                p++;
                goto done;
        }
        for (;;) {
                const char *k;
                size_t klen, vlen;
                char **slot = NULL, *val;

                if (p == end || *p != '"') {
                        goto give_up;
                }
                k = ++p;
                while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
                        p++;
                }
                if (p == end || *p != '"') {
                        goto give_up;
                }
                klen = (size_t)(p - k);
                for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
                        if (known[i].len == klen && memcmp(known[i].name, k, klen) == 0) {
                                switch (known[i].f) {
                                case F_ID: slot = &out->id; break;
                                case F_SOURCE: slot = &out->source; break;
                                case F_URL: slot = &out->url; break;
                                case F_TITLE: slot = &out->title; break;
                                case F_BODY: slot = &out->body; break;
                                case F_PUBLISHED_AT: slot = &out->published_at; break;
                                case F_LANGUAGE: slot = &out->language; break;
                                case F_CONTENT_TYPE: slot = &out->content_type; break;
                                default: break;
                                }
                                break;
                        }
                }
                if (!slot) {
                        goto give_up;   /* an unknown member: yajl re-encodes it */
                }
                p = skip_space(p + 1, end);
                if (p == end || *p != ':') {
                        goto give_up;
                }
                p = skip_space(p + 1, end);
                if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
                        /* null means absent: an earlier value stays */
                        p += 4;
                } else if (p < end && *p == '"') {
                        p = fast_string(p + 1, end, &val, &vlen);
                        if (!p) {
                                goto give_up;
                        }
                        nw_free(*slot); /* a repeated member: the last one wins */
                        *slot = val;
                        if (slot == &out->title) {
                                out->title_len = vlen;
                        } else if (slot == &out->body) {
                                out->body_len = vlen;
                        }
                } else {
                        goto give_up;
                }
                p = skip_space(p, end);
                if (p < end && *p == ',') {
                        p = skip_space(p + 1, end);
                        continue;
                }
                if (p < end && *p == '}') {
                        p++;
                        break;
                }
                goto give_up;
        }
done:
        if (skip_space(p, end) != end) {
                goto give_up;
        }
        out->is_json = 1;
        return 1;
give_up:
        nw_raw_free(out);
        return 0;
}

/* Plain text: the first non-empty line is the title, everything after it the body. */
static void decode_text(const char *value, size_t len, struct nw_raw *out)
{
        const char *p = value, *end = value + len;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *line_end = nl ? nl : end;
                const char *q = p;
                while (q < line_end && (*q == ' ' || *q == '\t' || *q == '\r')) {
                        q++;
                }
                if (q < line_end) {
                        out->title_len = (size_t)(line_end - p);
                        out->title = nw_xstrndup(p, out->title_len);
                        if (nl) {
                                out->body_len = (size_t)(end - nl - 1);
                                out->body = nw_xstrndup(nl + 1, out->body_len);
                        }
                        return;
                }
                p = nl ? nl + 1 : end;
        }
}

static int blank(const char *s)
{
        if (!s) {
                return 1;
        }
        for (; *s; s++) {
                if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
                        return 0;
                }
        }
        return 1;
}

static enum nw_err decode(const char *value, size_t len, const char *content_type,
                          const struct nw_limits *lim, struct nw_raw *out, char *errstr,
                          size_t errstr_size, int fast)
{
        enum nw_err err;
        size_t bad_at = 0, i = 0;
        int json;

        memset(out, 0, sizeof(*out));
        if (len == 0 || !value) {
                snprintf(errstr, errstr_size, "%s", "the message value is empty");
                return NW_ERR_EMPTY;
        }
        if (len > lim->max_bytes) {
                snprintf(errstr, errstr_size, "the value has %zu bytes, over the limit of %zu",
                         len, lim->max_bytes);
                return NW_ERR_TOO_BIG;
        }
        err = nw_utf8_validate(value, len, &bad_at);
        if (err == NW_ERR_NUL_BYTE) {
                snprintf(errstr, errstr_size, "NUL byte at offset %zu", bad_at);
                return err;
        }
        if (err != NW_OK) {
                snprintf(errstr, errstr_size, "invalid UTF-8 at byte offset %zu", bad_at);
                return err;
        }
        while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' ||
                           value[i] == '\r')) {
                i++;
        }
        if (i == len) {
                snprintf(errstr, errstr_size, "%s", "the message value is only white space");
                return NW_ERR_EMPTY;
        }
        if (content_type && strstr(content_type, "json")) {
                json = 1;
        } else if (content_type && strncasecmp(content_type, "text/plain", 10) == 0) {
                json = 0;
        } else {
                json = value[i] == '{' || value[i] == '[';
        }
        if (json && fast && decode_fast(value, len, lim, out)) {
                err = NW_OK;
        } else if (json) {
                err = decode_json(value, len, lim, out, errstr, errstr_size);
                if (err != NW_OK) {
                        nw_raw_free(out);
                        return err;
                }
        } else {
                decode_text(value, len, out);
        }
        if (blank(out->title) && blank(out->body)) {
                snprintf(errstr, errstr_size, "%s", "the item has neither a title nor a body");
                nw_raw_free(out);
                return NW_ERR_NO_CONTENT;
        }
        return NW_OK;
}

enum nw_err nw_decode(const char *value, size_t len, const char *content_type,
                      const struct nw_limits *lim, struct nw_raw *out, char *errstr,
                      size_t errstr_size)
{
        return decode(value, len, content_type, lim, out, errstr, errstr_size, 1);
}

enum nw_err nw_decode_reference(const char *value, size_t len, const char *content_type,
                                const struct nw_limits *lim, struct nw_raw *out, char *errstr,
                                size_t errstr_size)
{
        return decode(value, len, content_type, lim, out, errstr, errstr_size, 0);
}
