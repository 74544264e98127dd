/* nw_extract.c -- events, investments, statistics, people, organizations and places
 * (see nw_extract.h). The body is split into sentences once; each sentence is scanned once
 * for mentions (money, counts, percentages), and cheap cue-word gates decide which of the
 * heavier matchers (events, people, organizers) run on it. All tables are const. */
#include "nw_extract.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "nw_buf.h"
#include "nw_dates.h"
#include "nw_extract_cues.h"
#include "nw_extract_parties.h"
#include "nw_gazetteer.h"
#include "nw_numbers.h"
#include "nw_scan.h"
#include "nw_swar.h"

/* Bounds: a story longer than this is a data dump, not news; facts per article are capped
 * so a pathological input cannot make the record or the scan unbounded. */
#define MAX_TEXT (1u << 20)
#define MAX_FACTS 200
#define MAX_MENTIONS 256
#define MAX_CAPS 256

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

struct span {
        size_t a, b;
};

enum mkind { M_MONEY, M_COUNT, M_PERCENT };

struct mention {
        enum mkind kind;
        size_t start, end;      /* with qualifier words */
        size_t num_start;
        double value;
        enum nw_qualifier q;
        char currency[4];
        int bare_dollar;
        struct nw_money alts[3];
        int n_alts;
        struct span unit;       /* head noun of a count ("enterprises") */
        struct span subj;       /* the noun phrase after a count */
        int used;
};

/* Room kept inside struct ex (on the stack of nw_extract()) for the per-article arrays, so
 * that most stories allocate none of them: a bigger story moves an array to the heap. */
#define SENTS_IN 64
#define MENTIONS_IN 16
#define WSTARTS_IN 256

struct ex {
        struct nw_article *a;
        const char *s;
        size_t len;
        struct nw_date ref;
        struct nw_money_ctx mc;
        struct span *sents;     /* sents_in, or the heap when there are more */
        size_t n_sents;
        struct nw_cues cues;    /* cue words of the sentence being read */
        size_t n_caps;          /* see caps[] */
        struct mention *m;      /* the sentence's mentions (m_in or the heap), up to MAX_MENTIONS */
        size_t n_m, cap_m;
        long main_event;        /* index of the story's main event, -1 */
        long last_inv;          /* index of the last investment */
        size_t last_inv_sent;
        struct span dateline;   /* a dateline found in the body: its numbers are not facts */
        size_t place_si;        /* the sentence whose place after "in" is held below, or -1 */
        const struct nw_place *place_after;
        /* the starts of the words that begin with a letter in the span [wa, wb), listed once
         * per sentence for the matchers that look at every one (wstarts_in or the heap); see
         * letter_words() */
        size_t *wstarts;
        size_t n_wstarts, cap_wstarts, wa, wb;
        size_t n_placed;        /* see placed[] */
        /* Only the fields above are cleared for a story; the arrays below are read up to their
         * counts. */
        /* starts of the sentence's capitalized words, from the cue scan, for the matchers that
         * only look at those; when there are more than MAX_CAPS they scan the bytes instead */
        size_t caps[MAX_CAPS];
        /* the places already added to a->locations (at most 60 are kept), so a place named
         * again is known without comparing it with every location's text */
        const struct nw_place *placed[60];
        struct span sents_in[SENTS_IN];
        struct mention m_in[MENTIONS_IN];
        size_t wstarts_in[WSTARTS_IN];
};

/* ---------------------------------------------------------------- small text helpers */

/* Whether s[0, n) is @p w in any case. One pass: no strlen, since the lists are walked
 * for nearly every word of a sentence. */
static int lower_eq(const char *s, size_t n, const char *w)
{
        for (size_t i = 0; i < n; i++) {
                if (w[i] == '\0' || nw_scan_lower((unsigned char)s[i]) != (unsigned char)w[i]) {
                        return 0;
                }
        }
        return w[n] == '\0';
}

/* The word lists that are asked about often, answered by one probe of a hash set built once
 * from them (see in_set() at the end of the file). */
enum hashed_list {
        HL_TITLE_HEADS, HL_ORG_SUFFIX, HL_NAME_STOP, HL_NP_STOP, HL_NAME_GLUE, HL_SKIP_UNITS, HL_ABBREVS, HL_TITLE_MODS, HL_CORP_HEADS, HL_VENUE_WORDS, HL_EV_WEAK_MODS, HL_EV_STRONG_MODS, HL_DEAL_NOUNS, HL_PRICE_UNITS, HL_GOODS_WORDS, HL_MONTHS, HL_DATE_WORDS,
        HL_NP_VERBS, HL_NP_PLURALS, HL_NP_SINGULARS, HL_COUNT
};

static int in_set_probe(const char *s, size_t n, enum hashed_list k);

static size_t hashed_max_len;
/* hashed_lens[k][c & 31]: bit n set when list k holds a word of n bytes whose first byte is
 * c (lower case); most words asked about are turned away by it before they are hashed */
static uint32_t hashed_lens[HL_COUNT][32];
static int hashed_ready;        /* 0 when the lists outgrew the table: walk them instead */

/* Whether s[0, n) is a word of hashed_lists[k], compared as lower_eq() does. Asked about
 * most words of a sentence, most of which its length and first byte turn away: that test is
 * inline at each caller, the probe (see the end of the file) is not. */
static inline int in_set(const char *s, size_t n, enum hashed_list k)
{
        if (n == 0) {
                return 0;
        }
        /* built by nw_extract() before it reads a sentence: this is only asked from there */
        if (hashed_ready && (n > hashed_max_len ||
                             !((hashed_lens[k][nw_scan_lower((unsigned char)s[0]) & 31] >> n) & 1u))) {
                return 0;
        }
        return in_set_probe(s, n, k);
}

/* Whether s[0, n) is a word of @p list (a walk; the lists asked about often go through
 * in_set() instead). */
static int in_list(const char *s, size_t n, const char *const *list)
{
        unsigned char c0;

        if (n == 0) {
                return 0;
        }
        /* the first byte rules out nearly every entry before its length is taken */
        c0 = nw_scan_lower((unsigned char)s[0]);
        for (; *list; list++) {
                if ((unsigned char)(*list)[0] == c0 && lower_eq(s, n, *list)) {
                        return 1;
                }
        }
        return 0;
}

/* A copy of s[a..b) with outer spaces/punctuation trimmed and typographic quotes made ASCII
 * ("People’s" -> "People's"), so names compare and print alike. */
static char *dup_clean(const char *s, size_t a, size_t b)
{
        char *out;
        size_t n = 0;

        while (a < b && (s[a] == ' ' || s[a] == ',' || s[a] == '"' || s[a] == '(' || s[a] == '\'')) {
                a++;
        }
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == ',' || s[b - 1] == '.' || s[b - 1] == '"' ||
                         s[b - 1] == ';' || s[b - 1] == ':')) {
                /* a closing quote whose opening one is in the span stays: Conference on "X" */
                if (s[b - 1] == '"' && memchr(s + a, '"', b - 1 - a) != NULL) {
                        break;
                }
                b--;
        }
        /* the copy is never longer than the span: one allocation, then the runs between the
         * 0xE2 lead bytes copied whole */
        out = nw_xmalloc(b - a + 1);
        for (size_t i = a; i < b;) {
                const char *lead = memchr(s + i, 0xe2, b - i);
                size_t j = lead ? (size_t)(lead - s) : b;
                memcpy(out + n, s + i, j - i);
                n += j - i;
                i = j;
                if (i >= b) {
                        break;
                }
                if (i + 2 < b && (unsigned char)s[i + 1] == 0x80) {
                        unsigned char c3 = (unsigned char)s[i + 2];
                        if (c3 == 0x98 || c3 == 0x99) {
                                out[n++] = '\'';
                                i += 3;
                                continue;
                        }
                        if (c3 == 0x9c || c3 == 0x9d) {
                                out[n++] = '"';
                                i += 3;
                                continue;
                        }
                }
                out[n++] = s[i++];
        }
        out[n] = '\0';
        return out;
}

/* Typographic quotes and apostrophes are three bytes: E2 80 98/99/9C/9D. */
static int quote_at(const char *s, size_t len, size_t p)
{
        if (p < len && s[p] == '"') {
                return 1;
        }
        if (p + 2 < len && (unsigned char)s[p] == 0xe2 && (unsigned char)s[p + 1] == 0x80 &&
            ((unsigned char)s[p + 2] == 0x9c || (unsigned char)s[p + 2] == 0x9d)) {
                return 3;
        }
        return 0;
}

/* The eight bytes s[i, i + 8) as a little-endian number, zeros for the bytes at or past
 * @p len (the text is read no further). */
static uint64_t load8(const char *s, size_t i, size_t len)
{
        uint64_t w = 0;

        if (len - i >= 8) {
                memcpy(&w, s + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                w = __builtin_bswap64(w);
#endif
                return w;
        }
        for (size_t k = 0; i + k < len; k++) {
                w |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
        }
        return w;
}

/* The high bit of each byte of @p m gathered into bit k for byte k: the eight bits land on
 * distinct places of the product, so nothing carries into the top byte. */
static unsigned gather8(uint64_t m)
{
        return (unsigned)(((m & HIGH8) * 0x0002040810204081ULL) >> 56);
}

/* A bit per byte of @p w (bit k for byte k): *letters for the ASCII letters, and the result
 * for the word bytes of nw_scan_wordc() (letters, digits and every byte >= 0x80). Each byte
 * is tested on its own: the sums below stay inside their bytes. */
static unsigned word_bytes8(uint64_t w, unsigned *letters)
{
        uint64_t w7 = w & ~HIGH8, y = w7 | ONES8 * 0x20;
        uint64_t letter = (y + ONES8 * (0x80 - 'a')) & ~(y + ONES8 * (0x7f - 'z'));
        uint64_t digit = (w7 + ONES8 * (0x80 - '0')) & ~(w7 + ONES8 * (0x7f - '9'));

        *letters = gather8(letter & ~w);
        return gather8(letter | digit | w);
}

/* The positions in sp where a word starts with an ASCII letter (the byte before is no word
 * byte), in order. The deal wording, kind and status and the sectors look for words several
 * times in one sentence, and the mention scan of a sentence with number words asks which of
 * them start a number; the sentence is walked for its word starts once, eight bytes a step. */
static const size_t *letter_words(struct ex *x, const struct span *sp, size_t *n)
{
        const char *s = x->s;

        if (x->n_wstarts == (size_t)-1 || x->wa != sp->a || x->wb != sp->b) {
                unsigned prev = sp->a > 0 && nw_scan_wordc((unsigned char)s[sp->a - 1]);
                size_t nw = 0;
                x->wa = sp->a;
                x->wb = sp->b;
                /* a word start has a byte before it that is no word byte: room for every
                 * second byte, and the eight of the last step */
                if ((sp->b - sp->a) / 2 + 9 > x->cap_wstarts) {
                        x->cap_wstarts = (sp->b - sp->a) / 2 + 64;
                        if (x->wstarts != x->wstarts_in) {
                                free(x->wstarts);
                        }
                        x->wstarts = nw_xmalloc(x->cap_wstarts * sizeof(*x->wstarts));
                }
                for (size_t i = sp->a; i < sp->b; i += 8) {
                        unsigned letters, words = word_bytes8(load8(s, i, x->len), &letters);
                        /* a letter after no word byte; the bytes past the span are dropped */
                        unsigned starts = letters & ~((words << 1) | prev);
                        if (sp->b - i < 8) {
                                starts &= (1u << (sp->b - i)) - 1;
                        }
                        prev = (words >> 7) & 1u;
                        while (starts) {
                                x->wstarts[nw++] = i + (size_t)__builtin_ctz(starts);
                                starts &= starts - 1;
                        }
                }
                x->n_wstarts = nw;
        }
        *n = x->n_wstarts;
        return x->wstarts;
}

/* The entries of a word list grouped by first letter, in list order within a letter (a
 * counting sort), so that a word of the sentence is compared only with the entries that start
 * like it instead of with the whole list. */
#define GROUP_MAX 64

struct by_letter {
        uint8_t start[27];      /* the entries starting with 'a' + c: idx[start[c], start[c + 1]) */
        uint8_t idx[GROUP_MAX];
};

/* @returns 1, or 0 when the list is too long or holds an entry that does not start with a-z,
 * which @p skip_other allows: those entries are left out (a caller that only compares them
 * with letters can never match them). */
static int group_by_letter(const char *const *list, int skip_other, struct by_letter *g)
{
        uint8_t count[26] = {0}, fill[26];
        size_t n;

        for (n = 0; list[n]; n++) {
                unsigned char c = (unsigned char)list[n][0];
                if (n == GROUP_MAX) {
                        return 0;
                }
                if (c >= 'a' && c <= 'z') {
                        count[c - 'a']++;
                } else if (!skip_other) {
                        return 0;
                }
        }
        g->start[0] = 0;
        for (int c = 0; c < 26; c++) {
                g->start[c + 1] = (uint8_t)(g->start[c] + count[c]);
                fill[c] = g->start[c];
        }
        for (size_t k = 0; k < n; k++) {
                unsigned char c = (unsigned char)list[k][0];
                if (c >= 'a' && c <= 'z') {
                        g->idx[fill[c - 'a']++] = (uint8_t)k;
                }
        }
        return 1;
}

static const struct by_letter *list_groups(const char *const *list, int skip_other,
                                          struct by_letter *tmp);

/* The lowest index in @p words of a word (or phrase) found whole in the sentence, or -1.
 * One pass over the sentence's word starts, however long the list. */
static long first_of_list(struct ex *x, const struct span *sp, const char *const *words)
{
        const char *s = x->s;
        long best = -1;
        struct by_letter tmp;
        const struct by_letter *g = list_groups(words, 0, &tmp);
        const size_t *ws;
        size_t nw;

        if (!g) {
                for (size_t i = sp->a; i < sp->b; i++) {
                        unsigned char c = nw_scan_lower((unsigned char)s[i]);
                        if (!nw_scan_at_word_start(s, i)) {
                                continue;
                        }
                        for (long k = 0; words[k] && (best < 0 || k < best); k++) {
                                if ((unsigned char)words[k][0] == c &&
                                    nw_scan_word_at(s, sp->b, i, words[k])) {
                                        best = k;
                                        break;
                                }
                        }
                        if (best == 0) {
                                break;
                        }
                }
                return best;
        }
        /* every word starts with a-z: only the words that start with a letter can match */
        ws = letter_words(x, sp, &nw);
        for (size_t w = 0; w < nw; w++) {
                size_t i = ws[w];
                unsigned char c = nw_scan_lower((unsigned char)s[i]);
                for (size_t j = g->start[c - 'a']; j < g->start[c - 'a' + 1]; j++) {
                        long k = g->idx[j];
                        if (best >= 0 && k >= best) {
                                break;
                        }
                        if (nw_scan_word_at(s, sp->b, i, words[k])) {
                                best = k;
                                break;
                        }
                }
                if (best == 0) {
                        break;
                }
        }
        return best;
}

static int sentence_has(struct ex *x, const struct span *sp, const char *const *words)
{
        return first_of_list(x, sp, words) >= 0;
}

/* Any word of the sentence starting with one of the stems ("invest" matches "investments"). */
static int sentence_has_stem(struct ex *x, const struct span *sp, const char *const *stems)
{
        const char *s = x->s;
        struct by_letter tmp;
        /* stems are compared with words that start with a letter, lower-cased: one that starts
         * with anything but a-z never matches and is left out */
        const struct by_letter *g = list_groups(stems, 1, &tmp);
        const size_t *ws;
        size_t nw;

        if (!g) {
                for (size_t i = sp->a; i < sp->b; i++) {
                        if (!nw_scan_alpha((unsigned char)s[i]) || !nw_scan_at_word_start(s, i)) {
                                continue;
                        }
                        for (const char *const *st = stems; *st; st++) {
                                size_t k = 0;
                                while ((*st)[k] && i + k < sp->b &&
                                       (char)nw_scan_lower((unsigned char)s[i + k]) == (*st)[k]) {
                                        k++;
                                }
                                if ((*st)[k] == '\0') {
                                        return 1;
                                }
                        }
                }
                return 0;
        }
        ws = letter_words(x, sp, &nw);
        for (size_t w = 0; w < nw; w++) {
                size_t i = ws[w];
                unsigned char c = nw_scan_lower((unsigned char)s[i]);
                for (size_t j = g->start[c - 'a']; j < g->start[c - 'a' + 1]; j++) {
                        const char *st = stems[g->idx[j]];
                        size_t k = 1;
                        while (st[k] && i + k < sp->b &&
                               (char)nw_scan_lower((unsigned char)s[i + k]) == st[k]) {
                                k++;
                        }
                        if (st[k] == '\0') {
                                return 1;
                        }
                }
        }
        return 0;
}

static size_t read_org(const char *s, size_t lim, size_t p);

/* ---------------------------------------------------------------- sentences */

static const char *const abbrevs[] = {
        "mr", "mrs", "ms", "dr", "co", "corp", "inc", "ltd", "st", "no", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "rs", "vs", "gov", "sen",
        "rep", "jr", "sr", "bros", "prof", "gen", "col", "lt", "approx", "est", "fig", "p.m",
        "a.m", "u.s", "u.k", "h.k", "n.z", "e.g", "i.e", "etc", "govt", "dept", "pvt", "plc", "mt",
        "ft", NULL,
};

/* The bytes that can end a sentence, as nw_swar_skip() wants them: a byte equal to c gives a
 * zero after the XOR, and the lowest flag of each test is exact. */
static uint64_t has_byte8(uint64_t x, unsigned char c)
{
        uint64_t y = x ^ ONES8 * c;

        return (y - ONES8) & ~y & HIGH8;
}

static uint64_t sentence_end8(uint64_t x)
{
        return has_byte8(x, '\n') | has_byte8(x, '.') | has_byte8(x, '?') | has_byte8(x, '!');
}

/* The first of "\n.?!" in s[i, len), or len. Sixteen bytes a step where SSE2 is there (the
 * text is split for every article), else eight. */
static size_t next_sentence_end(const char *s, size_t i, size_t len)
{
        int found;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        while (len - i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))));
                unsigned bits = (unsigned)_mm_movemask_epi8(m);
                if (bits) {
                        return i + (size_t)__builtin_ctz(bits);
                }
                i += 16;
        }
#endif
        i = nw_swar_skip(s, i, len, sentence_end8, &found);
        if (found) {
                return i;
        }
        while (i < len && s[i] != '\n' && s[i] != '.' && s[i] != '?' && s[i] != '!') {
                i++;
        }
        return i;
}

static void split_sentences(struct ex *x)
{
        const char *s = x->s;
        size_t len = x->len, start = 0, cap = SENTS_IN;

        x->sents = x->sents_in;
        x->n_sents = 0;
        for (size_t i = 0; i <= len; i++) {
                int cut = 0;
                size_t next;
                /* only these bytes can end a sentence */
                if (i < len) {
                        i = next_sentence_end(s, i, len);
                }
                next = i + 1;
                if (i == len || s[i] == '\n') {
                        cut = 1;
                } else if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && i + 2 < len &&
                           s[i + 1] == ' ') {
                        size_t n = i + 2;
                        unsigned char c = (unsigned char)s[n];
                        if ((c >= 'A' && c <= 'Z') || nw_scan_digit(c) || c == '"' || c == 0xe2 ||
                            c == '(') {
                                /* the word before the dot: an abbreviation or an initial? */
                                size_t w = i;
                                while (w > start && s[w - 1] != ' ') {
                                        w--;
                                }
                                cut = 1;
                                if (s[i] == '.' && (i - w == 1 || in_set(s + w, i - w, HL_ABBREVS))) {
                                        cut = 0;
                                }
                                next = i + 1;
                        }
                }
                if (!cut) {
                        continue;
                }
                {
                        size_t a = start, b = i < len && s[i] != '\n' ? i + 1 : i;
                        while (a < b && s[a] == ' ') {
                                a++;
                        }
                        if (b > a) {
                                if (x->n_sents == cap) {
                                        cap *= 2;
                                        if (x->sents == x->sents_in) {
                                                x->sents = nw_xmalloc(cap * sizeof(*x->sents));
                                                memcpy(x->sents, x->sents_in, sizeof(x->sents_in));
                                        } else {
                                                x->sents = nw_xrealloc(x->sents,
                                                                       cap * sizeof(*x->sents));
                                        }
                                }
                                x->sents[x->n_sents].a = a;
                                x->sents[x->n_sents].b = b;
                                x->n_sents++;
                        }
                }
                start = next;
                i = next - 1;
        }
}

/* ---------------------------------------------------------------- mentions */

/* Words that end the noun phrase after a count. */
static const char *const np_stop[] = {
        "in", "on", "at", "of", "for", "from", "to", "with", "by", "and", "or", "were", "was",
        "is", "are", "has", "have", "had", "will", "would", "that", "which", "who", "as", "than",
        "the", "a", "an", "this", "these", "its", "their", "each", "per", "across", "between",
        "into", "since", "during", "after", "before", "under", "over", "about", "last", "this",
        "year", "years", "said", "says", "signed", "worth", "totaling", "totalling", "valued",
        "including", "such", "like", "while", "but", "respectively", "so", "far", "ago", "more",
        "less", "than", "too", "also", "all", "only", "up", "down", "out", "be", "been", "being",
        "could", "can", "may", "might", "should", "must", "did", "do", "does", "not", "amid",
        "against", "via", "through", "among", "apiece", "yuan", "dollars", "vs", "versus",
        /* "275 companies already competing", "12 cities when it starts", "100 mln due",
         * "2.96 mln compared with", "24 cts higher", "93 pesos today" */
        "already", "still", "now", "then", "when", "where", "because", "if", "it", "they",
        "whose", "due", "upon", "compared", "higher", "lower", "above", "below", "yesterday",
        "today", "tomorrow", "tonight", "previously", "earlier", "later", "includes",
        "include", "off", "here", "there",
        NULL,
};

/* Past forms without an -ed ending, and "prior", which a noun phrase treats as it does the
 * -ed and -ing forms: after a plural noun they end it ("5,000 people came", "3.4 mln shares
 * bought", "7.5 cts prior"), before a noun they modify it ("15 privately held firms", "two
 * prior convictions"). */
static const char *const np_verbs[] = {
        "came", "went", "took", "made", "gave", "got", "left", "fell", "rose", "saw", "held",
        "paid", "sold", "bought", "told", "began", "ran", "led", "met", "built", "lost", "sent",
        "spent", "kept", "grew", "stood", "prior", NULL,
};

/* Plural nouns without a final s ("5,000 people came"), and singular ones with one ("11 gas
 * exporting countries"), for plural(). */
static const char *const np_plurals[] = {
        "people", "men", "women", "children", "staff", "police", "cattle", "sheep", "personnel",
        "livestock", "head", "crew", "fish", "swine", NULL,
};
static const char *const np_singulars[] = {
        "gas", "news", "series", "species", "means", "physics", "economics", "politics", NULL,
};

/* Nouns that make a count a number of deals. */
static const char *const deal_nouns[] = {
        "projects", "project", "agreements", "agreement", "deals", "deal", "contracts",
        "contract", "mous", "mou", "memoranda", "memorandums", "documents", "transactions",
        NULL,
};

/* Units that are never statistics on their own (time words, page chrome, ages). */
static const char *const skip_units[] = {
        "am", "pm", "a.m", "p.m", "min", "mins", "read", "ago", "gmt", "ist", "utc", "year-old",
        "years-old", "th", "st", "nd", "rd", NULL,
};

static int is_year_like(const struct nw_num *n)
{
        return n->digits == 4 && !(n->flags & (NW_NUM_GROUPED | NW_NUM_DECIMAL | NW_NUM_SCALED)) &&
               n->value >= 1900 && n->value <= 2100;
}

static int add_mention(struct ex *x, const struct mention *m)
{
        if (x->n_m >= MAX_MENTIONS) {
                return 0;
        }
        if (x->n_m == x->cap_m) {
                x->cap_m *= 2;
                if (x->m == x->m_in) {
                        x->m = nw_xmalloc(x->cap_m * sizeof(*x->m));
                        memcpy(x->m, x->m_in, sizeof(x->m_in));
                } else {
                        x->m = nw_xrealloc(x->m, x->cap_m * sizeof(*x->m));
                }
        }
        x->m[x->n_m++] = *m;
        return 1;
}

/* "(about 989.2 million U.S. dollars)", "(US$20m)", "(NT$153.78 billion, US$4.86 billion)" */
static size_t read_conversions(struct ex *x, size_t pos, size_t lim, struct mention *m)
{
        const char *s = x->s;
        size_t p = nw_scan_skip_spaces(s, lim, pos), q;
        static const char *const lead[] = {"about ", "approximately ", "approx. ", "around ",
                                           "some ", "roughly ", "nearly ", "or ", "or about ",
                                           "equivalent to ", "almost ", NULL};

        if (p >= lim || s[p] != '(') {
                return pos;
        }
        q = p + 1;
        for (;;) {
                struct nw_money alt;
                q = nw_scan_skip_spaces(s, lim, q);
                for (const char *const *l = lead; *l; l++) {
                        size_t e = nw_scan_word_at(s, lim, q, *l);
                        if (e) {
                                q = e;
                                break;
                        }
                }
                if (!nw_money_parse(s, lim, q, &x->mc, &alt)) {
                        return pos;
                }
                if (m->n_alts < 3) {
                        alt.qualifier = NW_Q_EXACT;
                        m->alts[m->n_alts++] = alt;
                }
                q = nw_scan_skip_spaces(s, lim, alt.end);
                if (q < lim && s[q] == ',') {
                        q++;
                        continue;
                }
                if (q < lim && s[q] == ')') {
                        return q + 1;
                }
                return pos;
        }
}

/* Whether the word s[0, n) may be a verb form: it ends in -ing or -ed or is a listed past
 * form, and is neither capitalized (a name's: "100 mln Special Drawing Rights") nor
 * hyphenated (a compound modifier: "three coal-fired plants"). */
static int verb_form(const char *s, size_t n)
{
        int ing = n >= 5 && lower_eq(s + n - 3, 3, "ing");
        int ed = n >= 4 && lower_eq(s + n - 2, 2, "ed");

        return (ing || ed || in_set(s, n, HL_NP_VERBS)) && !nw_scan_upper(s, n, 0) &&
               !memchr(s, '-', n);
}

/* Whether the word s[0, n) looks like a plural noun: it ends in s but not in -ss, -us or
 * -is ("business", "bonus", "basis"), or is listed. */
static int plural(const char *s, size_t n)
{
        if (n >= 3 && nw_scan_lower((unsigned char)s[n - 1]) == 's') {
                unsigned char c = nw_scan_lower((unsigned char)s[n - 2]);
                return c != 's' && c != 'u' && c != 'i' && !in_set(s, n, HL_NP_SINGULARS);
        }
        return in_set(s, n, HL_NP_PLURALS);
}

/* Whether the word after s[.., e) in the phrase, if any, is a lower-case plural noun. */
static int plural_next(const char *s, size_t e, size_t lim)
{
        size_t w, we;

        if (e >= lim || s[e] != ' ') {
                return 0;
        }
        w = nw_scan_skip_spaces(s, lim, e);
        if (w >= lim || s[w] < 'a' || s[w] > 'z') {
                return 0;
        }
        we = nw_scan_word_end(s, lim, w);
        return plural(s + w, we - w);
}

/* The noun phrase after a count: up to five words, stopping at function words. */
static void noun_after(struct ex *x, size_t pos, size_t lim, struct mention *m)
{
        const char *s = x->s;
        size_t p = pos, first = 0, last_a = 0, last_b = 0, prev_a = 0, prev_b = 0;
        int words = 0, last_verb = 0;

        m->unit.a = m->unit.b = m->subj.a = m->subj.b = 0;
        while (words < 5) {
                size_t w = nw_scan_skip_spaces(s, lim, p), e;
                int verb;
                if (w >= lim || (w == p && words > 0)) {
                        break;
                }
                if (!nw_scan_alpha((unsigned char)s[w])) {
                        break;
                }
                e = nw_scan_word_end(s, lim, w);
                /* "250 U.S. industrial companies": an initialism is one word, not a unit
                 * "U"; "5 p.m." is a time, whose unit "p.m" the caller skips */
                if (e - w == 1 && e + 2 < lim && s[e] == '.' &&
                    nw_scan_alpha((unsigned char)s[e + 1]) && s[e + 2] == '.') {
                        e += in_set(s + w, 3, HL_SKIP_UNITS) ? 2 : 3;
                }
                if (in_set(s + w, e - w, HL_NP_STOP)) {
                        break;
                }
                /* "200,000 shares currently held": an adverb ends the noun phrase, and so
                 * does a verb form ("60 kilos making a total", "9.2 mln shares outstanding",
                 * "a 300 km highway connecting Beijing") unless it modifies the plural noun
                 * that follows ("20 publicly traded companies", "3 oil drilling rigs"), which a
                 * count's noun phrase is headed by; after a plural noun it is the verb
                 * ("2 mln contracts changing hands") */
                verb = words && verb_form(s + w, e - w);
                if (words && ((e - w > 4 && s[e - 2] == 'l' && s[e - 1] == 'y') ||
                              (verb && (plural(s + last_a, last_b - last_a) ||
                                        !plural_next(s, e, lim))))) {
                        break;
                }
                if (!words) {
                        first = w;
                }
                prev_a = last_a;
                prev_b = last_b;
                last_verb = verb;
                last_a = w;
                last_b = e;
                words++;
                p = e;
                if (p < lim && s[p] != ' ') {
                        break; /* a comma or a dot ends the phrase */
                }
        }
        if (words > 1 && last_verb) {
                last_a = prev_a;
                last_b = prev_b;
        }
        if (words) {
                m->unit.a = last_a;
                m->unit.b = last_b;
                m->subj.a = first;
                m->subj.b = last_b;
        }
}

/* Add the money mention @p mo found at @p i with its stated conversions.
 * @returns where the scan goes on. */
static size_t money_mention(struct ex *x, const struct nw_money *mo, size_t i, size_t lim)
{
        const char *s = x->s;
        struct mention m;
        size_t after = nw_scan_skip_spaces(s, lim, mo->end);

        /* "$1 = 0.7519 pounds" is an exchange rate */
        if (after < lim && s[after] == '=') {
                return lim;
        }
        memset(&m, 0, sizeof(m));
        m.kind = M_MONEY;
        m.start = mo->start;
        m.num_start = mo->amount_start;
        m.value = mo->value;
        m.q = mo->qualifier;
        memcpy(m.currency, mo->currency, 4);
        m.bare_dollar = mo->bare_dollar;
        m.end = read_conversions(x, mo->end, lim, &m);
        /* a bare "$" next to a stated US$ figure is the local dollar */
        if (m.bare_dollar && m.n_alts && x->mc.local_dollar[0] &&
            strcmp(m.alts[0].currency, "USD") == 0 && !m.alts[0].bare_dollar) {
                memcpy(m.currency, x->mc.local_dollar, 4);
        }
        if (m.value > 0) {
                add_mention(x, &m);
        }
        return m.end > i ? m.end : i + 1;
}

/* The ASCII digits of eight bytes, as nw_swar_skip() wants them: a byte XOR '0' is a digit
 * when below ten, and the sums stay inside their bytes. */
static uint64_t digit8(uint64_t x)
{
        uint64_t t = x ^ ONES8 * '0';
        uint64_t ge10 = (t & ONES8 * 0x7F) + ONES8 * (0x80 - 10);

        return ~(ge10 | t) & HIGH8;
}

/* The first ASCII digit in s[i, lim), or lim. */
static size_t next_digit(const char *s, size_t i, size_t lim)
{
        int found;

        i = nw_swar_skip(s, i, lim, digit8, &found);
        if (found) {
                return i;
        }
        while (i < lim && !nw_scan_digit((unsigned char)s[i])) {
                i++;
        }
        return i;
}

/* How far before its anchor a figure can start. The anchor is its first digit, or for a
 * spelled figure its first number word, or the scale word after "a" ("a million"): before
 * it come at most a currency sign and a space ("U.S.$ 5" is the longest, six bytes), a word
 * with a digit in the six bytes after its first (the test below), or "a ". Two bytes are
 * kept over the six: the walk from the last space before the reach costs a word or two per
 * anchor, where sixteen bytes cost about three. */
#define FIGURE_REACH 8

static void scan_mentions(struct ex *x, const struct span *sp)
{
        const char *s = x->s;
        size_t i = sp->a, lim = sp->b;
        int numwords = nw_cues_any(&x->cues, NW_CUE_NUMWORD);
        /* the cue scan lists the number words, unless there were too many to list (kept in
         * locals: the stores of the loop below could alias them) */
        int listed = x->cues.n_num <= NW_CUES_MAX_NUM;
        const size_t *num_at = x->cues.num_at;
        size_t n_num = listed ? x->cues.n_num : 0;
        size_t nd = 0, jumped_to = 0, kn = 0;

        x->n_m = 0;
        /* A figure has an anchor, a digit or a number word the cue scan listed, so the loop
         * below only skips bytes far from every anchor: it passes words and punctuation
         * without stepping into a run of spaces (it passes a whole run, or none), until a
         * parse succeeds, and a parse succeeds only within FIGURE_REACH bytes before an
         * anchor. So the loop is sure to stand on the last space before that reach, and may
         * start there; after the last anchor it finds nothing. Only a sentence with more
         * number words than were listed is walked word by word. */
        nd = next_digit(s, i, lim);
        while (i < lim) {
                unsigned char c;
                struct mention m;
                struct nw_money mo;
                struct nw_num n;
                size_t e, pw;
                int num_ok;

                /* nd: the first digit at or after i, or lim */
                if (nd < i) {
                        nd = next_digit(s, i, lim);
                }
                if (listed) {
                        size_t anchor = nd;
                        while (kn < n_num && num_at[kn] < i) {
                                kn++;
                        }
                        if (kn < n_num && num_at[kn] < anchor) {
                                anchor = num_at[kn];
                        }
                        if (anchor >= lim) {
                                break;
                        }
                        /* once per anchor, so a long run without spaces is walked back once */
                        if (anchor - i > FIGURE_REACH && jumped_to != anchor) {
                                size_t k = anchor - FIGURE_REACH;
                                jumped_to = anchor;
                                while (k > i && s[k] != ' ') {
                                        k--;
                                }
                                i = k;
                        }
                }
                c = (unsigned char)s[i];
                if (!(nw_scan_at_word_start(s, i) || c == '$' || c >= 0x80) || c == ' ') {
                        i++;
                        continue;
                }
                if (i >= x->dateline.a && i < x->dateline.b) {
                        i++;
                        continue;
                }
                /* A word can start a figure only as a currency code with a digit in the six
                 * bytes after its first ("U.S.$ 5", "Rs 26") or as a spelled number, and a
                 * sentence without number words has none: skip it as the failed parses below
                 * would. The longest code is "U.S.$" and a space. */
                if (nw_scan_alpha(c) && !(nd < lim && nd <= i + 6) &&
                    (!numwords || !nw_num_word_start(s, lim, i))) {
                        i = nw_scan_word_end(s, lim, i);
                        if (i < lim && !nw_scan_wordc((unsigned char)s[i]) && s[i] != ' ') {
                                i++;
                        }
                        /* the spaces after it too: a space starts nothing, and the loop would
                         * pass each on its own */
                        while (i < lim && s[i] == ' ') {
                                i++;
                        }
                        continue;
                }
                /* the money parse reads the number at i when no sign opens it; a failed one
                 * hands that number on instead of it being parsed twice */
                num_ok = -1;
                if ((c == '$' || c >= 0x80 || (c >= 'A' && c <= 'Z') || nw_scan_digit(c)) &&
                    nw_money_parse_num(s, lim, i, &x->mc, &mo, &n, &num_ok)) {
                        i = money_mention(x, &mo, i, lim);
                        continue;
                }
                if (num_ok < 0 && (nw_scan_digit(c) || nw_scan_alpha(c))) {
                        num_ok = nw_num_parse(s, lim, i, &n);
                }
                if (!(nw_scan_digit(c) || nw_scan_alpha(c)) || !num_ok) {
                        i = nw_scan_alpha(c) ? nw_scan_word_end(s, lim, i) : i + 1;
                        if (i < lim && !nw_scan_wordc((unsigned char)s[i]) && s[i] != ' ') {
                                i++;
                        }
                        continue;
                }
                /* "six mln dlrs", "two billion euros": a spelled figure with a scale is money
                 * when a currency follows (only signs and digits were tried above) */
                if ((n.flags & NW_NUM_SPELLED) && (n.flags & NW_NUM_SCALED) && nw_scan_alpha(c) &&
                    nw_money_parse(s, lim, i, &x->mc, &mo)) {
                        i = money_mention(x, &mo, i, lim);
                        continue;
                }
                e = n.end;
                if ((n.flags & NW_NUM_ORDINAL) || is_year_like(&n)) {
                        i = e > i ? e : i + 1;
                        continue;
                }
                /* a time, a score, a code: "7:40", "1:19:07", "E1" */
                if ((e < lim && (s[e] == ':' || s[e] == '/')) || (i > 0 && (s[i - 1] == ':' ||
                                                                            s[i - 1] == '/' ||
                                                                            s[i - 1] == '#'))) {
                        i = e + 1;
                        continue;
                }
                /* part of a date: "May 20", "20 May", "Sept. 17" */
                {
                        struct nw_date d;
                        size_t de;
                        size_t b = i;
                        while (b > sp->a && s[b - 1] == ' ') {
                                b--;
                        }
                        if (nw_date_parse_at(s, lim, i, NULL, NW_DATE_PAST, &d, &de)) {
                                i = de;
                                continue;
                        }
                        if (b > sp->a) {
                                size_t w = b;
                                size_t me;
                                while (w > sp->a && nw_scan_alpha((unsigned char)s[w - 1])) {
                                        w--;
                                }
                                if (w < b && s[b - 1] == '.') {
                                        w = b - 1;
                                        while (w > sp->a && nw_scan_alpha((unsigned char)s[w - 1])) {
                                                w--;
                                        }
                                }
                                /* the figure's own tests first: most figures are no day */
                                if (w < b && !(n.flags & NW_NUM_SCALED) && n.value <= 31 &&
                                    nw_month_at(s, lim, w, &me)) {
                                        i = e;
                                        continue;
                                }
                        }
                }
                memset(&m, 0, sizeof(m));
                m.start = i;
                m.num_start = i;
                m.value = n.value;
                m.q = nw_qualifier_before(s, i, &m.start);
                if (m.start < sp->a) {
                        m.start = i;
                }
                {
                        size_t qe;
                        enum nw_qualifier q2 = nw_qualifier_after(s, lim, e, &qe);
                        if (q2 != NW_Q_EXACT && m.q == NW_Q_EXACT) {
                                m.q = q2;
                                e = qe;
                        }
                }
                /* the percent words all start with a 'p': one byte rules them all out */
                pw = nw_scan_skip_spaces(s, lim, e);
                pw = pw < lim && nw_scan_lower((unsigned char)s[pw]) == 'p' ? pw : lim;
                if (e < lim && s[e] == '%') {
                        m.kind = M_PERCENT;
                        m.end = e + 1;
                } else if (nw_scan_word_at(s, lim, pw, "percent") ||
                           nw_scan_word_at(s, lim, pw, "per cent") ||
                           nw_scan_word_at(s, lim, pw, "pct")) {
                        size_t p = nw_scan_skip_spaces(s, lim, e);
                        m.kind = M_PERCENT;
                        m.end = nw_scan_word_at(s, lim, p, "percent");
                        if (!m.end) {
                                m.end = nw_scan_word_at(s, lim, p, "per cent");
                        }
                        if (!m.end) {
                                m.end = nw_scan_word_at(s, lim, p, "pct");
                        }
                } else if (nw_scan_word_at(s, lim, pw, "percentage point") ||
                           nw_scan_word_at(s, lim, pw, "percentage points")) {
                        size_t p = nw_scan_skip_spaces(s, lim, e);
                        m.kind = M_PERCENT;
                        m.unit.a = p;
                        m.unit.b = nw_scan_word_at(s, lim, p, "percentage points");
                        if (!m.unit.b) {
                                m.unit.b = nw_scan_word_at(s, lim, p, "percentage point");
                        }
                        m.end = m.unit.b;
                } else {
                        m.kind = M_COUNT;
                        m.end = e;
                        if (e < lim && s[e] == '-' && e + 1 < lim &&
                            nw_scan_alpha((unsigned char)s[e + 1]) && !(n.flags & NW_NUM_SPELLED)) {
                                /* "40-MW plant", "20-minute drive", "9 million-tonne" */
                                size_t we = e + 1;
                                while (we < lim && nw_scan_alpha((unsigned char)s[we])) {
                                        we++;
                                }
                                m.unit.a = e + 1;
                                m.unit.b = we;
                                m.subj = m.unit;
                                m.end = we;
                        } else if (e < lim && s[e] == ' ') {
                                noun_after(x, e, lim, &m);
                        }
                        if (m.unit.b == 0 || in_set(s + m.unit.a, m.unit.b - m.unit.a, HL_SKIP_UNITS) ||
                            nw_scan_word_at(s, lim, m.unit.a, "year-old") ||
                            (m.unit.b > m.unit.a + 8 &&
                             nw_scan_word_at(s, m.unit.b, m.unit.b - 8, "year-old"))) {
                                i = e > i ? e : i + 1;
                                continue;
                        }
                        /* spelled numbers are facts only before a plural noun ("seven mega projects") */
                        if ((n.flags & NW_NUM_SPELLED) &&
                            (s[m.unit.b - 1] != 's' || n.value == 1)) {
                                i = e > i ? e : i + 1;
                                continue;
                        }
                        m.end = m.unit.b > e ? m.unit.b : e;
                }
                add_mention(x, &m);
                i = e > i ? e : i + 1;
        }
}

/* ---------------------------------------------------------------- facts: helpers */

/* Room for element @p n of a fact array of n (made only here): the first allocation holds
 * GROW_FIRST, and the room doubles at each power of two past it, so an array of n holds up
 * to the next one and a story with many facts is not copied per fact. A story has about four
 * statistics: room for one, then two, then four was three calls where one does. */
#define GROW_FIRST 4

static void *grow(void *arr, size_t n, size_t size)
{
        if (n < GROW_FIRST ? n != 0 : (n & (n - 1)) != 0) {
                return arr;
        }
        return nw_xrealloc(arr, (n ? 2 * n : GROW_FIRST) * size);
}

/* The longest place name of up to four words starting at @p i, within s[.., b); *end is
 * set to where it ends, *first_end to where the word at i ends (i when there is none).
 * @returns the place or NULL. */
static const struct nw_place *place_name_at(const char *s, size_t b, size_t i, size_t *end,
                                            size_t *first_end)
{
        size_t e = i;
        const struct nw_place *hit = NULL;

        *first_end = i;
        for (int w = 0; w < 4; w++) {
                size_t we = nw_scan_word_end(s, b, e);
                const struct nw_place *p;
                int next, more = 0;
                if (we == e) {
                        break;
                }
                if (w == 0) {
                        *first_end = we;
                }
                next = w < 3 && we < b && s[we] == ' ' && nw_scan_upper(s, b, we + 1);
                p = nw_gazetteer_find_more(s + i, we - i, next ? &more : NULL);
                if (p) {
                        hit = p;
                        *end = we;
                }
                if (!more) {
                        break; /* no name goes on with the next word */
                }
                e = we + 1;
        }
        return hit;
}

static const struct nw_place *place_in(const char *s, size_t a, size_t b, int prefer_city,
                                       size_t *at)
{
        const struct nw_place *best = NULL;

        for (size_t i = a; i < b; i++) {
                const struct nw_place *hit;
                size_t he, we;
                if (!nw_scan_upper(s, b, i) || !nw_scan_at_word_start(s, i)) {
                        continue;
                }
                hit = place_name_at(s, b, i, &he, &we);
                if (hit) {
                        if (!best || (prefer_city && hit->kind == NW_PLACE_CITY &&
                                      best->kind != NW_PLACE_CITY)) {
                                best = hit;
                                if (at) {
                                        *at = i;
                                }
                        }
                        if (!prefer_city || hit->kind == NW_PLACE_CITY) {
                                return best;
                        }
                }
                i = we;
        }
        return best;
}

/* The place named right after the word "in" (and "the") at @p i, inside s[.., b), or NULL. */
static const struct nw_place *place_after_in_at(const char *s, size_t b, size_t i)
{
        size_t e;

        if (!nw_scan_at_word_start(s, i) || !(e = nw_scan_word_at(s, b, i, "in"))) {
                return NULL;
        }
        e = nw_scan_skip_spaces(s, b, e);
        if (nw_scan_word_at(s, b, e, "the")) {
                e = nw_scan_skip_spaces(s, b, e + 3);
        }
        /* only a name that starts right at e counts: the first place in the 40 bytes after the
         * word at e, which is this one if there is one here */
        {
                size_t we = nw_scan_word_end(s, b, e), he, fe;
                size_t lim = we + 40 < b ? we + 40 : b;
                if (nw_scan_upper(s, lim, e) && nw_scan_at_word_start(s, e)) {
                        return place_name_at(s, lim, e, &he, &fe);
                }
        }
        return NULL;
}

/* A place right after "in"/"at"/"held in" inside s[a, b). */
static uint64_t letter_i8(uint64_t x)
{
        return has_byte8(x, 'i') | has_byte8(x, 'I');
}

static const struct nw_place *place_after_in(const char *s, size_t a, size_t b)
{
        const struct nw_place *p;
        size_t i = a;

#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        /* sixteen places a step, each tested for an "in" in any case ('I' | 0x20 is 'i'): one
         * 'i' in twelve letters, but far fewer "in" */
        for (; b - i >= 17; i += 16) {
                __m128i fold = _mm_set1_epi8(0x20);
                __m128i v0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), fold);
                __m128i v1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)),
                                          fold);
                unsigned bits = (unsigned)_mm_movemask_epi8(
                        _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8('i')),
                                      _mm_cmpeq_epi8(v1, _mm_set1_epi8('n'))));
                for (; bits; bits &= bits - 1) {
                        size_t k = i + (size_t)__builtin_ctz(bits);
                        if (k + 3 < b && (p = place_after_in_at(s, b, k)) != NULL) {
                                return p;
                        }
                }
        }
#endif
        for (; i + 3 < b; i++) {
                int found;
                /* to the next 'i' eight bytes a step: most bytes start no "in" */
                i = nw_swar_skip(s, i, b - 3, letter_i8, &found);
                if (!found) {
                        while (i + 3 < b && s[i] != 'i' && s[i] != 'I') {
                                i++;
                        }
                        if (i + 3 >= b) {
                                break;
                        }
                }
                if ((p = place_after_in_at(s, b, i)) != NULL) {
                        return p;
                }
        }
        return NULL;
}

/* place_after_in() over sentence @p si, which statistics, each deal and each event of the
 * sentence ask for: read once per sentence. */
static const struct nw_place *sentence_place(struct ex *x, size_t si)
{
        if (x->place_si != si) {
                x->place_si = si;
                x->place_after = place_after_in(x->s, x->sents[si].a, x->sents[si].b);
        }
        return x->place_after;
}

static void set_quantity(struct nw_quantity *q, double v, const char *cur, enum nw_qualifier ql,
                         const char *s, size_t a, size_t b)
{
        q->present = 1;
        q->value = v;
        if (cur) {
                memcpy(q->currency, cur, 4);
        }
        q->qualifier = ql;
        q->text = dup_clean(s, a, b);
}

/* ---------------------------------------------------------------- investments */

static const char *const inv_stems[] = {
        "sign", "inked", "ink ", "contract", "invest", "acqui", "takeover", "take over", "merger", "stake", "raise", "raising", "funding", "funded",
        "round", "series", "deal", "agreement", "mou", "memorand", "commit", "pledg", "subsid",
        "inject", "pump", "plant", "factory", "facilit", "projects", "sealed", "concluded",
        "bid", "offer", "put ", "spend", NULL,
};

/* Market-wide aggregates, losses and valuations are statistics, not deals. */
static const char *const stat_stems[] = {
        "loss", "damage", "gdp", "revenue", "sales", "turnover", "profit", "output",
        "value added", "value-added", "market value", "market cap", "valuation", "valued",
        "debt", "price", "per share", "apiece", "prize", "trade volume", "exports", "imports",
        "budget", "salary", "deficit", "surplus", "reserve", "income", "tax", "gva",
        "according to data", "data from", "data showed", "fined", "fine of", "worth of assets",
        "asset", "earnings", "shares were", "funneled", "funnelled", "average", "per member",
        "money market", "debentures", NULL,
};

static const char *const period_words[] = {
        "since", "past five years", "past year", "first quarter", "first half", "so far this year",
        "year-on-year", "first eight months", "first eights months", "cumulative", "over the past",
        NULL,
};

/* The names nw_month_at() knows, and those with the weekdays of nw_weekday_at(): a name token
 * is asked whether it is one with one probe of the hashed lists instead of a walk over the
 * names, each compared with the word byte by byte. */
static const char *const month_names[] = {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "sept", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "oct", "nov", "dec", NULL,
};
static const char *const date_words[] = {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "sept", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", NULL,
};

/* The word lists that first_of_list() and sentence_has_stem() are asked about, at file
 * scope so that their grouping by first letter is built once with the hashed lists instead
 * of on every call (see grouped_lists). */
static const char *const kind_acq[] = {"acqui", "takeover", "take over", "took over",
                                       "takes over", "taking over", "buy ", "bought",
                                       "purchase", "merger", NULL};
static const char *const kind_fund[] = {"series", "funding", "raised", "raises", "raising",
                                        "round", NULL};
static const char *const kind_round[] = {"round", "funding", NULL};
static const char *const kind_mou[] = {"mou", "memorand", NULL};
static const char *const kind_trade[] = {"trade deals", "trade contracts", "trade projects",
                                         "goods and services", NULL};
/* status_stems[k] gives the status status_names[k] */
static const char *const status_stems[] = {
        "signed",     "signing",    "inked",       "sealed",       "concluded", "contracted",
        "agreed",     "agreeing",   "completed",   "closed",       "has acquired", "acquired",
        "bought",     "raised",     "secured",     "has raised",   "approved",  "pledged",
        "committed",  "announced",  "unveiled",    "expected",     "will",      "plans",
        "planned",    "to invest",  "offer",       NULL,
};
static const char *const status_names[] = {
        "signed",     "signed",     "signed",      "signed",       "signed",    "signed",
        "agreed",     "agreed",     "completed",   "completed",    "completed", "completed",
        "completed",  "completed",  "completed",   "completed",    "approved",  "pledged",
        "pledged",    "announced",  "announced",   "expected",     "planned",   "planned",
        "planned",    "planned",    "offered",     NULL,
};
_Static_assert(sizeof(status_stems) == sizeof(status_names), "a status per stem");
static const char *const signing_words[] = {"signed", "inked", "sealed", "concluded",
                                            "contracted", NULL};
static const char *const future_words[] = {"will", "to be held", "next", "upcoming", NULL};
static const char *const event_refs[] = {"the event", "this event", "the summit", "the expo",
                                         "the forum", "the conference", "the fair",
                                         "the ceremony", "the meeting", "the exchange",
                                         "this year's expo", "the exhibition", "the activity",
                                         "the meet", NULL};
static const char *const attend_verbs[] = {"attracted", "attracting", "drew", "draws", "attended",
                                           "attendance", "participated", "took part",
                                           "gathered", "packed", "welcomed", "attendees",
                                           "participants", NULL};

/* Whether the sentence has a word of @p words (stems when @p stem): the cue bits answer
 * unless only the first word of a phrase was seen. */
static int cue_check(struct ex *x, const struct span *sp, enum nw_cue_group g,
                     const char *const *words, int stem)
{
        if (nw_cues_sure(&x->cues, g)) {
                return 1;
        }
        if (!nw_cues_any(&x->cues, g)) {
                return 0;
        }
        return stem ? sentence_has_stem(x, sp, words) : sentence_has(x, sp, words);
}

static const char *status_of(struct ex *x, const struct span *sp)
{
        long k = first_of_list(x, sp, status_stems);

        return k >= 0 ? status_names[k] : NULL;
}

static const char *kind_of(struct ex *x, const struct span *sp, char *round, size_t rsz)
{
        const char *s = x->s;

        round[0] = '\0';
        {
                size_t p = nw_scan_find_word(s, sp->a, sp->b, "series");
                if (p != (size_t)-1) {
                        size_t q = p + 7;
                        if (q < sp->b && nw_scan_upper(s, sp->b, q)) {
                                size_t we = nw_scan_word_end(s, sp->b, q);
                                if (we - q <= 3) {
                                        snprintf(round, rsz, "Series %.*s", (int)(we - q), s + q);
                                }
                        }
                }
        }
        if (sentence_has_stem(x, sp, kind_trade)) {
                return "trade_deals";
        }
        if (round[0] || sentence_has_stem(x, sp, kind_fund)) {
                if (round[0] || sentence_has(x, sp, kind_round)) {
                        return "funding_round";
                }
        }
        if (sentence_has_stem(x, sp, kind_acq)) {
                return "acquisition";
        }
        if (sentence_has_stem(x, sp, kind_mou)) {
                return "mou_commitment";
        }
        return "investment";
}

/* Sectors after "such as", "including", "covering", "fields of": split on commas only, so
 * "energy and chemical industries" stays one sector; "and other industries" is dropped. */
static void sectors_of(struct ex *x, const struct span *sp, struct nw_strv *out)
{
        static const char *const lead[] = {"such as", "covering", "including", "involving",
                                           "fields of", "sectors of", "areas of", "in sectors like",
                                           NULL};
        const char *s = x->s;
        size_t p = (size_t)-1;
        size_t at[sizeof(lead) / sizeof(lead[0])];
        size_t left = sizeof(lead) / sizeof(lead[0]) - 1, nw;
        const size_t *ws;

        /* where each lead is first found, in one pass over the word starts instead of a
         * search of the sentence per lead */
        for (size_t k = 0; k < sizeof(lead) / sizeof(lead[0]); k++) {
                at[k] = (size_t)-1;
        }
        ws = letter_words(x, sp, &nw);
        for (size_t w = 0; w < nw && left; w++) {
                size_t i = ws[w];
                unsigned char c = nw_scan_lower((unsigned char)s[i]);
                for (size_t k = 0; lead[k]; k++) {
                        if (at[k] == (size_t)-1 && (unsigned char)lead[k][0] == c &&
                            nw_scan_word_at(s, sp->b, i, lead[k])) {
                                at[k] = i;
                                left--;
                        }
                }
        }
        for (size_t k = 0; lead[k]; k++) {
                if (at[k] != (size_t)-1 && (p == (size_t)-1 || at[k] < p)) {
                        p = at[k] + strlen(lead[k]);
                }
        }
        if (p == (size_t)-1) {
                return;
        }
        while (p < sp->b && out->n < 12) {
                size_t q = p;
                size_t e;
                p = nw_scan_skip_spaces(s, sp->b, p);
                q = p;
                while (q < sp->b && s[q] != ',' && s[q] != '.' && s[q] != ';' && s[q] != '(') {
                        q++;
                }
                e = q;
                {
                        /* "artificial intelligence and other industries" */
                        size_t o = nw_scan_find_word(s, p, e, "and other");
                        size_t etc = nw_scan_find_word(s, p, e, "etc");
                        if (o != (size_t)-1) {
                                e = o;
                        } else if (etc != (size_t)-1) {
                                e = etc;
                        }
                }
                if (nw_scan_word_at(s, e, p, "and ")) {
                        p += 4;
                }
                /* a phrase that starts a new clause ends the list */
                if (nw_scan_word_at(s, e, p, "with") || nw_scan_word_at(s, e, p, "which") ||
                    nw_scan_word_at(s, e, p, "the total") || e - p > 50 || e <= p) {
                        break;
                }
                {
                        int has_digit = 0;
                        for (size_t k = p; k < e; k++) {
                                has_digit |= nw_scan_digit((unsigned char)s[k]);
                        }
                        if (has_digit) {
                                break;
                        }
                }
                {
                        char *sec = dup_clean(s, p, e);
                        if (sec[0]) {
                                nw_strv_push_unique(out, sec, strlen(sec));
                        }
                        free(sec);
                }
                if (q >= sp->b || s[q] != ',') {
                        break;
                }
                p = q + 1;
        }
}

static int is_deal_count(struct ex *x, const struct mention *m)
{
        /* a whole number in range first: casting a huge double to an integer is undefined */
        return m->kind == M_COUNT && m->unit.b > m->unit.a && m->value >= 0 && m->value < 1e15 &&
               m->value == (double)(long long)m->value &&
               in_set(x->s + m->unit.a, m->unit.b - m->unit.a, HL_DEAL_NOUNS);
}

static struct nw_investment *new_investment(struct ex *x, size_t si)
{
        struct nw_article *a = x->a;
        struct nw_investment *inv;

        a->investments = grow(a->investments, a->n_investments, sizeof(*a->investments));
        inv = &a->investments[a->n_investments++];
        memset(inv, 0, sizeof(*inv));
        inv->deal_count = -1;
        x->last_inv = (long)a->n_investments - 1;
        x->last_inv_sent = si;
        return inv;
}

static int same_amount(double a, double b)
{
        double d = a > b ? a - b : b - a;
        double big = a > b ? a : b;
        return d <= 0.005 * big;
}

/* Goods and paper bought or sold by value: "bought 73 mln dlrs of crude oil", "sold 50 mln
 * dlrs of notes". Such a figure is trade or funding, not a stake in a business. */
static const char *const goods_words[] = {
        "oil", "crude", "gasoline", "diesel", "fuel", "gas", "lng", "coal", "wheat", "grain",
        "grains", "corn", "maize", "soybeans", "soybean", "soymeal", "sugar", "coffee", "cocoa",
        "cotton", "rice", "beef", "pork", "meat", "goods", "products", "exports", "imports",
        "gold", "silver", "copper", "aluminium", "aluminum", "steel", "iron", "ore", "timber",
        "rubber", "palm", "fertiliser", "fertilizer", "bonds", "notes", "debentures",
        "securities", "paper", "bills", "treasuries", "commodities", "food", NULL,
};

/* Units of a price: "19.95 dlrs a barrel", "42 dlrs per share". */
static const char *const price_units[] = {
        "barrel", "share", "tonne", "ton", "ounce", "pound", "bushel", "kilo", "kg", "gallon",
        "litre", "liter", "unit", "head", "square", "sq",
        "megawatt", "mwh", "kwh", "carat", "bale", "lb", "night", "person", "ticket", NULL,
};

/* Whether what follows a money figure at @p end makes it a price or goods bought by value
 * rather than a deal. */
static int goods_follow(struct ex *x, size_t end, size_t lim)
{
        const char *s = x->s;
        size_t p = nw_scan_skip_spaces(s, lim, end), e;

        if ((e = nw_scan_word_at(s, lim, p, "a")) || (e = nw_scan_word_at(s, lim, p, "an")) ||
            (e = nw_scan_word_at(s, lim, p, "per"))) {
                size_t q = nw_scan_skip_spaces(s, lim, e);
                size_t we = nw_scan_word_end(s, lim, q);
                /* plural-insensitive: "a share", "per barrel" */
                if (we > q && s[we - 1] == 's') {
                        we--;
                }
                return we > q && in_set(s + q, we - q, HL_PRICE_UNITS);
        }
        if (!(e = nw_scan_word_at(s, lim, p, "of")) && !(e = nw_scan_word_at(s, lim, p, "worth of"))) {
                return 0;
        }
        /* up to two modifiers: "of refined oil products", "of U.S. wheat", "of its notes" */
        p = nw_scan_skip_spaces(s, lim, e);
        for (int w = 0; w < 3 && p < lim; w++) {
                size_t we = nw_scan_word_end(s, lim, p);
                if (we == p) {
                        return 0;
                }
                if (in_set(s + p, we - p, HL_GOODS_WORDS)) {
                        return 1;
                }
                p = nw_scan_skip_spaces(s, lim, we);
        }
        return 0;
}

/* Whether the sentence's wording lets its money figures be deals: deal words, and no words
 * of aggregates or period totals. */
static int inv_wording(struct ex *x, const struct span *sp)
{
        return cue_check(x, sp, NW_CUE_INV, inv_stems, 1) &&
               !cue_check(x, sp, NW_CUE_STAT, stat_stems, 1) &&
               !cue_check(x, sp, NW_CUE_PERIOD, period_words, 0);
}

static void investments_in(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        struct nw_article *a = x->a;
        size_t prev_end = sp->a;
        int any_money = 0, inv_ok = 0;
        char round[16];
        const char *kind = NULL, *status = NULL;

        for (size_t k = 0; k < x->n_m; k++) {
                struct mention *m = &x->m[k];
                struct nw_investment *inv = NULL;
                long dup = -1;

                if (m->kind != M_MONEY) {
                        continue;
                }
                /* the wording is read for the first figure only: most sentences have none */
                if (!any_money) {
                        inv_ok = inv_wording(x, sp);
                }
                any_money = 1;
                /* a figure under ten thousand units is a price or a fee, never a deal's size */
                if (!inv_ok || m->value < 10000 || goods_follow(x, m->end, sp->b)) {
                        continue;
                }
                for (size_t j = 0; j < a->n_investments; j++) {
                        const struct nw_investment *o = &a->investments[j];
                        if (o->amount.present && strcmp(o->amount.currency, m->currency) == 0 &&
                            same_amount(o->amount.value, m->value)) {
                                dup = (long)j;
                        }
                }
                m->used = 1;
                if (dup >= 0) {
                        prev_end = m->end;
                        continue;
                }
                if (a->n_investments >= MAX_FACTS) {
                        break;
                }
                if (!kind) {
                        kind = kind_of(x, sp, round, sizeof(round));
                        status = status_of(x, sp);
                }
                inv = new_investment(x, si);
                set_quantity(&inv->amount, m->value, m->currency, m->q, s, m->num_start, m->end);
                if (m->n_alts) {
                        inv->alt_amounts = nw_xcalloc((size_t)m->n_alts, sizeof(*inv->alt_amounts));
                        for (int t = 0; t < m->n_alts; t++) {
                                set_quantity(&inv->alt_amounts[t], m->alts[t].value,
                                             m->alts[t].currency, m->alts[t].qualifier, s,
                                             m->alts[t].amount_start, m->alts[t].end);
                        }
                        inv->n_alt_amounts = (size_t)m->n_alts;
                }
                /* the deal count: the nearest count of deals between the previous amount and
                 * this one, else the first one after it */
                {
                        long best = -1;
                        for (size_t j = 0; j < x->n_m; j++) {
                                struct mention *c = &x->m[j];
                                if (c->used || !is_deal_count(x, c)) {
                                        continue;
                                }
                                if (c->end <= m->start && c->start >= prev_end) {
                                        best = (long)j;
                                }
                        }
                        if (best < 0) {
                                for (size_t j = k + 1; j < x->n_m; j++) {
                                        struct mention *c = &x->m[j];
                                        if (c->kind == M_MONEY) {
                                                break;
                                        }
                                        if (!c->used && is_deal_count(x, c)) {
                                                best = (long)j;
                                                break;
                                        }
                                }
                        }
                        if (best >= 0) {
                                struct mention *c = &x->m[best];
                                c->used = 1;
                                inv->deal_count = (int64_t)c->value;
                                inv->deal_unit = dup_clean(s, c->unit.a, c->unit.b);
                        } else if (strcmp(kind, "acquisition") == 0 || strcmp(kind, "funding_round") == 0 ||
                                   !sentence_has(x, sp, deal_nouns)) {
                                inv->deal_count = 1;
                        }
                }
                inv->kind = nw_xstrdup(kind);
                if (round[0]) {
                        inv->round = nw_xstrdup(round);
                }
                if (status) {
                        inv->status = nw_xstrdup(status);
                }
                {
                        const struct nw_place *p = sentence_place(x, si);
                        if (!p) {
                                p = place_in(x->s, sp->a, sp->b, 1, NULL);
                        }
                        if (p) {
                                inv->location = nw_xstrdup(p->name);
                        }
                }
                sectors_of(x, sp, &inv->sectors);
                nw_extract_parties(s, sp->a, sp->b, m->start, kind, &inv->parties);
                inv->sentence = dup_clean(s, sp->a, sp->b);
                prev_end = m->end;
        }
        /* "A total of 32 project agreements were signed": a count for the amount just before */
        if (!any_money && x->n_m > 0 && cue_check(x, sp, NW_CUE_SIGNING, signing_words, 0)) {
                for (size_t j = 0; j < x->n_m; j++) {
                        struct mention *c = &x->m[j];
                        if (c->used || !is_deal_count(x, c)) {
                                continue;
                        }
                        c->used = 1;
                        if (x->last_inv >= 0 && si - x->last_inv_sent <= 3 &&
                            a->investments[x->last_inv].deal_count < 0) {
                                struct nw_investment *inv = &a->investments[x->last_inv];
                                inv->deal_count = (int64_t)c->value;
                                inv->deal_unit = dup_clean(s, c->unit.a, c->unit.b);
                        } else if (a->n_investments < MAX_FACTS) {
                                struct nw_investment *inv = new_investment(x, si);
                                inv->deal_count = (int64_t)c->value;
                                inv->deal_unit = dup_clean(s, c->unit.a, c->unit.b);
                                inv->kind = nw_xstrdup("investment");
                                inv->status = nw_xstrdup("signed");
                                inv->sentence = dup_clean(s, sp->a, sp->b);
                                sectors_of(x, sp, &inv->sectors);
                                nw_extract_parties(s, sp->a, sp->b, (size_t)-1, "investment",
                                                   &inv->parties);
                        }
                        break;
                }
        }
}

/* ---------------------------------------------------------------- statistics */

#define CLAUSE_MARKS ((1ULL << ',') | (1ULL << ';') | (1ULL << ':') | (1ULL << '(') | \
                      (1ULL << ')') | (1ULL << '"'))

/* Subject of a money or percent figure: the words just before it in its clause. */
static char *subject_before(struct ex *x, const struct span *sp, size_t pos)
{
        const char *s = x->s;
        size_t b = pos, a;
        int words = 0;

        while (b > sp->a && s[b - 1] == ' ') {
                b--;
        }
        a = b;
        while (a > sp->a && words < 7) {
                unsigned char c = (unsigned char)s[a - 1];
                /* one bit test for ',' ';' ':' '(' ')' '"', all below 64 */
                if (c < 64 && ((CLAUSE_MARKS >> c) & 1u)) {
                        break;
                }
                if (c == ' ') {
                        words++;
                }
                a--;
        }
        if (a >= b) {
                return NULL;
        }
        return dup_clean(s, a, b);
}

static void statistics_in(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        struct nw_article *a = x->a;
        const struct nw_place *place = NULL;
        int place_done = 0;

        for (size_t k = 0; k < x->n_m; k++) {
                struct mention *m = &x->m[k];
                struct nw_statistic *st;

                if (m->used || a->n_statistics >= MAX_FACTS) {
                        continue;
                }
                if (m->kind == M_COUNT && m->value == 0) {
                        continue;
                }
                if (!place_done) {
                        place = sentence_place(x, si);
                        place_done = 1;
                }
                a->statistics = grow(a->statistics, a->n_statistics, sizeof(*a->statistics));
                st = &a->statistics[a->n_statistics++];
                memset(st, 0, sizeof(*st));
                st->value = m->value;
                st->qualifier = m->q;
                if (m->kind == M_MONEY) {
                        st->unit = nw_xstrdup(m->currency);
                        st->subject = subject_before(x, sp, m->start);
                } else if (m->kind == M_PERCENT) {
                        st->unit = m->unit.b ? nw_xstrdup("percentage points") : nw_xstrdup("percent");
                        st->subject = subject_before(x, sp, m->start);
                } else {
                        st->unit = dup_clean(s, m->unit.a, m->unit.b);
                        st->subject = dup_clean(s, m->subj.a, m->subj.b);
                }
                st->location = place ? nw_xstrdup(place->name) : NULL;
                st->text = dup_clean(s, m->start, m->end);
        }
}

/* ---------------------------------------------------------------- events */

struct ev_kw {
        const char *w;
        const char *type;
};

/* Capitalized keywords that end an event's name ("... Expo", "... Summit 2024"). */
static const struct ev_kw ev_keywords[] = {
        {"forum", "forum"},           {"expo", "trade_fair"},        {"exposition", "trade_fair"},
        {"fair", "trade_fair"},       {"exhibition", "trade_fair"},  {"show", "trade_fair"},
        {"summit", "summit"},         {"meet", "summit"},            {"conference", "conference"},
        {"exchange", "conference"},   {"symposium", "conference"},   {"congress", "conference"},
        {"dialogue", "conference"},   {"conclave", "conference"},    {"convention", "convention"},
        {"ceremony", "ceremony"},     {"festival", "festival"},      {"week", "conference"},
        {"meeting", "meeting"},       {"marathon", "sports_match"},  {"final", "sports_match"},
        {"championship", "sports_match"}, {"championships", "sports_match"}, {"cup", "sports_match"},
        {NULL, NULL},
};

/* Generic lower-case gatherings worth reporting even without a proper name. */
static const struct ev_kw ev_generic[] = {
        {"signing ceremony", "signing_ceremony"},
        {"groundbreaking ceremony", "groundbreaking_ceremony"},
        {"press conference", "press_conference"},
        {"investor summit", "summit"},
        {"investors summit", "summit"},
        {"grand final", "sports_match"},
        {NULL, NULL},
};

/* Lower-case words allowed inside a name ("Forum on China-Africa Cooperation"). */
static const char *const name_glue[] = {"of", "and", "for", "on", "&", "de", "in", NULL};

/* Words that are capitalized only because they start the sentence, or are not names. */
static const char *const name_stop[] = {
        "the", "a", "an", "this", "that", "at", "in", "on", "during", "after", "before", "its",
        "his", "her", "their", "our", "recently", "meanwhile", "and", "with", "by", "as", "for",
        "from", "of", "to", "when", "while", "since", "last", "next", "yesterday", "today",
        "held", "said", "here", "there", "photo", "under", "through", "if", "but", "where", "it",
        "it's", "we", "they", "he", "she", "so", "then", "however", "although", "because", "how",
        "what", "why", "both", "all", "members", NULL,
};

static int ordinal_word(const char *s, size_t a, size_t b)
{
        struct nw_num n;
        return nw_num_parse(s, b, a, &n) && (n.flags & NW_NUM_ORDINAL) && n.end == b;
}

/* Walk back from the keyword at [kw, kw_end) over the name: capitalized words, ordinals,
 * years and glue words; stop at a quote, a lower-case word or punctuation. */
/* Whether s[w, e) is a month name or one with a '.' after it, capitalized at a word start, as
 * nw_month_at(s, e, w, &me) && me == e answers. At most one name can match at w (the byte
 * after one must be no word byte, and the names are letters), so the name is all of s[w, e)
 * or all of it but a last '.': one probe of the hashed names, or two, instead of a walk. */
static int month_token(const char *s, size_t w, size_t e)
{
        if (w >= e || s[w] < 'A' || s[w] > 'Z' || !nw_scan_at_word_start(s, w)) {
                return 0;
        }
        return in_set(s + w, e - w, HL_MONTHS) ||
               (s[e - 1] == '.' && in_set(s + w, e - w - 1, HL_MONTHS));
}

static size_t name_start(struct ex *x, const struct span *sp, size_t kw)
{
        const char *s = x->s;
        size_t a = kw, p = kw;

        while (p > sp->a) {
                size_t e = p, w;
                if (s[e - 1] != ' ') {
                        break;
                }
                e--;
                w = e;
                /* back to a space, a quote, '(' or ','; only a byte >= 0x80 can be part of a
                 * typographic quote */
                while (w > sp->a) {
                        unsigned char c = (unsigned char)s[w - 1];
                        if (c < 0x80 ? c == ' ' || c == '"' || c == '(' || c == ',' :
                                       quote_at(s, x->len, w - 1) ||
                                               (w >= 3 && quote_at(s, x->len, w - 3) == 3)) {
                                break;
                        }
                        w--;
                }
                if (w == e) {
                        break;
                }
                /* "Xinhua Silk Road: First ... Summit": a label before a colon is not the name */
                if (s[e - 1] == ',' || s[e - 1] == '.' || s[e - 1] == ':' || s[e - 1] == ';') {
                        break;
                }
                if (nw_scan_upper(s, e, w) || nw_scan_digit((unsigned char)s[w]) ||
                    ordinal_word(s, w, e)) {
                        /* "in July United Nations Conference": a month is not part of a name */
                        if (in_set(s + w, e - w, HL_NAME_STOP) || month_token(s, w, e)) {
                                break;
                        }
                        a = w;
                } else if (in_set(s + w, e - w, HL_NAME_GLUE)) {
                        /* glue only counts when a name word precedes it */
                } else {
                        break;
                }
                p = w;
                if (w > sp->a && (s[w - 1] != ' ')) {
                        break;
                }
        }
        /* never start on glue */
        while (a < kw) {
                size_t we = nw_scan_word_end(s, kw, a);
                if (we > a && in_set(s + a, we - a, HL_NAME_GLUE)) {
                        a = nw_scan_skip_spaces(s, kw, we);
                } else {
                        break;
                }
        }
        return a;
}

static long find_event(const struct nw_article *a, const char *name)
{
        for (size_t i = 0; i < a->n_events; i++) {
                if (strcasecmp(a->events[i].name, name) == 0) {
                        return (long)i;
                }
        }
        return -1;
}

static int words_in(const char *s, size_t a, size_t b)
{
        int n = 1;
        for (size_t i = a; i < b; i++) {
                n += s[i] == ' ';
        }
        return n;
}

static void event_date(struct ex *x, const struct span *sp, struct nw_event *ev)
{
        const char *s = x->s;
        size_t from = sp->a;

        /* a dateline at the head of the sentence is the report's date, not the event's */
        if (x->dateline.b > sp->a && x->dateline.b < sp->b) {
                from = x->dateline.b;
        }
        enum nw_date_dir dir = sentence_has(x, sp, future_words) ? NW_DATE_FUTURE : NW_DATE_PAST;

        for (size_t i = from; i < sp->b; i++) {
                struct nw_date d;
                size_t e, st = i;
                if (!nw_scan_at_word_start(s, i) || s[i] == ' ') {
                        continue;
                }
                if (!nw_date_parse_at(s, sp->b, i, &x->ref, dir, &d, &e)) {
                        continue;
                }
                /* a bare day-month pair must be introduced ("on", "from", "since") or carry
                 * its year; a lone weekday likewise */
                {
                        size_t ps;
                        int intro = nw_scan_phrase_before(s, i, "on", &ps) ||
                                    nw_scan_phrase_before(s, i, "from", &ps) ||
                                    nw_scan_phrase_before(s, i, "since", &ps) ||
                                    nw_scan_phrase_before(s, i, "opened", &ps) ||
                                    nw_scan_phrase_before(s, i, "concluded", &ps) ||
                                    nw_scan_phrase_before(s, i, "ended", &ps);
                        if (!intro && !nw_scan_digit((unsigned char)s[i]) &&
                            !nw_month_at(s, sp->b, i, &ps)) {
                                i = e;
                                continue;
                        }
                }
                /* an event met again in a later sentence may already have a date */
                free(ev->date);
                ev->date = NULL;
                if (d.y) {
                        char iso[11];
                        nw_date_format(&d, iso);
                        ev->date = nw_xstrdup(iso);
                }
                free(ev->date_text);
                ev->date_text = dup_clean(s, st, e);
                return;
        }
}

#define NAME_TOKENS 16

/* The words of an event name that tell events apart: lower-case letter runs, without
 * function words, numbers and ordinals ("the 20th China-ASEAN Expo" and "China-ASEAN Expo"
 * and "Expo 2024" are one event). @returns the count, at most NAME_TOKENS. */
static size_t name_tokens(const char *name, char tok[][24])
{
        static const char *const skip[] = {"the", "of", "and", "a", "an", "in", "at", "for", "on",
                                           "first", "second", "third", "fourth", "fifth", "sixth",
                                           "seventh", "eighth", "ninth", "tenth", "edition", NULL};
        size_t n = 0, i = 0, len = strlen(name);

        while (i < len && n < NAME_TOKENS) {
                size_t e = i, k = 0;
                if (!nw_scan_alpha((unsigned char)name[i]) &&
                    !nw_scan_digit((unsigned char)name[i])) {
                        i++;
                        continue;
                }
                while (e < len && (nw_scan_alpha((unsigned char)name[e]) ||
                                   nw_scan_digit((unsigned char)name[e]))) {
                        e++;
                }
                if (!nw_scan_digit((unsigned char)name[i]) && !in_list(name + i, e - i, skip)) {
                        for (; k < 23 && i + k < e; k++) {
                                tok[n][k] = (char)nw_scan_lower((unsigned char)name[i + k]);
                        }
                        tok[n][k] = '\0';
                        n++;
                }
                i = e;
        }
        return n;
}

/* Whether every token of a[0..na) is among b[0..nb). */
static int tokens_within(char a[][24], size_t na, char b[][24], size_t nb)
{
        for (size_t i = 0; i < na; i++) {
                size_t j = 0;
                while (j < nb && strcmp(a[i], b[j]) != 0) {
                        j++;
                }
                if (j == nb) {
                        return 0;
                }
        }
        return 1;
}

/* An event of the same type whose name says the same, with or without an edition, a year
 * or more of the full name ("Vibrant Summit" within "Vibrant Gujarat Global Summit 2024").
 * When the new name is the fuller one, the event takes it. @returns its index or -1. */
static long find_same_event(struct nw_article *na, char *name, const char *type)
{
        char nt[NAME_TOKENS][24], ot[NAME_TOKENS][24];
        size_t nn = name_tokens(name, nt);

        if (nn == 0) {
                return -1;
        }
        for (size_t i = 0; i < na->n_events; i++) {
                struct nw_event *ev = &na->events[i];
                size_t on;
                if (strcmp(ev->type, type) != 0) {
                        continue;
                }
                on = name_tokens(ev->name, ot);
                if (on == 0) {
                        continue;
                }
                if (tokens_within(nt, nn, ot, on)) {
                        /* same words: the name with its edition or year is the better one */
                        if (nn == on && strlen(name) > strlen(ev->name)) {
                                free(ev->name);
                                ev->name = nw_xstrdup(name);
                        }
                        return (long)i;
                }
                if (tokens_within(ot, on, nt, nn)) {
                        free(ev->name);
                        ev->name = nw_xstrdup(name);
                        return (long)i;
                }
        }
        return -1;
}

static void add_event(struct ex *x, size_t si, size_t a, size_t b, const char *type)
{
        const struct span *sp = &x->sents[si];
        struct nw_article *na = x->a;
        struct nw_event *ev;
        char *name = dup_clean(x->s, a, b);
        long idx = find_event(na, name);

        if (idx < 0 && strlen(name) >= 4) {
                idx = find_same_event(na, name, type);
        }

        if (idx >= 0 || na->n_events >= 20 || strlen(name) < 4) {
                free(name);
                if (idx >= 0 && na->events[idx].location == NULL) {
                        const struct nw_place *p = sentence_place(x, si);
                        if (p) {
                                na->events[idx].location = nw_xstrdup(p->name);
                        }
                }
                if (idx >= 0 && na->events[idx].date == NULL) {
                        event_date(x, sp, &na->events[idx]);
                }
                return;
        }
        na->events = grow(na->events, na->n_events, sizeof(*na->events));
        ev = &na->events[na->n_events++];
        memset(ev, 0, sizeof(*ev));
        ev->name = name;
        ev->type = nw_xstrdup(type);
        {
                const struct nw_place *p = sentence_place(x, si);
                if (p) {
                        ev->location = nw_xstrdup(p->name);
                }
        }
        event_date(x, sp, ev);
        if (x->main_event < 0 && strcmp(type, "sports_match") != 0) {
                x->main_event = (long)na->n_events - 1;
        }
}

/* Words that make a capitalized run after an event keyword a building ("Convention and
 * Exhibition Center", "Expo Hall"): the keyword names the venue, not a gathering. */
static const char *const venue_words[] = {
        "center", "centre", "hall", "complex", "stadium", "arena", "ground", "grounds", "park",
        "building", "hotel", "palace", "venue", "square", "auditorium", NULL,
};

static int venue_follows(const char *s, size_t lim, size_t we)
{
        size_t p = we;

        for (int w = 0; w < 4 && p < lim && s[p] == ' '; w++) {
                size_t q = p + 1, e = nw_scan_word_end(s, lim, q);
                if (e == q) {
                        return 0;
                }
                if (nw_scan_upper(s, lim, q) && in_set(s + q, e - q, HL_VENUE_WORDS)) {
                        return 1;
                }
                if (!nw_scan_upper(s, lim, q) && !lower_eq(s + q, e - q, "and")) {
                        return 0;
                }
                p = e;
        }
        return 0;
}

/* The end of a quoted name starting at the quote at p ("“Choose France”"), or 0. */
static size_t quoted_end(const char *s, size_t lim, size_t p)
{
        int q = quote_at(s, lim, p);
        size_t i;

        if (!q) {
                return 0;
        }
        for (i = p + (size_t)q; i < lim && i < p + 160; i++) {
                int c = quote_at(s, lim, i);
                if (c) {
                        return i > p + (size_t)q + 1 ? i + (size_t)c : 0;
                }
        }
        return 0;
}

/* "Conference on Disarmament", "Forum on “Digital Silk Road”": a keyword that opens its
 * name. @returns the end of the name after "on"/"of" at we, or 0. */
static size_t name_after_keyword(const char *s, size_t lim, size_t we)
{
        size_t p = nw_scan_skip_spaces(s, lim, we), e;

        int of = 0;

        if (!(e = nw_scan_word_at(s, lim, p, "on"))) {
                if (!(e = nw_scan_word_at(s, lim, p, "of"))) {
                        return 0;
                }
                of = 1;
        }
        p = nw_scan_skip_spaces(s, lim, e);
        if ((e = quoted_end(s, lim, p)) != 0) {
                return e;
        }
        /* "Congress of South African Trade Unions" is a body; "of" takes a quoted name only */
        if (of || !nw_scan_upper(s, lim, p)) {
                return 0;
        }
        e = read_org(s, lim, p);
        return e > p ? e : 0;
}

/* Lower-case gatherings: "the investment promotion conference of the 2nd ... was held",
 * "the anniversary meeting was held in Hangzhou", "a project matchmaking fair". */
struct ev_noun {
        const char *w;
        const char *type;
};

static const struct ev_noun ev_nouns[] = {
        {"conference", "conference"}, {"forum", "forum"},           {"summit", "summit"},
        {"fair", "trade_fair"},       {"expo", "trade_fair"},       {"exhibition", "trade_fair"},
        {"symposium", "conference"},  {"convention", "convention"}, {"ceremony", "ceremony"},
        {"meeting", "meeting"},       {NULL, NULL},
};

/* Modifiers that make a gathering on their own ("promotion conference"); any other needs
 * the sentence to say it was held. */
static const char *const ev_strong_mods[] = {
        "promotion", "matchmaking", "signing", "groundbreaking", "anniversary", "investment",
        "investors", "investor", "cooperation", "contract", "project", "projects", NULL,
};

/* Modifiers that never make a gathering worth a row (README: opening ceremonies are not
 * annotated; a board meeting is routine). */
static const char *const ev_weak_mods[] = {
        "opening", "closing", "board", "news", "press", "emergency", "general", "annual",
        "regular", "weekly", "monthly", "cabinet", "same", "last", "first", "next", "such",
        "virtual", "online", "previous", "recent", "latest", "other", "another", NULL,
};

static const char *const held_after[] = {
        "was held", "were held", "is held", "is being held", "was convened", "opened",
        "kicked off", "was launched", "concluded", "closed", "will be held", "took place",
        "was successfully held", "was hosted", NULL,
};

/* the letters (bit c - 'a') that start an ev_nouns[] word, set with the hashed lists */
static uint32_t ev_noun_letters;

/* The gathering named by the lower-case word at @p i, if it is one of ev_nouns[], added to the
 * article. @returns the end of what it read, where the walk goes on after. */
static size_t event_noun_at(struct ex *x, size_t si, size_t i)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        const struct ev_noun *k;
        size_t we, a, p, b, q;
        int mods = 0, strong = 0, held = 0;
        const char *type;

        we = nw_scan_word_end(s, sp->b, i);
        if (!((ev_noun_letters >> (s[i] - 'a')) & 1u)) {
                return we;
        }
        for (k = ev_nouns; k->w && (k->w[0] != s[i] || !lower_eq(s + i, we - i, k->w));
             k++) {
        }
        if (!k->w || (we + 1 < sp->b && s[we] == ' ' && nw_scan_upper(s, sp->b, we + 1))) {
                return we;
        }
        /* walk back over up to three lower-case modifiers or an ordinal */
        a = i;
        p = i;
        while (mods < 3 && p > sp->a + 1 && s[p - 1] == ' ') {
                size_t w = p - 1;
                while (w > sp->a && s[w - 1] != ' ') {
                        w--;
                }
                if (w == p - 1 || nw_scan_upper(s, p - 1, w) ||
                    in_set(s + w, p - 1 - w, HL_NAME_STOP) ||
                    in_set(s + w, p - 1 - w, HL_EV_WEAK_MODS)) {
                        break;
                }
                if (!nw_scan_alpha((unsigned char)s[w]) && !ordinal_word(s, w, p - 1)) {
                        break;
                }
                for (size_t c = w; c < p - 1; c++) {
                        if (!nw_scan_wordc((unsigned char)s[c]) && s[c] != '-') {
                                w = p; /* punctuation inside: not a modifier */
                                break;
                        }
                }
                if (w >= p) {
                        break;
                }
                strong |= in_set(s + w, p - 1 - w, HL_EV_STRONG_MODS);
                a = w;
                p = w;
                mods++;
        }
        if (!mods) {
                return we;
        }
        /* "... of the 2nd “Overseas Chinese Gathering”" / "... at the X Expo" */
        b = we;
        q = nw_scan_skip_spaces(s, sp->b, b);
        {
                size_t e = nw_scan_word_at(s, sp->b, q, "of the");
                if (!e) {
                        e = nw_scan_word_at(s, sp->b, q, "of");
                }
                if (e) {
                        size_t r = nw_scan_skip_spaces(s, sp->b, e), last = b;
                        while (r < sp->b && (nw_scan_upper(s, sp->b, r) ||
                                             nw_scan_digit((unsigned char)s[r]) ||
                                             quote_at(s, sp->b, r))) {
                                size_t we2 = nw_scan_word_end(s, sp->b,
                                                              r + (size_t)quote_at(s, sp->b, r));
                                last = we2;
                                r = nw_scan_skip_spaces(s, sp->b, we2);
                        }
                        b = last;
                        q = r;
                }
        }
        for (const char *const *h = held_after; *h && !held; h++) {
                held = nw_scan_word_at(s, sp->b, nw_scan_skip_spaces(s, sp->b, q), *h) != 0;
        }
        /* a routine meeting needs a strong modifier even when it was held */
        if (!(strong || (held && strcmp(k->type, "meeting") != 0))) {
                return we;
        }
        type = k->type;
        if (strcmp(type, "ceremony") == 0) {
                type = nw_scan_find_word(s, a, we, "signing") != (size_t)-1
                               ? "signing_ceremony"
                       : nw_scan_find_word(s, a, we, "groundbreaking") != (size_t)-1
                               ? "groundbreaking_ceremony"
                               : "ceremony";
        }
        add_event(x, si, a, b, type);
        return b > we ? b : we;
}

/* Lower-case gatherings: the same walk over the words that start with a lower-case letter
 * (one that starts with a capital is passed without reading it). */
static void events_lower(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        size_t n;
        const size_t *ws = letter_words(x, sp, &n);

        for (size_t k = 0, next = sp->a; k < n; k++) {
                if (ws[k] >= next && !nw_scan_upper(x->s, sp->b, ws[k])) {
                        next = event_noun_at(x, si, ws[k]) + 1;
                }
        }
}

/* "the fifth edition of “Choose France”": a recurring event known by a quoted name. */
static void events_edition(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        size_t p = nw_scan_find_word(s, sp->a, sp->b, "edition of");

        if (p != (size_t)-1) {
                size_t q = nw_scan_skip_spaces(s, sp->b, p + 10);
                size_t e = quoted_end(s, sp->b, q);
                if (e) {
                        add_event(x, si, q, e, "conference");
                }
        }
}

/* Whether the name words s[a, b) carry a gathering's marks: an edition or year, or a word
 * like "World", "International", "Motor", "Trade" ("National" only when @p national). */
static int gathering_marks(const char *s, size_t a, size_t b, int national)
{
        static const char *const marks[] = {"world", "international", "annual", "trade", "motor",
                                            "auto", "air", "boat", "electronics", "industry",
                                            "global", "investment", "investors", NULL};
        size_t i = a;

        while (i < b) {
                size_t e = nw_scan_word_end(s, b, i);
                if (e == i) {
                        i++;
                        continue;
                }
                if (nw_scan_digit((unsigned char)s[i]) || ordinal_word(s, i, e) ||
                    in_list(s + i, e - i, marks) || (national && lower_eq(s + i, e - i, "national"))) {
                        return 1;
                }
                i = e;
        }
        return 0;
}

static int market_words(const char *s, size_t a, size_t b)
{
        static const char *const markets[] = {
                "stock", "futures", "commodity", "commodities", "merchants", "mercantile",
                "metal", "metals", "securities", "options", "cotton", "grain", "freight",
                "financial", "currency", "monetary", "derivatives", "energy", "petroleum", NULL,
        };

        for (size_t i = a; i < b;) {
                size_t e = nw_scan_word_end(s, b, i);
                if (e == i) {
                        i++;
                        continue;
                }
                if (in_list(s + i, e - i, markets)) {
                        return 1;
                }
                i = e;
        }
        return 0;
}

/* the letters (bit c - 'a') that start an ev_keywords[] word, set with the hashed lists */
static uint32_t ev_keyword_letters;

/* The event whose keyword is the capitalized word at @p i, if it is one, added to the
 * article. @returns the end of what it read, where the scan goes on after. */
static size_t event_kw_at(struct ex *x, size_t si, size_t i)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        size_t we = nw_scan_word_end(s, sp->b, i);

        if (!((ev_keyword_letters >> (nw_scan_lower((unsigned char)s[i]) - 'a')) & 1u)) {
                return we;
        }
        for (const struct ev_kw *k = ev_keywords; k->w; k++) {
                size_t a, b = we;
                /* the keywords are lower case: the first byte rules out most */
                if ((unsigned char)k->w[0] != nw_scan_lower((unsigned char)s[i]) ||
                    !lower_eq(s + i, we - i, k->w)) {
                        continue;
                }
                a = name_start(x, sp, i);
                if (a == i || words_in(s, a, i) < 2) {
                        /* "the Conference on “X”": the name follows the keyword */
                        size_t ne = name_after_keyword(s, sp->b, we);
                        size_t ps;
                        if (ne && (i == sp->a || nw_scan_phrase_before(s, i, "the", &ps) ||
                                   nw_scan_phrase_before(s, i, "and", &ps))) {
                                add_event(x, si, i, ne, k->type);
                                we = ne;
                        }
                        break;
                }
                /* "Nanning International Convention and Exhibition Center" is a place */
                if (venue_follows(s, sp->b, we)) {
                        break;
                }
                /* "Congress", "Show" and "Convention" more often name a legislature, a
                 * TV programme or a treaty than a gathering: keep them only with a
                 * gathering's marks ("World Petroleum Congress", "Geneva Motor Show") */
                if ((strcmp(k->w, "congress") == 0 || strcmp(k->w, "show") == 0 ||
                     strcmp(k->w, "convention") == 0 || strcmp(k->w, "exchange") == 0) &&
                    !gathering_marks(s, a, i, strcmp(k->w, "convention") == 0)) {
                        break;
                }
                /* "New York Stock Exchange", "Baltic International Freight Futures
                 * Exchange": a market, whatever marks it carries */
                if (strcmp(k->w, "exchange") == 0 && market_words(s, a, i)) {
                        break;
                }
                /* "Securities and Exchange Commission": the keyword is inside a name */
                if (we + 1 < sp->b && s[we] == ' ' && nw_scan_upper(s, sp->b, we + 1) &&
                    !nw_month_at(s, sp->b, we + 1, &b)) {
                        b = we;
                        break;
                }
                /* "Summit 2024", "Expo (CAETE)" */
                {
                        size_t p = nw_scan_skip_spaces(s, sp->b, b);
                        struct nw_num n;
                        if (p > b && p < sp->b && nw_num_parse(s, sp->b, p, &n) &&
                            is_year_like(&n)) {
                                b = n.end;
                        }
                }
                {
                        const char *type = k->type;
                        /* "Signing Ceremony" keeps its kind */
                        if (strcmp(type, "ceremony") == 0) {
                                type = nw_scan_find_word(s, a, b, "signing") != (size_t)-1
                                               ? "signing_ceremony"
                                               : "ceremony";
                        }
                        add_event(x, si, a, b, type);
                }
                break;
        }
        return we;
}

/* Call @p at on each capitalized word start of the sentence: from the cue scan's list, or
 * byte by byte when the sentence had more than MAX_CAPS of them. A start before where the
 * previous call stopped is inside what it read and is skipped. With @p count, the walk ends
 * once *@p count reaches 60 (a list that is full). */
static void walk_caps(struct ex *x, const struct span *sp,
                      size_t (*at)(struct ex *, const struct span *, size_t),
                      const size_t *count)
{
        const char *s = x->s;

        if (x->n_caps > MAX_CAPS) {
                for (size_t i = sp->a; i < sp->b && !(count && *count >= 60); i++) {
                        if (nw_scan_upper(s, sp->b, i) && nw_scan_at_word_start(s, i)) {
                                i = at(x, sp, i);
                        }
                }
                return;
        }
        for (size_t k = 0, next = sp->a; k < x->n_caps && !(count && *count >= 60); k++) {
                if (x->caps[k] >= next) {
                        next = at(x, sp, x->caps[k]) + 1;
                }
        }
}

/* event_kw_at() by span, for walk_caps() */
static size_t event_kw_at_span(struct ex *x, const struct span *sp, size_t i)
{
        return event_kw_at(x, (size_t)(sp - x->sents), i);
}

/* Whether the sentence may hold an ev_generic[] phrase: its first word and its last, a
 * keyword ("press" and "conference"), in any case, as nw_scan_find_word() reads them. */
static int generic_event_cues(const struct nw_cues *c)
{
        return nw_cues_any(c, NW_CUE_EV_GENERIC) && nw_cues_any(c, NW_CUE_EV_KEYWORD);
}

static void events_in(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        int generic = generic_event_cues(&x->cues);     /* the same for every phrase */

        if (nw_cues_any(&x->cues, NW_CUE_EV_CAPITAL)) {
                walk_caps(x, sp, event_kw_at_span, NULL);
        }
        for (const struct ev_kw *k = ev_generic; generic && k->w; k++) {
                size_t p = nw_scan_find_word(s, sp->a, sp->b, k->w);
                if (p == (size_t)-1 || nw_scan_upper(s, sp->b, p)) {
                        continue;
                }
                {
                        size_t b = p + strlen(k->w);
                        /* "signing ceremony of the X project" / "at the 20th China-ASEAN Expo" */
                        size_t q = nw_scan_skip_spaces(s, sp->b, b);
                        size_t e = nw_scan_word_at(s, sp->b, q, "of the");
                        if (!e) {
                                e = nw_scan_word_at(s, sp->b, q, "at the");
                        }
                        if (e) {
                                size_t r = nw_scan_skip_spaces(s, sp->b, e);
                                size_t last = b;
                                while (r < sp->b && (nw_scan_upper(s, sp->b, r) ||
                                                     nw_scan_digit((unsigned char)s[r]) ||
                                                     quote_at(s, sp->b, r))) {
                                        size_t we2 = nw_scan_word_end(s, sp->b, r + quote_at(s, sp->b, r));
                                        last = we2;
                                        r = nw_scan_skip_spaces(s, sp->b, we2);
                                }
                                b = last;
                        }
                        add_event(x, si, p, b, k->type);
                }
        }
}

/* The event a sentence talks about: one it names, else "the event/summit/..." -> main. */
static long event_of_sentence(struct ex *x, const struct span *sp)
{
        const struct nw_article *a = x->a;

        for (size_t i = 0; i < a->n_events; i++) {
                size_t n = strlen(a->events[i].name);
                for (size_t p = sp->a; p + n <= sp->b; p++) {
                        if (strncmp(x->s + p, a->events[i].name, n) == 0) {
                                return (long)i;
                        }
                }
        }
        if (x->main_event >= 0 && sentence_has(x, sp, event_refs)) {
                return x->main_event;
        }
        return -1;
}

/* Attendance: "attracted more than 200 people", "drew 191,950 buyers", "with nearly 2,000
 * enterprises in attendance", "attended by 3,000 delegates". */
static void attendance_in(struct ex *x, size_t si)
{
        static const char *const people_units[] = {
                "people", "participants", "guests", "visitors", "delegates", "attendees",
                "buyers", "exhibitors", "enterprises", "companies", "businessmen", "representatives",
                "fans", "spectators", "ceos", "investors", "entrepreneurs", "officials", "firms",
                "members", "experts", "scholars", "persons", NULL};
        const struct span *sp = &x->sents[si];
        long ei;

        if (!sentence_has(x, sp, attend_verbs)) {
                return;
        }
        ei = event_of_sentence(x, sp);
        if (ei < 0) {
                ei = x->main_event;
        }
        if (ei < 0 || x->a->events[ei].attendance.present) {
                return;
        }
        for (size_t k = 0; k < x->n_m; k++) {
                struct mention *m = &x->m[k];
                if (m->kind != M_COUNT || m->used || !m->unit.b ||
                    !in_list(x->s + m->unit.a, m->unit.b - m->unit.a, people_units)) {
                        continue;
                }
                set_quantity(&x->a->events[ei].attendance, m->value, NULL, m->q, x->s, m->start,
                             m->end);
                m->used = 1;
                return;
        }
}

/* Organizer names after "by": "hosted by the A and B", "co-organized by A, B and C". */
static void organizers_in(struct ex *x, size_t si)
{
        static const char *const cues[] = {"hosted by", "organized by", "organised by",
                                           "co-hosted by", "co-organized by", "co-organised by",
                                           "sponsored by", "co-sponsored by", "jointly hosted by",
                                           "jointly organized by", "jointly organised by", NULL};
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        long ei = -1;
        size_t p = (size_t)-1;

        for (const char *const *c = cues; *c; c++) {
                size_t at = nw_scan_find_word(s, sp->a, sp->b, *c);
                if (at != (size_t)-1) {
                        p = at + strlen(*c);
                        break;
                }
        }
        if (p == (size_t)-1) {
                return;
        }
        ei = event_of_sentence(x, sp);
        if (ei < 0) {
                ei = x->main_event;
        }
        if (ei < 0 && x->a->n_events > 0) {
                ei = 0;
        }
        if (ei < 0) {
                return;
        }
        for (int items = 0; items < 6 && p < sp->b; items++) {
                size_t a, e;
                p = nw_scan_skip_spaces(s, sp->b, p);
                if (nw_scan_word_at(s, sp->b, p, "the")) {
                        p = nw_scan_skip_spaces(s, sp->b, p + 3);
                }
                if (!nw_scan_upper(s, sp->b, p)) {
                        break;
                }
                a = p;
                e = p;
                /* capitalized words and glue, never ending on glue */
                while (p < sp->b) {
                        size_t we = nw_scan_word_end(s, sp->b, p);
                        /* typographic apostrophe inside "People’s" */
                        while (we + 3 < sp->b && (unsigned char)s[we] == 0xe2 &&
                               (unsigned char)s[we + 1] == 0x80 && (unsigned char)s[we + 2] == 0x99) {
                                we = nw_scan_word_end(s, sp->b, we + 3);
                        }
                        if (we == p) {
                                break;
                        }
                        if (nw_scan_upper(s, sp->b, p)) {
                                e = we;
                        } else if (!(in_set(s + p, we - p, HL_NAME_GLUE) && !nw_scan_word_at(s, sp->b, p, "and")) &&
                                   !nw_scan_word_at(s, sp->b, p, "the")) {
                                break;
                        }
                        if (we >= sp->b || s[we] != ' ') {
                                p = we;
                                break;
                        }
                        p = we + 1;
                }
                if (e > a) {
                        char *org = dup_clean(s, a, e);
                        nw_strv_push_unique(&x->a->events[ei].organizers, org, strlen(org));
                        nw_strv_push_unique(&x->a->organizations, org, strlen(org));
                        free(org);
                }
                p = e;
                p = nw_scan_skip_spaces(s, sp->b, p);
                if (p < sp->b && s[p] == ',') {
                        p = nw_scan_skip_spaces(s, sp->b, p + 1);
                }
                if (nw_scan_word_at(s, sp->b, p, "and")) {
                        p += 3;
                        continue;
                }
                if (p < sp->b && nw_scan_upper(s, sp->b, p) && s[p - 1] == ' ' && s[p - 2] == ',') {
                        continue;
                }
                break;
        }
}

static void theme_in(struct ex *x, size_t si)
{
        const struct span *sp = &x->sents[si];
        const char *s = x->s;
        size_t p = nw_scan_find_word(s, sp->a, sp->b, "theme");
        long ei;

        if (p == (size_t)-1) {
                p = nw_scan_find_word(s, sp->a, sp->b, "themed");
        }
        if (p == (size_t)-1) {
                return;
        }
        ei = event_of_sentence(x, sp);
        if (ei < 0) {
                ei = x->main_event;
        }
        if (ei < 0 || x->a->events[ei].theme) {
                return;
        }
        /* the first quoted span in the sentence */
        for (size_t i = sp->a; i < sp->b; i++) {
                int q = quote_at(s, sp->b, i);
                if (!q && !(s[i] == '`')) {
                        continue;
                }
                {
                        size_t a = i + (q ? (size_t)q : 1), b = a;
                        while (b < sp->b && !quote_at(s, sp->b, b) &&
                               !(!q && (s[b] == '\'' || (b + 2 < sp->b && (unsigned char)s[b] == 0xe2 &&
                                                          (unsigned char)s[b + 2] == 0x99)))) {
                                b++;
                        }
                        if (b > a + 3 && b - a < 200) {
                                x->a->events[ei].theme = dup_clean(s, a, b);
                        }
                        return;
                }
        }
}

/* ---------------------------------------------------------------- people */

static const char *const title_heads[] = {
        "chairman", "chairwoman", "chairperson", "president", "vice-president", "ceo", "cfo",
        "coo", "cto", "founder", "co-founder", "director", "director-general", "manager",
        "minister", "ministers", "secretary", "secretary-general", "head", "chief", "governor",
        "mayor", "spokesperson", "spokesman", "spokeswoman", "academician", "professor",
        "ambassador", "premier", "officer", "analyst", "economist", "forecaster", "captain",
        "partner", "commissioner", "leader", "boss", "chancellor", "envoy", "consul", "lawmaker",
        "senator", "coach", "owner", "official", "researcher", "editor", "dean", "principal",
        "executive", "vice", "deputy", "president-elect", "md", "chairmen", "general", NULL,
};

/* Title modifiers that may precede a head in "Chief Minister X" / "Energy Security Secretary X". */
static int title_word(const char *s, size_t a, size_t b)
{
        return in_set(s + a, b - a, HL_TITLE_HEADS);
}

/* Whether the capitalized word s[a, b) (as nw_scan_word_end() ends it) starts with a month or
 * weekday name, as nw_month_at() || nw_weekday_at() >= 0 answers at a: a name must be the
 * whole first run of word bytes, which ends at b or at the '-' or '\'' that joins the next. */
static int date_word_at(const char *s, size_t a, size_t b)
{
        size_t r = a;

        if (!nw_scan_at_word_start(s, a)) {
                return 0;
        }
        while (r < b && s[r] != '-' && s[r] != '\'') {
                r++;
        }
        return in_set(s + a, r - a, HL_DATE_WORDS);
}

static int name_token(const char *s, size_t len, size_t a, size_t b)
{
        if (b - a < 2 || !nw_scan_upper(s, len, a) || in_set(s + a, b - a, HL_NAME_STOP) ||
            title_word(s, a, b) || date_word_at(s, a, b)) {
                return 0;
        }
        for (size_t i = a + 1; i < b; i++) {
                unsigned char c = (unsigned char)s[i];
                if (!(nw_scan_alpha(c) || c == '-' || c == '\'')) {
                        return 0;
                }
        }
        /* all capitals ("CEO", "AFL") is an acronym, not a name */
        return !(b - a >= 2 && s[a + 1] >= 'A' && s[a + 1] <= 'Z');
}

/* 2..3 name tokens from p; returns the end, or 0. */
static size_t read_name(const char *s, size_t lim, size_t p, int *tokens)
{
        size_t e = 0;
        int n = 0;

        while (p < lim && n < 4) {
                size_t we = nw_scan_word_end(s, lim, p);
                if (!name_token(s, lim, p, we)) {
                        break;
                }
                /* "Xi Jinping's" */
                if (we >= 2 && s[we - 2] == '\'' && s[we - 1] == 's') {
                        e = we - 2;
                        n++;
                        break;
                }
                e = we;
                n++;
                if (we + 1 >= lim || s[we] != ' ') {
                        break;
                }
                p = we + 1;
        }
        *tokens = n;
        return n >= 2 && n <= 3 ? e : 0;
}

static void add_person(struct ex *x, char *name, char *title, char *org)
{
        struct nw_article *a = x->a;

        for (size_t i = 0; i < a->n_people; i++) {
                if (strcmp(a->people[i].name, name) == 0) {
                        free(name);
                        free(title);
                        free(org);
                        return;
                }
        }
        if (a->n_people >= 50) {
                free(name);
                free(title);
                free(org);
                return;
        }
        if (org && org[0]) {
                nw_strv_push_unique(&a->organizations, org, strlen(org));
        }
        a->people = grow(a->people, a->n_people, sizeof(*a->people));
        a->people[a->n_people].name = name;
        a->people[a->n_people].title = title;
        a->people[a->n_people].organization = org;
        a->n_people++;
}

/* A capitalized organization name from p: words and glue, not ending on glue. */
static size_t read_org(const char *s, size_t lim, size_t p)
{
        size_t e = p;

        if (nw_scan_word_at(s, lim, p, "the")) {
                p = nw_scan_skip_spaces(s, lim, p + 3);
        }
        while (p < lim) {
                size_t we = nw_scan_word_end(s, lim, p);
                if (we == p) {
                        /* "(CPC)" */
                        if (s[p] == '(' && p + 1 < lim && nw_scan_upper(s, lim, p + 1)) {
                                size_t q = p + 1;
                                while (q < lim && s[q] != ')' && q - p < 12) {
                                        q++;
                                }
                                if (q < lim && s[q] == ')') {
                                        e = q + 1;
                                }
                        }
                        break;
                }
                while (we + 3 < lim && (unsigned char)s[we] == 0xe2 && (unsigned char)s[we + 1] == 0x80 &&
                       (unsigned char)s[we + 2] == 0x99) {
                        we = nw_scan_word_end(s, lim, we + 3);
                }
                /* "U.S. Meat Export Federation", "E.F. Hutton": initials keep their dots */
                if (we < lim && s[we] == '.' && we - p <= 2 && nw_scan_upper(s, lim, p)) {
                        while (we + 1 < lim && s[we] == '.' && nw_scan_upper(s, lim, we + 1)) {
                                we = nw_scan_word_end(s, lim, we + 1);
                        }
                        if (we < lim && s[we] == '.') {
                                we++;
                        }
                }
                if (nw_scan_upper(s, lim, p) || (e > p && nw_scan_digit((unsigned char)s[p]))) {
                        e = we;
                } else if (!in_set(s + p, we - p, HL_NAME_GLUE) && !nw_scan_word_at(s, lim, p, "the")) {
                        break;
                }
                if (we >= lim || s[we] != ' ') {
                        break;
                }
                p = we + 1;
        }
        return e;
}

/* "Chen Bin, executive vice chairman of the China Federation of ..., said" */
static size_t appositive_at(struct ex *x, const struct span *sp, size_t i)
{
        const char *s = x->s;
        size_t ne, p, t0, t1, org_a = 0, org_e = 0;
        int ntok, has_head = 0, words = 0;

        if (i > sp->a) {
                size_t ps, w = i;
                char c = s[i - 1], last;
                int ok;
                /* the phrases end in 'd', 'o' or 's': the byte before the spaces rules
                 * out all three for most words */
                while (w > 0 && s[w - 1] == ' ') {
                        w--;
                }
                last = w > 0 ? (char)nw_scan_lower((unsigned char)s[w - 1]) : '\0';
                ok = c == '"' || c == '(' || (c == ' ' && i >= 2 && s[i - 2] == ',') ||
                     (i >= 3 && (unsigned char)s[i - 1] == 0x9c) ||
                     (last == 'd' && nw_scan_phrase_before(s, i, "said", &ps)) ||
                     (last == 'o' && nw_scan_phrase_before(s, i, "according to", &ps)) ||
                     (last == 's' && nw_scan_phrase_before(s, i, "says", &ps));
                if (!ok) {
                        return nw_scan_word_end(s, sp->b, i);
                }
        }
        ne = read_name(s, sp->b, i, &ntok);
        if (!ne || ne + 2 >= sp->b || s[ne] != ',' || s[ne + 1] != ' ') {
                return nw_scan_word_end(s, sp->b, i);
        }
        p = ne + 2;
        if (nw_scan_word_at(s, sp->b, p, "the")) {
                p += 4;
        }
        if (nw_scan_word_at(s, sp->b, p, "a") || nw_scan_word_at(s, sp->b, p, "an")) {
                return ne;
        }
        t0 = p;
        t1 = p;
        while (p < sp->b && words < 9) {
                size_t we = nw_scan_word_end(s, sp->b, p);
                if (we == p) {
                        break;
                }
                if (nw_scan_word_at(s, sp->b, p, "of") || nw_scan_word_at(s, sp->b, p, "at") ||
                    nw_scan_word_at(s, sp->b, p, "for") || nw_scan_word_at(s, sp->b, p, "with")) {
                        size_t q = nw_scan_skip_spaces(s, sp->b, we);
                        size_t oe = read_org(s, sp->b, q);
                        if (oe > q && has_head) {
                                org_a = q;
                                org_e = oe;
                                break;
                        }
                        /* "general manager of the X Department of Y": keep reading */
                }
                if (title_word(s, p, we)) {
                        has_head = 1;
                }
                t1 = we;
                words++;
                if (we >= sp->b || s[we] != ' ') {
                        break;
                }
                p = we + 1;
        }
        if (has_head && t1 > t0) {
                char *org = NULL;
                if (org_e > org_a) {
                        size_t oa = org_a;
                        if (nw_scan_word_at(s, sp->b, oa, "the")) {
                                oa = nw_scan_skip_spaces(s, sp->b, oa + 3);
                        }
                        org = dup_clean(s, oa, org_e);
                }
                add_person(x, dup_clean(s, i, ne), dup_clean(s, t0, t1), org);
        }
        return ne;
}

/* the capitalized word starts of the sentence, as the other walks over them */
static void people_appositive(struct ex *x, const struct span *sp)
{
        walk_caps(x, sp, appositive_at, NULL);
}

/* Title modifiers that belong to the title, not to an organization before it. */
static const char *const title_mods[] = {
        "prime", "foreign", "finance", "state", "managing", "senior", "former", "acting",
        "interim", "outgoing", "first", "lord", "supreme", "principal", "union", "cabinet",
        "financial", "technical", "marketing", "sales", "research", "operating", "investment",
        "creative", "news", "political", "economic", "regional", "country", "asian", "european",
        "international", "national", "global", "associate", "assistant", "joint", "group",
        "company", "corporate", "founding", "honorary", "independent", "non-executive", NULL,
};

/* Heads whose capitalized words before them name an employer ("JLR CEO", "Met Office
 * forecaster"); before a minister or president they are a portfolio or an adjective. */
static const char *const corp_heads[] = {
        "ceo", "cfo", "coo", "cto", "chairman", "chairwoman", "chairperson", "founder",
        "co-founder", "director", "boss", "spokesman", "spokeswoman", "spokesperson",
        "forecaster", "analyst", "economist", "head", "partner", "owner", "md", "executive",
        "captain", "coach", "officer", "manager", "editor", "researcher", "academician", NULL,
};

/* The organization written inside a title s[*ta, head_end) whose head word starts at @p head:
 * a possessive ("Tata's chairman"), a place ("Gujarat Chief Minister") or, before a
 * corporate head, the capitalized words ("JLR CEO"). Moves *ta past it.
 * @returns the organization (caller frees) or NULL. */
static char *org_in_title(const char *s, size_t *ta, size_t head, size_t head_end)
{
        size_t p = *ta, org_end = 0, next = 0;
        char *org;

        while (p < head) {
                size_t we = nw_scan_word_end(s, head, p);
                if (org_end && ((we > p && (lower_eq(s + p, we - p, "of") ||
                                            lower_eq(s + p, we - p, "and"))) ||
                                (we == p && s[p] == '&'))) {
                        we = we > p ? we : p + 1;
                        p = nw_scan_skip_spaces(s, head, we);
                        continue;
                }
                if (we == p || title_word(s, p, we) || in_set(s + p, we - p, HL_TITLE_MODS) ||
                    !nw_scan_upper(s, head, p)) {
                        break;
                }
                if (we - p > 2 && s[we - 2] == '\'' && s[we - 1] == 's') {
                        org_end = we - 2;
                        next = nw_scan_skip_spaces(s, head, we);
                        goto found;
                }
                if (we - p > 4 && s[we - 1] == 's' && (unsigned char)s[we - 4] == 0xe2 &&
                    (unsigned char)s[we - 3] == 0x80 && (unsigned char)s[we - 2] == 0x99) {
                        org_end = we - 4;
                        next = nw_scan_skip_spaces(s, head, we);
                        goto found;
                }
                org_end = we;
                next = nw_scan_skip_spaces(s, head, we);
                p = next;
        }
        if (!org_end || (!nw_gazetteer_find(s + *ta, org_end - *ta) &&
                         !in_set(s + head, head_end - head, HL_CORP_HEADS))) {
                return NULL;
        }
found:
        /* "Bank president", "Association chairman": a generic word alone names no one */
        {
                static const char *const generic[] = {
                        "bank", "association", "group", "company", "ministry", "government",
                        "committee", "council", "agency", "federation", "union", "party", "board",
                        "office", "department", "bureau", "commission", "fund", "club", "team",
                        NULL,
                };
                if (in_list(s + *ta, org_end - *ta, generic)) {
                        return NULL;
                }
        }
        if (next > head) {
                return NULL;
        }
        org = dup_clean(s, *ta, org_end);
        *ta = next;
        return org;
}

/* "Chief Minister Bhupendra Patel", "JLR CEO Ralf Speth", "Met Office forecaster Rachel Ayers":
 * the person titled by the word that starts with a letter at @p i, if any, added to the
 * article. @returns the last position read, where the scan goes on after. */
static size_t titled_at(struct ex *x, const struct span *sp, size_t i)
{
        const char *s = x->s;
        size_t we, p, ne, ta, w;
        int ntok, k;

        we = nw_scan_word_end(s, sp->b, i);
        /* a name follows the title: its capital is the cheap test, the title words
         * the dear one, and read_name() below finds nothing without it */
        if (we + 1 >= sp->b || s[we] != ' ' || !nw_scan_upper(s, sp->b, we + 1) ||
            !title_word(s, i, we) || lower_eq(s + i, we - i, "general") || lower_eq(s + i, we - i, "executive") ||
            lower_eq(s + i, we - i, "vice") || lower_eq(s + i, we - i, "deputy") ||
            lower_eq(s + i, we - i, "chief")) {
                return we;
        }
        p = we + 1;
        ne = read_name(s, sp->b, p, &ntok);
        if (!ne || (ne < sp->b && nw_scan_upper(s, sp->b, ne + 1) && s[ne] == ' ')) {
                return we;
        }
        /* the title: walk back over capitalized words and title words (max 4) */
        ta = i;
        w = i;
        for (k = 0; k < 8 && w > sp->a + 1 && s[w - 1] == ' '; k++) {
                size_t ws = w - 1;
                while (ws > sp->a && s[ws - 1] != ' ' && s[ws - 1] != ',' && s[ws - 1] != '(' &&
                       s[ws - 1] != '"') {
                        ws--;
                }
                /* "Bank of Tokyo economist", "Office of Management and Budget director":
                 * glue counts when a capitalized word comes before it */
                if (ta < i && ws < w - 1 && (lower_eq(s + ws, w - 1 - ws, "of") ||
                                             lower_eq(s + ws, w - 1 - ws, "and") ||
                                             lower_eq(s + ws, w - 1 - ws, "&")) &&
                    ws > sp->a + 1 && s[ws - 1] == ' ') {
                        size_t w2 = ws - 1;
                        while (w2 > sp->a && s[w2 - 1] != ' ') {
                                w2--;
                        }
                        if (nw_scan_upper(s, ws, w2) && !in_set(s + w2, ws - 1 - w2, HL_NAME_STOP)) {
                                ta = w2;
                                w = w2;
                                continue;
                        }
                }
                if (k >= 4 || ws == w - 1 || in_set(s + ws, w - 1 - ws, HL_NAME_STOP)) {
                        break;
                }
                if (!(nw_scan_upper(s, w, ws) || title_word(s, ws, w - 1))) {
                        break;
                }
                if (s[w - 2] == '.' || s[w - 2] == ',') {
                        break;
                }
                ta = ws;
                w = ws;
        }
        {
                char *org = org_in_title(s, &ta, i, we);
                char *title;
                size_t tl;
                size_t q;
                /* "Chairman Li Ming of Zenith Group" */
                if (!org && ne + 4 < sp->b && s[ne] == ' ' &&
                    nw_scan_word_at(s, sp->b, ne + 1, "of")) {
                        size_t oa = nw_scan_skip_spaces(s, sp->b, ne + 3);
                        size_t oe;
                        if (nw_scan_word_at(s, sp->b, oa, "the")) {
                                oa = nw_scan_skip_spaces(s, sp->b, oa + 3);
                        }
                        oe = nw_scan_upper(s, sp->b, oa) ? read_org(s, sp->b, oa) : oa;
                        if (oe > oa) {
                                org = dup_clean(s, oa, oe);
                        }
                }
                title = dup_clean(s, ta, we);
                tl = strlen(title);
                add_person(x, dup_clean(s, p, ne), nw_xstrdup(title), org);
                /* "Deputy Chief Ministers A B and C D" */
                q = ne;
                if (tl > 1 && title[tl - 1] == 's' && nw_scan_word_at(s, sp->b, q + 1, "and")) {
                        size_t ne2 = read_name(s, sp->b, q + 5, &ntok);
                        if (ne2) {
                                title[tl - 1] = '\0';
                                x->a->people[x->a->n_people - 1].title[tl - 1] = '\0';
                                add_person(x, dup_clean(s, q + 5, ne2), nw_xstrdup(title), NULL);
                        }
                }
                free(title);
        }
        return ne;
}

/* The start of the word people_titled()'s walk reads as ending at the space at @p e (the one
 * before a capitalized word), or (size_t)-1. That walk reads a word from a letter at a word
 * start through to nw_scan_word_end() and goes on after it, so the word that ends at e is
 * read from the first such letter of the run that nw_scan_word_end() carries to e; and not
 * before @p from, where the walk went on after a name. */
static size_t title_start_before(const char *s, const struct span *sp, size_t e, size_t from)
{
        size_t l = e - 1;

        if (e <= sp->a || !nw_scan_wordc((unsigned char)s[l])) {
                return (size_t)-1;
        }
        /* back over word bytes, and over a hyphen or apostrophe between two of them */
        while (l > sp->a) {
                if (nw_scan_wordc((unsigned char)s[l - 1])) {
                        l--;
                } else if (l - 1 > sp->a && (s[l - 1] == '-' || s[l - 1] == '\'') &&
                           nw_scan_wordc((unsigned char)s[l - 2])) {
                        l -= 2;
                } else {
                        break;
                }
        }
        for (l = l > from ? l : from; l < e; l++) {
                if (nw_scan_alpha((unsigned char)s[l]) && nw_scan_at_word_start(s, l)) {
                        return l;
                }
        }
        return (size_t)-1;
}

static void people_titled(struct ex *x, const struct span *sp)
{
        const char *s = x->s;

        if (x->n_caps > MAX_CAPS) {
                for (size_t i = sp->a; i < sp->b; i++) {
                        if (nw_scan_alpha((unsigned char)s[i]) && nw_scan_at_word_start(s, i)) {
                                i = titled_at(x, sp, i);
                        }
                }
                return;
        }
        /* a title is followed by a space and a capitalized name: the same walk, reading only
         * the words before a capitalized word start */
        for (size_t k = 0, next = sp->a; k < x->n_caps; k++) {
                size_t c = x->caps[k], i;
                if (c < next + 2 || s[c - 1] != ' ') {
                        continue;
                }
                i = title_start_before(s, sp, c - 1, next);
                if (i != (size_t)-1) {
                        next = titled_at(x, sp, i) + 1;
                }
        }
}

/* ---------------------------------------------------------------- organizations, places */

static const char *const org_suffix[] = {
        "group", "co", "co.", "corp", "corp.", "corporation", "inc", "inc.", "ltd", "ltd.",
        "limited", "bank", "association", "federation", "ministry", "government", "committee",
        "council", "agency", "university", "institute", "capital", "ventures", "partners",
        "holdings", "company", "commission", "bureau", "department", "chamber", "alliance",
        "society", "authority", "administration", "office", "plc", "llc", "fund", "companies",
        NULL,
};

/* The organization whose suffix is the capitalized word @p i, if it is one, added to the
 * article. @returns the end of what it read, where the scan goes on after. */
static size_t org_at(struct ex *x, const struct span *sp, size_t i)
{
        const char *s = x->s;
        size_t we = nw_scan_word_end(s, sp->b, i);

        if (we < sp->b && s[we] == '.') {
                we++;
        }
        if (in_set(s + i, we - i, HL_ORG_SUFFIX)) {
                size_t a = name_start(x, sp, i);
                size_t an = nw_scan_find_word(s, a, i, "and");
                /* "Unisys Corp and Tenneco Inc" are two; "Securities and Exchange
                 * Commission" and "... Inspection and Insurance Co" are one */
                while (an != (size_t)-1) {
                        size_t w = an;
                        while (w > a && s[w - 1] == ' ') {
                                w--;
                        }
                        {
                                size_t ws = w;
                                while (ws > a && s[ws - 1] != ' ') {
                                        ws--;
                                }
                                if (ws < w && in_set(s + ws, w - ws, HL_ORG_SUFFIX)) {
                                        a = nw_scan_skip_spaces(s, i, an + 3);
                                }
                        }
                        an = nw_scan_find_word(s, an + 3, i, "and");
                }
                /* "Boston-based FMR Corp": the description is not the name */
                {
                        size_t fe = nw_scan_word_end(s, i, a);
                        if (fe > a + 6 && fe < i && nw_scan_word_at(s, fe, fe - 6, "-based")) {
                                a = nw_scan_skip_spaces(s, i, fe);
                        }
                }
                if (we + 4 < sp->b && nw_scan_word_at(s, sp->b, we + 1, "of") &&
                    nw_scan_upper(s, sp->b, nw_scan_skip_spaces(s, sp->b, we + 3))) {
                        size_t oe = read_org(s, sp->b, nw_scan_skip_spaces(s, sp->b, we + 3));
                        if (oe > we) {
                                we = oe;
                        }
                }
                if (a < i && x->a->organizations.n < 60) {
                        char *org = dup_clean(s, a, we);
                        nw_strv_push_unique(&x->a->organizations, org, strlen(org));
                        free(org);
                }
        }
        return we;
}

static void orgs_in(struct ex *x, const struct span *sp)
{
        walk_caps(x, sp, org_at, NULL);
}

/* The place named at the capitalized word @p i, if any, added to the article.
 * @returns the last position it read, where the scan goes on after. */
static size_t place_at(struct ex *x, const struct span *sp, size_t i)
{
        size_t hit_end = i, first_end;
        const struct nw_place *hit = place_name_at(x->s, sp->b, i, &hit_end, &first_end);

        if (hit) {
                size_t k = 0;
                while (k < x->n_placed && x->placed[k] != hit) {
                        k++;
                }
                if (k == x->n_placed) {
                        nw_strv_push_unique(&x->a->locations, hit->name, strlen(hit->name));
                        if (x->n_placed < sizeof(x->placed) / sizeof(x->placed[0])) {
                                x->placed[x->n_placed++] = hit;
                        }
                }
                return hit_end;
        }
        return first_end;
}

static void places_in(struct ex *x, const struct span *sp)
{
        walk_caps(x, sp, place_at, &x->a->locations.n);
}

/* ---------------------------------------------------------------- hashed word lists */

/* The long lists asked about nearly every word of a sentence (title heads and stop words for
 * people, organization suffixes, noun-phrase stops) are answered by one probe of a hash set
 * built once from the lists themselves, instead of a walk over each list: a slot per distinct
 * word, with a bit per list that holds it. */
static const char *const *const hashed_lists[HL_COUNT] = {
        title_heads, org_suffix, name_stop, np_stop, name_glue, skip_units, abbrevs, title_mods, corp_heads, venue_words, ev_weak_mods, ev_strong_mods, deal_nouns, price_units, goods_words, month_names, date_words,
        np_verbs, np_plurals, np_singulars,
};

_Static_assert(HL_COUNT <= 32, "a slot has a bit per hashed list");

#define HASHED_SLOTS 2048       /* a power of two, over twice the words of the lists */
#define HASHED_WORDS (HASHED_SLOTS / 2)

/* A word of at most 31 bytes as four eight-byte chunks, A-Z lower-cased and zero past its
 * end: a probe compares four words instead of walking the bytes, and hashes them the same. */
struct hashed_key {
        uint64_t k[4];
};

struct hashed_slot {
        uint32_t lists;         /* bit k: the word is in hashed_lists[k] */
        uint16_t word;          /* 1 + its index in hashed_keys; 0: empty slot */
        uint16_t len;
};

static struct hashed_slot hashed_slots[HASHED_SLOTS];
static struct hashed_key hashed_keys[HASHED_WORDS];
static pthread_once_t hashed_once = PTHREAD_ONCE_INIT;

/* Eight bytes with A-Z lower-cased, as nw_scan_lower() does each: a byte gets 0x20 when it
 * is at least 'A' and at most 'Z'; the sums stay inside their bytes. */
static uint64_t lower8(uint64_t w)
{
        uint64_t t = w & NW_ONES8 * 0x7F;
        uint64_t ge_a = t + NW_ONES8 * (0x80 - 'A');
        uint64_t gt_z = t + NW_ONES8 * (0x80 - 'Z' - 1);

        return w | ((ge_a & ~gt_z & ~w & NW_ONES8 * 0x80) >> 2);
}

/* Four bytes as a little-endian integer, as nw_load64le() reads eight. */
static uint64_t load32le(const char *p)
{
        return (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[1] << 8 |
               (uint64_t)(unsigned char)p[2] << 16 | (uint64_t)(unsigned char)p[3] << 24;
}

/* The key of s[0..n), 0 < n < 32, reading only those bytes: the last chunk is the eight bytes
 * that end at s + n shifted down, or for a word under eight bytes two four-byte reads (one
 * byte at a time under four). Returns the hash of the key. */
static uint64_t hashed_key_of(const char *s, size_t n, struct hashed_key *key)
{
        size_t last = (n - 1) / 8, r = n - 8 * last;
        uint64_t w, h = (uint64_t)n * 0x9E3779B97F4A7C15ULL;

        memset(key, 0, sizeof(*key));
        for (size_t j = 0; j < last; j++) {
                key->k[j] = lower8(nw_load64le(s + 8 * j));
                h = (h ^ key->k[j]) * 0xFF51AFD7ED558CCDULL;
                h ^= h >> 32;
        }
        if (n >= 8) {
                w = nw_load64le(s + n - 8) >> (8 * (8 - r));
        } else if (n >= 4) {
                w = load32le(s) | load32le(s + n - 4) >> (8 * (8 - n)) << 32;
        } else {
                w = (uint64_t)(unsigned char)s[0];
                if (n > 1) {
                        w |= (uint64_t)(unsigned char)s[1] << 8;
                }
                if (n > 2) {
                        w |= (uint64_t)(unsigned char)s[2] << 16;
                }
        }
        key->k[last] = lower8(w);
        h = (h ^ key->k[last]) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
        h *= 0xC4CEB9FE1A85EC53ULL;
        return h ^ (h >> 32);
}

static int hashed_key_eq(const struct hashed_key *a, const struct hashed_key *b)
{
        return ((a->k[0] ^ b->k[0]) | (a->k[1] ^ b->k[1]) | (a->k[2] ^ b->k[2]) | (a->k[3] ^ b->k[3])) == 0;
}

/* The slot of the word s[0..n), 0 < n < 32, compared as lower_eq() does, or the empty slot
 * it would take; *key is set to its key. */
static struct hashed_slot *hashed_slot(const char *s, size_t n, struct hashed_key *key)
{
        for (size_t i = hashed_key_of(s, n, key) & (HASHED_SLOTS - 1);; i = (i + 1) & (HASHED_SLOTS - 1)) {
                struct hashed_slot *hs = &hashed_slots[i];
                if (!hs->word || (hs->len == n && hashed_key_eq(&hashed_keys[hs->word - 1], key))) {
                        return hs;
                }
        }
}

/* The lists first_of_list() and sentence_has_stem() are asked about, grouped by first letter
 * once here (both ways of treating an entry that starts with no letter) instead of per call. */
static const char *const *const grouped_lists[] = {
        inv_stems,  stat_stems,  period_words,  signing_words, deal_nouns,   status_stems, kind_acq,
        kind_fund,  kind_round,  kind_mou,      kind_trade,    future_words, event_refs,  attend_verbs,
};

#define GROUPED_LISTS (sizeof(grouped_lists) / sizeof(grouped_lists[0]))

static struct by_letter grouped[GROUPED_LISTS][2];
static uint8_t grouped_ok[GROUPED_LISTS][2];

/* The groups of @p list (see group_by_letter()), or NULL when it cannot be grouped: built
 * once for the lists above, else into *tmp. */
static const struct by_letter *list_groups(const char *const *list, int skip_other,
                                          struct by_letter *tmp)
{
        for (size_t k = 0; k < GROUPED_LISTS; k++) {
                if (grouped_lists[k] == list) {
                        return grouped_ok[k][skip_other != 0] ? &grouped[k][skip_other != 0] : NULL;
                }
        }
        return group_by_letter(list, skip_other, tmp) ? tmp : NULL;
}

static void hashed_build(void)
{
        /* before anything else: every path out of here leaves them built */
        for (size_t k = 0; k < GROUPED_LISTS; k++) {
                for (int skip = 0; skip < 2; skip++) {
                        grouped_ok[k][skip] = (uint8_t)group_by_letter(grouped_lists[k], skip, &grouped[k][skip]);
                }
        }
        size_t used = 0;

        /* not hashed lists, but built once with them */
        for (const struct ev_noun *k = ev_nouns; k->w; k++) {
                if (k->w[0] >= 'a' && k->w[0] <= 'z') {
                        ev_noun_letters |= 1u << (k->w[0] - 'a');
                }
        }
        for (const struct ev_kw *k = ev_keywords; k->w; k++) {
                if (k->w[0] >= 'a' && k->w[0] <= 'z') {
                        ev_keyword_letters |= 1u << (k->w[0] - 'a');
                }
        }

        for (size_t k = 0; k < sizeof(hashed_lists) / sizeof(hashed_lists[0]); k++) {
                for (const char *const *w = hashed_lists[k]; *w; w++) {
                        size_t n = strlen(*w);
                        struct hashed_slot *hs;
                        struct hashed_key key;
                        if (used >= HASHED_WORDS || n == 0 || n > 31) {
                                return; /* hashed_ready stays 0 */
                        }
                        /* a word with a capital never equals a lower-cased probe: leave it out,
                         * as lower_eq() never matches it */
                        if (!lower_eq(*w, n, *w)) {
                                continue;
                        }
                        hs = hashed_slot(*w, n, &key);
                        if (!hs->word) {
                                hashed_keys[used] = key;
                                hs->word = (uint16_t)(used + 1);
                                hs->len = (uint16_t)n;
                                used++;
                        }
                        hs->lists |= 1u << k;
                        hashed_lens[k][(unsigned char)(*w)[0] & 31] |= 1u << n;
                        if (n > hashed_max_len) {
                                hashed_max_len = n;
                        }
                }
        }
        hashed_ready = 1;
}

/* in_set() once s[0, n), 0 < n, passed the length and first-byte test (or without the
 * hashed lists). */
static int in_set_probe(const char *s, size_t n, enum hashed_list k)
{
        const struct hashed_slot *hs;
        struct hashed_key key;

        if (!hashed_ready) {
                return in_list(s, n, hashed_lists[k]);
        }
        hs = hashed_slot(s, n, &key);
        return hs->word && ((hs->lists >> k) & 1u);
}

/* ---------------------------------------------------------------- driver */

void nw_extract_clear(struct nw_article *a)
{
        static const struct nw_strv none;
        struct nw_article tmp;

        /* a story not extracted before holds no facts: nothing to release or clear */
        if (!a->events && !a->n_events && !a->investments && !a->n_investments &&
            !a->statistics && !a->n_statistics && !a->people && !a->n_people &&
            memcmp(&a->organizations, &none, sizeof(none)) == 0 &&
            memcmp(&a->locations, &none, sizeof(none)) == 0) {
                return;
        }
        /* nw_article_free() knows how to release every fact; borrow it on a shell */
        nw_article_init(&tmp);
        tmp.events = a->events;
        tmp.n_events = a->n_events;
        tmp.investments = a->investments;
        tmp.n_investments = a->n_investments;
        tmp.statistics = a->statistics;
        tmp.n_statistics = a->n_statistics;
        tmp.people = a->people;
        tmp.n_people = a->n_people;
        tmp.organizations = a->organizations;
        tmp.locations = a->locations;
        nw_article_free(&tmp);
        a->events = NULL;
        a->n_events = 0;
        a->investments = NULL;
        a->n_investments = 0;
        a->statistics = NULL;
        a->n_statistics = 0;
        a->people = NULL;
        a->n_people = 0;
        memset(&a->organizations, 0, sizeof(a->organizations));
        memset(&a->locations, 0, sizeof(a->locations));
}

static void reference_date(struct ex *x)
{
        struct nw_date pub = {0, 0, 0}, dl;
        size_t w, we;

        if (x->a->dateline && nw_date_from_iso(x->a->dateline->date, &x->ref)) {
                return;
        }
        (void)nw_date_from_iso(x->a->published_at, &pub);
        if (nw_date_find_dateline(x->s, x->len, &pub, &dl, &w, &we)) {
                /* its own numbers are the report's date; skip past the date words */
                size_t e = we + 2, de;
                struct nw_date tmp;
                if (nw_date_parse_at(x->s, x->len, e, &pub, NW_DATE_PAST, &tmp, &de)) {
                        e = de;
                }
                x->dateline.a = w;
                x->dateline.b = e;
                if (dl.y) {
                        x->ref = dl;
                        return;
                }
        }
        x->ref = pub;
}

enum nw_err nw_extract(struct nw_article *a, char *errstr, size_t errstr_size)
{
        static const char *const inv_gate_neg[] = {NULL};
        struct ex xs, *x = &xs;
        const char *text;
        size_t len;

        (void)inv_gate_neg;
        pthread_once(&hashed_once, hashed_build);
        nw_extract_clear(a);
        text = a->body && a->body[0] ? a->body : a->title;
        if (!text) {
                return NW_OK;
        }
        len = strlen(text);
        if (len > MAX_TEXT) {
                if (errstr && errstr_size) {
                        snprintf(errstr, errstr_size, "body of %zu bytes is over the extractor's %u",
                                 len, MAX_TEXT);
                }
                return NW_ERR_TOO_BIG;
        }
        /* the fields before the arrays; the arrays are read up to their counts */
        memset(x, 0, offsetof(struct ex, caps));
        x->m = x->m_in;
        x->cap_m = MENTIONS_IN;
        x->wstarts = x->wstarts_in;
        x->cap_wstarts = WSTARTS_IN;
        x->n_wstarts = (size_t)-1; /* no list made yet */
        x->a = a;
        x->s = text;
        x->len = len;
        x->main_event = -1;
        x->last_inv = -1;
        x->place_si = (size_t)-1;
        if (nw_money_ctx_matters(text, x->len)) {
                nw_money_ctx_init(&x->mc, text, x->len);
        } else {
                nw_money_ctx_default(&x->mc);
        }
        reference_date(x);
        split_sentences(x);
        for (size_t si = 0; si < x->n_sents; si++) {
                const struct span *sp = &x->sents[si];
                /* one pass for the cue words; each matcher below runs only when its cues are
                 * there, and a `maybe` cue still goes through the matcher's exact check */
                nw_cues_scan_caps(x->s, sp->a, sp->b, &x->cues, x->caps, MAX_CAPS, &x->n_caps);
                scan_mentions(x, sp);
                /* a keyword ends a name only when capitalized, and a gathering's noun
                 * counts only in lower case: "last week" asks for neither walk */
                if (nw_cues_any(&x->cues, NW_CUE_EV_CAPITAL) || generic_event_cues(&x->cues)) {
                        events_in(x, si);
                }
                if (nw_cues_any(&x->cues, NW_CUE_EV_NOUN)) {
                        events_lower(x, si);
                }
                if (nw_cues_any(&x->cues, NW_CUE_EV_WORD)) {
                        events_edition(x, si);
                }
                if (x->a->n_events > 0 && nw_cues_any(&x->cues, NW_CUE_ATTEND)) {
                        attendance_in(x, si);
                }
                if (x->a->n_events > 0 && nw_cues_any(&x->cues, NW_CUE_ORGANIZER)) {
                        organizers_in(x, si);
                }
                if (x->a->n_events > 0 && nw_cues_any(&x->cues, NW_CUE_THEME)) {
                        theme_in(x, si);
                }
                investments_in(x, si);
                statistics_in(x, si);
                if (nw_cues_any(&x->cues, NW_CUE_TITLE)) {
                        people_appositive(x, sp);
                        people_titled(x, sp);
                }
                if (nw_cues_any(&x->cues, NW_CUE_ORG_SUFFIX)) {
                        orgs_in(x, sp);
                }
                places_in(x, sp);
        }
        /* an event with no place in its sentence: the title often says where ("held in X") */
        for (size_t i = 0; i < a->n_events; i++) {
                if (!a->events[i].location && a->title) {
                        const struct nw_place *p = place_after_in(a->title, 0, strlen(a->title));
                        if (p) {
                                a->events[i].location = nw_xstrdup(p->name);
                        }
                }
        }
        if (x->m != x->m_in) {
                free(x->m);
        }
        if (x->sents != x->sents_in) {
                free(x->sents);
        }
        if (x->wstarts != x->wstarts_in) {
                free(x->wstarts);
        }
        return NW_OK;
}
