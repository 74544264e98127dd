/* nw_watermark.c -- a ring of (offset, done) per partition; offsets ascend within a ring, so a
 * lookup is a binary search and the watermark advances by popping done entries at the head. */
#include "nw_watermark.h"

#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"

struct entry {
        int64_t offset;
        int done;
};

struct part {
        char *topic;
        int32_t partition;
        struct entry *ring;
        size_t cap, head, count;        /* cap is a power of two */
        int64_t last_tracked;
};

struct nw_watermark {
        struct part *parts;
        size_t n, cap;
};

struct nw_watermark *nw_wm_new(void)
{
        return nw_xcalloc(1, sizeof(struct nw_watermark));
}

static void part_free(struct part *p)
{
        free(p->topic);
        free(p->ring);
}

void nw_wm_destroy(struct nw_watermark *wm)
{
        if (!wm) {
                return;
        }
        for (size_t i = 0; i < wm->n; i++) {
                part_free(&wm->parts[i]);
        }
        free(wm->parts);
        free(wm);
}

static struct part *find(const struct nw_watermark *wm, const char *topic, int32_t partition)
{
        for (size_t i = 0; i < wm->n; i++) {
                if (wm->parts[i].partition == partition && strcmp(wm->parts[i].topic, topic) == 0) {
                        return &wm->parts[i];
                }
        }
        return NULL;
}

static struct entry *at(const struct part *p, size_t i)
{
        return &p->ring[(p->head + i) & (p->cap - 1)];
}

int nw_wm_track(struct nw_watermark *wm, const char *topic, int32_t partition, int64_t offset)
{
        struct part *p = find(wm, topic, partition);

        if (!p) {
                if (wm->n == wm->cap) {
                        wm->cap = wm->cap ? wm->cap * 2 : 8;
                        wm->parts = nw_xrealloc(wm->parts, wm->cap * sizeof(*wm->parts));
                }
                p = &wm->parts[wm->n++];
                memset(p, 0, sizeof(*p));
                p->topic = nw_xstrdup(topic);
                p->partition = partition;
                p->last_tracked = -1;
        }
        if (offset <= p->last_tracked) {
                return -1;
        }
        if (p->count == p->cap) {
                size_t ncap = p->cap ? p->cap * 2 : 64;
                struct entry *ring = nw_xmalloc(ncap * sizeof(*ring));
                for (size_t i = 0; i < p->count; i++) {
                        ring[i] = *at(p, i);
                }
                free(p->ring);
                p->ring = ring;
                p->cap = ncap;
                p->head = 0;
        }
        *at(p, p->count) = (struct entry){offset, 0};
        p->count++;
        p->last_tracked = offset;
        return 0;
}

int nw_wm_done(struct nw_watermark *wm, const char *topic, int32_t partition, int64_t offset,
               int64_t *commit)
{
        struct part *p = find(wm, topic, partition);
        size_t lo = 0, hi;
        int moved = 0;

        if (!p) {
                return -1;
        }
        hi = p->count;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (at(p, mid)->offset < offset) {
                        lo = mid + 1;
                } else {
                        hi = mid;
                }
        }
        if (lo == p->count || at(p, lo)->offset != offset) {
                return -1;
        }
        at(p, lo)->done = 1;
        while (p->count > 0 && at(p, 0)->done) {
                *commit = at(p, 0)->offset + 1;
                p->head = (p->head + 1) & (p->cap - 1);
                p->count--;
                moved = 1;
        }
        return moved;
}

void nw_wm_drop(struct nw_watermark *wm, const char *topic, int32_t partition)
{
        struct part *p = find(wm, topic, partition);

        if (!p) {
                return;
        }
        part_free(p);
        *p = wm->parts[--wm->n];
}

size_t nw_wm_pending(const struct nw_watermark *wm)
{
        size_t n = 0;

        for (size_t i = 0; i < wm->n; i++) {
                n += wm->parts[i].count;
        }
        return n;
}

size_t nw_wm_pending_partition(const struct nw_watermark *wm, const char *topic, int32_t partition)
{
        const struct part *p = find(wm, topic, partition);
        return p ? p->count : 0;
}
