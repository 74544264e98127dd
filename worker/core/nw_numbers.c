/* nw_numbers.c -- numbers, qualifiers and money in news text (see nw_numbers.h).
 * Hand-written scanning over const tables: every form is a table row, matched in place,
 * so nothing is compiled at run time and each call is linear in the words it reads. */
#include "nw_numbers.h"

#include <pthread.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nw_scan.h"

/* The indexes below are built once, by numbers_build(), on first use. The flag spares the
 * many small calls (a number word is asked for nearly every word of some sentences) a call
 * into pthread_once each. */
static pthread_once_t numbers_once = PTHREAD_ONCE_INIT;
static atomic_int numbers_ready;       /* set, with release, when the indexes are built */
static void numbers_build(void);

static inline void numbers_init(void)
{
        if (!atomic_load_explicit(&numbers_ready, memory_order_acquire)) {
                pthread_once(&numbers_once, numbers_build);
        }
}

struct word_val {
        const char *w;
        double v;
};

/* Number words; "a" is handled separately since it is only a number before a scale. */
static const struct word_val units[] = {
        {"zero", 0},     {"one", 1},        {"two", 2},        {"three", 3},     {"four", 4},
        {"five", 5},     {"six", 6},        {"seven", 7},      {"eight", 8},     {"nine", 9},
        {"ten", 10},     {"eleven", 11},    {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14},
        {"fifteen", 15}, {"sixteen", 16},   {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19},
        {"twenty", 20},  {"thirty", 30},    {"forty", 40},     {"fifty", 50},    {"sixty", 60},
        {"seventy", 70}, {"eighty", 80},    {"ninety", 90},    {NULL, 0},
};

static const struct word_val ordinals[] = {
        {"first", 1},   {"second", 2},  {"third", 3},     {"fourth", 4},   {"fifth", 5},
        {"sixth", 6},   {"seventh", 7}, {"eighth", 8},    {"ninth", 9},    {"tenth", 10},
        {"eleventh", 11}, {"twelfth", 12}, {"thirteenth", 13}, {"fourteenth", 14},
        {"fifteenth", 15}, {"twentieth", 20}, {"thirtieth", 30}, {NULL, 0},
};

/* Scale words written apart from the number ("6.15 billion", "26.33 lakh crore", "1.12-billion").
 * "m" and "b" alone are only scales when attached ("$75m", "3.5b"), see attached[]. */
static const struct word_val scales[] = {
        {"thousand", 1e3}, {"million", 1e6},  {"mln", 1e6},  {"mn", 1e6},    {"billion", 1e9},
        {"bln", 1e9},      {"bn", 1e9},       {"trillion", 1e12}, {"tn", 1e12}, {"trn", 1e12},
        {"lakh", 1e5},     {"lakhs", 1e5},    {"lac", 1e5},  {"crore", 1e7}, {"crores", 1e7},
        {"cr", 1e7},       {"hundred", 1e2},  {NULL, 0},
};

static const struct word_val attached[] = {
        {"mln", 1e6}, {"mn", 1e6}, {"m", 1e6}, {"bln", 1e9}, {"bn", 1e9}, {"b", 1e9},
        {"k", 1e3},   {"tn", 1e12}, {"trn", 1e12}, {"cr", 1e7}, {"crore", 1e7}, {"lakh", 1e5},
        {NULL, 0},
};

static int is_indian_scale(double v)
{
        return v == 1e5 || v == 1e7;
}

/* Ordinal suffixes after digits ("20th"). */
static const struct word_val ordinal_suffixes[] = {
        {"st", 0}, {"nd", 0}, {"rd", 0}, {"th", 0}, {NULL, 0},
};

/* A table of words, hashed: each word of the table as two little-endian numbers (lower case,
 * zero past its end, so the numbers also tell its length) in an open-addressed hash, slot[h]
 * a row + 1 or 0 for an empty slot, and the set of first letters. A word of a text is then
 * lowered, measured and compared in one probe or two, instead of a byte walk over the rows
 * that start like it. Every word of a table is lower-case letters, 1 to 16 of them, and all
 * differ. Built once. */
#define INDEXED_ROWS 32
#define WORD_SLOTS 128          /* at most a fourth full */

struct word_index {
        uint32_t initials;              /* bit c - 'a': some word starts with c */
        /* second[c - 'a'], bit d - 'a': some word starts with c then d; bit 26: some word is
         * the one letter c */
        uint32_t second[26];
        unsigned char slot[WORD_SLOTS];
        uint64_t key[INDEXED_ROWS][2];
};

_Static_assert(sizeof(units) / sizeof(units[0]) <= INDEXED_ROWS &&
                       sizeof(ordinals) / sizeof(ordinals[0]) <= INDEXED_ROWS &&
                       sizeof(scales) / sizeof(scales[0]) <= INDEXED_ROWS &&
                       sizeof(attached) / sizeof(attached[0]) <= INDEXED_ROWS,
               "struct word_index is too small");

static struct word_index units_ix, ordinals_ix, scales_ix, attached_ix, ordinal_suffixes_ix;

static size_t word_slot(uint64_t w0, uint64_t w1)
{
        uint64_t k = w0 ^ (w1 * 0x9e3779b97f4a7c15ull);

        return (size_t)((k * 0xff51afd7ed558ccdull) >> 57) & (WORD_SLOTS - 1);
}

static void index_words(const struct word_val *t, struct word_index *ix)
{
        for (size_t r = 0; t[r].w; r++) {
                size_t h;
                for (size_t k = 0; t[r].w[k] && k < 16; k++) {
                        ix->key[r][k / 8] |= (uint64_t)(unsigned char)t[r].w[k] << (8 * (k % 8));
                }
                ix->initials |= 1u << ((unsigned char)t[r].w[0] - 'a');
                ix->second[(unsigned char)t[r].w[0] - 'a'] |=
                        t[r].w[1] ? 1u << ((unsigned char)t[r].w[1] - 'a') : 1u << 26;
                h = word_slot(ix->key[r][0], ix->key[r][1]);
                while (ix->slot[h] != 0) {
                        h = (h + 1) & (WORD_SLOTS - 1);
                }
                ix->slot[h] = (unsigned char)(r + 1);
        }
}

static void word_index_build(void)
{
        index_words(units, &units_ix);
        index_words(ordinals, &ordinals_ix);
        index_words(scales, &scales_ix);
        index_words(attached, &attached_ix);
        index_words(ordinal_suffixes, &ordinal_suffixes_ix);
}

/* 0xff in each of the first @p n bytes (n <= 8). */
static uint64_t bytes_mask(size_t n)
{
        return n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
}

/* The row of table @p t (indexed by @p ix) whose word is exactly s[pos..end)
 * (case-insensitive), or NULL. */
static const struct word_val *lookup(const struct word_val *t, const struct word_index *ix,
                                     const char *s, size_t pos, size_t end)
{
        unsigned c0;
        size_t n, h;
        uint64_t w0, w1;

        if (end <= pos || end - pos > 16) {
                return NULL;
        }
        /* the first letter rules out most words before any load */
        c0 = (unsigned)nw_scan_lower((unsigned char)s[pos]) - 'a';
        if (c0 >= 26) {
                return NULL;
        }
        numbers_init();
        if (!((ix->initials >> c0) & 1u)) {
                return NULL;
        }
        /* or-ing the case bit lowers the capitals and makes no lower-case letter of any
         * other byte, so the compare is the case-insensitive one */
        n = end - pos;
        w0 = (nw_scan_load8(s, pos, end) | 0x2020202020202020ull) & bytes_mask(n);
        w1 = n > 8 ? (nw_scan_load8(s, pos + 8, end) | 0x2020202020202020ull) & bytes_mask(n - 8)
                   : 0;
        for (h = word_slot(w0, w1); ix->slot[h] != 0; h = (h + 1) & (WORD_SLOTS - 1)) {
                size_t r = ix->slot[h] - 1u;
                if (ix->key[r][0] == w0 && ix->key[r][1] == w1) {
                        return &t[r];
                }
        }
        return NULL;
}

/* UTF-8 of the Chinese myriad signs: 万 (10^4), 亿 (10^8), and 元 (yuan). */
#define CJK_WAN "\xe4\xb8\x87"
#define CJK_YI "\xe4\xba\xbf"
#define CJK_YUAN "\xe5\x85\x83"

static int has_at(const char *s, size_t len, size_t pos, const char *lit)
{
        size_t n = strlen(lit);
        return pos + n <= len && memcmp(s + pos, lit, n) == 0;
}

static int parse_digits(const char *s, size_t len, size_t pos, struct nw_num *out);

/* Every word a spelled number can start with: units, tens, ordinals, "a" (a dozen, a
 * million) and "dozen". Most words of a text are none of these, and this one lookup spares
 * them the table walks of parse_words(); it is asked for every word of a sentence with
 * figures, so the words are found by a hash of the word (number_slot) instead of a walk.
 * nw_num_second[] and nw_num_third[] below must name the first three letters of every row. */
static const struct {
        const char *w;
        unsigned char n;        /* strlen(w) */
} number_starts[] = {
        {"a", 1}, {"dozen", 5}, {"eight", 5}, {"eighteen", 8}, {"eighth", 6}, {"eighty", 6},
        {"eleven", 6}, {"eleventh", 8}, {"fifteen", 7}, {"fifteenth", 9}, {"fifth", 5},
        {"fifty", 5}, {"first", 5}, {"five", 4}, {"forty", 5}, {"four", 4}, {"fourteen", 8},
        {"fourteenth", 10}, {"fourth", 6}, {"nine", 4}, {"nineteen", 8}, {"ninety", 6},
        {"ninth", 5}, {"one", 3}, {"second", 6}, {"seven", 5}, {"seventeen", 9}, {"seventh", 7},
        {"seventy", 7}, {"six", 3}, {"sixteen", 7}, {"sixth", 5}, {"sixty", 5}, {"ten", 3},
        {"tenth", 5}, {"third", 5}, {"thirteen", 8}, {"thirteenth", 10}, {"thirtieth", 9},
        {"thirty", 6}, {"three", 5}, {"twelfth", 7}, {"twelve", 6}, {"twentieth", 9}, {"twenty", 6},
        {"two", 3}, {"zero", 4},
};

#define N_NUMBER_STARTS (sizeof(number_starts) / sizeof(number_starts[0]))
#define NUMBER_SLOTS 256        /* a fifth full: a word that is none mostly meets an empty slot */
#define NUMBER_LONGEST 10       /* the longest word above */

/* number_starts[] again, each word as two little-endian numbers (zero past its end) to be
 * compared eight bytes at a time, and an open-addressed hash of them: number_slot[h] is a
 * row + 1, or 0 for an empty slot. Built once. */
static uint64_t number_keys[N_NUMBER_STARTS][2];
static unsigned char number_slot[NUMBER_SLOTS];
#define L(c) (1u << ((c) - 'a'))
const uint32_t nw_num_second[26] = {
        ['a' - 'a'] = 1u << 26,                         /* a */
        ['d' - 'a'] = L('o'),                           /* dozen */
        ['e' - 'a'] = L('i') | L('l'),                  /* eight..., eleven... */
        ['f' - 'a'] = L('i') | L('o'),                  /* fifteen..., forty, four... */
        ['n' - 'a'] = L('i'),                           /* nine... */
        ['o' - 'a'] = L('n'),                           /* one */
        ['s' - 'a'] = L('e') | L('i'),                  /* second, seven..., six... */
        ['t' - 'a'] = L('e') | L('h') | L('w'),         /* ten..., third..., twelve... */
        ['z' - 'a'] = L('e'),                           /* zero */
};
#define AT(a, b) [(a) - 'a'][(b) - 'a']
const uint32_t nw_num_third[26][26] = {
        AT('d', 'o') = L('z'),                          /* dozen */
        AT('e', 'i') = L('g'),                          /* eight... */
        AT('e', 'l') = L('e'),                          /* eleven... */
        AT('f', 'i') = L('f') | L('r') | L('v'),        /* fifteen..., first, five */
        AT('f', 'o') = L('r') | L('u'),                 /* forty, four... */
        AT('n', 'i') = L('n'),                          /* nine... */
        AT('o', 'n') = L('e'),                          /* one */
        AT('s', 'e') = L('c') | L('v'),                 /* second, seven... */
        AT('s', 'i') = L('x'),                          /* six... */
        AT('t', 'e') = L('n'),                          /* ten... */
        AT('t', 'h') = L('i') | L('r'),                 /* third..., three */
        AT('t', 'w') = L('e') | L('o'),                 /* twelve..., two */
        AT('z', 'e') = L('r'),                          /* zero */
};
#undef AT
#undef L

_Static_assert(N_NUMBER_STARTS < NUMBER_SLOTS / 2 && N_NUMBER_STARTS < 255,
               "number_slot[] is too small");

static size_t number_hash(uint64_t w0, uint64_t w1, size_t n)
{
        uint64_t k = (w0 ^ (w1 * 0x9e3779b97f4a7c15ull)) + n;
        return (size_t)((k * 0xff51afd7ed558ccdull) >> 56) & (NUMBER_SLOTS - 1);
}

static void number_keys_build(void)
{
        for (size_t r = 0; r < N_NUMBER_STARTS; r++) {
                size_t h;
                for (size_t k = 0; k < number_starts[r].n; k++) {
                        number_keys[r][k / 8] |= (uint64_t)(unsigned char)number_starts[r].w[k]
                                                 << (8 * (k % 8));
                }
                h = number_hash(number_keys[r][0], number_keys[r][1], number_starts[r].n);
                while (number_slot[h] != 0) {
                        h = (h + 1) & (NUMBER_SLOTS - 1);
                }
                number_slot[h] = (unsigned char)(r + 1);
        }
}


int nw_num_word_start_rest(const char *s, size_t len, size_t pos)
{
        size_t n, h;
        uint64_t w0, w1;
        unsigned run;

        numbers_init();
        /* the letters from pos, sixteen bytes at once: a word longer than any row is none
         * of them */
        w0 = nw_scan_load8(s, pos, len);
        w1 = nw_scan_load8(s, pos + 8, len);
        run = nw_scan_letters(w0) | nw_scan_letters(w1) << 8;
        n = (size_t)__builtin_ctz(~run);
        if (n == 0 || n > NUMBER_LONGEST) {
                return 0;
        }
        /* all n bytes are letters, so or-ing the case bit lower-cases them */
        w0 = (w0 | 0x2020202020202020ull) & bytes_mask(n);
        w1 = n > 8 ? (w1 | 0x2020202020202020ull) & bytes_mask(n - 8) : 0;
        for (h = number_hash(w0, w1, n); number_slot[h] != 0; h = (h + 1) & (NUMBER_SLOTS - 1)) {
                size_t r = number_slot[h] - 1u;
                if (number_starts[r].n == n && number_keys[r][0] == w0 && number_keys[r][1] == w1) {
                        return 1;
                }
        }
        return 0;
}

/* Separate scale words after a number at *end, multiplied together ("lakh crore").
 * Indian compound "30 lakh 77 thousand crore" adds the thousands before the crore. */
static double read_scales(const char *s, size_t len, size_t *end, unsigned *flags,
                          double value)
{
        double mult = 1;
        size_t p = *end;
        int lakh_last = 0;

        for (;;) {
                size_t q = p, we;
                unsigned c0, c1;
                const struct word_val *sc;

                if (has_at(s, len, q, CJK_WAN)) {
                        mult *= 1e4;
                        p = q + 3;
                        *flags |= NW_NUM_SCALED;
                        continue;
                }
                if (has_at(s, len, q, CJK_YI)) {
                        mult *= 1e8;
                        p = q + 3;
                        *flags |= NW_NUM_SCALED;
                        continue;
                }
                if (q < len && (s[q] == ' ' || s[q] == '-')) {
                        q++;
                }
                /* "30 lakh 77 thousand crore": thousands added inside the lakh amount */
                if (lakh_last && q < len && nw_scan_digit((unsigned char)s[q])) {
                        struct nw_num n2;
                        size_t t;
                        parse_digits(s, len, q, &n2);
                        t = n2.end < len && s[n2.end] == ' ' ? n2.end + 1 : n2.end;
                        if (n2.value < 100 && (t = nw_scan_word_at(s, len, t, "thousand")) != 0) {
                                value = value * mult + n2.value * 1e3;
                                mult = 1;
                                lakh_last = 0;
                                p = t;
                                continue;
                        }
                        break;
                }
                if (q >= len || !nw_scan_alpha((unsigned char)s[q])) {
                        break;
                }
                /* a word no scale starts like ("percent", "people", "years") fails the lookup
                 * below whatever its length: leave before measuring it */
                c0 = (unsigned)nw_scan_lower((unsigned char)s[q]) - 'a';
                numbers_init();
                if (c0 >= 26 || !((scales_ix.initials >> c0) & 1u)) {
                        break;
                }
                /* and by its first two letters ("to", "the" against "thousand", "trillion") */
                c1 = q + 1 < len && nw_scan_alpha((unsigned char)s[q + 1])
                             ? (unsigned)nw_scan_lower((unsigned char)s[q + 1]) - 'a'
                             : 26;
                if (!((scales_ix.second[c0] >> c1) & 1u)) {
                        break;
                }
                we = q;
                while (we < len && nw_scan_alpha((unsigned char)s[we])) {
                        we++;
                }
                sc = lookup(scales, &scales_ix, s, q, we);
                if (!sc || (we < len && nw_scan_wordc((unsigned char)s[we]))) {
                        break;
                }
                /* "hundred" only scales a bare small number ("five hundred"), never "200 hundred" */
                if (sc->v == 1e2 && value >= 100) {
                        break;
                }
                mult *= sc->v;
                lakh_last = sc->v == 1e5;
                if (is_indian_scale(sc->v)) {
                        *flags |= NW_NUM_INDIAN;
                }
                *flags |= NW_NUM_SCALED;
                p = we;
        }
        *end = p;
        return value * mult;
}

/* Digits with separators and decimals at pos. */
static int parse_digits(const char *s, size_t len, size_t pos, struct nw_num *out)
{
        size_t p = pos;
        double v = 0;
        int digits = 0;
        unsigned flags = 0;
        uint64_t iv = 0;

        /* the first fifteen digits in an integer: v * 10 + d is exact in a double below
         * 2^53, so the double the loop below would build equals the integer, and one
         * conversion replaces a multiply and an add per digit on the double's latency */
        while (p < len && digits < 15 && nw_scan_digit((unsigned char)s[p])) {
                iv = iv * 10 + (uint64_t)(s[p] - '0');
                p++;
                digits++;
        }
        v = (double)iv;
        while (p < len && nw_scan_digit((unsigned char)s[p])) {
                v = v * 10 + (s[p] - '0');
                p++;
                digits++;
        }
        /* separators: 1,000,000 and the Indian 5,91,61,730 (groups of two before the last three) */
        while (p + 3 < len + 0 && s[p] == ',' && nw_scan_digit((unsigned char)s[p + 1]) &&
               nw_scan_digit((unsigned char)s[p + 2])) {
                size_t g = p + 1, n = 0;
                while (g < len && nw_scan_digit((unsigned char)s[g])) {
                        g++;
                        n++;
                }
                if (n == 3 || (n == 2 && g < len && s[g] == ',')) {
                        for (size_t i = p + 1; i < g; i++) {
                                v = v * 10 + (s[i] - '0');
                        }
                        digits += (int)n;
                        flags |= NW_NUM_GROUPED;
                        p = g;
                } else {
                        break;
                }
        }
        if (p + 1 < len && s[p] == '.' && nw_scan_digit((unsigned char)s[p + 1])) {
                double f = 0.1;
                p++;
                while (p < len && nw_scan_digit((unsigned char)s[p])) {
                        v += (s[p] - '0') * f;
                        f /= 10;
                        p++;
                }
                flags |= NW_NUM_DECIMAL;
        }
        out->value = v;
        out->end = p;
        out->flags = flags;
        out->digits = digits;
        return 1;
}

/* Number words: "seven", "thirty-seven", "two hundred", "a dozen", "five lakh". */
static int parse_words(const char *s, size_t len, size_t pos, struct nw_num *out)
{
        double total = 0, cur = 0;
        size_t p = pos, last_end = pos;
        int any = 0, after_a = 0;

        for (;;) {
                size_t we = nw_scan_word_end(s, len, p);
                const struct word_val *u;
                size_t hy;

                if (we == p) {
                        break;
                }
                /* "thirty-seven" is one token to the scanner; split it at the hyphen */
                hy = p;
                while (hy < we && s[hy] != '-') {
                        hy++;
                }
                if (hy < we) {
                        const struct word_val *t = lookup(units, &units_ix, s, p, hy);
                        const struct word_val *o = lookup(units, &units_ix, s, hy + 1, we);
                        if (t && o && t->v >= 20 && o->v < 10 && !after_a) {
                                cur += t->v + o->v;
                                any = 1;
                                last_end = we;
                                goto next;
                        }
                        break;
                }
                if (!any && !after_a && nw_scan_word_at(s, len, p, "a") == we) {
                        after_a = 1;
                        goto next_noend;
                }
                if ((u = lookup(units, &units_ix, s, p, we)) != NULL && !after_a) {
                        if (any && cur != 0 && ((long long)cur % 100) != 0 && !(cur >= 20 && u->v < 10 &&
                                                                         ((long long)cur % 10) == 0)) {
                                break;
                        }
                        cur += u->v;
                        any = 1;
                        last_end = we;
                } else if (nw_scan_word_at(s, len, p, "dozen") == we) {
                        cur = (cur ? cur : 1) * 12;
                        any = 1;
                        after_a = 0;
                        last_end = we;
                } else if (any && nw_scan_word_at(s, len, p, "and") == we && ((long long)cur % 100) == 0 &&
                           cur > 0) {
                        goto next_noend;
                } else if ((u = lookup(scales, &scales_ix, s, p, we)) != NULL &&
                           (any || after_a) &&
                           strcmp(u->w, "mn") != 0 && strcmp(u->w, "cr") != 0) {
                        double c = cur ? cur : 1;
                        if (u->v == 1e2) {
                                cur = c * 100;
                        } else {
                                total += c * u->v;
                                cur = 0;
                                out->flags |= NW_NUM_SCALED;
                                if (is_indian_scale(u->v)) {
                                        out->flags |= NW_NUM_INDIAN;
                                }
                        }
                        any = 1;
                        after_a = 0;
                        last_end = we;
                } else {
                        break;
                }
next:
                after_a = 0;
next_noend:
                p = we;
                if (p < len && s[p] == ' ') {
                        p++;
                } else {
                        break;
                }
        }
        if (!any) {
                return 0;
        }
        out->value = total + cur;
        out->end = last_end;
        out->flags |= NW_NUM_SPELLED;
        out->digits = 0;
        return 1;
}

int nw_num_parse(const char *s, size_t len, size_t pos, struct nw_num *out)
{
        memset(out, 0, sizeof(*out));
        out->start = pos;
        if (pos >= len) {
                return 0;
        }
        if (pos > 0) {
                unsigned char b = (unsigned char)s[pos - 1];
                /* not the tail of another number ("1,000", "3.5", "12a5") */
                if (nw_scan_digit(b) || ((b == ',' || b == '.') && pos > 1 &&
                                         nw_scan_digit((unsigned char)s[pos - 2]))) {
                        return 0;
                }
        }
        if (nw_scan_digit((unsigned char)s[pos])) {
                size_t p;
                parse_digits(s, len, pos, out);
                p = out->end;
                /* an attached suffix: 28.35m, 3.5b, 20th, 70,000-cr is handled below */
                if (p < len && nw_scan_alpha((unsigned char)s[p])) {
                        size_t we = p;
                        const struct word_val *a;
                        while (we < len && nw_scan_alpha((unsigned char)s[we])) {
                                we++;
                        }
                        if (we < len && nw_scan_wordc((unsigned char)s[we])) {
                                return 0; /* "5G3", "E1x": a code, not a number */
                        }
                        if ((a = lookup(attached, &attached_ix, s, p, we)) != NULL) {
                                out->value *= a->v;
                                out->flags |= NW_NUM_SCALED;
                                if (is_indian_scale(a->v)) {
                                        out->flags |= NW_NUM_INDIAN;
                                }
                                out->end = we;
                        } else if (lookup(ordinal_suffixes, &ordinal_suffixes_ix, s, p, we)) {
                                out->flags |= NW_NUM_ORDINAL;
                                out->end = we;
                                out->hi = out->value;
                                return 1;
                        } else {
                                /* "40MW", "300mm", "1Q24": a measure or a code, the caller decides */
                                out->hi = out->value;
                                return 1;
                        }
                }
                p = out->end;
                out->value = read_scales(s, len, &p, &out->flags, out->value);
                out->end = p;
        } else if (nw_scan_alpha((unsigned char)s[pos]) && nw_scan_at_word_start(s, pos) &&
                   nw_num_word_start(s, len, pos)) {
                size_t we = nw_scan_word_end(s, len, pos);
                const struct word_val *o = lookup(ordinals, &ordinals_ix, s, pos, we);
                if (o) {
                        out->value = o->v;
                        out->end = we;
                        out->flags = NW_NUM_ORDINAL | NW_NUM_SPELLED;
                        out->hi = o->v;
                        return 1;
                }
                if (!parse_words(s, len, pos, out)) {
                        return 0;
                }
                {
                        size_t p = out->end;
                        out->value = read_scales(s, len, &p, &out->flags, out->value);
                        out->end = p;
                }
        } else {
                return 0;
        }
        out->hi = out->value;
        /* a range: "200-300", "200 to 300" (never a year span like 2020-2021) */
        {
                size_t p = out->end, q = 0;
                if (p + 1 < len && (s[p] == '-') && nw_scan_digit((unsigned char)s[p + 1])) {
                        q = p + 1;
                } else if (nw_scan_word_at(s, len, p + 1, "to") && p < len && s[p] == ' ' &&
                           p + 4 < len && nw_scan_digit((unsigned char)s[p + 4])) {
                        q = p + 4;
                }
                if (q && !(out->flags & (NW_NUM_ORDINAL | NW_NUM_SPELLED))) {
                        struct nw_num hi;
                        if (nw_num_parse(s, len, q, &hi) && !(hi.flags & NW_NUM_ORDINAL) &&
                            hi.value > out->value && !(out->digits == 4 && hi.digits == 4 &&
                                                       !(out->flags & NW_NUM_SCALED))) {
                                out->hi = hi.value;
                                out->end = hi.end;
                                out->flags |= NW_NUM_RANGE;
                        }
                }
        }
        return 1;
}

struct qual_phrase {
        const char *p;
        size_t n;               /* strlen(p) */
        enum nw_qualifier q;
};

#define QP(p, q) {p, sizeof(p) - 1, q}

/* Longest first where one is the tail of another ("no more than" before "more than"). */
static const struct qual_phrase qual_before[] = {
        QP("no more than", NW_Q_UP_TO),     QP("not more than", NW_Q_UP_TO),
        QP("no less than", NW_Q_AT_LEAST),  QP("not less than", NW_Q_AT_LEAST),
        QP("no fewer than", NW_Q_AT_LEAST), QP("a minimum of", NW_Q_AT_LEAST),
        QP("a maximum of", NW_Q_UP_TO),     QP("maximum of", NW_Q_UP_TO),
        QP("more than", NW_Q_MORE_THAN),    QP("in excess of", NW_Q_MORE_THAN),
        QP("upwards of", NW_Q_MORE_THAN),   QP("over", NW_Q_MORE_THAN),
        QP("above", NW_Q_MORE_THAN),        QP("exceeding", NW_Q_MORE_THAN),
        QP("exceeded", NW_Q_MORE_THAN),     QP("exceeds", NW_Q_MORE_THAN),
        QP("exceed", NW_Q_MORE_THAN),       QP("topping", NW_Q_MORE_THAN),
        QP("topped", NW_Q_MORE_THAN),       QP("surpassing", NW_Q_MORE_THAN),
        QP("surpassed", NW_Q_MORE_THAN),    QP("beyond", NW_Q_MORE_THAN),
        QP("at least", NW_Q_AT_LEAST),      QP("as much as", NW_Q_UP_TO),
        QP("as many as", NW_Q_UP_TO),       QP("up to", NW_Q_UP_TO),
        QP("about", NW_Q_ABOUT),            QP("around", NW_Q_ABOUT),
        QP("approximately", NW_Q_ABOUT),    QP("approx.", NW_Q_ABOUT),
        QP("roughly", NW_Q_ABOUT),          QP("an estimated", NW_Q_ABOUT),
        QP("estimated", NW_Q_ABOUT),        QP("some", NW_Q_ABOUT),
        QP("circa", NW_Q_ABOUT),            QP("nearly", NW_Q_LESS_THAN),
        QP("almost", NW_Q_LESS_THAN),       QP("close to", NW_Q_LESS_THAN),
        QP("just under", NW_Q_LESS_THAN),   QP("just below", NW_Q_LESS_THAN),
        QP("less than", NW_Q_LESS_THAN),    QP("fewer than", NW_Q_LESS_THAN),
        QP("under", NW_Q_LESS_THAN),        QP("below", NW_Q_LESS_THAN),
        QP("short of", NW_Q_LESS_THAN),     {NULL, 0, NW_Q_EXACT},
};

/* The rows of qual_before[] by last byte, in table order (as struct sign_index does by first
 * byte): a word before a number is compared only with the phrases that end like it. */
#define QUAL_ROWS 64

struct qual_index {
        unsigned char head[256];
        unsigned char next[QUAL_ROWS];
        /* the last eight bytes of each phrase (fewer for a shorter one) as a little-endian
         * number with its last byte on top, and 0xff over them: the eight bytes of text that
         * end where the phrase would are compared with it in one step */
        uint64_t tail[QUAL_ROWS], tail_mask[QUAL_ROWS];
};

_Static_assert(sizeof(qual_before) / sizeof(qual_before[0]) <= QUAL_ROWS,
               "struct qual_index is too small");

static struct qual_index qual_ix;

static void qual_index_build(void)
{
        unsigned char last[256] = {0};

        for (size_t r = 0; qual_before[r].p; r++) {
                unsigned char c = (unsigned char)qual_before[r].p[qual_before[r].n - 1];
                if (last[c]) {
                        qual_ix.next[last[c] - 1] = (unsigned char)(r + 1);
                } else {
                        qual_ix.head[c] = (unsigned char)(r + 1);
                }
                last[c] = (unsigned char)(r + 1);
                for (size_t k = 0; k < qual_before[r].n && k < 8; k++) {
                        unsigned char b = (unsigned char)qual_before[r].p[qual_before[r].n - 1 - k];
                        qual_ix.tail[r] |= (uint64_t)b << (8 * (7 - k));
                        qual_ix.tail_mask[r] |= (uint64_t)0xff << (8 * (7 - k));
                }
        }
}

enum nw_qualifier nw_qualifier_before(const char *s, size_t pos, size_t *start)
{
        size_t e = pos;
        unsigned char last;

        *start = pos;
        while (e > 0 && s[e - 1] == ' ') {
                e--;
        }
        if (e == 0) {
                return NW_Q_EXACT;
        }
        /* every phrase ends in a letter or a dot: compare that byte before the whole phrase */
        last = (unsigned char)s[e - 1];
        last = last >= 'A' && last <= 'Z' ? (unsigned char)(last + 32) : last;
        numbers_init();
        if (e >= 8) {
                uint64_t x;
                memcpy(&x, s + e - 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                x = __builtin_bswap64(x);
#endif
                x = nw_scan_lower8(x);
                for (unsigned r = qual_ix.head[last]; r; r = qual_ix.next[r - 1]) {
                        const struct qual_phrase *q = &qual_before[r - 1];
                        size_t k = 0;
                        if (e < q->n ||
                            ((x ^ qual_ix.tail[r - 1]) & qual_ix.tail_mask[r - 1]) != 0) {
                                continue;
                        }
                        /* the bytes before the last eight, if any */
                        while (k + 8 < q->n && nw_scan_lower((unsigned char)s[e - q->n + k]) ==
                                                       (unsigned char)q->p[k]) {
                                k++;
                        }
                        if (k + 8 >= q->n && nw_scan_at_word_start(s, e - q->n)) {
                                *start = e - q->n;
                                return q->q;
                        }
                }
                return NW_Q_EXACT;
        }
        for (unsigned r = qual_ix.head[last]; r; r = qual_ix.next[r - 1]) {
                const struct qual_phrase *q = &qual_before[r - 1];
                size_t k = 0;
                if (e < q->n) {
                        continue;
                }
                /* nw_scan_phrase_before(s, pos, q->p) with the spaces already skipped and the
                 * length known */
                while (k < q->n && nw_scan_lower((unsigned char)s[e - q->n + k]) ==
                                           (unsigned char)q->p[k]) {
                        k++;
                }
                if (k == q->n && nw_scan_at_word_start(s, e - q->n)) {
                        *start = e - q->n;
                        return q->q;
                }
        }
        return NW_Q_EXACT;
}

enum nw_qualifier nw_qualifier_after(const char *s, size_t len, size_t end, size_t *new_end)
{
        size_t e;

        *new_end = end;
        if ((e = nw_scan_word_at(s, len, end, "-odd")) != 0 ||
            (e = nw_scan_word_at(s, len, end, " odd")) != 0) {
                *new_end = e;
                return NW_Q_ABOUT;
        }
        if ((e = nw_scan_word_at(s, len, end, "-plus")) != 0 ||
            (e = nw_scan_word_at(s, len, end, "+")) != 0) {
                *new_end = e;
                return NW_Q_MORE_THAN;
        }
        if ((e = nw_scan_word_at(s, len, end, " or more")) != 0) {
                *new_end = e;
                return NW_Q_AT_LEAST;
        }
        if ((e = nw_scan_word_at(s, len, end, " or so")) != 0) {
                *new_end = e;
                return NW_Q_ABOUT;
        }
        return NW_Q_EXACT;
}

struct cur_sign {
        const char *t;
        const char *code;       /* "$" means the context's dollar, "\xa5" the context's yen */
        int ci;                 /* match case-insensitively */
};

/* Currency signs and codes written before the number, longest first. */
static const struct cur_sign prefixes[] = {
        {"U.S.$", "USD", 0}, {"US$", "USD", 0},  {"USD", "USD", 0}, {"HK$", "HKD", 0},
        {"HKD", "HKD", 0},   {"Aus$", "AUD", 0}, {"AU$", "AUD", 0}, {"A$", "AUD", 0},
        {"AUD", "AUD", 0},   {"CA$", "CAD", 0},  {"C$", "CAD", 0},  {"CAD", "CAD", 0},
        {"SG$", "SGD", 0},   {"S$", "SGD", 0},   {"SGD", "SGD", 0}, {"NT$", "TWD", 0},
        {"TWD", "TWD", 0},   {"NZ$", "NZD", 0},  {"NZD", "NZD", 0}, {"R$", "BRL", 0},
        {"\xe2\x82\xac", "EUR", 0}, {"EUR", "EUR", 0}, {"\xc2\xa3", "GBP", 0},
        {"GBP", "GBP", 0},   {"\xc2\xa5", "\xa5", 0}, {"JPY", "JPY", 0}, {"RMB", "CNY", 0},
        {"CNY", "CNY", 0},   {"Rs.", "INR", 0},  {"Rs", "INR", 0},  {"INR", "INR", 0},
        {"\xe2\x82\xb9", "INR", 0}, {"RM", "MYR", 0}, {"MYR", "MYR", 0}, {"KRW", "KRW", 0},
        {"\xe2\x82\xa9", "KRW", 0}, {"VND", "VND", 0}, {"CHF", "CHF", 0}, {"AED", "AED", 0},
        {"Dh", "AED", 0},    {"SAR", "SAR", 0},  {"IDR", "IDR", 0}, {"Rp", "IDR", 0},
        {"THB", "THB", 0},   {"PHP", "PHP", 0},  {"$", "$", 0},     {NULL, NULL, 0},
};

/* Currency words and codes written after the number, longest first where they share a tail. */
static const struct cur_sign suffixes[] = {
        {"u.s. dollars", "USD", 1},      {"us dollars", "USD", 1},
        {"u.s. dollar", "USD", 1},       {"us dollar", "USD", 1},
        {"u.s. dlrs", "USD", 1},         {"u.s. dlr", "USD", 1},
        {"h.k. dollars", "HKD", 1},      {"h.k. dlrs", "HKD", 1},
        {"h.k. dlr", "HKD", 1},          {"n.z. dollars", "NZD", 1},
        {"n.z. dlrs", "NZD", 1},         {"n.z. dlr", "NZD", 1},
        {"american dollars", "USD", 1},  {"hong kong dollars", "HKD", 1},
        {"singapore dollars", "SGD", 1}, {"australian dollars", "AUD", 1},
        {"canadian dollars", "CAD", 1},  {"new taiwan dollars", "TWD", 1},
        {"taiwan dollars", "TWD", 1},    {"nt dollars", "TWD", 1},
        {"new zealand dollars", "NZD", 1}, {"dollars", "$", 1}, {"dollar", "$", 1},
        {"dlrs", "$", 1},                {"dlr", "$", 1},       {"usd", "USD", 1},
        {"yuan", "CNY", 1},              {"renminbi", "CNY", 1}, {"rmb", "CNY", 1},
        {"cny", "CNY", 1},               {CJK_YUAN, "CNY", 0},  {"euros", "EUR", 1},
        {"euro", "EUR", 1},              {"eur", "EUR", 1},     {"pounds sterling", "GBP", 1},
        {"pounds", "GBP", 1},            {"pound", "GBP", 1},   {"sterling", "GBP", 1},
        {"stg", "GBP", 1},               {"gbp", "GBP", 1},     {"yen", "JPY", 1},
        {"jpy", "JPY", 1},               {"won", "KRW", 1},     {"krw", "KRW", 1},
        {"rupees", "INR", 1},            {"rupee", "INR", 1},   {"inr", "INR", 1},
        {"ringgit", "MYR", 1},           {"myr", "MYR", 1},     {"dong", "VND", 1},
        {"vnd", "VND", 1},               {"baht", "THB", 1},    {"rupiah", "IDR", 1},
        {"swiss francs", "CHF", 1},      {"francs", "CHF", 1},  {"rand", "ZAR", 1},
        {"riyals", "SAR", 1},            {"riyal", "SAR", 1},   {"dirhams", "AED", 1},
        {"dirham", "AED", 1},            {"lira", "TRY", 1},    {"roubles", "RUB", 1},
        {"rubles", "RUB", 1},            {"naira", "NGN", 1},   {"taka", "BDT", 1},
        {"zloty", "PLN", 1},             {"hkd", "HKD", 1},     {"aud", "AUD", 1},
        {"sgd", "SGD", 1},               {"twd", "TWD", 1},     {"cad", "CAD", 1},
        {NULL, NULL, 0},
};

/* The rows of prefixes[] and suffixes[] by first byte, in table order (as struct word_index
 * does for words): a number with no sign before it, or no currency word after it, costs one
 * look at its byte instead of a walk over every row. Built once. */
#define SIGN_ROWS 80

struct sign_index {
        unsigned char head[256];
        unsigned char next[SIGN_ROWS];
};

_Static_assert(sizeof(prefixes) / sizeof(prefixes[0]) <= SIGN_ROWS &&
                       sizeof(suffixes) / sizeof(suffixes[0]) <= SIGN_ROWS,
               "struct sign_index is too small");

static struct sign_index prefixes_ix, suffixes_ix;

static void index_signs(const struct cur_sign *t, struct sign_index *ix)
{
        unsigned char last[256] = {0};

        for (size_t r = 0; t[r].t; r++) {
                unsigned char c = (unsigned char)t[r].t[0];
                if (last[c]) {
                        ix->next[last[c] - 1] = (unsigned char)(r + 1);
                } else {
                        ix->head[c] = (unsigned char)(r + 1);
                }
                last[c] = (unsigned char)(r + 1);
        }
}

static void sign_index_build(void)
{
        index_signs(prefixes, &prefixes_ix);
        index_signs(suffixes, &suffixes_ix);
}

static size_t sign_at(const char *s, size_t len, size_t pos, const struct cur_sign *c)
{
        size_t n = 0;

        /* nw_scan_word_at() checks the bounds itself */
        if (c->ci) {
                return nw_scan_word_at(s, len, pos, c->t);
        }
        /* bytes as written, measured while compared */
        while (c->t[n]) {
                if (pos + n >= len || s[pos + n] != c->t[n]) {
                        return 0;
                }
                n++;
        }
        return pos + n;
}

static const char *resolve(const char *code, const struct nw_money_ctx *ctx)
{
        if (code[0] == '$') {
                return ctx && ctx->dollar[0] ? ctx->dollar : "USD";
        }
        if ((unsigned char)code[0] == 0xa5) {
                return ctx && ctx->yen[0] ? ctx->yen : "JPY";
        }
        return code;
}

const char *nw_currency_code(const char *word, size_t len)
{
        for (const struct cur_sign *c = prefixes; c->t; c++) {
                if (strlen(c->t) == len && sign_at(word, len, 0, c) == len) {
                        return resolve(c->code, NULL);
                }
        }
        for (const struct cur_sign *c = suffixes; c->t; c++) {
                if (strlen(c->t) == len && sign_at(word, len, 0, c) == len) {
                        return resolve(c->code, NULL);
                }
        }
        return NULL;
}

/* Words after "crore"/"lakh" that make it a head count, not rupees ("19.3 lakh rides"). */
static const char *const count_nouns[] = {
        "people", "persons", "rides", "users", "jobs", "farmers", "households", "vehicles",
        "passenger", "passengers", "commercial", "tonnes", "tons", "doses", "customers",
        "subscribers", "students", "voters", "units", "homes", "houses", "trees", "accounts",
        "beneficiaries", "visitors", "devotees", "pilgrims", "cases", "shares", "women", "men",
        "children", "workers", "employees", "members", "population", "litres", "hectares",
        NULL,
};

static int count_noun_follows(const char *s, size_t len, size_t end)
{
        size_t p = nw_scan_skip_spaces(s, len, end);
        for (const char *const *w = count_nouns; *w; w++) {
                if (nw_scan_word_at(s, len, p, *w)) {
                        return 1;
                }
        }
        return 0;
}

int nw_money_parse(const char *s, size_t len, size_t pos, const struct nw_money_ctx *ctx,
                   struct nw_money *out)
{
        int num_ok;
        struct nw_num num;

        return nw_money_parse_num(s, len, pos, ctx, out, &num, &num_ok);
}

int nw_money_parse_num(const char *s, size_t len, size_t pos, const struct nw_money_ctx *ctx,
                       struct nw_money *out, struct nw_num *num_at, int *num_ok)
{
        struct nw_num num;
        const char *code = NULL;
        size_t p = pos, qs, qe;
        int bare = 0, ok;
        unsigned first;

        memset(out, 0, sizeof(*out));
        *num_ok = -1;
        if (pos >= len) {
                return 0;
        }
        /* a sign or code before the number (none starts with a digit; all are case-sensitive,
         * so the first byte decides which rows to try) */
        numbers_init();
        first = nw_scan_digit((unsigned char)s[pos]) ? 0 : prefixes_ix.head[(unsigned char)s[pos]];
        for (unsigned r = first; r; r = prefixes_ix.next[r - 1]) {
                const struct cur_sign *c = &prefixes[r - 1];
                size_t e = sign_at(s, len, pos, c);
                if (!e) {
                        continue;
                }
                if (nw_scan_alpha((unsigned char)c->t[0]) && !nw_scan_at_word_start(s, pos)) {
                        continue;
                }
                if (e < len && s[e] == ' ' && nw_scan_alpha((unsigned char)c->t[strlen(c->t) - 1])) {
                        e++; /* "Rs 26.33", "USD 2.8" */
                }
                if (e < len && nw_scan_digit((unsigned char)s[e])) {
                        code = resolve(c->code, ctx);
                        bare = strcmp(c->t, "$") == 0;
                        p = e;
                        break;
                }
        }
        /* "R250", "R12,000 crore": a rupee sign lost in transit, only in Indian copy */
        if (!code && ctx && ctx->indian && s[pos] == 'R' && nw_scan_at_word_start(s, pos) &&
            pos + 1 < len && nw_scan_digit((unsigned char)s[pos + 1])) {
                code = "INR";
                p = pos + 1;
        }
        ok = nw_num_parse(s, len, p, &num);
        if (p == pos) {
                *num_at = num;
                *num_ok = ok;
        }
        if (!ok || (num.flags & (NW_NUM_ORDINAL | NW_NUM_RANGE) &&
                    !(num.flags & NW_NUM_RANGE && code))) {
                return 0;
        }
        if (num.flags & NW_NUM_ORDINAL) {
                return 0;
        }
        out->end = num.end;
        if (!code) {
                /* a currency word after the number, maybe hyphenated ("1.12-billion-USD") */
                size_t q = num.end;
                if (q < len && (s[q] == ' ' || s[q] == '-')) {
                        q++;
                }
                unsigned char c0 = q < len ? (unsigned char)s[q] : 0;
                /* the byte after the first, lower-cased, or none (every row is two bytes or
                 * longer, so a row whose second byte differs cannot match) */
                unsigned c1 = q + 1 < len ? (unsigned)(unsigned char)s[q + 1] : 0x100u;
                unsigned c1_lower = c1 < 0x100u ? nw_scan_lower((unsigned char)c1) : c1;
                c0 = c0 >= 'A' && c0 <= 'Z' ? (unsigned char)(c0 + 32) : c0;
                for (unsigned r = suffixes_ix.head[c0]; r; r = suffixes_ix.next[r - 1]) {
                        const struct cur_sign *c = &suffixes[r - 1];
                        size_t e;
                        /* most rows tried fail here ("percent" against "pounds"), and
                         * then cost no call into the compare */
                        if ((unsigned char)c->t[1] != (c->ci ? c1_lower : c1)) {
                                continue;
                        }
                        e = sign_at(s, len, q, c);
                        if (e) {
                                code = resolve(c->code, ctx);
                                out->end = e;
                                break;
                        }
                }
                if (!code && has_at(s, len, num.end, CJK_YUAN)) {
                        code = "CNY";
                        out->end = num.end + 3;
                }
                /* a bare "crore" is rupees unless a head count follows */
                if (!code && (num.flags & NW_NUM_INDIAN) && ctx && ctx->indian &&
                    !(num.flags & NW_NUM_SPELLED) && !count_noun_follows(s, len, num.end) &&
                    nw_scan_find_word(s, num.start, num.end, "crore") != (size_t)-1) {
                        code = "INR";
                }
                if (!code) {
                        return 0;
                }
                if (num.flags & NW_NUM_SPELLED && !(num.flags & NW_NUM_SCALED)) {
                        return 0; /* "one dollar" is not a deal figure */
                }
        } else {
                /* "Rs 1,002 crore rupees" */
                (void)0;
        }
        out->value = num.value;
        memcpy(out->currency, code, 3);
        out->currency[3] = '\0';
        out->amount_start = pos;
        out->bare_dollar = bare;
        out->qualifier = nw_qualifier_before(s, pos, &qs);
        out->start = qs;
        if (out->qualifier == NW_Q_EXACT) {
                enum nw_qualifier q = nw_qualifier_after(s, len, out->end, &qe);
                if (q != NW_Q_EXACT) {
                        out->qualifier = q;
                        out->end = qe;
                }
        }
        return 1;
}

static int has_bytes(const char *s, size_t len, const char *lit)
{
        size_t n = strlen(lit);
        const char *p = s, *end = s + len;

        while (p + n <= end) {
                const char *q = memchr(p, lit[0], (size_t)(end - p));
                if (!q || q + n > end) {
                        return 0;
                }
                if (memcmp(q, lit, n) == 0) {
                        return 1;
                }
                p = q + 1;
        }
        return 0;
}

/* What a context word says about the text's "$", "¥" and "R". */
enum ctx_kind {
        CK_YUAN = 0,    /* yuan, renminbi, RMB: the text deals in yuan */
        CK_YEN,         /* the word "yen" */
        CK_CHINA,       /* China, Chinese, Beijing, Shanghai */
        CK_JAPAN,       /* Japan, Japanese, Tokyo */
        CK_RUPEE,       /* crore, lakh, rupees, Rs: Indian copy */
        CK_LOCAL        /* a country with its own dollar (code in the row) */
};

/* Whole words that tell which "$", "¥" and "R" the text means. Rows are lower case and
 * match any case, except `cs` rows (short codes such as "Rs" and "RMB"), which match only as
 * written. A row with `next` needs that word right after it ("Hong Kong"). Every word of the
 * text is looked up, so rows carry their length and are found by a switch on the first
 * letter (see ctx_rows). */
struct ctx_word {
        const char *w;
        unsigned char n;        /* strlen(w) */
        const char *next;
        int cs;
        enum ctx_kind kind;
        const char *code;
};

#define CW(w, next, cs, kind, code) {w, sizeof(w) - 1, next, cs, kind, code}

static const struct ctx_word ctx_words[] = {
        CW("australia", NULL, 0, CK_LOCAL, "AUD"),  CW("australian", NULL, 0, CK_LOCAL, "AUD"),
        CW("beijing", NULL, 0, CK_CHINA, NULL),     CW("canada", NULL, 0, CK_LOCAL, "CAD"),
        CW("canadian", NULL, 0, CK_LOCAL, "CAD"),   CW("china", NULL, 0, CK_CHINA, NULL),
        CW("chinese", NULL, 0, CK_CHINA, NULL),     CW("crore", NULL, 0, CK_RUPEE, NULL),
        CW("hong", "kong", 0, CK_LOCAL, "HKD"),     CW("japan", NULL, 0, CK_JAPAN, NULL),
        CW("japanese", NULL, 0, CK_JAPAN, NULL),    CW("lakh", NULL, 0, CK_RUPEE, NULL),
        CW("new", "zealand", 0, CK_LOCAL, "NZD"),   CW("renminbi", NULL, 0, CK_YUAN, NULL),
        CW("rupees", NULL, 0, CK_RUPEE, NULL),      CW("RMB", NULL, 1, CK_YUAN, NULL),
        CW("Rs", NULL, 1, CK_RUPEE, NULL),          CW("shanghai", NULL, 0, CK_CHINA, NULL),
        CW("singapore", NULL, 0, CK_LOCAL, "SGD"),  CW("taiwan", NULL, 0, CK_LOCAL, "TWD"),
        CW("tokyo", NULL, 0, CK_JAPAN, NULL),       CW("yen", NULL, 0, CK_YEN, NULL),
        CW("yuan", NULL, 0, CK_YUAN, NULL),
};

/* ctx_rows() below indexes these rows by position */
_Static_assert(sizeof(ctx_words) / sizeof(ctx_words[0]) == 23, "ctx_rows() needs updating");

/* The rows [*first, *first + count) whose word starts with the lower-case letter @p c0.
 * Most words of a text start with a letter no row has and cost one switch. */
static size_t ctx_rows(unsigned char c0, size_t *first)
{
        switch (c0) {
        case 'a': *first = 0; return 2;
        case 'b': *first = 2; return 1;
        case 'c': *first = 3; return 5;
        case 'h': *first = 8; return 1;
        case 'j': *first = 9; return 2;
        case 'l': *first = 11; return 1;
        case 'n': *first = 12; return 1;
        case 'r': *first = 13; return 4;
        case 's': *first = 17; return 2;
        case 't': *first = 19; return 2;
        case 'y': *first = 21; return 2;
        default: return 0;
        }
}

#define CTX_LOCALS 8

struct ctx_counts {
        unsigned kind[CK_LOCAL + 1];
        const char *local[CTX_LOCALS];  /* codes in order of first mention */
        unsigned local_n[CTX_LOCALS];
        size_t n_local;
};

/* Whether ctx_words row @p w matches the word s[i, e). */
static int ctx_word_at(const struct ctx_word *w, const char *s, size_t len, size_t i, size_t e)
{
        size_t n = w->n;

        if (n != e - i) {
                return 0;
        }
        if (w->cs ? memcmp(s + i, w->w, n) != 0 : nw_scan_word_at(s, len, i, w->w) != e) {
                return 0;
        }
        return !w->next || (e < len && s[e] == ' ' && nw_scan_word_at(s, len, e + 1, w->next));
}

/* One pass over the words of the text, counting the context words by kind. */
static void ctx_scan(const char *s, size_t len, struct ctx_counts *c)
{
        size_t i = 0;

        memset(c, 0, sizeof(*c));
        while (i < len) {
                size_t e = i, first = 0, rows;
                if (!nw_scan_alpha((unsigned char)s[i]) || !nw_scan_at_word_start(s, i)) {
                        i++;
                        continue;
                }
                while (e < len && nw_scan_wordc((unsigned char)s[e])) {
                        e++;
                }
                rows = e - i >= 2 && e - i <= 10
                               ? ctx_rows(nw_scan_lower((unsigned char)s[i]), &first)
                               : 0;
                for (const struct ctx_word *w = ctx_words + first; rows; w++, rows--) {
                        if (!ctx_word_at(w, s, len, i, e)) {
                                continue;
                        }
                        c->kind[w->kind]++;
                        if (w->kind == CK_LOCAL) {
                                size_t k = 0;
                                while (k < c->n_local && strcmp(c->local[k], w->code) != 0) {
                                        k++;
                                }
                                if (k == c->n_local && k < CTX_LOCALS) {
                                        c->local[c->n_local++] = w->code;
                                }
                                if (k < CTX_LOCALS) {
                                        c->local_n[k]++;
                                }
                        }
                        break;
                }
                i = e;
        }
}

/* Whether the text writes a bare "$" figure followed by its US dollar conversion, as in
 * "$28.35m (US$20m)": then its own "$" is not the US dollar. */
static int dollar_with_us_conversion(const char *s, size_t len)
{
        static const char *const us[] = {"US$", "U.S.$", "USD", "US ", NULL};
        const char *p = s, *end = s + len;

        while (p < end) {
                const char *d = memchr(p, '$', (size_t)(end - p));
                size_t i, k;
                if (!d) {
                        return 0;
                }
                i = (size_t)(d - s);
                p = d + 1;
                /* bare: not "US$", "HK$"; followed by a digit */
                if ((i > 0 && nw_scan_alpha((unsigned char)s[i - 1])) || i + 1 >= len ||
                    !nw_scan_digit((unsigned char)s[i + 1])) {
                        continue;
                }
                /* the parenthesis right after the figure ("$28.35m (", "$1,200 million ("):
                 * a dot or comma between digits is part of it, any other ends the look */
                for (k = i + 1; k < len && k < i + 24 && s[k] != '(' && s[k] != '$'; k++) {
                        if ((s[k] == '.' || s[k] == ',' || s[k] == ';') &&
                            !(k + 1 < len && nw_scan_digit((unsigned char)s[k + 1]))) {
                                break;
                        }
                }
                if (k >= len || s[k] != '(') {
                        continue;
                }
                k = nw_scan_skip_spaces(s, len, k + 1);
                for (const char *const *u = us; *u; u++) {
                        size_t n = strlen(*u);
                        if (k + n < len && memcmp(s + k, *u, n) == 0 &&
                            (strcmp(*u, "US ") != 0 || nw_scan_digit((unsigned char)s[k + n]) ||
                             s[k + n] == '$')) {
                                return 1;
                        }
                }
        }
        return 0;
}

void nw_money_ctx_default(struct nw_money_ctx *ctx)
{
        memset(ctx, 0, sizeof(*ctx));
        memcpy(ctx->dollar, "USD", 4);
        memcpy(ctx->yen, "JPY", 4);
}

/* Whether the mark test of nw_money_ctx_matters() holds at s[i] (i < len). */
static int ctx_mark_at(const char *s, size_t len, size_t i)
{
        unsigned char c = (unsigned char)s[i];

        if (c == '$' || c == 0xa5) {
                return 1;
        }
        if (c == 'R' && i + 1 < len && nw_scan_digit((unsigned char)s[i + 1])) {
                return 1;
        }
        return (c | 0x20) == 'c' && i + 4 < len && (s[i + 1] | 0x20) == 'r' &&
               (s[i + 2] | 0x20) == 'o' && (s[i + 3] | 0x20) == 'r' && (s[i + 4] | 0x20) == 'e';
}

#if defined(__SSE2__)
/* Whether the mark test of nw_money_ctx_matters() holds at one of the places p[0, 16): each
 * place tested at once for every mark, the bytes at p, p + 1 ... p + 4 from five overlapping
 * loads. Reads p[0, 20). */
static inline int marks16(const char *p)
{
        const __m128i case_bit = _mm_set1_epi8(0x20), to_0 = _mm_set1_epi8((char)(0x80 - '0'));
        const __m128i below_0 = _mm_set1_epi8(-128 + 10);
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
        __m128i sign = _mm_or_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8('$')),
                                    _mm_cmpeq_epi8(v0, _mm_set1_epi8((char)0xa5)));
        __m128i rupee = _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8('R')),
                                      _mm_cmplt_epi8(_mm_add_epi8(v1, to_0), below_0));
        __m128i crore = _mm_and_si128(
                _mm_cmpeq_epi8(_mm_or_si128(v0, case_bit), _mm_set1_epi8('c')),
                _mm_cmpeq_epi8(_mm_or_si128(v1, case_bit), _mm_set1_epi8('r')));
        /* one test for the three: most steps have none of them */
        if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(sign, rupee), crore))) {
                return 0;
        }
        if (_mm_movemask_epi8(_mm_or_si128(sign, rupee))) {
                return 1;
        }
        /* "cr" is common enough ("across", "credit"); the rest of the word only then */
        {
                __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
                __m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 3));
                __m128i v4 = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
                crore = _mm_and_si128(
                        crore, _mm_cmpeq_epi8(_mm_or_si128(v2, case_bit), _mm_set1_epi8('o')));
                crore = _mm_and_si128(
                        crore, _mm_cmpeq_epi8(_mm_or_si128(v3, case_bit), _mm_set1_epi8('r')));
                crore = _mm_and_si128(
                        crore, _mm_cmpeq_epi8(_mm_or_si128(v4, case_bit), _mm_set1_epi8('e')));
                if (_mm_movemask_epi8(crore)) {
                        return 1;
                }
        }
        return 0;
}
#endif

/* Mirrors the readers of the context: resolve() reads `dollar` only for "$" and for dollar
 * words, and `dollar` leaves "USD" only when the text has a "$" (dollar_with_us_conversion);
 * `yen` only for "¥" (C2 A5); `indian` only for "R" + digit and for a bare "crore";
 * `local_dollar` only for a bare "$" (nw_extract). */
int nw_money_ctx_matters(const char *s, size_t len)
{
        size_t i = 0;

#if defined(__SSE2__)
        /* sixteen places a step (their loads all inside s[0, len)) */
        for (; i + 20 <= len; i += 16) {
                if (marks16(s + i)) {
                        return 1;
                }
        }
        /* the places up to four from the end but one, by the sixteen that end there (some
         * tested twice, which changes no answer) instead of a byte at a time */
        if (len >= 20 && i < len - 4) {
                if (marks16(s + len - 20)) {
                        return 1;
                }
                i = len - 4;
        }
#endif
        for (; i < len; i++) {
                if (ctx_mark_at(s, len, i)) {
                        return 1;
                }
        }
        return 0;
}

void nw_money_ctx_init(struct nw_money_ctx *ctx, const char *s, size_t len)
{
        struct ctx_counts c;
        size_t best = 0;
        unsigned cn, jp;

        ctx_scan(s, len, &c);
        nw_money_ctx_default(ctx);
        /* "¥" is the yuan sign in copy that writes yuan and is more about China than Japan;
         * any "yen" keeps it the yen */
        cn = 3 * c.kind[CK_YUAN] + c.kind[CK_CHINA];
        jp = 3 * c.kind[CK_YEN] + c.kind[CK_JAPAN];
        if (c.kind[CK_YUAN] && !c.kind[CK_YEN] && cn > jp) {
                memcpy(ctx->yen, "CNY", 4);
        }
        ctx->indian = c.kind[CK_RUPEE] > 0 || has_bytes(s, len, "\xe2\x82\xb9");
        /* the local dollar: the dollar country named most, the first named on a tie */
        for (size_t k = 1; k < c.n_local; k++) {
                if (c.local_n[k] > c.local_n[best]) {
                        best = k;
                }
        }
        if (c.n_local) {
                memcpy(ctx->local_dollar, c.local[best], 4);
                if (dollar_with_us_conversion(s, len)) {
                        memcpy(ctx->dollar, c.local[best], 4);
                }
        }
}

static void numbers_build(void)
{
        word_index_build();
        number_keys_build();
        qual_index_build();
        sign_index_build();
        atomic_store_explicit(&numbers_ready, 1, memory_order_release);
}
