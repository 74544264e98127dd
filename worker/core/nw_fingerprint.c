/* nw_fingerprint.c -- SHA-256 through OpenSSL's EVP interface (one reused context per thread), SimHash by hand (it is a few lines). */
#include "nw_fingerprint.h"
#include "nw_swar.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

static void to_hex(const unsigned char *md, size_t n, char *hex)
{
        static const char digits[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
                hex[2 * i] = digits[md[i] >> 4];
                hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[2 * n] = '\0';
}

/* OpenSSL 3 looks the algorithm up in its provider tables on every EVP_sha256() init, a
 * quarter of the digest of a short article: it is fetched once and kept for the process. */
static const EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
        const EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);

        sha256_md = md ? md : EVP_sha256();
}

static const EVP_MD *sha256(void)
{
        pthread_once(&sha256_once, sha256_fetch);
        return sha256_md;
}

/* One digest context per thread, made on the thread's first article and reused: a context
 * made and freed per article (with its provider state) was a seventh of the digest of a
 * short article. The key's destructor frees it when a pool thread ends. */
static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_free(void *ctx)
{
        EVP_MD_CTX_free(ctx);
}

static void ctx_key_make(void)
{
        if (pthread_key_create(&ctx_key, ctx_free) != 0) {
                abort();
        }
}

static EVP_MD_CTX *thread_ctx(void)
{
        EVP_MD_CTX *ctx;

        pthread_once(&ctx_once, ctx_key_make);
        ctx = pthread_getspecific(ctx_key);
        if (!ctx) {
                ctx = EVP_MD_CTX_new();
                if (!ctx || pthread_setspecific(ctx_key, ctx) != 0) {
                        abort();
                }
        }
        return ctx;
}

void nw_fp_content_sha256_n(const char *title, size_t title_len, const char *body,
                             size_t body_len, char hex[65])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        EVP_MD_CTX *ctx = thread_ctx();

        /* the same digest again: OpenSSL re-initialises the context's state in place */
        if (!EVP_DigestInit_ex(ctx, sha256(), NULL) || !EVP_DigestUpdate(ctx, title, title_len) ||
            !EVP_DigestUpdate(ctx, "\n", 1) || !EVP_DigestUpdate(ctx, body, body_len) ||
            !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
                abort();
        }
        to_hex(md, 32, hex);
}

void nw_fp_content_sha256(const char *title, const char *body, char hex[65])
{
        title = title ? title : "";
        body = body ? body : "";
        nw_fp_content_sha256_n(title, strlen(title), body, strlen(body), hex);
}

void nw_fp_sha256_hex(const char *s, size_t len, char hex[65])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;

        if (!EVP_Digest(s, len, md, &mdlen, sha256(), NULL)) {
                abort();
        }
        to_hex(md, 32, hex);
}

/* FNV-1a over the bytes, then a splitmix64 finalizer so that every output bit depends on
 * every input bit; SimHash needs well-spread bits, FNV alone clusters on short words. */
static uint64_t mix(uint64_t h)
{
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebULL;
        h ^= h >> 31;
        return h;
}



/* @p x with its ASCII upper-case letters in lower case. */
static uint64_t fold8(uint64_t x)
{
        uint64_t t = x & NW_ONES8 * 0x7F;
        uint64_t upper = (t + NW_ONES8 * (0x80 - 'A')) & ~(t + NW_ONES8 * (0x7F - 'Z')) & ~x & NW_HIGH8;

        return x | upper >> 2;
}

/* Bit k of the result is byte k's word bit: 64 bytes at @p p (fewer, @p left, at the end of
 * the text; the bytes past it count as separators). */
static uint64_t word_mask(const unsigned char *p, size_t left)
{
        struct nw_mask64 m = nw_mask64(p, left);

        return m.letter | m.digit | m.high;
}

/* FNV-1a, byte by byte: h = (h ^ byte) * prime. */
#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define FNV_PRIME_INV 0xce965057aff6957bULL     /* FNV_PRIME's inverse modulo 2^64 */
_Static_assert(FNV_PRIME * FNV_PRIME_INV == 1, "FNV_PRIME_INV is the inverse of FNV_PRIME");

/* A zero byte only multiplies the hash by the prime, so FNV-1a of k zero bytes and then a
 * word, started from fnv_start[k] = basis / prime^k, is FNV-1a of the word itself. A word
 * is therefore hashed in whole eight-byte steps, its first step padded in front with zero
 * bytes: no branch on its length, whose end the processor cannot predict. */
#define INV1 FNV_PRIME_INV
#define INV2 (INV1 * FNV_PRIME_INV)
#define INV4 (INV2 * INV2)
static const uint64_t fnv_start[8] = {
        FNV_BASIS,
        FNV_BASIS * INV1,
        FNV_BASIS * INV2,
        FNV_BASIS * INV2 * INV1,
        FNV_BASIS * INV4,
        FNV_BASIS * INV4 * INV1,
        FNV_BASIS * INV4 * INV2,
        FNV_BASIS * INV4 * INV2 * INV1,
};

/* FNV-1a of @p n bytes at @p p, a byte at a time. */
static uint64_t hash_bytes(uint64_t h, const unsigned char *p, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                h = (h ^ (fold8(p[i]) & 0xFF)) * FNV_PRIME;
        }
        return h;
}

/* The hash of the @p n bytes at @p p in whole eight-byte steps: the first one reaches back
 * over the pad bytes before them, if the text has them (@p before bytes before @p p). */
static uint64_t hash_padded(const unsigned char *p, size_t n, size_t before)
{
        size_t pad = (0 - n) & 7;
        const unsigned char *q = p - pad, *end = p + n;
        uint64_t h = fnv_start[pad], keep = ~0ULL << (8 * pad);

        if (before < pad) {
                return hash_bytes(FNV_BASIS, p, n);
        }
        while (q < end) {
                uint64_t x = fold8(nw_load64le(q)) & keep;
                for (int k = 0; k < 64; k += 8) {
                        h = (h ^ (x >> k & 0xFF)) * FNV_PRIME;
                }
                keep = ~0ULL;
                q += 8;
        }
        return h;
}

/* keep_last[k]: the last k bytes of eight */
#define KEEP(k) (~0ULL << (8 * (8 - (k))))
static const uint64_t keep_last[9] = {
        0, KEEP(1), KEEP(2), KEEP(3), KEEP(4), KEEP(5), KEEP(6), KEEP(7), ~0ULL,
};

#define SPANS_AT_ONCE 64

/* The hashes of the words [s[i], e[i]) of @p p, @p n <= SPANS_AT_ONCE. Every multiplication
 * waits on the one before it in the same word, so four words go through their last steps
 * side by side. The bytes of those steps are laid out first, so that each step takes its
 * byte with one load instead of a copy, a shift and a mask of a register. */
static void hash_words(const unsigned char *p, const size_t *s, const size_t *e, size_t n,
                       uint64_t *out)
{
        unsigned char win[SPANS_AT_ONCE][8];
        uint64_t from[SPANS_AT_ONCE];
        size_t i = 0;

        /* a word ending in the first eight bytes of the text has no eight bytes before it */
        for (; i < n && e[i] < 8; i++) {
                out[i] = hash_bytes(FNV_BASIS, p + s[i], e[i] - s[i]);
        }
        /* A word's last step hashes the eight bytes that end it, from the hash of the bytes
         * before them; a word of up to eight bytes has its step padded in front instead. */
        for (size_t j = i; j < n; j++) {
                size_t len = e[j] - s[j];
                uint64_t x = fold8(nw_load64le(p + e[j] - 8));
                if (len > 8) {
                        from[j] = hash_padded(p + s[j], len - 8, s[j]);
                } else {
                        from[j] = fnv_start[8 - len];
                        x &= keep_last[len];
                }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                x = __builtin_bswap64(x);       /* the first byte at the lowest address */
#endif
                memcpy(win[j], &x, 8);
        }
        for (; i + 4 <= n; i += 4) {
                uint64_t h0 = from[i], h1 = from[i + 1], h2 = from[i + 2], h3 = from[i + 3];
                /* written out: the loop is not unrolled otherwise */
#define STEP4(k)                                                                               \
        do {                                                                                   \
                h0 = (h0 ^ win[i][k]) * FNV_PRIME;                                             \
                h1 = (h1 ^ win[i + 1][k]) * FNV_PRIME;                                         \
                h2 = (h2 ^ win[i + 2][k]) * FNV_PRIME;                                         \
                h3 = (h3 ^ win[i + 3][k]) * FNV_PRIME;                                         \
        } while (0)
                STEP4(0);
                STEP4(1);
                STEP4(2);
                STEP4(3);
                STEP4(4);
                STEP4(5);
                STEP4(6);
                STEP4(7);
#undef STEP4
                out[i] = h0;
                out[i + 1] = h1;
                out[i + 2] = h2;
                out[i + 3] = h3;
        }
        for (; i < n; i++) {
                uint64_t h = from[i];
                for (int k = 0; k < 8; k++) {
                        h = (h ^ win[i][k]) * FNV_PRIME;
                }
                out[i] = h;
        }
}

void nw_fp_words_init(struct nw_fp_words *it, const char *text, size_t len)
{
        it->text = text;
        it->len = len;
        it->pos = 0;
}

/* The words are found 64 bytes at a time from a mask of their bytes: a word starts at a
 * word byte after a separator and ends at a separator after a word byte, so the starts and
 * ends of a block come out of two bit operations, in order and alternating. A word that runs
 * past the block is finished in the next. Finds at most @p want words from it->pos, which
 * it leaves at the end of the last (a separator, or the end of the text). */
static size_t find_words(struct nw_fp_words *it, size_t *ws, size_t *we, size_t want)
{
        const unsigned char *p = (const unsigned char *)it->text;
        size_t len = it->len, base = it->pos, n = 0, open = 0;
        uint64_t carry = 0;     /* 1: the byte before the block belongs to the open word */
        int is_open = 0;

        while (base < len) {
                uint64_t m = word_mask(p + base, len - base);
                uint64_t in = m << 1 | carry;
                uint64_t starts = m & ~in, ends = ~m & in;

                if (is_open && ends) {
                        ws[n] = open;
                        we[n++] = base + (size_t)__builtin_ctzll(ends);
                        ends &= ends - 1;
                        is_open = 0;
                        if (n == want) {
                                it->pos = we[n - 1];
                                return n;
                        }
                }
                while (starts) {
                        size_t s = base + (size_t)__builtin_ctzll(starts);
                        starts &= starts - 1;
                        if (!ends) {
                                is_open = 1;
                                open = s;
                                break;
                        }
                        ws[n] = s;
                        we[n++] = base + (size_t)__builtin_ctzll(ends);
                        ends &= ends - 1;
                        if (n == want) {
                                it->pos = we[n - 1];
                                return n;
                        }
                }
                carry = m >> 63;
                base += 64;
        }
        if (is_open) {
                ws[n] = open;
                we[n++] = len;
        }
        it->pos = len;
        return n;
}

size_t nw_fp_words_next(struct nw_fp_words *it, uint64_t *out, size_t cap)
{
        size_t ws[SPANS_AT_ONCE], we[SPANS_AT_ONCE], n = 0;

        while (n < cap) {
                size_t want = cap - n < SPANS_AT_ONCE ? cap - n : SPANS_AT_ONCE;
                size_t got = find_words(it, ws, we, want);
                hash_words((const unsigned char *)it->text, ws, we, got, out + n);
                n += got;
                if (got < want) {
                        break;  /* the end of the text */
                }
        }
        return n;
}

/* SimHash counts, for each of the 64 bits, how many shingle hashes have it set. The counts
 * are kept bit-sliced: bit b of lvl[k] is bit k of the count of bit b, so one 64-bit
 * operation works on all 64 counters at once. Sixteen hashes at a time go through a tree of
 * carry-save adders (Harley and Seal) into the four lowest levels, and what carries out of
 * them ripples up the others: a few operations per hash instead of one addition per bit. */
#define CSA(h, l, a, b, c)                                                                     \
        do {                                                                                   \
                uint64_t u_ = (a) ^ (b);                                                       \
                (h) = ((a) & (b)) | (u_ & (c));                                                \
                (l) = u_ ^ (c);                                                                \
        } while (0)

static void add16(uint64_t lvl[NW_SIMHASH_LEVELS], const uint64_t d[16])
{
        uint64_t ones = lvl[0], twos = lvl[1], fours = lvl[2], eights = lvl[3];
        uint64_t twos_a, twos_b, fours_a, fours_b, eights_a, eights_b, c;

        CSA(twos_a, ones, ones, d[0], d[1]);
        CSA(twos_b, ones, ones, d[2], d[3]);
        CSA(fours_a, twos, twos, twos_a, twos_b);
        CSA(twos_a, ones, ones, d[4], d[5]);
        CSA(twos_b, ones, ones, d[6], d[7]);
        CSA(fours_b, twos, twos, twos_a, twos_b);
        CSA(eights_a, fours, fours, fours_a, fours_b);
        CSA(twos_a, ones, ones, d[8], d[9]);
        CSA(twos_b, ones, ones, d[10], d[11]);
        CSA(fours_a, twos, twos, twos_a, twos_b);
        CSA(twos_a, ones, ones, d[12], d[13]);
        CSA(twos_b, ones, ones, d[14], d[15]);
        CSA(fours_b, twos, twos, twos_a, twos_b);
        CSA(eights_b, fours, fours, fours_a, fours_b);
        CSA(c, eights, eights, eights_a, eights_b);
        lvl[0] = ones;
        lvl[1] = twos;
        lvl[2] = fours;
        lvl[3] = eights;
        /* c holds the sixteens */
        for (int k = 4; c && k < NW_SIMHASH_LEVELS; k++) {
                uint64_t t = lvl[k] & c;
                lvl[k] ^= c;
                c = t;
        }
}

void nw_simhash_init(struct nw_simhash *sh)
{
        memset(sh, 0, sizeof(*sh));
}

#define SHINGLES_AT_ONCE 64     /* a multiple of 16 */

/* hs[i] = the hash of the shingle ending at words[j + i], for i < m (j >= 2). */
static void shingle_hashes(uint64_t *hs, const uint64_t *words, size_t j, size_t m)
{
        for (size_t i = 0; i < m; i++, j++) {
                hs[i] = mix(words[j - 2] * 31 * 31 + words[j - 1] * 31 + words[j]);
        }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(NW_SWAR_ONLY)
/* With AVX2 (checked at run time: the build targets plain x86-64) four lanes multiply at
 * once; each computes exactly what shingle_hashes() does. */
#define HAVE_WIDE 1
typedef uint64_t v4u __attribute__((vector_size(32)));

__attribute__((target("avx2"))) static void shingle_hashes_wide(uint64_t *hs, const uint64_t *words,
                                                              size_t j, size_t m)
{
        size_t i = 0;

        for (; i + 4 <= m; i += 4, j += 4) {
                v4u a, b, c;
                memcpy(&a, words + j - 2, sizeof(a));
                memcpy(&b, words + j - 1, sizeof(b));
                memcpy(&c, words + j, sizeof(c));
                a = a * (31 * 31) + b * 31 + c;
                a ^= a >> 30;
                a *= 0xbf58476d1ce4e5b9ULL;
                a ^= a >> 27;
                a *= 0x94d049bb133111ebULL;
                a ^= a >> 31;
                memcpy(hs + i, &a, sizeof(a));
        }
        shingle_hashes(hs + i, words, j, m - i);
}
#endif

void nw_simhash_add(struct nw_simhash *sh, const uint64_t *words, size_t n)
{
        uint64_t hs[SHINGLES_AT_ONCE];
        size_t j = 0, k = 0;

        /* the shingles that reach back into the batch before (none before the third word) */
        for (; j < n && j < 2; j++) {
                uint64_t a = j == 0 ? sh->last[0] : sh->last[1];
                uint64_t b = j == 0 ? sh->last[1] : words[0];
                if (sh->nwords + j >= 2) {
                        hs[k++] = mix(a * 31 * 31 + b * 31 + words[j]);
                }
        }
        /* hashed a block at a time, then counted: the hashes of a block are independent,
         * so their multiplications overlap */
        while (j < n || k > 0) {
                size_t m = n - j < SHINGLES_AT_ONCE - k ? n - j : SHINGLES_AT_ONCE - k;
#ifdef HAVE_WIDE
                if (__builtin_cpu_supports("avx2")) {
                        shingle_hashes_wide(hs + k, words, j, m);
                } else
#endif
                {
                        shingle_hashes(hs + k, words, j, m);
                }
                j += m;
                k += m;
                /* zeros count nothing: the last block is padded to whole sixteens */
                while (k % 16) {
                        hs[k++] = 0;
                }
                for (size_t i = 0; i < k; i += 16) {
                        add16(sh->lvl, hs + i);
                }
                k = 0;
        }
        if (n >= 2) {
                sh->last[0] = words[n - 2];
                sh->last[1] = words[n - 1];
        } else if (n == 1) {
                sh->last[0] = sh->last[1];
                sh->last[1] = words[0];
        }
        sh->nwords += n;
}

uint64_t nw_simhash_end(struct nw_simhash *sh)
{
        uint64_t gt = 0, eq = ~0ULL, half;

        if (sh->nwords == 0) {
                return 0;
        }
        if (sh->nwords < 3) {
                /* too short for a shingle: hash what there is, the missing words as 0 */
                return mix(sh->last[0] * 31 + sh->last[1]);
        }
        /* a bit is set when more shingles have it than not: 2 count > shingles, that is
         * count > half; compared from the top level down, all 64 bits at once */
        half = (uint64_t)(sh->nwords - 2) / 2;
        if (half >> (NW_SIMHASH_LEVELS - 1) >> 1) {
                return 0;       /* more than the counters can count to */
        }
        for (int k = NW_SIMHASH_LEVELS - 1; k >= 0; k--) {
                if (half >> k & 1) {
                        eq &= sh->lvl[k];
                } else {
                        gt |= eq & sh->lvl[k];
                        eq &= ~sh->lvl[k];
                }
        }
        return gt;
}

#define WORDS_AT_ONCE 256

uint64_t nw_fp_simhash(const char *text, size_t len)
{
        uint64_t w[WORDS_AT_ONCE];
        struct nw_simhash sh;
        struct nw_fp_words it;
        size_t n;

        nw_simhash_init(&sh);
        nw_fp_words_init(&it, text, len);
        do {
                n = nw_fp_words_next(&it, w, WORDS_AT_ONCE);
                nw_simhash_add(&sh, w, n);
        } while (n == WORDS_AT_ONCE);
        return nw_simhash_end(&sh);
}

int nw_fp_hamming(uint64_t a, uint64_t b)
{
        return __builtin_popcountll(a ^ b);
}
