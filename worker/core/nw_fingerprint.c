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

uint64_t nw_fp_simhash(const char *text, size_t len)
{
        int32_t v[64] = {0};
        uint64_t w[3] = {0, 0, 0};
        size_t nwords = 0, i = 0;
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
                        for (int b = 0; b < 64; b++) {
                                v[b] += (h >> b) & 1 ? 1 : -1;
                        }
                }
        }
        if (nwords > 0 && nwords < 3) {
                /* too short for a shingle: hash what there is */
                uint64_t h = mix(w[0] * 31 * 31 + w[1] * 31 + w[2]);
                return h;
        }
        for (int b = 0; b < 64; b++) {
                if (v[b] > 0) {
                        out |= 1ULL << b;
                }
        }
        return out;
}

int nw_fp_hamming(uint64_t a, uint64_t b)
{
        return __builtin_popcountll(a ^ b);
}
