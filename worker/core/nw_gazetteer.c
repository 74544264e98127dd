/* nw_gazetteer.c -- exact, case-insensitive place-name lookup over the generated table. */
#include "nw_gazetteer.h"

#include <stdlib.h>
#include <string.h>

struct probe {
        const char *s;
        size_t len;
};

static int cmp(const void *k, const void *e)
{
        const struct probe *p = k;
        const struct nw_place *pl = e;
        size_t i = 0;

        for (; i < p->len; i++) {
                unsigned char a = (unsigned char)p->s[i];
                unsigned char b = (unsigned char)pl->key[i];
                if (a >= 'A' && a <= 'Z') {
                        a = (unsigned char)(a + 32);
                }
                if (b == '\0' || a != b) {
                        return b == '\0' ? 1 : (int)a - (int)b;
                }
        }
        return pl->key[i] == '\0' ? 0 : -1;
}

const struct nw_place *nw_gazetteer_find(const char *s, size_t len)
{
        struct probe p = {s, len};

        if (len < 2 || len > 40) {
                return NULL;
        }
        return bsearch(&p, nw_places, nw_places_count, sizeof(nw_places[0]), cmp);
}

/* <0, 0 or >0 as @p key sorts before the keys that start with s[0..len), is one of them, or
 * sorts after them, in the table's order (bytes, the probe lower-cased as in cmp()). */
static int prefix_cmp(const char *key, const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char a = (unsigned char)s[i];
                unsigned char b = (unsigned char)key[i];
                if (a >= 'A' && a <= 'Z') {
                        a = (unsigned char)(a + 32);
                }
                if (b != a) {
                        return b < a ? -1 : 1; /* a shorter key ('\0') sorts before */
                }
        }
        return 0;
}

const struct nw_place *nw_gazetteer_find_more(const char *s, size_t len, int *more)
{
        size_t lo = 0, hi = nw_places_count;
        const struct nw_place *hit = NULL;

        if (!more) {
                return nw_gazetteer_find(s, len);
        }
        /* the first key at or after the span */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (prefix_cmp(nw_places[mid].key, s, len) < 0) {
                        lo = mid + 1;
                } else {
                        hi = mid;
                }
        }
        if (lo < nw_places_count && prefix_cmp(nw_places[lo].key, s, len) == 0 &&
            nw_places[lo].key[len] == '\0') {
                if (len >= 2 && len <= 40) {
                        hit = &nw_places[lo];
                }
                lo++;
        }
        /* keys that go on with a space sort first among the longer ones (no key has a byte
         * below the space), so the next key tells */
        *more = lo < nw_places_count && prefix_cmp(nw_places[lo].key, s, len) == 0 &&
                nw_places[lo].key[len] == ' ';
        return hit;
}
