/* nw_swar.h -- the one loop the core's hot scans share: skip text eight bytes a step up to the first byte a mask picks out. */
#ifndef NW_CORE_SWAR_H
#define NW_CORE_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

#endif
