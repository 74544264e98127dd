/* nw_fingerprint.c -- SHA-256 through OpenSSL's EVP interface, SimHash by hand (it is a few lines). */
#include "nw_fingerprint.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

static void to_hex(const unsigned char *md, size_t n, char *hex)
{
        static const char digits[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
                hex[2 * i] = digits[md[i] >> 4];
                hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[2 * n] = '\0';
}

void nw_fp_content_sha256(const char *title, const char *body, char hex[65])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();

        if (!ctx) {
                abort();        /* allocation failure inside OpenSSL: as out of memory */
        }
        title = title ? title : "";
        body = body ? body : "";
        if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
            !EVP_DigestUpdate(ctx, title, strlen(title)) || !EVP_DigestUpdate(ctx, "\n", 1) ||
            !EVP_DigestUpdate(ctx, body, strlen(body)) || !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
                abort();
        }
        EVP_MD_CTX_free(ctx);
        to_hex(md, 32, hex);
}

void nw_fp_sha256_hex(const char *s, size_t len, char hex[65])
{
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;

        if (!EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL)) {
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

/* Each byte's part in a word: 0 ends a word, anything else is the byte folded to lower case.
 * One table lookup answers both questions the tokenizer asks of every byte. */
#define WB(c) ((c) >= 'A' && (c) <= 'Z' ? (c) | 0x20 :                                        \
               ((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) >= 0x80 ? (c) : 0)
#define WB4(c) WB(c), WB((c) + 1), WB((c) + 2), WB((c) + 3)
#define WB16(c) WB4(c), WB4((c) + 4), WB4((c) + 8), WB4((c) + 12)
static const unsigned char word_byte[256] = {
        WB16(0x00), WB16(0x10), WB16(0x20), WB16(0x30), WB16(0x40), WB16(0x50), WB16(0x60),
        WB16(0x70), WB16(0x80), WB16(0x90), WB16(0xA0), WB16(0xB0), WB16(0xC0), WB16(0xD0),
        WB16(0xE0), WB16(0xF0),
};

void nw_fp_words_init(struct nw_fp_words *it, const char *text, size_t len)
{
        it->text = text;
        it->len = len;
        it->pos = 0;
}

size_t nw_fp_words_next(struct nw_fp_words *it, uint64_t *out, size_t cap)
{
        const unsigned char *p = (const unsigned char *)it->text;
        size_t i = it->pos, len = it->len, n = 0;

        while (n < cap) {
                uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a */
                unsigned char c = 0;

                while (i < len && !(c = word_byte[p[i]])) {
                        i++;
                }
                if (i == len) {
                        break;
                }
                do {
                        h = (h ^ c) * 0x100000001b3ULL;
                } while (++i < len && (c = word_byte[p[i]]) != 0);
                out[n++] = h;
        }
        it->pos = i;
        return n;
}

/* Byte i of spread[b] is bit i of b: eight bit counters move with one addition. */
#define SP(b) ((uint64_t)((b) & 1) | (uint64_t)((b) >> 1 & 1) << 8 |                          \
               (uint64_t)((b) >> 2 & 1) << 16 | (uint64_t)((b) >> 3 & 1) << 24 |              \
               (uint64_t)((b) >> 4 & 1) << 32 | (uint64_t)((b) >> 5 & 1) << 40 |              \
               (uint64_t)((b) >> 6 & 1) << 48 | (uint64_t)((b) >> 7 & 1) << 56)
#define SP4(b) SP(b), SP((b) + 1), SP((b) + 2), SP((b) + 3)
#define SP16(b) SP4(b), SP4((b) + 4), SP4((b) + 8), SP4((b) + 12)
static const uint64_t spread[256] = {
        SP16(0x00), SP16(0x10), SP16(0x20), SP16(0x30), SP16(0x40), SP16(0x50), SP16(0x60),
        SP16(0x70), SP16(0x80), SP16(0x90), SP16(0xA0), SP16(0xB0), SP16(0xC0), SP16(0xD0),
        SP16(0xE0), SP16(0xF0),
};

/* SimHash counts, for each of the 64 bits, how many shingle hashes have it set. The counts
 * are kept eight to a word (one byte each) and added eight bits at a time, then moved to
 * 32-bit totals before a byte can overflow: an eighth of the additions of a bit loop. */
static void flush(uint64_t acc[8], uint32_t ones[64])
{
        for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 8; k++) {
                        ones[8 * i + k] += (uint32_t)((acc[i] >> (8 * k)) & 0xFF);
                }
                acc[i] = 0;
        }
}

void nw_simhash_init(struct nw_simhash *sh)
{
        memset(sh, 0, sizeof(*sh));
}

static void add_shingle(struct nw_simhash *sh, uint64_t h)
{
        /* written out: as a loop the counters stay in memory */
        sh->acc[0] += spread[h & 0xFF];
        sh->acc[1] += spread[h >> 8 & 0xFF];
        sh->acc[2] += spread[h >> 16 & 0xFF];
        sh->acc[3] += spread[h >> 24 & 0xFF];
        sh->acc[4] += spread[h >> 32 & 0xFF];
        sh->acc[5] += spread[h >> 40 & 0xFF];
        sh->acc[6] += spread[h >> 48 & 0xFF];
        sh->acc[7] += spread[h >> 56];
        if (++sh->pending == 255) {
                flush(sh->acc, sh->ones);
                sh->pending = 0;
        }
}

void nw_simhash_add(struct nw_simhash *sh, const uint64_t *words, size_t n)
{
        uint64_t acc[8];
        size_t j = 0;

        /* the shingles that reach back into the batch before (none before the third word) */
        for (; j < n && j < 2; j++) {
                uint64_t a = j == 0 ? sh->last[0] : sh->last[1];
                uint64_t b = j == 0 ? sh->last[1] : words[0];
                if (sh->nwords + j >= 2) {
                        add_shingle(sh, mix(a * 31 * 31 + b * 31 + words[j]));
                }
        }
        /* the counters in registers for the bulk of the batch */
        memcpy(acc, sh->acc, sizeof(acc));
        for (; j < n; j++) {
                uint64_t h = mix(words[j - 2] * 31 * 31 + words[j - 1] * 31 + words[j]);
                acc[0] += spread[h & 0xFF];
                acc[1] += spread[h >> 8 & 0xFF];
                acc[2] += spread[h >> 16 & 0xFF];
                acc[3] += spread[h >> 24 & 0xFF];
                acc[4] += spread[h >> 32 & 0xFF];
                acc[5] += spread[h >> 40 & 0xFF];
                acc[6] += spread[h >> 48 & 0xFF];
                acc[7] += spread[h >> 56];
                if (++sh->pending == 255) {
                        flush(acc, sh->ones);
                        sh->pending = 0;
                }
        }
        memcpy(sh->acc, acc, sizeof(acc));
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
        uint64_t out = 0;

        if (sh->nwords > 0 && sh->nwords < 3) {
                /* too short for a shingle: hash what there is, the missing words as 0 */
                return mix(sh->last[0] * 31 + sh->last[1]);
        }
        flush(sh->acc, sh->ones);
        for (int b = 0; b < 64; b++) {
                /* more shingles with the bit set than without */
                if (2 * (uint64_t)sh->ones[b] > (uint64_t)(sh->nwords - 2)) {
                        out |= 1ULL << b;
                }
        }
        return out;
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
