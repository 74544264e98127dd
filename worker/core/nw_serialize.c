/* nw_serialize.c -- the v1 record, written straight into the output buffer. The bytes are
 * exactly what yajl_gen (compact, no UTF-8 check, solidus unescaped) makes of the same calls:
 * consumers and the golden outputs compare records byte for byte. A record that cannot be
 * completed leaves the output as it was: a record cut short must never reach Kafka. */
#include "nw_serialize.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <yajl/yajl_parse.h>

#include "nw_err.h"
#include "nw_swar.h"

/* yajl_gen's nesting limit (YAJL_MAX_DEPTH), which the replayed `extra` object can reach */
#define GEN_MAX_DEPTH 128

struct gen {
        struct nw_buf *out;
        int ok;
        int comma;      /* a value ended here: the next value or key needs a ',' first */
        int depth;
};

static inline void put(struct gen *w, const char *s, size_t n)
{
        /* after a failure the record is dropped whole, so later appends need no guard */
        if (nw_buf_append(w->out, s, n) != NW_OK) {
                w->ok = 0;
        }
}

static void sep(struct gen *w)
{
        if (w->comma) {
                put(w, ",", 1);
        }
}

/* The bytes that JSON (as yajl writes it) escapes, eight at a time: the high bit of a byte of
 * the result is set for a control byte, '"' or '\\'. A set bit may be a false positive only
 * above a true one (a borrow runs upwards), so the lowest set bit is always exact. */
static uint64_t special8(uint64_t x)
{
        const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

        return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

static const char *escape_of(unsigned char c, char hex[7])
{
        switch (c) {
        case '\r': return "\\r";
        case '\n': return "\\n";
        case '\\': return "\\\\";
        case '"': return "\\\"";
        case '\f': return "\\f";
        case '\b': return "\\b";
        case '\t': return "\\t";
        default:
                if (c < 0x20) {
                        static const char digits[] = "0123456789ABCDEF";
                        memcpy(hex, "\\u00", 4);
                        hex[4] = digits[c >> 4];
                        hex[5] = digits[c & 15];
                        hex[6] = '\0';
                        return hex;
                }
                return NULL;
        }
}

static int special(unsigned char c)
{
        return c < 0x20 || c == '"' || c == '\\';
}

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
/* Bit k set when byte k of the sixteen in @p v needs escaping: a control byte (one whose
 * unsigned maximum with 0x1F is 0x1F), a quote or a backslash. */
static inline unsigned special16(__m128i v)
{
        __m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
        __m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
        __m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));

        return (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, _mm_or_si128(q, b)));
}
#endif

/* The first byte at or after @p i that needs escaping, or @p n. */
static size_t plain_up_to(const char *s, size_t i, size_t n)
{
        int found;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        /* sixteen bytes a step */
        while (n - i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                unsigned m = special16(v);
                if (m) {
                        return i + (size_t)__builtin_ctz(m);
                }
                i += 16;
        }
#endif
        i = nw_swar_skip(s, i, n, special8, &found);
        if (found) {
                return i;
        }
        while (i < n && !special((unsigned char)s[i])) {
                i++;
        }
        return i;
}

/* Copy @p s[0, n) to @p d up to the first byte that needs escaping, reading each byte once
 * for both. Writes nothing at or past d + n.
 * @returns the index of that byte, or @p n. */
static size_t copy_plain(char *d, const char *s, size_t n)
{
        size_t i = 0;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        while (n - i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                unsigned m = special16(v);
                _mm_storeu_si128((__m128i *)(void *)(d + i), v);
                if (m) {
                        return i + (size_t)__builtin_ctz(m);
                }
                i += 16;
        }
        if (i > 0 && i < n) {
                /* the last bytes in one step that ends at n and goes back over bytes already
                 * found plain, so the first flagged byte is past them */
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
                unsigned m = special16(v);
                _mm_storeu_si128((__m128i *)(void *)(d + n - 16), v);
                return m ? n - 16 + (size_t)__builtin_ctz(m) : n;
        }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* eight bytes a step, the last step likewise ending at n (special8's lowest flag is
         * exact, and the bytes it goes back over are plain) */
        while (n - i >= 8) {
                uint64_t x, m;
                memcpy(&x, s + i, 8);
                memcpy(d + i, &x, 8);
                m = special8(x);
                if (m) {
                        return i + ((size_t)__builtin_ctzll(m) >> 3);
                }
                i += 8;
        }
        if (i > 0 && i < n) {
                uint64_t x, m;
                memcpy(&x, s + n - 8, 8);
                memcpy(d + n - 8, &x, 8);
                m = special8(x);
                return m ? n - 8 + ((size_t)__builtin_ctzll(m) >> 3) : n;
        }
#endif
        for (; i < n; i++) {
                if (special((unsigned char)s[i])) {
                        return i;
                }
                d[i] = s[i];
        }
        return n;
}

/* The rest of a JSON string through the appends, from @p run on (@p i, at or after it, is
 * the first byte to escape, or @p n), and its closing quote. */
static void string_tail(struct gen *w, const char *s, size_t run, size_t i, size_t n)
{
        char hex[7];

        while (i < n) {
                const char *esc = escape_of((unsigned char)s[i], hex);
                put(w, s + run, i - run);
                put(w, esc, esc[1] == 'u' ? 6 : 2);
                run = ++i;
                i = plain_up_to(s, i, n);
        }
        put(w, s + run, n - run);
        put(w, "\"", 1);
        w->comma = 1;
}

/* A JSON string: runs of plain bytes are copied whole, only the bytes that need it escaped.
 * Bytes past 0x7F go through untouched, valid UTF-8 or not, as yajl_gen does by default. */
static void string_n(struct gen *w, const char *s, size_t n)
{
        struct nw_buf *b = w->out;
        size_t run = 0, i;

        if (n + 3 < b->cap - b->len && (!b->max || n + 3 <= b->max - b->len)) {
                /* room for it all: copied while it is checked, and the bytes to escape (a
                 * body's newlines) written in place while the rest still fits */
                char *d = b->data + b->len;
                *d = ',';
                d += w->comma;
                *d++ = '"';
                i = 0;
                for (;;) {
                        size_t k = copy_plain(d, s + i, n - i);
                        char hex[7];
                        const char *esc;
                        size_t e, need;

                        d += k;
                        i += k;
                        if (i == n) {
                                *d++ = '"';
                                *d = '\0';
                                b->len = (size_t)(d - b->data);
                                w->comma = 1;
                                return;
                        }
                        esc = escape_of((unsigned char)s[i], hex);
                        e = esc[1] == 'u' ? 6 : 2;
                        /* the escape, the bytes after it, the quote and the NUL */
                        need = e + (n - i - 1) + 2;
                        if (need > b->cap - (size_t)(d - b->data) ||
                            (b->max && (size_t)(d - b->data) + need - 1 > b->max)) {
                                break;
                        }
                        memcpy(d, esc, e);
                        d += e;
                        i++;
                }
                /* out of room: what is written stays, the rest goes through the appends */
                b->len = (size_t)(d - b->data);
                b->data[b->len] = '\0';
                run = i;
        } else {
                sep(w);
                put(w, "\"", 1);
                i = plain_up_to(s, 0, n);
        }
        string_tail(w, s, run, i, n);
}

static void str(struct gen *w, const char *s)
{
        if (!s) {
                sep(w);
                put(w, "null", 4);
                w->comma = 1;
                return;
        }
        string_n(w, s, strlen(s));
}

/* A member name of ours: plain ASCII, nothing to escape, so it goes out with its quotes,
 * colon and any comma in one copy. Inlined at each key(), where @p n is a constant: the
 * copy is then a move or two (a call with a size known only at run time cost more than the
 * bytes). The comma is written either way and kept only when it is wanted, so the size of
 * the copy does not depend on it. */
static inline __attribute__((always_inline)) void member(struct gen *w, const char *quoted,
                                                         size_t n)
{
        struct nw_buf *b = w->out;

        if (n + 1 < b->cap - b->len && (!b->max || n <= b->max - b->len)) {
                char *d = b->data + b->len;
                *d = ',';
                d += w->comma;
                memcpy(d, quoted + 1, n - 1);
                d[n - 1] = '\0';
                b->len = (size_t)(d + n - 1 - b->data);
        } else if (w->comma) {
                put(w, quoted, n);
        } else {
                put(w, quoted + 1, n - 1);
        }
        w->comma = 0;
}

#define key(w, k) member(w, ",\"" k "\":", sizeof(",\"" k "\":") - 1)

static void atom(struct gen *w, const char *s, size_t n)
{
        sep(w);
        put(w, s, n);
        w->comma = 1;
}

static void null(struct gen *w)
{
        atom(w, "null", 4);
}

/* "%lld" by hand: the record has a few numbers and printf is most of their cost. */
static void integer(struct gen *w, long long v)
{
        char buf[24];
        size_t at = sizeof(buf);
        /* the magnitude in unsigned arithmetic, which LLONG_MIN also fits */
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

        do {
                buf[--at] = (char)('0' + u % 10);
                u /= 10;
        } while (u);
        if (v < 0) {
                buf[--at] = '-';
        }
        atom(w, buf + at, sizeof(buf) - at);
}

/* "%.15g" for the common figures ("5.93", "-0.25") without printf, or 0 to leave it to
 * printf. When a decimal of at most 15 significant digits reads back as exactly @p v, it is
 * what "%.15g" prints: a double carries more than 15 digits, so rounding @p v to 15 digits
 * cannot land anywhere else. r / 10^k in double arithmetic is correctly rounded, so it reads
 * back exactly as strtod() would. */
static int short_decimal(double v, char *buf, int *len)
{
        static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
        double a = fabs(v);
        char digits[24];
        int k, nd = 0, n = 0;
        long long r = 0;

        /* below 1e-4 "%g" switches to an exponent */
        if (!(a >= 1e-4 && a < 1e9)) {
                return 0;
        }
        for (k = 1; k < 10; k++) {
                double x = a * p10[k];
                if (x >= 1e15) {
                        return 0;
                }
                r = (long long)(x + 0.5);
                if ((double)r / p10[k] == a) {
                        break;
                }
        }
        if (k == 10 || r % 10 == 0 || r >= 1000000000000000LL) {
                return 0;
        }
        for (long long q = r; q; q /= 10) {
                digits[nd++] = (char)('0' + q % 10);
        }
        while (nd <= k) {
                digits[nd++] = '0';     /* "0.05": zeros up to the point */
        }
        if (v < 0) {
                buf[n++] = '-';
        }
        while (nd > k) {
                buf[n++] = digits[--nd];
        }
        buf[n++] = '.';
        while (nd > 0) {
                buf[n++] = digits[--nd];
        }
        buf[n] = '\0';
        *len = n;
        return 1;
}

/* Whole numbers print without a fraction ("6150000000", not "6.15e9"): consumers compare
 * amounts as plain numbers. */
static void number(struct gen *w, double v)
{
        char buf[40];
        int n;

        if (!isfinite(v)) {
                null(w);
                return;
        }
        if (v == floor(v) && fabs(v) < 9007199254740992.0) {
                /* exactly an integer, which "%.0f" prints as such; -0 keeps its sign */
                if (v == 0 && signbit(v)) {
                        atom(w, "-0", 2);
                } else {
                        integer(w, (long long)v);
                }
                return;
        } else if (!short_decimal(v, buf, &n)) {
                n = snprintf(buf, sizeof(buf), "%.15g", v);
        }
        atom(w, buf, (size_t)n);
}

static void open_c(struct gen *w, const char *c)
{
        sep(w);
        if (++w->depth >= GEN_MAX_DEPTH) {
                w->ok = 0;
        }
        put(w, c, 1);
        w->comma = 0;
}

static void close_c(struct gen *w, const char *c)
{
        w->depth--;
        put(w, c, 1);
        w->comma = 1;
}

static void open_map(struct gen *w)
{
        open_c(w, "{");
}

static void close_map(struct gen *w)
{
        close_c(w, "}");
}

static void open_array(struct gen *w)
{
        open_c(w, "[");
}

static void close_array(struct gen *w)
{
        close_c(w, "]");
}

static void strv(struct gen *w, const struct nw_strv *sv)
{
        open_array(w);
        for (size_t i = 0; i < sv->n; i++) {
                str(w, sv->v[i]);
        }
        close_array(w);
}

static void quantity(struct gen *w, const struct nw_quantity *q, int money)
{
        if (!q->present) {
                null(w);
                return;
        }
        open_map(w);
        key(w, "value");
        number(w, q->value);
        if (money) {
                key(w, "currency");
                str(w, q->currency[0] ? q->currency : NULL);
        }
        key(w, "qualifier");
        str(w, nw_qualifier_name(q->qualifier));
        key(w, "text");
        str(w, q->text ? q->text : "");
        close_map(w);
}

/* Splice an already-serialized JSON object (the input's unknown members) into the output by
 * replaying it through a parser into our writer, so it is re-validated on the way. */
/* yajl wants a callback per event; those that take no value only write it and report */
#define REPLAY_EVENT(name, write)                       \
        static int name(void *ctx)                      \
        {                                               \
                write(ctx);                             \
                return ((struct gen *)ctx)->ok;         \
        }
REPLAY_EVENT(replay_null, null)
REPLAY_EVENT(replay_map_open, open_map)
REPLAY_EVENT(replay_map_close, close_map)
REPLAY_EVENT(replay_array_open, open_array)
REPLAY_EVENT(replay_array_close, close_array)
#undef REPLAY_EVENT

static int replay_bool(void *ctx, int b)
{
        atom(ctx, b ? "true" : "false", b ? 4 : 5);
        return ((struct gen *)ctx)->ok;
}

static int replay_number(void *ctx, const char *s, size_t n)
{
        atom(ctx, s, n);
        return ((struct gen *)ctx)->ok;
}

static int replay_string(void *ctx, const unsigned char *s, size_t n)
{
        string_n(ctx, (const char *)s, n);
        return ((struct gen *)ctx)->ok;
}

static int replay_key(void *ctx, const unsigned char *s, size_t n)
{
        struct gen *w = ctx;

        string_n(w, (const char *)s, n);
        put(w, ":", 1);
        w->comma = 0;
        return w->ok;
}

static const yajl_callbacks replay = {
        replay_null, replay_bool, NULL, NULL, replay_number, replay_string, replay_map_open,
        replay_key, replay_map_close, replay_array_open, replay_array_close,
};

static void raw_json(struct gen *w, const char *json)
{
        yajl_handle h;

        if (!w->ok) {
                return;
        }
        h = yajl_alloc(&replay, NULL, w);
        if (!h) {
                w->ok = 0;
                return;
        }
        if (yajl_parse(h, (const unsigned char *)json, strlen(json)) != yajl_status_ok ||
            yajl_complete_parse(h) != yajl_status_ok) {
                w->ok = 0;
        }
        yajl_free(h);
}

static void events(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_events; i++) {
                const struct nw_event *ev = &a->events[i];
                open_map(w);
                key(w, "name"); str(w, ev->name);
                key(w, "type"); str(w, ev->type);
                key(w, "location"); str(w, ev->location);
                key(w, "date"); str(w, ev->date);
                key(w, "date_text"); str(w, ev->date_text);
                key(w, "organizers"); strv(w, &ev->organizers);
                key(w, "attendance"); quantity(w, &ev->attendance, 0);
                key(w, "theme"); str(w, ev->theme);
                close_map(w);
        }
        close_array(w);
}

static void investments(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_investments; i++) {
                const struct nw_investment *inv = &a->investments[i];
                open_map(w);
                key(w, "deal_count");
                if (inv->deal_count >= 0) {
                        integer(w, inv->deal_count);
                } else {
                        null(w);
                }
                key(w, "deal_unit"); str(w, inv->deal_unit);
                key(w, "amount"); quantity(w, &inv->amount, 1);
                key(w, "sectors"); strv(w, &inv->sectors);
                key(w, "status"); str(w, inv->status);
                key(w, "parties"); strv(w, &inv->parties);
                key(w, "location"); str(w, inv->location);
                key(w, "sentence"); str(w, inv->sentence);
                key(w, "kind"); str(w, inv->kind);
                key(w, "round"); str(w, inv->round);
                key(w, "alt_amounts");
                open_array(w);
                for (size_t k = 0; k < inv->n_alt_amounts; k++) {
                        quantity(w, &inv->alt_amounts[k], 1);
                }
                close_array(w);
                close_map(w);
        }
        close_array(w);
}

static void statistics(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_statistics; i++) {
                const struct nw_statistic *st = &a->statistics[i];
                open_map(w);
                key(w, "value"); number(w, st->value);
                key(w, "unit"); str(w, st->unit);
                key(w, "qualifier"); str(w, nw_qualifier_name(st->qualifier));
                key(w, "subject"); str(w, st->subject);
                key(w, "location"); str(w, st->location);
                key(w, "text"); str(w, st->text);
                close_map(w);
        }
        close_array(w);
}

static void people(struct gen *w, const struct nw_article *a)
{
        open_array(w);
        for (size_t i = 0; i < a->n_people; i++) {
                open_map(w);
                key(w, "name"); str(w, a->people[i].name);
                key(w, "title"); str(w, a->people[i].title);
                key(w, "organization"); str(w, a->people[i].organization);
                close_map(w);
        }
        close_array(w);
}

static const char *dedupe_status(enum nw_dedupe_status s)
{
        return s == NW_DEDUPE_NEAR ? "near_duplicate" : s == NW_DEDUPE_UNCHECKED ? "unchecked" : "unique";
}

enum nw_err nw_serialize(const struct nw_article *a, const char *processed_at,
                         const char *version, struct nw_buf *out)
{
        struct gen w = {out, 1, 0, 0};
        size_t start = out->len;
        size_t title_len = a->title ? strlen(a->title) : 0;
        size_t body_len = a->body ? strlen(a->body) : 0;
        char simhash[17];

        /* Room for the whole record at once: the text plus what the names, facts and
         * fingerprints take in most records, so that a new buffer (the daemon's) is not
         * grown through a doubling series while it is written. Past the buffer's cap
         * nothing is reserved, and the appends report it. */
        if (out->cap - out->len < title_len + body_len + 2048) {
                (void)nw_buf_reserve(out, title_len + body_len + 2048);
        }

        /* "%016llx" by hand */
        for (int k = 0; k < 16; k++) {
                simhash[k] = "0123456789abcdef"[a->simhash >> (60 - 4 * k) & 15];
        }
        simhash[16] = '\0';
        open_map(&w);
        key(&w, "schema"); string_n(&w, NW_RECORD_SCHEMA, sizeof(NW_RECORD_SCHEMA) - 1);
        key(&w, "id"); str(&w, a->id);
        key(&w, "source");
        open_map(&w);
        key(&w, "name"); str(&w, a->source_name);
        key(&w, "url"); str(&w, a->url);
        key(&w, "canonical_url"); str(&w, a->canonical_url);
        key(&w, "topic"); str(&w, a->has_coords ? a->topic : NULL);
        key(&w, "partition");
        if (a->has_coords) {
                integer(&w, a->partition);
        } else {
                null(&w);
        }
        key(&w, "offset");
        if (a->has_coords) {
                integer(&w, a->offset);
        } else {
                null(&w);
        }
        close_map(&w);
        key(&w, "title");
        if (a->title) {
                string_n(&w, a->title, title_len);
        } else {
                null(&w);
        }
        key(&w, "body");
        if (a->body) {
                string_n(&w, a->body, body_len);
        } else {
                null(&w);
        }
        key(&w, "language"); str(&w, a->language);
        key(&w, "published_at"); str(&w, a->published_at);
        key(&w, "dateline");
        if (a->dateline) {
                open_map(&w);
                key(&w, "agency"); str(&w, a->dateline->agency);
                key(&w, "location"); str(&w, a->dateline->location);
                key(&w, "date"); str(&w, a->dateline->date);
                close_map(&w);
        } else {
                null(&w);
        }
        key(&w, "authors"); strv(&w, &a->authors);
        key(&w, "fingerprint");
        open_map(&w);
        key(&w, "sha256"); str(&w, a->sha256_hex);
        key(&w, "simhash"); string_n(&w, simhash, 16);
        close_map(&w);
        key(&w, "dedupe");
        open_map(&w);
        key(&w, "status"); str(&w, dedupe_status(a->dedupe_status));
        key(&w, "duplicate_of"); str(&w, a->duplicate_of);
        key(&w, "distance");
        if (a->has_distance) {
                number(&w, a->distance);
                key(&w, "similarity");
                number(&w, a->similarity);
        } else {
                null(&w);
        }
        close_map(&w);
        key(&w, "events"); events(&w, a);
        key(&w, "investments"); investments(&w, a);
        key(&w, "statistics"); statistics(&w, a);
        key(&w, "people"); people(&w, a);
        key(&w, "organizations"); strv(&w, &a->organizations);
        key(&w, "locations"); strv(&w, &a->locations);
        key(&w, "processed_at"); str(&w, processed_at);
        key(&w, "worker");
        open_map(&w);
        key(&w, "version"); str(&w, version);
        close_map(&w);
        if (a->extra_json) {
                key(&w, "extra");
                raw_json(&w, a->extra_json);
        }
        close_map(&w);
        if (!w.ok) {
                out->len = start;
                if (out->data) {
                        out->data[start] = '\0';
                }
                return NW_ERR_TOO_BIG;
        }
        return NW_OK;
}
