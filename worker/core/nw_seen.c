/* nw_seen.c -- open addressing with linear probing; keys are already hashes, so FNV of the
 * string spreads them well enough. */
#include "nw_seen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"

struct slot {
        char *key;
        char *value;
};

struct nw_seen {
        struct slot *slots;
        size_t cap, n;
};

static uint64_t hash(const char *s)
{
        uint64_t h = 0xcbf29ce484222325ULL;
        for (; *s; s++) {
                h ^= (unsigned char)*s;
                h *= 0x100000001b3ULL;
        }
        return h;
}

struct nw_seen *nw_seen_new(void)
{
        struct nw_seen *s = nw_xcalloc(1, sizeof(*s));
        s->cap = 1024;
        s->slots = nw_xcalloc(s->cap, sizeof(*s->slots));
        return s;
}

void nw_seen_destroy(struct nw_seen *s)
{
        if (!s) {
                return;
        }
        for (size_t i = 0; i < s->cap; i++) {
                free(s->slots[i].key);
                free(s->slots[i].value);
        }
        free(s->slots);
        free(s);
}

static struct slot *lookup(const struct nw_seen *s, const char *key)
{
        size_t i = (size_t)hash(key) & (s->cap - 1);
        while (s->slots[i].key && strcmp(s->slots[i].key, key) != 0) {
                i = (i + 1) & (s->cap - 1);
        }
        return &s->slots[i];
}

static void grow(struct nw_seen *s)
{
        struct slot *old = s->slots;
        size_t ocap = s->cap;

        s->cap *= 2;
        s->slots = nw_xcalloc(s->cap, sizeof(*s->slots));
        for (size_t i = 0; i < ocap; i++) {
                if (old[i].key) {
                        *lookup(s, old[i].key) = old[i];
                }
        }
        free(old);
}

const char *nw_seen_get(const struct nw_seen *s, const char *key)
{
        return lookup(s, key)->value;
}

void nw_seen_put(struct nw_seen *s, const char *key, const char *value)
{
        struct slot *sl;

        if ((s->n + 1) * 4 > s->cap * 3) {
                grow(s);
        }
        sl = lookup(s, key);
        if (sl->key) {
                free(sl->value);
        } else {
                sl->key = nw_xstrdup(key);
                s->n++;
        }
        sl->value = nw_xstrdup(value);
}

int nw_seen_claim(struct nw_seen *s, const char *key, const char *value, const char **holder)
{
        const char *cur = nw_seen_get(s, key);

        if (!cur) {
                nw_seen_put(s, key, value);
                return 1;
        }
        if (strcmp(cur, value) == 0) {
                return 2;
        }
        if (holder) {
                *holder = cur;
        }
        return 0;
}
