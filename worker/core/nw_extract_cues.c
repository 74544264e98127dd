/* nw_extract_cues.c -- one-pass cue-word lookup for the extractor (see nw_extract_cues.h).
 * A word is looked up by a filter on its first three bytes and its length, and then compared,
 * eight bytes at a time, with the few keys listed for its filter slot (see index_build). */
#include "nw_extract_cues.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "nw_scan.h"
#include "nw_swar.h"

#define B(g) (1u << NW_CUE_##g)

struct cue {
        const char *key;        /* lower-case ASCII letters */
        unsigned char len;
        unsigned char prefix;   /* 1: matches any word that starts with key ("invest" ...) */
        uint32_t sure, maybe;
};

/* Mirrors the word lists of nw_extract.c: a one-word cue is `sure`; a multi-word or hyphenated
 * cue is keyed by its first word and is only `maybe`. Keep it sorted (nw_cues_table_ok). */
static const struct cue cues[] = {
        {"academician", 11, 0, B(TITLE), 0},
        {"according", 9, 0, 0, B(STAT)},
        {"acqui", 5, 1, B(INV), 0},
        {"administration", 14, 0, B(ORG_SUFFIX), 0},
        {"agency", 6, 0, B(ORG_SUFFIX), 0},
        {"agreement", 9, 1, B(INV), 0},
        {"alliance", 8, 0, B(ORG_SUFFIX), 0},
        {"ambassador", 10, 0, B(TITLE), 0},
        {"analyst", 7, 0, B(TITLE), 0},
        {"apiece", 6, 1, B(STAT), 0},
        {"asset", 5, 1, B(STAT), 0},
        {"association", 11, 0, B(ORG_SUFFIX), 0},
        {"attendance", 10, 0, B(ATTEND), 0},
        {"attended", 8, 0, B(ATTEND), 0},
        {"attendees", 9, 0, B(ATTEND), 0},
        {"attracted", 9, 0, B(ATTEND), 0},
        {"attracting", 10, 0, B(ATTEND), 0},
        {"authority", 9, 0, B(ORG_SUFFIX), 0},
        {"average", 7, 1, B(STAT), 0},
        {"bank", 4, 0, B(ORG_SUFFIX), 0},
        {"bid", 3, 1, B(INV), 0},
        {"billion", 7, 0, B(NUMWORD), 0},
        {"bln", 3, 0, B(NUMWORD), 0},
        {"bn", 2, 0, B(NUMWORD), 0},
        {"boss", 4, 0, B(TITLE), 0},
        {"budget", 6, 1, B(STAT), 0},
        {"bureau", 6, 0, B(ORG_SUFFIX), 0},
        {"capital", 7, 0, B(ORG_SUFFIX), 0},
        {"captain", 7, 0, B(TITLE), 0},
        {"ceo", 3, 0, B(TITLE), 0},
        {"ceremony", 8, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"cfo", 3, 0, B(TITLE), 0},
        {"chairman", 8, 0, B(TITLE), 0},
        {"chairmen", 8, 0, B(TITLE), 0},
        {"chairperson", 11, 0, B(TITLE), 0},
        {"chairwoman", 10, 0, B(TITLE), 0},
        {"chamber", 7, 0, B(ORG_SUFFIX), 0},
        {"championship", 12, 0, B(EV_KEYWORD), 0},
        {"championships", 13, 0, B(EV_KEYWORD), 0},
        {"chancellor", 10, 0, B(TITLE), 0},
        {"chief", 5, 0, B(TITLE), 0},
        {"co", 2, 0, B(ORG_SUFFIX), B(TITLE)},
        {"coach", 5, 0, B(TITLE), 0},
        {"commission", 10, 0, B(ORG_SUFFIX), 0},
        {"commissioner", 12, 0, B(TITLE), 0},
        {"commit", 6, 1, B(INV), 0},
        {"committee", 9, 0, B(ORG_SUFFIX), 0},
        {"companies", 9, 0, B(ORG_SUFFIX), 0},
        {"company", 7, 0, B(ORG_SUFFIX), 0},
        {"conclave", 8, 0, B(EV_KEYWORD), 0},
        {"concluded", 9, 0, B(SIGNING), 0},
        {"concluded", 9, 1, B(INV), 0},
        {"conference", 10, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"congress", 8, 0, B(EV_KEYWORD), 0},
        {"consul", 6, 0, B(TITLE), 0},
        {"contract", 8, 1, B(INV), 0},
        {"contracted", 10, 0, B(SIGNING), 0},
        {"convention", 10, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"coo", 3, 0, B(TITLE), 0},
        {"corp", 4, 0, B(ORG_SUFFIX), 0},
        {"corporation", 11, 0, B(ORG_SUFFIX), 0},
        {"council", 7, 0, B(ORG_SUFFIX), 0},
        {"crore", 5, 0, B(NUMWORD), 0},
        {"crores", 6, 0, B(NUMWORD), 0},
        {"cto", 3, 0, B(TITLE), 0},
        {"cumulative", 10, 0, B(PERIOD), 0},
        {"cup", 3, 0, B(EV_KEYWORD), 0},
        {"damage", 6, 1, B(STAT), 0},
        {"data", 4, 0, 0, B(STAT)},
        {"deal", 4, 1, B(INV), 0},
        {"dean", 4, 0, B(TITLE), 0},
        {"debentures", 10, 1, B(STAT), 0},
        {"debt", 4, 1, B(STAT), 0},
        {"deficit", 7, 1, B(STAT), 0},
        {"department", 10, 0, B(ORG_SUFFIX), 0},
        {"deputy", 6, 0, B(TITLE), 0},
        {"dialogue", 8, 0, B(EV_KEYWORD), 0},
        {"director", 8, 0, B(TITLE), 0},
        {"dozen", 5, 0, B(NUMWORD), 0},
        {"draws", 5, 0, B(ATTEND), 0},
        {"drew", 4, 0, B(ATTEND), 0},
        {"earnings", 8, 1, B(STAT), 0},
        {"economist", 9, 0, B(TITLE), 0},
        {"edition", 7, 0, B(EV_WORD), 0},
        {"editor", 6, 0, B(TITLE), 0},
        {"eight", 5, 0, B(NUMWORD), 0},
        {"eighteen", 8, 0, B(NUMWORD), 0},
        {"eighth", 6, 0, B(NUMWORD), 0},
        {"eighty", 6, 0, B(NUMWORD), 0},
        {"eleven", 6, 0, B(NUMWORD), 0},
        {"eleventh", 8, 0, B(NUMWORD), 0},
        {"envoy", 5, 0, B(TITLE), 0},
        {"exchange", 8, 0, B(EV_KEYWORD), 0},
        {"executive", 9, 0, B(TITLE), 0},
        {"exhibition", 10, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"expo", 4, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"exports", 7, 1, B(STAT), 0},
        {"exposition", 10, 0, B(EV_KEYWORD), 0},
        {"facilit", 7, 1, B(INV), 0},
        {"factory", 7, 1, B(INV), 0},
        {"fair", 4, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"federation", 10, 0, B(ORG_SUFFIX), 0},
        {"festival", 8, 0, B(EV_KEYWORD), 0},
        {"fifteen", 7, 0, B(NUMWORD), 0},
        {"fifteenth", 9, 0, B(NUMWORD), 0},
        {"fifth", 5, 0, B(NUMWORD), 0},
        {"fifty", 5, 0, B(NUMWORD), 0},
        {"final", 5, 0, B(EV_KEYWORD), 0},
        {"fine", 4, 0, 0, B(STAT)},
        {"fined", 5, 1, B(STAT), 0},
        {"first", 5, 0, B(NUMWORD), B(PERIOD)},
        {"five", 4, 0, B(NUMWORD), 0},
        {"forecaster", 10, 0, B(TITLE), 0},
        {"forty", 5, 0, B(NUMWORD), 0},
        {"forum", 5, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"founder", 7, 0, B(TITLE), 0},
        {"four", 4, 0, B(NUMWORD), 0},
        {"fourteen", 8, 0, B(NUMWORD), 0},
        {"fourteenth", 10, 0, B(NUMWORD), 0},
        {"fourth", 6, 0, B(NUMWORD), 0},
        {"fund", 4, 0, B(ORG_SUFFIX), 0},
        {"funded", 6, 1, B(INV), 0},
        {"funding", 7, 1, B(INV), 0},
        {"funneled", 8, 1, B(STAT), 0},
        {"funnelled", 9, 1, B(STAT), 0},
        {"gathered", 8, 0, B(ATTEND), 0},
        {"gdp", 3, 1, B(STAT), 0},
        {"general", 7, 0, B(TITLE), 0},
        {"government", 10, 0, B(ORG_SUFFIX), 0},
        {"governor", 8, 0, B(TITLE), 0},
        {"grand", 5, 0, 0, B(EV_GENERIC)},
        {"groundbreaking", 14, 0, 0, B(EV_GENERIC)},
        {"group", 5, 0, B(ORG_SUFFIX), 0},
        {"gva", 3, 1, B(STAT), 0},
        {"head", 4, 0, B(TITLE), 0},
        {"holdings", 8, 0, B(ORG_SUFFIX), 0},
        {"hosted", 6, 0, 0, B(ORGANIZER)},
        {"hundred", 7, 0, B(NUMWORD), 0},
        {"imports", 7, 1, B(STAT), 0},
        {"inc", 3, 0, B(ORG_SUFFIX), 0},
        {"income", 6, 1, B(STAT), 0},
        {"inject", 6, 1, B(INV), 0},
        {"ink", 3, 0, 0, B(INV)},
        {"inked", 5, 0, B(SIGNING), 0},
        {"inked", 5, 1, B(INV), 0},
        {"institute", 9, 0, B(ORG_SUFFIX), 0},
        {"invest", 6, 1, B(INV), 0},
        {"investor", 8, 0, 0, B(EV_GENERIC)},
        {"investors", 9, 0, 0, B(EV_GENERIC)},
        {"lac", 3, 0, B(NUMWORD), 0},
        {"lakh", 4, 0, B(NUMWORD), 0},
        {"lakhs", 5, 0, B(NUMWORD), 0},
        {"lawmaker", 8, 0, B(TITLE), 0},
        {"leader", 6, 0, B(TITLE), 0},
        {"limited", 7, 0, B(ORG_SUFFIX), 0},
        {"llc", 3, 0, B(ORG_SUFFIX), 0},
        {"loss", 4, 1, B(STAT), 0},
        {"ltd", 3, 0, B(ORG_SUFFIX), 0},
        {"manager", 7, 0, B(TITLE), 0},
        {"marathon", 8, 0, B(EV_KEYWORD), 0},
        {"market", 6, 0, 0, B(STAT)},
        {"mayor", 5, 0, B(TITLE), 0},
        {"md", 2, 0, B(TITLE), 0},
        {"meet", 4, 0, B(EV_KEYWORD), 0},
        {"meeting", 7, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"memorand", 8, 1, B(INV), 0},
        {"merger", 6, 1, B(INV), 0},
        {"million", 7, 0, B(NUMWORD), 0},
        {"minister", 8, 0, B(TITLE), 0},
        {"ministers", 9, 0, B(TITLE), 0},
        {"ministry", 8, 0, B(ORG_SUFFIX), 0},
        {"mln", 3, 0, B(NUMWORD), 0},
        {"money", 5, 0, 0, B(STAT)},
        {"mou", 3, 1, B(INV), 0},
        {"nine", 4, 0, B(NUMWORD), 0},
        {"nineteen", 8, 0, B(NUMWORD), 0},
        {"ninety", 6, 0, B(NUMWORD), 0},
        {"ninth", 5, 0, B(NUMWORD), 0},
        {"offer", 5, 1, B(INV), 0},
        {"office", 6, 0, B(ORG_SUFFIX), 0},
        {"officer", 7, 0, B(TITLE), 0},
        {"official", 8, 0, B(TITLE), 0},
        {"one", 3, 0, B(NUMWORD), 0},
        {"organised", 9, 0, 0, B(ORGANIZER)},
        {"organized", 9, 0, 0, B(ORGANIZER)},
        {"output", 6, 1, B(STAT), 0},
        {"over", 4, 0, 0, B(PERIOD)},
        {"owner", 5, 0, B(TITLE), 0},
        {"packed", 6, 0, B(ATTEND), 0},
        {"participants", 12, 0, B(ATTEND), 0},
        {"participated", 12, 0, B(ATTEND), 0},
        {"partner", 7, 0, B(TITLE), 0},
        {"partners", 8, 0, B(ORG_SUFFIX), 0},
        {"past", 4, 0, 0, B(PERIOD)},
        {"per", 3, 0, 0, B(STAT)},
        {"plant", 5, 1, B(INV), 0},
        {"plc", 3, 0, B(ORG_SUFFIX), 0},
        {"pledg", 5, 1, B(INV), 0},
        {"premier", 7, 0, B(TITLE), 0},
        {"president", 9, 0, B(TITLE), 0},
        {"press", 5, 0, 0, B(EV_GENERIC)},
        {"price", 5, 1, B(STAT), 0},
        {"principal", 9, 0, B(TITLE), 0},
        {"prize", 5, 1, B(STAT), 0},
        {"professor", 9, 0, B(TITLE), 0},
        {"profit", 6, 1, B(STAT), 0},
        {"projects", 8, 1, B(INV), 0},
        {"pump", 4, 1, B(INV), 0},
        {"put", 3, 0, 0, B(INV)},
        {"raise", 5, 1, B(INV), 0},
        {"raising", 7, 1, B(INV), 0},
        {"researcher", 10, 0, B(TITLE), 0},
        {"reserve", 7, 1, B(STAT), 0},
        {"revenue", 7, 1, B(STAT), 0},
        {"round", 5, 1, B(INV), 0},
        {"salary", 6, 1, B(STAT), 0},
        {"sales", 5, 1, B(STAT), 0},
        {"sealed", 6, 0, B(SIGNING), 0},
        {"sealed", 6, 1, B(INV), 0},
        {"second", 6, 0, B(NUMWORD), 0},
        {"secretary", 9, 0, B(TITLE), 0},
        {"senator", 7, 0, B(TITLE), 0},
        {"series", 6, 1, B(INV), 0},
        {"seven", 5, 0, B(NUMWORD), 0},
        {"seventeen", 9, 0, B(NUMWORD), 0},
        {"seventh", 7, 0, B(NUMWORD), 0},
        {"seventy", 7, 0, B(NUMWORD), 0},
        {"shares", 6, 0, 0, B(STAT)},
        {"show", 4, 0, B(EV_KEYWORD), 0},
        {"sign", 4, 1, B(INV), 0},
        {"signed", 6, 0, B(SIGNING), 0},
        {"signing", 7, 0, B(EV_WORD), B(EV_GENERIC)},
        {"since", 5, 0, B(PERIOD), 0},
        {"six", 3, 0, B(NUMWORD), 0},
        {"sixteen", 7, 0, B(NUMWORD), 0},
        {"sixth", 5, 0, B(NUMWORD), 0},
        {"sixty", 5, 0, B(NUMWORD), 0},
        {"so", 2, 0, 0, B(PERIOD)},
        {"society", 7, 0, B(ORG_SUFFIX), 0},
        {"spend", 5, 1, B(INV), 0},
        {"spokesman", 9, 0, B(TITLE), 0},
        {"spokesperson", 12, 0, B(TITLE), 0},
        {"spokeswoman", 11, 0, B(TITLE), 0},
        {"sponsored", 9, 0, 0, B(ORGANIZER)},
        {"stake", 5, 1, B(INV), 0},
        {"subsid", 6, 1, B(INV), 0},
        {"summit", 6, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"surplus", 7, 1, B(STAT), 0},
        {"symposium", 9, 0, B(EV_KEYWORD) | B(EV_NOUN), 0},
        {"take", 4, 0, 0, B(INV)},
        {"takeover", 8, 1, B(INV), 0},
        {"tax", 3, 1, B(STAT), 0},
        {"ten", 3, 0, B(NUMWORD), 0},
        {"tenth", 5, 0, B(NUMWORD), 0},
        {"theme", 5, 0, B(THEME), 0},
        {"themed", 6, 0, B(THEME), 0},
        {"third", 5, 0, B(NUMWORD), 0},
        {"thirteen", 8, 0, B(NUMWORD), 0},
        {"thirteenth", 10, 0, B(NUMWORD), 0},
        {"thirtieth", 9, 0, B(NUMWORD), 0},
        {"thirty", 6, 0, B(NUMWORD), 0},
        {"thousand", 8, 0, B(NUMWORD), 0},
        {"three", 5, 0, B(NUMWORD), 0},
        {"tn", 2, 0, B(NUMWORD), 0},
        {"took", 4, 0, 0, B(ATTEND)},
        {"trade", 5, 0, 0, B(STAT)},
        {"trillion", 8, 0, B(NUMWORD), 0},
        {"trn", 3, 0, B(NUMWORD), 0},
        {"turnover", 8, 1, B(STAT), 0},
        {"twelfth", 7, 0, B(NUMWORD), 0},
        {"twelve", 6, 0, B(NUMWORD), 0},
        {"twentieth", 9, 0, B(NUMWORD), 0},
        {"twenty", 6, 0, B(NUMWORD), 0},
        {"two", 3, 0, B(NUMWORD), 0},
        {"university", 10, 0, B(ORG_SUFFIX), 0},
        {"valuation", 9, 1, B(STAT), 0},
        {"value", 5, 0, 0, B(STAT)},
        {"valued", 6, 1, B(STAT), 0},
        {"ventures", 8, 0, B(ORG_SUFFIX), 0},
        {"vice", 4, 0, B(TITLE), 0},
        {"week", 4, 0, B(EV_KEYWORD), 0},
        {"welcomed", 8, 0, B(ATTEND), 0},
        {"worth", 5, 0, 0, B(STAT)},
        {"year", 4, 0, 0, B(PERIOD)},
        {"zero", 4, 0, B(NUMWORD), 0},
};

static const size_t n_cues = sizeof(cues) / sizeof(cues[0]);

/* The lookup, built once from the table: the rows packed for word-at-a-time compares, and a
 * filter on a word's head (its first three bytes, or both bytes of a two-letter word) and
 * length. A word costs one bit test, which most words fail; a word that passes is compared,
 * eight bytes at a time, with the rows listed for its filter slot. Keys are at most 16 bytes
 * (nw_cues_table_ok). */
#define LOWER8 0x2020202020202020ull    /* or-ed into a word: ASCII letters to lower case */

struct packed_cue {
        uint64_t k[2];          /* the key's bytes, little endian, zero past its length */
        uint64_t m[2];          /* 0xff for each byte of the key */
        uint32_t sure, maybe;
        unsigned char len, prefix;
};

#define SEEN_BITS 14
#define SEEN_LEN 15             /* words this long or longer share one length in seen[] */
/* room in slot_list[] for the worst case, a count and a row for every slot of every row
 * (the table needs about 1600) */
#define LIST_MAX (2 * (sizeof(cues) / sizeof(cues[0])) * SEEN_LEN)

static struct packed_cue packed[sizeof(cues) / sizeof(cues[0])];
/* The filter on (head, length): the bit of a word's head and length is set when a key with
 * that head can match a word of that length (a prefix key any length from its own). Most
 * words that share a key's head have another length ("the", "theme"), and most words go
 * with one bit test. */
static uint64_t seen[(1u << SEEN_BITS) / 64];
/* The rows behind each set bit: slot_list[slot_at[bit] - 1] is their count, the row numbers
 * follow. Two heads whose bits collide share a list, which is safe: every row is compared
 * with the whole word. */
static unsigned short slot_at[1u << SEEN_BITS];
static unsigned short slot_list[LIST_MAX];
_Static_assert(LIST_MAX < 65535, "slot_at[] keeps places in slot_list[] as unsigned short");
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
/* set, with release, once the index is built: the scan runs for every sentence, and the
 * flag spares it a call into pthread_once each time */
static atomic_int index_done;

static size_t seen_bit(uint32_t head, size_t n)
{
        uint64_t k = head | (uint64_t)(n < SEEN_LEN ? n : SEEN_LEN) << 24;
        return (size_t)((k * 0x9e3779b97f4a7c15ull) >> (64 - SEEN_BITS));
}

/* The head of a key or word of @p n bytes whose first eight are @p w (little endian). */
static uint32_t head_of(uint64_t w, size_t n)
{
        return (uint32_t)(w & (n >= 3 ? 0xffffffu : 0xffffu));
}

/* seen_bit(head_of(w, n), n) for a word, with the head mask and the length field of each
 * length read from one small table instead of worked out (a compare and a select each) for
 * every word of every sentence. */
static const struct {
        uint64_t mask;          /* the head bytes */
        uint64_t len;           /* the length as seen_bit() places it */
} head_len[SEEN_LEN + 1] = {
#define HL(n) {(n) >= 3 ? 0xffffffu : 0xffffu, (uint64_t)(n) << 24}
        HL(0),  HL(1),  HL(2),  HL(3),  HL(4),  HL(5),  HL(6),  HL(7),
        HL(8),  HL(9),  HL(10), HL(11), HL(12), HL(13), HL(14), HL(15),
#undef HL
};
_Static_assert(SEEN_LEN == 15, "head_len[] lists the lengths up to SEEN_LEN");

static inline size_t word_bit(uint64_t w, size_t n)
{
        size_t c = n < SEEN_LEN ? n : SEEN_LEN;
        uint64_t k = (w & head_len[c].mask) | head_len[c].len;

        return (size_t)((k * 0x9e3779b97f4a7c15ull) >> (64 - SEEN_BITS));
}

/* The masks of a block of 64 bytes: bit k for byte k. */
struct masks {
        uint64_t word;          /* word bytes (nw_scan_wordc) */
        uint64_t letter;        /* ASCII letters */
        uint64_t upper;         /* ASCII capitals */
};

/* The masks of p[0, 64). */
static inline void masks_of(const char *p, struct masks *out)
{
        struct nw_mask64 m = nw_mask64((const unsigned char *)p, 64);

        out->word = m.letter | m.digit | m.high;
        out->letter = m.letter;
        out->upper = m.letter & ~m.case_bit;
}

/* The filter slots of row @p r, each once, into @p out (at most SEEN_LEN of them).
 * @returns their count. */
static size_t row_slots(size_t r, size_t *out)
{
        const struct packed_cue *p = &packed[r];
        size_t k = 0;

        for (size_t n = p->len; n <= (p->prefix ? SEEN_LEN : p->len); n++) {
                size_t bit = seen_bit(head_of(p->k[0], p->len), n), i = 0;
                while (i < k && out[i] != bit) {
                        i++;
                }
                if (i == k) {
                        out[k++] = bit;
                }
        }
        return k;
}

static void index_build(void)
{
        size_t slots[SEEN_LEN + 1], used = 0;

        for (size_t r = 0; r < n_cues; r++) {
                const struct cue *c = &cues[r];
                struct packed_cue *p = &packed[r];
                for (size_t k = 0; k < c->len && k < 16; k++) {
                        p->k[k / 8] |= (uint64_t)(unsigned char)c->key[k] << (8 * (k % 8));
                        p->m[k / 8] |= (uint64_t)0xff << (8 * (k % 8));
                }
                p->sure = c->sure;
                p->maybe = c->maybe;
                p->len = c->len;
                p->prefix = c->prefix;
        }
        /* count the rows of each slot in slot_at[], then turn the counts into places */
        for (size_t r = 0; r < n_cues; r++) {
                for (size_t k = row_slots(r, slots), i = 0; i < k; i++) {
                        seen[slots[i] / 64] |= (uint64_t)1 << (slots[i] % 64);
                        slot_at[slots[i]]++;
                }
        }
        for (size_t h = 0; h < (1u << SEEN_BITS); h++) {
                size_t count = slot_at[h];
                if (count == 0) {
                        continue;
                }
                slot_at[h] = (unsigned short)(used + 1);
                used += 1 + count;
        }
        for (size_t r = 0; r < n_cues; r++) {
                for (size_t k = row_slots(r, slots), i = 0; i < k; i++) {
                        unsigned short *list = &slot_list[slot_at[slots[i]] - 1];
                        list[1 + list[0]++] = (unsigned short)r;
                }
        }
        atomic_store_explicit(&index_done, 1, memory_order_release);
}

static inline void index_ready(void)
{
        if (!atomic_load_explicit(&index_done, memory_order_acquire)) {
                pthread_once(&index_once, index_build);
        }
}

/* Look up the word s[p, p + n) (n >= 2) whose first eight bytes, lower-cased, are @p w0,
 * once its filter bit @p bit let it through. */
static void lookup(const char *s, size_t p, size_t n, size_t b, uint64_t w0, size_t bit,
                   struct nw_cues *out)
{
        const unsigned short *list = &slot_list[slot_at[bit] - 1];
        uint64_t w1 = n > 8 ? nw_scan_load8(s, p + 8, b) | LOWER8 : 0;
        uint32_t sure = 0, maybe = 0;

        /* no branch per row: a slot lists a row or two, and which of them match is
         * anybody's guess */
        for (size_t i = 1; i <= list[0]; i++) {
                const struct packed_cue *r = &packed[list[i]];
                /* a key matches the whole word, or starts it when it is a prefix key; the
                 * or-ed case bit changes no digit and no byte >= 0x80 into a letter */
                uint32_t fits = (uint32_t)(r->len == n) | ((uint32_t)r->prefix & (r->len < n));
                uint64_t diff = ((w0 ^ r->k[0]) & r->m[0]) | ((w1 ^ r->k[1]) & r->m[1]);
                uint32_t hit = 0u - (fits & (uint32_t)(diff == 0));
                sure |= r->sure & hit;
                maybe |= r->maybe & hit;
        }
        /* the event groups that depend on the case of the word's first byte (a letter): a
         * keyword ends an event's name when capitalized, a gathering's noun counts when not */
        if ((unsigned)(unsigned char)s[p] - 'A' < 26u) {
                sure = (sure & ~B(EV_NOUN)) | ((sure >> NW_CUE_EV_KEYWORD & 1u) << NW_CUE_EV_CAPITAL);
        }
        out->sure |= sure;
        out->maybe |= maybe;
        /* a number word is listed, so that the figure scan can pass the words far from it
         * (few words are looked up: this branch is not per word of the sentence) */
        if ((sure >> NW_CUE_NUMWORD) & 1u) {
                if (out->n_num < NW_CUES_MAX_NUM) {
                        out->num_at[out->n_num] = p;
                }
                out->n_num++;
        }
}

int nw_cues_table_ok(void)
{
        struct nw_cues c;

        for (size_t i = 1; i < n_cues; i++) {
                int d = strcmp(cues[i - 1].key, cues[i].key);
                if (d > 0 || (d == 0 && cues[i - 1].prefix >= cues[i].prefix)) {
                        return 0;
                }
        }
        for (size_t i = 0; i < n_cues; i++) {
                /* the packed compare needs keys of 2..16 lower-case letters, the head of a
                 * prefix key three of them */
                if (strlen(cues[i].key) != cues[i].len || cues[i].len < 2 || cues[i].len > 16 ||
                    (cues[i].prefix && cues[i].len < 3)) {
                        return 0;
                }
                for (const char *k = cues[i].key; *k; k++) {
                        if (*k < 'a' || *k > 'z') {
                                return 0;
                        }
                }
        }
        /* every key, scanned as a sentence of its own, finds at least its own row */
        for (size_t i = 0; i < n_cues; i++) {
                nw_cues_scan(cues[i].key, 0, cues[i].len, &c);
                if ((c.sure & cues[i].sure) != cues[i].sure ||
                    (c.maybe & cues[i].maybe) != cues[i].maybe) {
                        return 0;
                }
        }
        return 1;
}

void nw_cues_scan(const char *s, size_t a, size_t b, struct nw_cues *out)
{
        size_t n_caps;

        nw_cues_scan_caps(s, a, b, out, NULL, 0, &n_caps);
}

/* The span is read in blocks of 64 bytes, each turned into 64-bit masks of its word bytes,
 * letters and capitals; the words' starts and ends are then bit operations on the masks
 * instead of a test and a branch per byte. */
/* The masks of the block s[base, base + 64) of the span s[.., b): zero past @p b. */
static inline void block_masks(const char *s, size_t base, size_t b, struct masks *m)
{
        char tail[64];

        if (base >= b) {
                m->word = m->letter = m->upper = 0;
                return;
        }
        if (b - base >= 64) {
                masks_of(s + base, m);
                return;
        }
        if (b >= 64) {
                /* the 64 bytes that end at b, shifted down to the block */
                unsigned shift = (unsigned)(64 - (b - base));
                masks_of(s + b - 64, m);
                m->word >>= shift;
                m->letter >>= shift;
                m->upper >>= shift;
                return;
        }
        /* the last bytes, zero-padded: a zero byte is no word byte */
        memset(tail, 0, sizeof(tail));
        memcpy(tail, s + base, b - base);
        masks_of(tail, m);
}

/* The eight bytes at p (p < b) of s[.., b), zero past b: one load without a branch, the
 * eight bytes that end at b shifted down when fewer are left. */
static inline uint64_t load_at(const char *s, size_t p, size_t b)
{
        size_t q;

        /* most words are eight bytes or more from the end of the span: one test that the
         * predictor learns (it fails only near the end of a sentence), and a plain load */
        if (b - p >= 8) {
                return nw_load64le(s + p);
        }
        if (b < 8) {
                return nw_scan_load8(s, p, b);
        }
        q = b - 8;
        return nw_load64le(s + q) >> (8 * (p - q));
}

/* A word the filter let through, to be looked up. */
struct candidate {
        size_t p, n;
        uint64_t w0;            /* its first eight bytes, lower-cased */
        size_t bit;             /* its filter bit */
};

/* Each block is read in two passes: the first measures every word that starts with a letter
 * and has a second byte (a key has two letters or more) and asks the filter, with no branch
 * that depends on the word (whether it passes is the branch no predictor learns); the
 * second looks up the few words that passed. The capitals are listed from their own mask. */
void nw_cues_scan_caps(const char *s, size_t a, size_t b, struct nw_cues *out, size_t *caps,
                       size_t max_caps, size_t *n_caps)
{
        size_t base, nc = 0;
        /* 1 when the byte before the block is a word byte: a word cut by the start of the
         * span is not a word of the span, and one carried over from the block before is
         * not a new word */
        uint64_t carry = a > 0 && a < b && nw_scan_wordc((unsigned char)s[a - 1]);
        struct masks cur, next;
        /* at most one word starts in every two bytes */
        struct candidate cand[32];

        index_ready();
        out->sure = out->maybe = 0;
        out->n_num = 0;
        block_masks(s, a, b, &cur);
        for (base = a; base < b; base += 64, cur = next) {
                uint64_t starts = cur.word & ~((cur.word << 1) | carry);
                uint64_t up = starts & cur.upper, todo;
                /* bit j: byte j + 1 is no word byte, with byte 64 taken as none (a word
                 * that reaches the end of the block goes on by `ext` bytes) */
                uint64_t stop = (~cur.word >> 1) | (1ull << 63);
                size_t k = 0, ext;
                block_masks(s, base + 64, b, &next);
                carry = cur.word >> 63;
                /* ~next.word is zero only for a block of word bytes: a word that long
                 * compares as any word longer than a key */
                ext = (size_t)__builtin_ctzll(~next.word | (1ull << 63));
                for (; up; up &= up - 1) {
                        if (nc < max_caps) {
                                caps[nc] = base + (size_t)__builtin_ctzll(up);
                        }
                        nc++;
                }
                todo = starts & cur.letter & ((cur.word >> 1) | (next.word << 63));
                while (todo) {
                        unsigned z = (unsigned)__builtin_ctzll(todo);
                        size_t p = base + z;
                        size_t n = (size_t)__builtin_ctzll(stop >> z) + 1;
                        uint64_t w = load_at(s, p, b) | LOWER8;
                        size_t bit;
                        todo &= todo - 1;
                        n += z + n == 64 ? ext : 0;
                        bit = word_bit(w, n);
                        cand[k].p = p;
                        cand[k].n = n;
                        cand[k].w0 = w;
                        cand[k].bit = bit;
                        k += (size_t)(seen[bit / 64] >> (bit % 64)) & 1u;
                }
                for (size_t i = 0; i < k; i++) {
                        lookup(s, cand[i].p, cand[i].n, b, cand[i].w0, cand[i].bit, out);
                }
        }
        *n_caps = nc;
}
