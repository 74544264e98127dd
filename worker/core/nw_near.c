/* nw_near.c -- MinHash over word shingles, banding, containment; and the offline index. */
#include "nw_near.h"

#include <stdlib.h>
#include <string.h>

#include "nw_buf.h"
#include "nw_fingerprint.h"
#include "nw_swar.h"

static uint64_t mix64(uint64_t h)
{
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        return h;
}

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* Keep the NW_NEAR_NUMS smallest distinct figure hashes, sorted (a bottom-k sketch). */
static void add_figure(struct nw_near_sig *sig, uint32_t h)
{
        uint32_t k = sig->nnum < NW_NEAR_NUMS ? sig->nnum : NW_NEAR_NUMS;
        uint32_t i = 0;

        /* a full sketch rejects most hashes of a long text at its largest */
        if (h == UINT32_MAX || (k == NW_NEAR_NUMS && h >= sig->num[NW_NEAR_NUMS - 1])) {
                return;
        }
        while (i < k && sig->num[i] < h) {
                i++;
        }
        if (i < k && sig->num[i] == h) {
                return;
        }
        /* i < NW_NEAR_NUMS here; a few words move, not worth a call to memmove */
        for (uint32_t j = NW_NEAR_NUMS - 1; j > i; j--) {
                sig->num[j] = sig->num[j - 1];
        }
        sig->num[i] = h;
        if (sig->nnum < NW_NEAR_NUMS) {
                sig->nnum++;
        }
}


/* Bit k of *@p digits: byte k of the 64 at @p p is an ASCII digit; of *@p alnum: a digit or
 * an ASCII letter (@p left < 64 at the end of the text: the rest count as neither). */
static void figure_masks(const unsigned char *p, size_t left, uint64_t *digits, uint64_t *alnum)
{
        struct nw_mask64 m = nw_mask64(p, left);

        *digits = m.digit;
        *alnum = m.digit | m.letter;
}

/* A figure starts at a digit that does not follow a letter or digit, and runs over digits
 * and the separators . , / - between digits. The starts are read 64 bytes at a time from
 * masks; most text has few. */
static void add_figures(struct nw_near_sig *sig, const char *text, size_t len)
{
        const unsigned char *p = (const unsigned char *)text;
        size_t base = 0, next = 0;      /* no figure starts before next */
        uint64_t carry = 0;             /* the byte before the block is a letter or digit */

        for (; base < len; base += 64) {
                uint64_t digits, alnum, starts;

                figure_masks(p + base, len - base, &digits, &alnum);
                starts = digits & ~(alnum << 1 | carry);
                carry = alnum >> 63;
                while (starts) {
                        size_t i = base + (size_t)__builtin_ctzll(starts);
                        uint64_t h = 0xcbf29ce484222325ULL;
                        starts &= starts - 1;
                        if (i < next) {
                                continue;       /* inside the figure before */
                        }
                        while (i < len && (is_digit(text[i]) ||
                                           ((text[i] == '.' || text[i] == ',' || text[i] == '/' ||
                                             text[i] == '-') && i + 1 < len && is_digit(text[i + 1])))) {
                                h = (h ^ (unsigned char)text[i]) * 0x100000001b3ULL;
                                i++;
                        }
                        add_figure(sig, (uint32_t)(mix64(h) >> 32));
                        next = i;
                }
        }
}

/* Empty bins (short texts) borrow the value of the next non-empty bin, salted by the
 * distance, so two texts agree on an empty bin exactly when they agree on the bin it borrows
 * from ("densification by rotation", Shrivastava and Li, 2014). */
static void densify(struct nw_near_sig *sig)
{
        uint64_t full = 0, empty;

        for (int i = 0; i < NW_NEAR_HASHES; i++) {
                full |= (uint64_t)(sig->h[i] != UINT32_MAX) << i;
        }
        if (full == 0) {
                return;
        }
        _Static_assert(NW_NEAR_HASHES == 64, "the bins are the bits of one word");
        /* only the empty bins are visited, and the next full one is found by rotating the
         * mask so that it starts after the empty bin */
        for (empty = ~full; empty; empty &= empty - 1) {
                int i = __builtin_ctzll(empty), k = (i + 1) & 63;
                uint64_t after = full >> k | full << ((64 - k) & 63);
                int d = __builtin_ctzll(after) + 1;
                sig->h[i] = (uint32_t)(mix64((uint64_t)sig->h[(i + d) & 63] +
                                             (uint64_t)d * 0x9e3779b97f4a7c15ULL) >> 32);
        }
}

#define WORDS_AT_ONCE 256
#define BEFORE (NW_NEAR_SHINGLE - 1)    /* words a shingle reaches back */

/* A signature in the making: the words before the next batch, then the batch. The shingle
 * hashes of a batch are independent of each other, so the processor overlaps their
 * multiplication chains instead of waiting out one chain per word. */
struct builder {
        uint64_t w[BEFORE + WORDS_AT_ONCE];
        /* each word's mix64, the first step of the shingle it starts */
        uint64_t m[BEFORE + WORDS_AT_ONCE];
        size_t nwords;
};

static void sig_begin(struct nw_near_sig *sig, struct builder *b)
{
        for (int k = 0; k < NW_NEAR_HASHES; k++) {
                sig->h[k] = UINT32_MAX;
        }
        for (int k = 0; k < NW_NEAR_NUMS; k++) {
                sig->num[k] = UINT32_MAX;
        }
        sig->shingles = 0;
        sig->nnum = 0;
        b->nwords = 0;
}

/* The shingle of five words whose first word's mix64 is @p m0 and whose other words are
 * w[1..4]. */
#define SHINGLE_STEPS(sh, w)                                                                   \
        do {                                                                                   \
                _Static_assert(NW_NEAR_SHINGLE == 5, "one step per word after the first");     \
                (sh) = mix64((sh) ^ (w)[1]) + 1;                                               \
                (sh) = mix64((sh) ^ (w)[2]) + 2;                                               \
                (sh) = mix64((sh) ^ (w)[3]) + 3;                                               \
                (sh) = mix64((sh) ^ (w)[4]) + 4;                                               \
        } while (0)

/* One-permutation hashing: the top bits pick a bin, the rest compete for its minimum -- one
 * update per shingle instead of one per hash function. */
static void sig_put(struct nw_near_sig *sig, uint64_t sh)
{
        unsigned bin = (unsigned)(sh >> 58);    /* 64 bins */
        uint32_t v = (uint32_t)(sh >> 16);

        sig->h[bin] = v < sig->h[bin] ? v : sig->h[bin];
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(NW_SWAR_ONLY)
/* With AVX2 four 64-bit lanes multiply at once: the shingles' mix64 chains, most of the
 * signature's cost, go four to a register. Chosen at run time: the build targets plain
 * x86-64. The lanes compute exactly what mix64() does. */
#define HAVE_WIDE 1
typedef uint64_t v4u __attribute__((vector_size(32)));

__attribute__((target("avx2"))) static v4u mix64x4(v4u h)
{
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        return h;
}

/* sig_add_narrow() on four lanes. */
__attribute__((target("avx2"))) static size_t sig_add_wide(struct nw_near_sig *sig, const uint64_t *w,
                                                         uint64_t *m, size_t j, size_t end)
{
        size_t k = BEFORE;

        for (; k + 4 <= end; k += 4) {
                v4u x;
                memcpy(&x, w + k, sizeof(x));
                x = mix64x4(x);
                memcpy(m + k, &x, sizeof(x));
        }
        for (; k < end; k++) {
                m[k] = mix64(w[k]);
        }
        for (; j + 4 <= end; j += 4) {
                const uint64_t *w0 = w + j - BEFORE;
                uint64_t out[4];
                v4u sh, x;
                memcpy(&sh, m + j - BEFORE, sizeof(sh));
                memcpy(&x, w0 + 1, sizeof(x));
                sh = mix64x4(sh ^ x) + 1;
                memcpy(&x, w0 + 2, sizeof(x));
                sh = mix64x4(sh ^ x) + 2;
                memcpy(&x, w0 + 3, sizeof(x));
                sh = mix64x4(sh ^ x) + 3;
                memcpy(&x, w0 + 4, sizeof(x));
                sh = mix64x4(sh ^ x) + 4;
                memcpy(out, &sh, sizeof(out));
                sig_put(sig, out[0]);
                sig_put(sig, out[1]);
                sig_put(sig, out[2]);
                sig_put(sig, out[3]);
        }
        return j;
}
#endif

/* What sig_add() does for the words [BEFORE, end) and the shingles [j, end), four at a time
 * on 64-bit registers; @returns where the shingles it left (fewer than four) start. */
static size_t sig_add_narrow(struct nw_near_sig *sig, const uint64_t *w, uint64_t *m, size_t j,
                             size_t end)
{
        for (size_t k = BEFORE; k < end; k++) {
                m[k] = mix64(w[k]);
        }
        /* Each shingle is a chain of four mix64 steps that wait on each other. Four shingles
         * are written side by side, so that the processor's queues hold the next steps of
         * four chains rather than the far steps of one. */
        for (; j + 4 <= end; j += 4) {
                uint64_t s0 = m[j - BEFORE], s1 = m[j + 1 - BEFORE];
                uint64_t s2 = m[j + 2 - BEFORE], s3 = m[j + 3 - BEFORE];
                const uint64_t *w0 = w + j - BEFORE;

                s0 = mix64(s0 ^ w0[1]) + 1;
                s1 = mix64(s1 ^ w0[2]) + 1;
                s2 = mix64(s2 ^ w0[3]) + 1;
                s3 = mix64(s3 ^ w0[4]) + 1;
                s0 = mix64(s0 ^ w0[2]) + 2;
                s1 = mix64(s1 ^ w0[3]) + 2;
                s2 = mix64(s2 ^ w0[4]) + 2;
                s3 = mix64(s3 ^ w0[5]) + 2;
                s0 = mix64(s0 ^ w0[3]) + 3;
                s1 = mix64(s1 ^ w0[4]) + 3;
                s2 = mix64(s2 ^ w0[5]) + 3;
                s3 = mix64(s3 ^ w0[6]) + 3;
                s0 = mix64(s0 ^ w0[4]) + 4;
                s1 = mix64(s1 ^ w0[5]) + 4;
                s2 = mix64(s2 ^ w0[6]) + 4;
                s3 = mix64(s3 ^ w0[7]) + 4;
                sig_put(sig, s0);
                sig_put(sig, s1);
                sig_put(sig, s2);
                sig_put(sig, s3);
        }
        return j;
}

/* The batch of @p n words at b->w + BEFORE. */
static void sig_add(struct nw_near_sig *sig, struct builder *b, size_t n)
{
        uint64_t *w = b->w, *m = b->m;
        size_t j = b->nwords >= BEFORE ? BEFORE : 2 * BEFORE - b->nwords;
        size_t end = BEFORE + n;

        /* the first shingle ends at the fifth word of the text */
        if (j < end) {
                sig->shingles += (uint32_t)(end - j);
        }
#ifdef HAVE_WIDE
        if (__builtin_cpu_supports("avx2")) {
                j = sig_add_wide(sig, w, m, j, end);
        } else
#endif
        {
                j = sig_add_narrow(sig, w, m, j, end);
        }
        for (; j < end; j++) {
                uint64_t sh = m[j - BEFORE];
                SHINGLE_STEPS(sh, w + j - BEFORE);
                sig_put(sig, sh);
        }
        b->nwords += n;
        if (n == WORDS_AT_ONCE) {
                /* not the last batch: its last words begin the next one's shingles */
                memcpy(w, w + n, sizeof(w[0]) * BEFORE);
                memcpy(m, m + n, sizeof(m[0]) * BEFORE);
        }
}

static void sig_end(struct nw_near_sig *sig, const char *text, size_t len)
{
        densify(sig);
        if (sig->shingles < NW_NEAR_MIN_SHINGLES) {
                sig->shingles = 0;
                return;
        }
        add_figures(sig, text, len);
}

void nw_near_signature(const char *text, size_t len, struct nw_near_sig *sig)
{
        struct builder b;
        struct nw_fp_words it;
        size_t n;

        sig_begin(sig, &b);
        nw_fp_words_init(&it, text, len);
        do {
                n = nw_fp_words_next(&it, b.w + BEFORE, WORDS_AT_ONCE);
                sig_add(sig, &b, n);
        } while (n == WORDS_AT_ONCE);
        sig_end(sig, text, len);
}

void nw_near_fingerprints(const char *text, size_t len, uint64_t *simhash,
                          struct nw_near_sig *sig)
{
        struct builder b;
        struct nw_simhash sh;
        struct nw_fp_words it;
        size_t n;

        sig_begin(sig, &b);
        nw_simhash_init(&sh);
        nw_fp_words_init(&it, text, len);
        do {
                n = nw_fp_words_next(&it, b.w + BEFORE, WORDS_AT_ONCE);
                nw_simhash_add(&sh, b.w + BEFORE, n);
                sig_add(sig, &b, n);
        } while (n == WORDS_AT_ONCE);
        sig_end(sig, text, len);
        *simhash = nw_simhash_end(&sh);
}

uint32_t nw_near_band(const struct nw_near_sig *sig, int band)
{
        uint64_t h = (uint64_t)band * 0x9e3779b97f4a7c15ULL;
        for (int r = 0; r < NW_NEAR_ROWS; r++) {
                h = mix64(h ^ sig->h[band * NW_NEAR_ROWS + r]);
        }
        return (uint32_t)h;
}

/* ---------------------------------------------------------------- band filters */

/* A blocked Bloom filter: a band's probes all fall in one 64-byte block, so asking costs one
 * cache miss instead of one per probe (the filters of a few million bands are far larger
 * than the caches, and an item asks about 64 bands). */
enum { FILTER_BITS_PER_BAND = 16, FILTER_PROBES = 7, BLOCK_WORDS = 8 };

size_t nw_near_filter_bytes(size_t n)
{
        uint64_t bits = 64 * BLOCK_WORDS;

        while (bits < (uint64_t)n * FILTER_BITS_PER_BAND) {
                bits <<= 1;
        }
        return (size_t)(bits / 8);
}

size_t nw_near_filter_init(struct nw_near_filter *f, size_t n)
{
        size_t bytes = nw_near_filter_bytes(n);

        f->w = nw_xcalloc(bytes / 8, sizeof(uint64_t));
        f->mask = (uint64_t)bytes * 8 - 1;
        return bytes;
}

void nw_near_filter_free(struct nw_near_filter *f)
{
        free(f->w);
        f->w = NULL;
        f->mask = 0;
}

static inline uint64_t filter_hash(int band, uint32_t key)
{
        return mix64(((uint64_t)(unsigned)band << 32 | key) + 0x9e3779b97f4a7c15ULL);
}

/* The first word of the block of @p h. */
static inline uint64_t *filter_block(const struct nw_near_filter *f, uint64_t h)
{
        uint64_t blocks = (f->mask + 1) / (64 * BLOCK_WORDS);

        return f->w + ((h >> 32) & (blocks - 1)) * BLOCK_WORDS;
}

void nw_near_filter_add(struct nw_near_filter *f, int band, uint32_t key)
{
        uint64_t h = filter_hash(band, key), g = mix64(h);
        uint64_t *blk = filter_block(f, h);

        /* nine bits of g per probe: a word of the block and a bit of it */
        for (int i = 0; i < FILTER_PROBES; i++, g >>= 9) {
                blk[(g >> 6) & (BLOCK_WORDS - 1)] |= (uint64_t)1 << (g & 63);
        }
}

void nw_near_filter_prefetch(const struct nw_near_filter *f, int band, uint32_t key)
{
        if (f->w) {
                __builtin_prefetch(filter_block(f, filter_hash(band, key)));
        }
}

int nw_near_filter_maybe(const struct nw_near_filter *f, int band, uint32_t key)
{
        uint64_t h, g;
        const uint64_t *blk;

        if (!f->w) {
                return 0;
        }
        h = filter_hash(band, key);
        g = mix64(h);
        blk = filter_block(f, h);
        for (int i = 0; i < FILTER_PROBES; i++, g >>= 9) {
                if (!(blk[(g >> 6) & (BLOCK_WORDS - 1)] >> (g & 63) & 1)) {
                        return 0;
                }
        }
        return 1;
}

/* Jaccard J is estimated by the share of equal minimums; with set sizes a and b,
 * |A and B| = J (a + b) / (1 + J), and containment divides that by the smaller size. The Redis
 * script (nw_redis.c) computes exactly this. */
/* Share of the smaller figure set found in the other. Both sketches hold every figure hash
 * below their largest stored one (bottom-k), so the comparison is made below the smaller of
 * the two cut-offs, where both sets are complete. */
static double figure_containment(const struct nw_near_sig *a, const struct nw_near_sig *b)
{
        uint32_t cut_a = a->nnum == NW_NEAR_NUMS ? a->num[NW_NEAR_NUMS - 1] : UINT32_MAX;
        uint32_t cut_b = b->nnum == NW_NEAR_NUMS ? b->num[NW_NEAR_NUMS - 1] : UINT32_MAX;
        uint32_t cut = cut_a < cut_b ? cut_a : cut_b;
        uint32_t i = 0, j = 0, common = 0, na = 0, nb = 0;

        for (uint32_t k = 0; k < a->nnum; k++) {
                na += a->num[k] <= cut;
        }
        for (uint32_t k = 0; k < b->nnum; k++) {
                nb += b->num[k] <= cut;
        }
        if (na == 0 || nb == 0) {
                return 0.0;     /* no overlap in range at all: the figures disagree */
        }
        while (i < na && j < nb) {
                if (a->num[i] == b->num[j]) {
                        common++;
                        i++;
                        j++;
                } else if (a->num[i] < b->num[j]) {
                        i++;
                } else {
                        j++;
                }
        }
        return (double)common / (na < nb ? na : nb);
}

double nw_near_containment(const struct nw_near_sig *a, const struct nw_near_sig *b)
{
        int eq = 0;
        double j, inter, small;

        if (a->shingles == 0 || b->shingles == 0) {
                return 0.0;
        }
        if (a->nnum > 0 && b->nnum > 0 && figure_containment(a, b) < 0.5) {
                return 0.0;
        }
        for (int k = 0; k < NW_NEAR_HASHES; k++) {
                eq += a->h[k] == b->h[k];
        }
        j = (double)eq / NW_NEAR_HASHES;
        inter = j * ((double)a->shingles + b->shingles) / (1.0 + j);
        small = a->shingles < b->shingles ? a->shingles : b->shingles;
        return inter / small > 1.0 ? 1.0 : inter / small;
}

static void put32(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)v;
        p[1] = (unsigned char)(v >> 8);
        p[2] = (unsigned char)(v >> 16);
        p[3] = (unsigned char)(v >> 24);
}

void nw_near_sig_bytes(const struct nw_near_sig *sig, unsigned char *out)
{
        put32(out, sig->shingles);
        for (int k = 0; k < NW_NEAR_HASHES; k++) {
                put32(out + 4 + 4 * k, sig->h[k]);
        }
        out += 4 * (NW_NEAR_HASHES + 1);
        put32(out, sig->nnum);
        for (int k = 0; k < NW_NEAR_NUMS; k++) {
                put32(out + 4 + 4 * k, sig->num[k]);
        }
}

static uint32_t get32(const unsigned char *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int nw_near_sig_parse(const unsigned char *in, size_t len, struct nw_near_sig *sig)
{
        if (len != NW_NEAR_SIG_BYTES) {
                return -1;
        }
        sig->shingles = get32(in);
        for (int k = 0; k < NW_NEAR_HASHES; k++) {
                sig->h[k] = get32(in + 4 + 4 * k);
        }
        in += 4 * (NW_NEAR_HASHES + 1);
        sig->nnum = get32(in);
        if (sig->nnum > NW_NEAR_NUMS) {
                return -1;      /* not a signature this code wrote */
        }
        for (int k = 0; k < NW_NEAR_NUMS; k++) {
                sig->num[k] = get32(in + 4 + 4 * k);
        }
        return 0;
}

/* ---- offline index: band tables map band value -> the latest item holding it ---------- */

struct entry {
        char *id;
        struct nw_near_sig sig;
};

struct nw_near_index {
        struct entry *items;
        size_t n, cap;
        /* per band: open-addressed table of (band value, item index + 1) */
        struct slot {
                uint32_t key;
                uint32_t item;  /* index + 1; 0 empty */
        } *bands[NW_NEAR_BANDS];
        size_t tcap;
};

struct nw_near_index *nw_near_index_new(void)
{
        struct nw_near_index *ix = nw_xcalloc(1, sizeof(*ix));
        ix->tcap = 1024;
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                ix->bands[b] = nw_xcalloc(ix->tcap, sizeof(struct slot));
        }
        return ix;
}

void nw_near_index_destroy(struct nw_near_index *ix)
{
        if (!ix) {
                return;
        }
        for (size_t i = 0; i < ix->n; i++) {
                free(ix->items[i].id);
        }
        free(ix->items);
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                free(ix->bands[b]);
        }
        free(ix);
}

static size_t home(size_t cap, uint32_t key)
{
        return (size_t)mix64(key) & (cap - 1);
}

static struct slot *find(struct slot *t, size_t cap, uint32_t key)
{
        size_t i = home(cap, key);
        while (t[i].item && t[i].key != key) {
                i = (i + 1) & (cap - 1);
        }
        return &t[i];
}

static void grow(struct nw_near_index *ix)
{
        size_t ncap = ix->tcap * 2;
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                struct slot *t = nw_xcalloc(ncap, sizeof(*t));
                for (size_t i = 0; i < ix->tcap; i++) {
                        if (ix->bands[b][i].item) {
                                *find(t, ncap, ix->bands[b][i].key) = ix->bands[b][i];
                        }
                }
                free(ix->bands[b]);
                ix->bands[b] = t;
        }
        ix->tcap = ncap;
}

const char *nw_near_index_check_insert(struct nw_near_index *ix, const char *id,
                                       const struct nw_near_sig *sig, double threshold,
                                       double *similarity)
{
        const char *best = NULL;
        double best_c = 0.0;
        uint32_t item, seen[NW_NEAR_CANDIDATES], keys[NW_NEAR_BANDS];
        struct slot *slots[NW_NEAR_BANDS];
        int tried = 0;

        if (sig->shingles == 0) {
                return NULL;
        }
        /* grown before the look-up rather than between it and the insertion: that moves the
         * slots, not what they hold, and the slots found below then serve both */
        if ((ix->n + 1) * 2 > ix->tcap) {
                grow(ix);       /* each band table holds at most one slot per item */
        }
        /* The band tables are far larger than the caches, so each look-up is a miss: all
         * the bands' slots are asked for at once, and the misses overlap. */
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                keys[b] = nw_near_band(sig, b);
                __builtin_prefetch(&ix->bands[b][home(ix->tcap, keys[b])]);
        }
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                slots[b] = find(ix->bands[b], ix->tcap, keys[b]);
        }
        /* the first NW_NEAR_CANDIDATES distinct items in band order, as the Redis script */
        for (int b = 0; b < NW_NEAR_BANDS && tried < NW_NEAR_CANDIDATES; b++) {
                const struct slot *s = slots[b];
                const struct entry *e;
                double c;
                int dup = 0;

                if (!s->item) {
                        continue;
                }
                e = &ix->items[s->item - 1];
                if (strcmp(e->id, id) == 0) {
                        continue;
                }
                for (int k = 0; k < tried; k++) {
                        dup |= seen[k] == s->item;
                }
                if (dup) {
                        continue;
                }
                seen[tried++] = s->item;
                c = nw_near_containment(sig, &e->sig);
                if (c > best_c) {
                        best_c = c;
                        best = e->id;
                }
        }
        if (ix->n == ix->cap) {
                ix->cap = ix->cap ? ix->cap * 2 : 256;
                ix->items = nw_xrealloc(ix->items, ix->cap * sizeof(*ix->items));
                /* best points into an entry's id string, which does not move */
        }
        ix->items[ix->n].id = nw_xstrdup(id);
        ix->items[ix->n].sig = *sig;
        item = (uint32_t)++ix->n;
        for (int b = 0; b < NW_NEAR_BANDS; b++) {
                if (!slots[b]->item) {
                        /* the first item of a story keeps its bands, as in Redis */
                        slots[b]->key = keys[b];
                        slots[b]->item = item;
                }
        }
        if (best && best_c >= threshold) {
                *similarity = best_c;
                return best;
        }
        return NULL;
}
