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
