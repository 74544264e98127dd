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

static uint64_t word_hash(const char *s, size_t n)
{
        uint64_t h = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 'A' && c <= 'Z') {
                        c = (unsigned char)(c - 'A' + 'a');
                }
                h ^= c;
                h *= 0x100000001b3ULL;
        }
        return h;
}

static int is_word_byte(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c >= 0x80;
}

/* Byte i of the result is bit i of @p b (0 or 1). */
static uint64_t spread(uint64_t b)
{
        uint64_t x = (b * 0x0101010101010101ULL) & 0x8040201008040201ULL;
        return ((x + 0x7F7F7F7F7F7F7F7FULL) >> 7) & 0x0101010101010101ULL;
}

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

uint64_t nw_fp_simhash(const char *text, size_t len)
{
        uint32_t ones[64] = {0};
        uint64_t acc[8] = {0};
        uint64_t w[3] = {0, 0, 0};
        size_t nwords = 0, i = 0, pending = 0;
        uint64_t out = 0;

        while (i < len) {
                size_t start;
                while (i < len && !is_word_byte((unsigned char)text[i])) {
                        i++;
                }
                start = i;
                while (i < len && is_word_byte((unsigned char)text[i])) {
                        i++;
                }
                if (i == start) {
                        break;
                }
                w[0] = w[1];
                w[1] = w[2];
                w[2] = word_hash(text + start, i - start);
                nwords++;
                if (nwords >= 3) {
                        uint64_t h = mix(w[0] * 31 * 31 + w[1] * 31 + w[2]);
                        for (int k = 0; k < 8; k++) {
                                acc[k] += spread((h >> (8 * k)) & 0xFF);
                        }
                        if (++pending == 255) {
                                flush(acc, ones);
                                pending = 0;
                        }
                }
        }
        if (nwords > 0 && nwords < 3) {
                /* too short for a shingle: hash what there is */
                return mix(w[0] * 31 * 31 + w[1] * 31 + w[2]);
        }
        flush(acc, ones);
        for (int b = 0; b < 64; b++) {
                /* more shingles with the bit set than without */
                if (2 * (uint64_t)ones[b] > (uint64_t)(nwords - 2)) {
                        out |= 1ULL << b;
                }
        }
        return out;
}

int nw_fp_hamming(uint64_t a, uint64_t b)
{
        return __builtin_popcountll(a ^ b);
}
