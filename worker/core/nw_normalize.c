/* nw_normalize.c -- article-level normalization over nw_text, nw_html, nw_url and nw_time. */
#include "nw_normalize.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nw_boilerplate.h"
#include "nw_dateline.h"
#include "nw_html.h"
#include "nw_swar.h"
#include "nw_text.h"
#include "nw_time.h"
#include "nw_url.h"

static int is_cjk(uint32_t cp)
{
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
               (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

/* The common English words (the and of to in is for said was on with that), lower case and
 * packed big-endian into an integer each, at the slot a multiplicative hash gives them: one
 * probe per word instead of a search. The multiplier is one that gives the twelve distinct
 * slots; a collision would make the initializers below override each other, which
 * -Woverride-init reports. Empty slots hold 0, which no word's key is. */
#define COMMON_SLOT(k) ((uint32_t)((uint32_t)(k) * 0x80ad9u) >> 28)
#define COMMON(k) [COMMON_SLOT(k)] = (k)
static const uint32_t common_words[16] = {
        COMMON(0x746865), COMMON(0x616e64), COMMON(0x6f66), COMMON(0x746f), COMMON(0x696e),
        COMMON(0x6973), COMMON(0x666f72), COMMON(0x73616964), COMMON(0x776173), COMMON(0x6f6e),
        COMMON(0x77697468), COMMON(0x74686174),
};

struct script_counts {
        size_t latin, cjk, kana, hangul, other, hits, words;
};

/* The end of a word of @p n ASCII letters; @p key holds them packed when n <= 4. */
static void word_end(struct script_counts *k, size_t n, uint32_t key)
{
        k->words++;
        k->hits += (n <= 4) & (common_words[COMMON_SLOT(key)] == key);
}

/* The non-ASCII character at @p p (the text is valid UTF-8 here).
 * @returns its length, or 0 when the text ends inside it. */
static size_t count_char(struct script_counts *k, const unsigned char *p, size_t left)
{
        uint32_t cp;
        size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;

        if (n > left) {
                return 0;
        }
        cp = p[0] & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
        for (size_t i = 1; i < n; i++) {
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (is_cjk(cp)) {
                k->cjk++;
        } else if (cp >= 0x3040 && cp <= 0x30FF) {
                k->kana++;         /* hiragana and katakana: only Japanese */
        } else if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF)) {
                k->hangul++;
        } else {
                k->other++;
        }
        return n;
}

#define ONES8 0x0101010101010101ULL


/* Bits set in @p x: without -mpopcnt __builtin_popcountll is a library call. */
static unsigned popcount64(uint64_t x)
{
        x -= x >> 1 & 0x5555555555555555ULL;
        x = (x & 0x3333333333333333ULL) + (x >> 2 & 0x3333333333333333ULL);
        x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
        return (unsigned)(x * ONES8 >> 56);
}

/* last_bytes[k]: the low k bytes of a 32-bit key */
static const uint32_t last_bytes[5] = {0, 0xFFu, 0xFFFFu, 0xFFFFFFu, 0xFFFFFFFFu};

/* Whether the word of @p n ASCII letters (2 to 4) that ends at @p e of @p p is a common
 * word. */
static inline size_t common_at(const unsigned char *p, size_t e, size_t n)
{
        uint32_t four = 0, key;

        if (e >= 4) {
                /* one load: the four bytes before e, the first the highest */
                memcpy(&four, p + e - 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                four = __builtin_bswap32(four);
#endif
        } else {
                for (size_t i = e - n; i < e; i++) {
                        four = four << 8 | p[i];
                }
        }
        /* packed big-endian, lower case, its last n bytes */
        key = (four | 0x20202020u) & last_bytes[n];
        return common_words[COMMON_SLOT(key)] == key;
}

/* The ASCII of the text 64 bytes at a time: the letters of a block are a bit mask, from
 * which the ends of its words come out of two operations. Only a word of two to four
 * letters can be a common word, and masks of the letters one to five bytes back pick those
 * out too: only they are visited, one step each, and no step branches on what the letters
 * are. The letters before the block come from the block before (or the byte loop). */
struct ascii_words {
        uint64_t prev;          /* the letter mask of the 64 bytes before the block (at
                                 * least its top five bits) */
};

/* How many letters end the 64 bytes of @p prev, up to @p cap (at most 63). */
static size_t trailing_letters(uint64_t prev, size_t cap)
{
        size_t n = 0;

        while (n < cap && (prev >> (63 - n) & 1)) {
                n++;
        }
        return n;
}

/* The 64 bytes at @p p + @p base (fewer, @p left, at the end: the rest count as
 * separators). @returns 0, counting nothing, when one of them is not ASCII. */
static int count_block64(struct script_counts *k, struct ascii_words *w, const unsigned char *p,
                         size_t base, size_t left)
{
        const unsigned char *q = p + base;
        uint64_t l, prev = w->prev, in, ends, l2, l3, l4, l5, few;
        size_t hits = 0;

        {
                struct nw_mask64 m = nw_mask64(q, left);
                if (m.high) {
                        return 0;
                }
                l = m.letter;
        }
        /* bit e of in (l2 ... l5): the byte one (two ... five) before e is a letter */
        in = l << 1 | prev >> 63;
        l2 = l << 2 | prev >> 62;
        l3 = l << 3 | prev >> 61;
        l4 = l << 4 | prev >> 60;
        l5 = l << 5 | prev >> 59;
        ends = ~l & in;
        k->latin += popcount64(l);
        k->words += popcount64(ends);
        /* the ends of the words of two to four letters */
        few = ends & l2 & ~(l3 & l4 & l5);
        /* counted in a local: through *k every word would wait on the store before */
        while (few) {
                size_t e = (size_t)__builtin_ctzll(few);
                size_t n = 2 + (size_t)(l3 >> e & 1) + (size_t)((l3 & l4) >> e & 1);
                few &= few - 1;
                hits += common_at(p, base + e, n);
        }
        k->hits += hits;
        w->prev = l;
        return 1;
}

/* A text of ASCII only (most wire copy) is English when at least one word in ten is a
 * common word, and nothing else decides. So its words are counted first, a popcount a
 * block, and its common words then only until there are enough of them, rather than to its
 * end: English has one in three or four. The counts are those of the loop below.
 * @returns 0 when the text is not all ASCII (nothing decided), else 1 with *@p en set. */
static int ascii_english(const unsigned char *p, size_t len, int *en)
{
        struct script_counts k = {0, 0, 0, 0, 0, 0, 0};
        struct ascii_words w = {0};
        uint64_t prev = 0;
        size_t words = 0;

        for (size_t i = 0; i < len; i += 64) {
                struct nw_mask64 m = nw_mask64(p + i, len - i);
                if (m.high) {
                        return 0;
                }
                words += popcount64(~m.letter & (m.letter << 1 | prev >> 63));
                prev = m.letter;
        }
        /* a word that runs to the end of a whole last block */
        words += (size_t)(prev >> 63);
        *en = 0;
        if (words < 5) {
                return 1;
        }
        for (size_t i = 0; i < len; i += 64) {
                (void)count_block64(&k, &w, p, i, len - i);
                if (k.hits * 10 >= words) {
                        *en = 1;
                        return 1;
                }
        }
        if (w.prev >> 63) {
                size_t got = trailing_letters(w.prev, 5);
                k.hits += got >= 2 && got <= 4 && common_at(p, len, got);
        }
        *en = k.hits * 10 >= words;
        return 1;
}

const char *nw_detect_language(const char *text, size_t len)
{
        const unsigned char *p = (const unsigned char *)text;
        struct script_counts k = {0, 0, 0, 0, 0, 0, 0};
        struct ascii_words w = {0};
        size_t latin, cjk, kana, hangul, other, hits, words;
        size_t i = 0, n;
        /* the letters of the current word so far (past 4 the key is never compared) */
        uint32_t key = 0, run = 0;
        int en;

        if (ascii_english(p, len, &en)) {
                return en ? "en" : NULL;
        }
        while (i < len) {
                size_t stop;

                if (count_block64(&k, &w, p, i, len - i)) {
                        i = len - i < 64 ? len : i + 64;
                        continue;
                }
                /* a block with a non-ASCII byte goes byte by byte: hand the open word over */
                if (w.prev >> 63) {
                        size_t got = trailing_letters(w.prev, 5), kk = got < 4 ? got : 4;
                        run = (uint32_t)got;
                        key = 0;
                        for (size_t j = i - kk; j < i; j++) {
                                key = key << 8 | p[j] | 0x20u;
                        }
                }
                w.prev = 0;
                stop = len - i < 64 ? len : i + 64;
                while (i < stop) {
                        if (p[i] < 0x80) {
                                /* without branches: whether a byte is a letter is not predictable */
                                uint32_t lc = p[i] | 0x20u;
                                uint32_t is = lc - 'a' < 26;
                                uint32_t end = !is & (run != 0);
                                k.words += end;
                                k.hits += end & (run <= 4) & (common_words[COMMON_SLOT(key)] == key);
                                k.latin += is;
                                key = (key << 8 | lc) & (0u - is);
                                run = (run + 1) & (0u - is);
                                i++;
                                continue;
                        }
                        if (run) {
                                word_end(&k, run, key);
                                key = run = 0;
                        }
                        n = count_char(&k, p + i, len - i);
                        if (!n) {
                                goto done;
                        }
                        i += n;
                }
                /* and back to blocks, the open word with it */
                if (run) {
                        /* the letters of the open word (five say that it is long) */
                        w.prev = ~(~0ULL >> (run < 5 ? run : 5));
                        key = run = 0;
                }
        }
        if (w.prev >> 63) {
                /* a word runs to the end of the text (a whole last block) */
                size_t got = trailing_letters(w.prev, 5);
                k.words++;
                k.hits += got >= 2 && got <= 4 && common_at(p, len, got);
        }
done:
        if (run) {
                word_end(&k, run, key);
        }
        latin = k.latin;
        cjk = k.cjk;
        kana = k.kana;
        hangul = k.hangul;
        other = k.other;
        hits = k.hits;
        words = k.words;
        /* a Japanese text mixes kanji with kana; Han alone is Chinese. Characters carry a
         * word each, letters count a quarter. */
        if (kana > 0 && (kana + cjk) * 2 >= latin / 4 + kana + cjk) {
                return "ja";
        }
        if (hangul > 0 && hangul * 2 >= latin / 4 + hangul) {
                return "ko";
        }
        if (cjk > 0 && cjk * 2 >= latin / 4 + cjk) {
                return "zh";
        }
        if (words >= 5 && hits * 10 >= words && other * 10 < latin) {
                return "en";
        }
        return NULL;
}

/* A producer's language tag: "en", "EN", "en-US", "zh_Hans" -> two lower-case letters. */
static char *language_tag(const char *tag)
{
        char out[3];

        if (!tag || !isalpha((unsigned char)tag[0]) || !isalpha((unsigned char)tag[1]) ||
            (tag[2] != '\0' && tag[2] != '-' && tag[2] != '_')) {
                return NULL;
        }
        out[0] = (char)tolower((unsigned char)tag[0]);
        out[1] = (char)tolower((unsigned char)tag[1]);
        out[2] = '\0';
        return nw_xstrdup(out);
}

static int blank(const char *s)
{
        return !s || !*s;
}

/* A copy of raw string @p s, or, when @p owned (the same raw, writable) is given, the
 * string itself, taken out of its @p slot there: raw is freed after and needs it no more. */
static char *copy_or_take(const char *s, struct nw_raw *owned, char **slot)
{
        char *p;

        if (!owned) {
                return nw_xstrdup(s);
        }
        p = *slot;
        *slot = NULL;
        return p;
}

/* nw_normalize(); with @p owned (NULL or @p raw itself) the url, source and extra members
 * are handed over instead of copied. @p title_len and @p body_len receive the lengths of a->title and
 * a->body on success. */
static enum nw_err normalize(const struct nw_raw *raw, struct nw_raw *owned,
                             const struct nw_limits *lim,
                             struct nw_article *a, size_t *title_len, size_t *body_len_out,
                             char *errstr, size_t errstr_size)
{
        struct nw_buf b, html;
        enum nw_err err = NW_OK;
        size_t body_len = 0;    /* of a->body, kept as it changes */
        size_t tlen_out = 0;    /* of a->title */
        int64_t ts;

        nw_buf_init(&b, lim->max_bytes * 2);
        nw_buf_init(&html, lim->max_bytes * 2);
        /* the lengths were measured by nw_decode() */
        assert(!raw->title || strlen(raw->title) == raw->title_len);
        assert(!raw->body || strlen(raw->body) == raw->body_len);
        if (raw->title) {
                err = nw_text_normalize(raw->title, raw->title_len, 0, &b);
                if (err != NW_OK) {
                        snprintf(errstr, errstr_size, "title: %s", nw_err_str(err));
                        goto out;
                }
                tlen_out = b.len;
                a->title = nw_buf_take(&b);
        }
        if (raw->body) {
                const char *text = raw->body;
                size_t tlen = raw->body_len;
                int is_html = (raw->content_type && strstr(raw->content_type, "html")) ||
                              nw_html_detect(text, tlen);
                if (is_html) {
                        err = nw_html_to_text(text, tlen, lim->max_depth, &html);
                        if (err == NW_ERR_TOO_DEEP) {
                                /* nw_err_str() speaks of JSON; say what was refused */
                                snprintf(errstr, errstr_size,
                                         "HTML body: elements nested deeper than the limit of %d",
                                         lim->max_depth);
                                goto out;
                        }
                        if (err != NW_OK) {
                                snprintf(errstr, errstr_size, "%s",
                                         "HTML body: too many elements, or its text over the size limit");
                                goto out;
                        }
                        text = nw_buf_str(&html);
                        tlen = html.len;
                        a->body_was_html = 1;
                }
                err = nw_text_normalize(text, tlen, 1, &b);
                if (err != NW_OK) {
                        snprintf(errstr, errstr_size, "body: %s", nw_err_str(err));
                        goto out;
                }
                body_len = b.len;
                a->body = nw_buf_take(&b);
        }
        if (blank(a->title) && blank(a->body)) {
                err = NW_ERR_NO_CONTENT;
                snprintf(errstr, errstr_size, "%s",
                         "nothing is left of the title and body after clean-up");
                goto out;
        }
        if (!a->title) {
                a->title = nw_xstrdup("");
        }
        if (!a->body) {
                a->body = nw_xstrdup("");
        }
        if (raw->url && *raw->url) {
                a->url = copy_or_take(raw->url, owned, owned ? &owned->url : NULL);
                nw_buf_reset(&b);
                if (nw_url_canonical(a->url, strlen(a->url), &b) == NW_OK) {
                        a->canonical_url = nw_buf_take(&b);
                }
        }
        if (raw->source && *raw->source) {
                a->source_name = copy_or_take(raw->source, owned, owned ? &owned->source : NULL);
        }
        if (raw->published_at && nw_time_parse(raw->published_at, strlen(raw->published_at), &ts) == 0) {
                char when[40];
                nw_time_format(ts * 1000, 0, when, sizeof(when));
                a->published_at = nw_xstrdup(when);
        }
        /* site chrome first, then the dateline: a copy wrapped in boilerplate and the same
         * story without it should normalize alike */
        nw_boilerplate_strip_n(a->body, &body_len);
        nw_dateline_split_n(a, &body_len);
        /* checked again: a body that was all dateline and copyright line leaves nothing */
        if (blank(a->title) && blank(a->body)) {
                err = NW_ERR_NO_CONTENT;
                snprintf(errstr, errstr_size, "%s",
                         "nothing is left of the title and body after clean-up");
                goto out;
        }
        a->language = language_tag(raw->language);
        if (!a->language) {
                const char *lang = a->body[0] ? nw_detect_language(a->body, body_len)
                                              : nw_detect_language(a->title, tlen_out);
                a->language = lang ? nw_xstrdup(lang) : NULL;
        }
        if (raw->extra_json) {
                a->extra_json = copy_or_take(raw->extra_json, owned,
                                             owned ? &owned->extra_json : NULL);
        }
        *title_len = tlen_out;
        *body_len_out = body_len;
out:
        nw_buf_free(&b);
        nw_buf_free(&html);
        return err;
}

enum nw_err nw_normalize(const struct nw_raw *raw, const struct nw_limits *lim,
                         struct nw_article *a, char *errstr, size_t errstr_size)
{
        size_t title_len, body_len;

        return normalize(raw, NULL, lim, a, &title_len, &body_len, errstr,
                         errstr_size);
}

enum nw_err nw_normalize_take(struct nw_raw *raw, const struct nw_limits *lim,
                              struct nw_article *a, size_t *title_len, size_t *body_len,
                              char *errstr, size_t errstr_size)
{
        return normalize(raw, raw, lim, a, title_len, body_len, errstr, errstr_size);
}
