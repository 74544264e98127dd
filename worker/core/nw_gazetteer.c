/* nw_gazetteer.c -- exact, case-insensitive place-name lookup over the generated table.
 * The extractor asks for every capitalized word of every sentence, and a binary search over
 * 14,000 keys is a dozen cache misses per ask; so a hash index over the table is built once,
 * on first use, from the table itself (it cannot go stale), and each lookup is one probe.
 * The index holds every key and every prefix of a key that ends before one of its spaces
 * ("new" of "new york"), which is what nw_gazetteer_find_more() needs to answer `more`.
 * Most capitalized words are no place, and the index is too big to stay in cache, so a
 * small bit filter beside it (two bits a string) turns most of them away first. */
#include "nw_gazetteer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"

/* flags of a slot */
#define IX_EXACT 1u     /* the string is the key of row idx */
#define IX_MORE 2u      /* some key goes on from the string with a space */

struct slot {
        uint32_t hash;
        uint32_t idx;           /* a row whose key starts with the string (the key when IX_EXACT) */
        uint16_t len;           /* the string is nw_places[idx].key[0..len) */
        uint16_t flags;         /* 0: empty */
};

static struct slot *index_slots;
static size_t index_mask;
static size_t index_max_len;    /* the longest string in the index */

/* 2^17 bits, 16 KiB: about one string in twenty that is in no slot gets through it */
#define FILTER_BITS ((size_t)1 << 17)
static uint64_t *index_filter;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
/* set (release) when the index is built: a lookup reads it (acquire) instead of calling
 * pthread_once() every time */
static atomic_int index_ready;

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

/* Eight bytes with A-Z lower-cased (only those are folded, as the table's keys are): a byte
 * gets 0x20 when it is at least 'A' and at most 'Z'; the sums stay inside their bytes. */
static uint64_t lower8(uint64_t w)
{
        uint64_t t = w & ONES8 * 0x7F;
        uint64_t ge_a = t + ONES8 * (0x80 - 'A');
        uint64_t gt_z = t + ONES8 * (0x80 - 'Z' - 1);

        return w | ((ge_a & ~gt_z & ~w & HIGH8) >> 2);
}

/* A hash of the lower-cased bytes, eight at a time: every capitalized word of a sentence is
 * looked up, and a byte-at-a-time hash is a chain of multiplications as long as the word.
 * The last one to eight bytes are read at once, overlapping the bytes before them (two
 * four-byte reads, or the first, middle and last byte, for a shorter string), never outside
 * s[0..len). Only equal strings need equal hashes, and build and lookup both come through
 * here. */
static uint64_t hash_lower(const char *s, size_t len)
{
        uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ULL, w;
        size_t i = 0;

        for (; i + 8 < len; i += 8) {
                memcpy(&w, s + i, 8);
                h = (h ^ lower8(w)) * 0xFF51AFD7ED558CCDULL;
                h ^= h >> 32;
        }
        if (len >= 8) {
                memcpy(&w, s + len - 8, 8);
        } else if (len >= 4) {
                uint32_t lo, hi;
                memcpy(&lo, s, 4);
                memcpy(&hi, s + len - 4, 4);
                w = lo | (uint64_t)hi << 32;
        } else if (len > 0) {
                w = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << 8 |
                    (uint64_t)(unsigned char)s[len - 1] << 16;
        } else {
                w = 0;
        }
        h = (h ^ lower8(w)) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
        h *= 0xC4CEB9FE1A85EC53ULL;
        return h ^ (h >> 32);
}

/* The two filter bits of a string, from hash bits the slot index does not use. */
static size_t filter_bit1(uint64_t h)
{
        return (size_t)(h >> 32) & (FILTER_BITS - 1);
}

static size_t filter_bit2(uint64_t h)
{
        return (size_t)(h >> 47) & (FILTER_BITS - 1);
}

static int filter_has(uint64_t h)
{
        size_t b1 = filter_bit1(h), b2 = filter_bit2(h);

        return (index_filter[b1 >> 6] >> (b1 & 63) & 1u) && (index_filter[b2 >> 6] >> (b2 & 63) & 1u);
}

/* Whether s[0..len), lower-cased, equals key[0..len). Keys hold no NUL before their end, so
 * a probe never matches past one. */
static int eq_lower(const char *s, const char *key, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char a = (unsigned char)s[i];
                if (a >= 'A' && a <= 'Z') {
                        a = (unsigned char)(a + 32);
                }
                if (a != (unsigned char)key[i]) {
                        return 0;
                }
        }
        return 1;
}

static struct slot *probe(const char *s, size_t len, uint32_t h)
{
        for (size_t i = h & index_mask;; i = (i + 1) & index_mask) {
                struct slot *sl = &index_slots[i];
                if (sl->flags == 0 || (sl->hash == h && sl->len == len &&
                                       eq_lower(s, nw_places[sl->idx].key, len))) {
                        return sl;
                }
        }
}

/* Record key[0..len) of row idx with @p flags. The table is sorted and its keys unique, so
 * the first row to claim an exact string is the one bsearch would find. */
static void index_add(size_t idx, size_t len, unsigned flags)
{
        const char *key = nw_places[idx].key;
        uint64_t h64 = hash_lower(key, len);
        uint32_t h = (uint32_t)h64;
        struct slot *sl = probe(key, len, h);
        size_t b1 = filter_bit1(h64), b2 = filter_bit2(h64);

        index_filter[b1 >> 6] |= (uint64_t)1 << (b1 & 63);
        index_filter[b2 >> 6] |= (uint64_t)1 << (b2 & 63);
        if (len > index_max_len) {
                index_max_len = len;
        }

        if (sl->flags == 0) {
                sl->hash = h;
                sl->idx = (uint32_t)idx;
                sl->len = (uint16_t)len;
        } else if ((flags & IX_EXACT) && !(sl->flags & IX_EXACT)) {
                sl->idx = (uint32_t)idx; /* a prefix entry becomes the key's own */
        } else if (flags & IX_EXACT) {
                return; /* a repeated key: the first row stays */
        }
        sl->flags = (uint16_t)(sl->flags | flags);
}

static void index_build(void)
{
        size_t entries = 0, size = 1024;

        for (size_t i = 0; i < nw_places_count; i++) {
                for (const char *k = nw_places[i].key; *k; k++) {
                        entries += *k == ' ';
                }
                entries++;
        }
        /* at most half full, so a miss ends within a probe or two */
        while (size < 2 * entries) {
                size *= 2;
        }
        index_slots = nw_xcalloc(size, sizeof(*index_slots));
        index_mask = size - 1;
        index_filter = nw_xcalloc(FILTER_BITS / 64, sizeof(*index_filter));
        for (size_t i = 0; i < nw_places_count; i++) {
                const char *k = nw_places[i].key;
                size_t n = strlen(k);
                /* keys longer than a slot can say are never asked for (finds stop at 40) */
                if (n > UINT16_MAX) {
                        continue;
                }
                for (size_t p = 0; p < n; p++) {
                        if (k[p] == ' ') {
                                index_add(i, p, IX_MORE);
                        }
                }
                index_add(i, n, IX_EXACT);
        }
        atomic_store_explicit(&index_ready, 1, memory_order_release);
}

static const struct slot *find_slot(const char *s, size_t len)
{
        const struct slot *sl;
        uint64_t h;

        if (!atomic_load_explicit(&index_ready, memory_order_acquire)) {
                pthread_once(&index_once, index_build);
        }
        if (len > index_max_len) {
                return NULL;
        }
        h = hash_lower(s, len);
        if (!filter_has(h)) {
                return NULL;
        }
        sl = probe(s, len, (uint32_t)h);
        return sl->flags ? sl : NULL;
}

const struct nw_place *nw_gazetteer_find(const char *s, size_t len)
{
        const struct slot *sl;

        if (len < 2 || len > 40) {
                return NULL;
        }
        sl = find_slot(s, len);
        return sl && (sl->flags & IX_EXACT) ? &nw_places[sl->idx] : NULL;
}

const struct nw_place *nw_gazetteer_find_more(const char *s, size_t len, int *more)
{
        const struct slot *sl;

        if (!more) {
                return nw_gazetteer_find(s, len);
        }
        sl = find_slot(s, len);
        *more = sl && (sl->flags & IX_MORE);
        if (len < 2 || len > 40) {
                return NULL;
        }
        return sl && (sl->flags & IX_EXACT) ? &nw_places[sl->idx] : NULL;
}
