/* nw_swar.h -- what the core's hot scans share: skip text eight bytes a step up to the first byte a mask picks out, and the letter, digit and non-ASCII masks of a 64-byte block. */
#ifndef NW_CORE_SWAR_H
#define NW_CORE_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
#include <emmintrin.h>
#endif

#define NW_ONES8 0x0101010101010101ULL
#define NW_HIGH8 0x8080808080808080ULL

/** @brief Eight bytes as a little-endian integer: the first byte in the low bits. */
static inline uint64_t nw_load64le(const void *p)
{
        uint64_t x;

        memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x);
#endif
        return x;
}

/** @brief From @p i, pass the whole eight-byte words of @p s[0, n) in which @p hit finds
 *  nothing. @p hit maps eight bytes (little endian) to a mask with the high bit of each byte
 *  of interest set; its lowest set bit must be exact. Static inline, so a constant @p hit is
 *  inlined like a macro would be.
 *  @returns the index of the first byte of interest, with *@p found 1; or, with *@p found 0,
 *  where fewer than eight bytes are left (every byte before it was passed over): the caller
 *  goes on byte by byte. On a big-endian machine nothing is skipped. */
static inline size_t nw_swar_skip(const char *s, size_t i, size_t n, uint64_t (*hit)(uint64_t),
                                  int *found)
{
        *found = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        while (n - i >= 8) {
                uint64_t x, m;
                memcpy(&x, s + i, 8);
                m = hit(x);
                if (m) {
                        *found = 1;
                        return i + ((size_t)__builtin_ctzll(m) >> 3);
                }
                i += 8;
        }
#else
        (void)s;
        (void)n;
        (void)hit;
#endif
        return i;
}

/* Bit k of each mask is byte k of a 64-byte block: an ASCII letter (either case), an ASCII
 * digit, a byte of a non-ASCII character (its high bit set), a byte with the ASCII case bit
 * (0x20) set: a letter without it is a capital. */
struct nw_mask64 {
        uint64_t letter, digit, high, case_bit;
};

/* The high bits of the eight bytes of @p x (little endian) as the low byte: one multiply
 * gathers them into the top byte. */
static inline uint64_t nw_gather_high8(uint64_t x)
{
        return ((x & NW_HIGH8) >> 7) * 0x0102040810204080ULL >> 56;
}

/** @brief The class masks of the 64 bytes at @p p; with @p left < 64 (the end of a text) only
 *  that many are read and the rest belong to no class. Static inline: a caller that uses
 *  one of the masks does not pay for the others. */
static inline struct nw_mask64 nw_mask64(const unsigned char *p, size_t left)
{
        unsigned char tail[64];
        struct nw_mask64 m = {0, 0, 0, 0};

        if (left < 64) {
                memset(tail, 0, sizeof(tail));
                memcpy(tail, p, left);
                p = tail;
        }
#if defined(__SSE2__) && !defined(NW_SWAR_ONLY)
        /* sixteen bytes a step, and the processor gathers their bits in one instruction. A
         * byte is in a range when, moved so that the range starts at -128 (as a signed
         * byte), it is below -128 + the range's width. */
        for (int k = 0; k < 4; k++) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
                __m128i a = _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
                                         _mm_set1_epi8((char)(0x80 - 'a')));
                __m128i d = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0')));
                m.letter |= (uint64_t)(unsigned)_mm_movemask_epi8(
                                    _mm_cmplt_epi8(a, _mm_set1_epi8(-128 + 26)))
                            << (16 * k);
                m.digit |= (uint64_t)(unsigned)_mm_movemask_epi8(
                                   _mm_cmplt_epi8(d, _mm_set1_epi8(-128 + 10)))
                           << (16 * k);
                m.high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * k);
                /* the case bit moved to the top of its byte by a shift of two */
                m.case_bit |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_slli_epi16(v, 2))
                              << (16 * k);
        }
#else
        for (int k = 0; k < 8; k++) {
                /* the bytes cut to 7 bits first so that no sum carries into the next byte */
                uint64_t x = nw_load64le(p + 8 * k), t = x & NW_ONES8 * 0x7F;
                uint64_t a = t | NW_ONES8 * 0x20;
                uint64_t l = (a + NW_ONES8 * (0x80 - 'a')) & ~(a + NW_ONES8 * (0x7F - 'z')) & ~x;
                uint64_t d = (t + NW_ONES8 * (0x80 - '0')) & ~(t + NW_ONES8 * (0x7F - '9')) & ~x;
                m.letter |= nw_gather_high8(l) << (8 * k);
                m.digit |= nw_gather_high8(d) << (8 * k);
                m.high |= nw_gather_high8(x) << (8 * k);
                m.case_bit |= nw_gather_high8(x << 2) << (8 * k);
        }
#endif
        return m;
}

#endif
