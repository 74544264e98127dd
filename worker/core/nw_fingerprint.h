/* nw_fingerprint.h -- content fingerprints: SHA-256 for exact duplicates and a 64-bit
 * SimHash of word shingles for near duplicates. Both are functions of normalized text only. */
#ifndef NW_CORE_FINGERPRINT_H
#define NW_CORE_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/** @brief SHA-256 of the normalized title, a newline, and the normalized body, as 64 lower-case
 *  hex digits plus NUL in @p hex. Either text may be NULL (treated as ""). */
void nw_fp_content_sha256(const char *title, const char *body, char hex[65]);

/** @brief nw_fp_content_sha256() of a title and body of known lengths (neither NULL). */
void nw_fp_content_sha256_n(const char *title, size_t title_len, const char *body,
                             size_t body_len, char hex[65]);

/** @brief SHA-256 of @p len bytes at @p s as hex. */
void nw_fp_sha256_hex(const char *s, size_t len, char hex[65]);

/** @returns the 64-bit SimHash of 3-word shingles of @p text (words are case-folded ASCII
 *  letters and digits, or runs of non-ASCII bytes); 0 for text with no words. */
uint64_t nw_fp_simhash(const char *text, size_t len);

/* The words both near-duplicate fingerprints read: maximal runs of ASCII letters and digits
 * and non-ASCII bytes, each hashed (FNV-1a over its case-folded bytes) exactly once. */
struct nw_fp_words {
        const char *text;
        size_t len, pos;
};

/** @brief Start reading the words of @p len bytes at @p text (borrowed). */
void nw_fp_words_init(struct nw_fp_words *it, const char *text, size_t len);

/** @brief Hash the next words, at most @p cap, into @p out.
 *  @returns how many; fewer than @p cap only at the end of the text. */
size_t nw_fp_words_next(struct nw_fp_words *it, uint64_t *out, size_t cap);

/* SimHash fed word hashes batch by batch (see nw_fp_words_next()), for a caller that reads
 * the words once for several fingerprints. The result equals nw_fp_simhash() of the text. */
#define NW_SIMHASH_LEVELS 40     /* counts up to 2^40 shingles */
struct nw_simhash {
        /* bit b of lvl[k] is bit k of the number of shingle hashes with bit b set */
        uint64_t lvl[NW_SIMHASH_LEVELS];
        uint64_t last[2];       /* the two words before the next batch (0 before the text) */
        size_t nwords;
};

void nw_simhash_init(struct nw_simhash *sh);
/** @brief Add the next @p n word hashes of the text. */
void nw_simhash_add(struct nw_simhash *sh, const uint64_t *words, size_t n);
/** @returns the SimHash of all the words added. */
uint64_t nw_simhash_end(struct nw_simhash *sh);

/** @returns the number of differing bits. */
int nw_fp_hamming(uint64_t a, uint64_t b);

#endif
