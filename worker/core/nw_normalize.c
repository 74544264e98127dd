/* nw_normalize.c -- article-level normalization over nw_text, nw_html, nw_url and nw_time. */
#include "nw_normalize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nw_boilerplate.h"
#include "nw_dateline.h"
#include "nw_html.h"
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
#define HIGH8 0x8080808080808080ULL

/* The high bit of each byte of @p x that is an ASCII letter. The bytes are cut to 7 bits
 * first so that no sum carries into the next byte. */
static uint64_t letters8(uint64_t x)
{
        uint64_t t = (x | ONES8 * 0x20) & ONES8 * 0x7F;

        return (t + ONES8 * (0x80 - 'a')) & ~(t + ONES8 * (0x7F - 'z')) & ~x & HIGH8;
}

/* The words of eight ASCII bytes at once. Letters and word ends are counted from bit masks;
 * only the words that end here and are short enough to be common are looked at one by one,
 * their letters taken from the two blocks around them. No step waits on the one before it,
 * so the processor overlaps the blocks. */
struct blocks {
        uint64_t prev;          /* the eight bytes before the block */
        unsigned prev_letters;  /* which of them are letters: bit k for byte k */
};

static void count_block(struct script_counts *k, struct blocks *b, uint64_t x)
{
        uint64_t letters = letters8(x);
        /* bit k of l is byte k's letter bit */
        unsigned l = (unsigned)(((letters >> 7) * 0x0102040810204080ULL) >> 56);
        /* a word ends at a non-letter after a letter */
        unsigned ends = ~l & (l << 1 | b->prev_letters >> 7) & 0xFF;
        /* the letter bits of both blocks, the earlier below */
        unsigned both = l << 8 | b->prev_letters;

        /* counted by a multiplication that sums the bytes: without -mpopcnt a popcount is a
         * library call */
        k->latin += (size_t)((letters >> 7) * ONES8 >> 56);
        k->words += (size_t)(((uint64_t)ends * 0x8040201008040201ULL >> 7 & ONES8) * ONES8 >> 56);
        while (ends) {
                unsigned j = (unsigned)__builtin_ctz(ends);
                /* the five bytes before j, the nearest as bit 4: all letters is too long */
                unsigned v = both >> (j + 3) & 0x1F;
                ends &= ends - 1;
                if (v != 0x1F) {
                        unsigned n = (unsigned)__builtin_clz((~v & 0x1F) << 27);
                        uint32_t four = j >= 4 ? (uint32_t)(x >> (8 * (j - 4)))
                                               : (uint32_t)(b->prev >> (8 * (j + 4)) | x << (8 * (4 - j)));
                        /* packed big-endian, lower case, its last n bytes */
                        uint32_t key = __builtin_bswap32(four | 0x20202020u) &
                                       0xFFFFFFFFu >> (8 * (4 - n));
                        k->hits += common_words[COMMON_SLOT(key)] == key;
                }
        }
        b->prev = x;
        b->prev_letters = l;
}

const char *nw_detect_language(const char *text, size_t len)
{
        const unsigned char *p = (const unsigned char *)text;
        struct script_counts k = {0, 0, 0, 0, 0, 0, 0};
        size_t latin, cjk, kana, hangul, other, hits, words;
        size_t i = 0, n;
        /* the letters of the current word so far (past 4 the key is never compared) */
        uint32_t key = 0, run = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        {
                struct blocks b = {0, 0};
                while (len - i >= 8) {
                        uint64_t x;
                        memcpy(&x, p + i, 8);
                        if (x & HIGH8) {
                                break;  /* the rest byte by byte */
                        }
                        count_block(&k, &b, x);
                        i += 8;
                }
                /* hand the word in progress to the byte loop */
                run = (uint32_t)__builtin_clz(~b.prev_letters << 24 | 0xFFFFFFu);
                if (run >= 1 && run <= 4) {
                        key = __builtin_bswap32((uint32_t)(b.prev >> 32) | 0x20202020u) &
                              0xFFFFFFFFu >> (8 * (4 - run));
                }
        }
#endif
        while (i < len) {
                if (p[i] < 0x80) {
                        /* without branches, for the same reason */
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
                        break;
                }
                i += n;
        }
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

enum nw_err nw_normalize(const struct nw_raw *raw, const struct nw_limits *lim,
                         struct nw_article *a, char *errstr, size_t errstr_size)
{
        struct nw_buf b, html;
        enum nw_err err = NW_OK;
        int64_t ts;

        nw_buf_init(&b, lim->max_bytes * 2);
        nw_buf_init(&html, lim->max_bytes * 2);
        if (raw->title) {
                err = nw_text_normalize(raw->title, strlen(raw->title), 0, &b);
                if (err != NW_OK) {
                        snprintf(errstr, errstr_size, "title: %s", nw_err_str(err));
                        goto out;
                }
                a->title = nw_buf_take(&b);
        }
        if (raw->body) {
                const char *text = raw->body;
                size_t tlen = strlen(raw->body);
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
                a->url = nw_xstrdup(raw->url);
                nw_buf_reset(&b);
                if (nw_url_canonical(raw->url, strlen(raw->url), &b) == NW_OK) {
                        a->canonical_url = nw_buf_take(&b);
                }
        }
        if (raw->source && *raw->source) {
                a->source_name = nw_xstrdup(raw->source);
        }
        if (raw->published_at && nw_time_parse(raw->published_at, strlen(raw->published_at), &ts) == 0) {
                char when[40];
                nw_time_format(ts * 1000, 0, when, sizeof(when));
                a->published_at = nw_xstrdup(when);
        }
        /* site chrome first, then the dateline: a copy wrapped in boilerplate and the same
         * story without it should normalize alike */
        nw_boilerplate_strip(a->body);
        nw_dateline_split(a);
        /* checked again: a body that was all dateline and copyright line leaves nothing */
        if (blank(a->title) && blank(a->body)) {
                err = NW_ERR_NO_CONTENT;
                snprintf(errstr, errstr_size, "%s",
                         "nothing is left of the title and body after clean-up");
                goto out;
        }
        a->language = language_tag(raw->language);
        if (!a->language) {
                const char *lang = nw_detect_language(a->body[0] ? a->body : a->title,
                                                      strlen(a->body[0] ? a->body : a->title));
                a->language = lang ? nw_xstrdup(lang) : NULL;
        }
        if (raw->extra_json) {
                a->extra_json = nw_xstrdup(raw->extra_json);
        }
out:
        nw_buf_free(&b);
        nw_buf_free(&html);
        return err;
}
