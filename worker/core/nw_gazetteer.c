/* nw_gazetteer.c -- exact, case-insensitive place-name lookup over the generated table.
 * The extractor asks for every capitalized word of every sentence, and a binary search over
 * 14,000 keys is a dozen cache misses per ask; so a hash index over the table is built once,
 * on first use, from the table itself (it cannot go stale), and each lookup is one probe.
 * The index holds every key and every prefix of a key that ends before one of its spaces
 * ("new" of "new york"), which is what nw_gazetteer_find_more() needs to answer `more`. */
#include "nw_gazetteer.h"

#include <pthread.h>
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
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

/* FNV-1a over the lower-cased bytes (only A-Z are folded, as the table's keys are). */
static uint32_t hash_lower(const char *s, size_t len)
{
        uint32_t h = 2166136261u;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 'A' && c <= 'Z') {
                        c = (unsigned char)(c + 32);
                }
                h = (h ^ c) * 16777619u;
        }
        return h ^ (h >> 15);
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
        uint32_t h = hash_lower(key, len);
        struct slot *sl = probe(key, len, h);

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
}

static const struct slot *find_slot(const char *s, size_t len)
{
        const struct slot *sl;

        pthread_once(&index_once, index_build);
        if (len > UINT16_MAX) {
                return NULL;
        }
        sl = probe(s, len, hash_lower(s, len));
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
