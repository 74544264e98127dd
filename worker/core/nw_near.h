/* nw_near.h -- near-duplicate fingerprints: a MinHash signature of word 5-shingles, LSH band
 * keys to find candidates, and the containment estimate that decides.
 *
 * Why MinHash and containment rather than SimHash alone: syndicated copies are often cut
 * short or wrapped in extra text, and a truncated copy shares most of its shingles with the
 * original while their Jaccard similarity (and SimHash distance) look unrelated. The
 * containment of the smaller text in the larger, |A and B| / min(|A|, |B|), stays high for
 * such copies and low for templated stories about another year's event. On the development
 * pairs, word 5-gram containment is >= 0.53 for every duplicate and <= 0.26 for every
 * distinct pair. */
#ifndef NW_CORE_NEAR_H
#define NW_CORE_NEAR_H

#include <stddef.h>
#include <stdint.h>

#define NW_NEAR_HASHES 64       /* signature length */
#define NW_NEAR_ROWS 2          /* rows per LSH band: two keeps copies with Jaccard 0.2 findable */
#define NW_NEAR_BANDS (NW_NEAR_HASHES / NW_NEAR_ROWS)
#define NW_NEAR_SHINGLE 5       /* words per shingle */
/* Shorter texts are never near duplicates: a dividend notice or a rate change is a template
 * of a dozen words that differs from the next one only in names and dates. Exact
 * duplicates of them are still caught. */
#define NW_NEAR_MIN_SHINGLES 25
#define NW_NEAR_CANDIDATES 8    /* distinct candidates compared per item: bounds the cost */

#define NW_NEAR_NUMS 16          /* figures kept per text (the smallest hashes) */

struct nw_near_sig {
        uint32_t h[NW_NEAR_HASHES];
        uint32_t shingles;      /* shingle count (0: too short to compare) */
        /* Figures: hashes of the tokens that hold a digit, smallest first, UINT32_MAX unused.
         * Templated wire stories (dividends, bond issues, reserve operations) share most of
         * their words and differ in their figures; copies of one story share them. */
        uint32_t num[NW_NEAR_NUMS];
        uint32_t nnum;
};

/** @brief Compute the signature of @p text (normalized body). Texts of fewer than
 *  NW_NEAR_MIN_SHINGLES shingles get shingles 0 and never match. */
void nw_near_signature(const char *text, size_t len, struct nw_near_sig *sig);

/** @brief nw_near_signature() of @p text and its nw_fp_simhash() in @p simhash, from one
 *  reading of its words (both fingerprints hash the same words). */
void nw_near_fingerprints(const char *text, size_t len, uint64_t *simhash,
                          struct nw_near_sig *sig);

/** @returns the 32-bit key of band @p band (0..NW_NEAR_BANDS-1) of @p sig. */
uint32_t nw_near_band(const struct nw_near_sig *sig, int band);

/** @returns the estimated containment of the smaller text in the larger, 0..1; 0 when their
 *  figures disagree (both texts have figures and fewer than half of the smaller set's are in
 *  the other). */
double nw_near_containment(const struct nw_near_sig *a, const struct nw_near_sig *b);

/** @brief Serialize @p sig little endian: shingle count, NW_NEAR_HASHES hashes, figure count,
 *  NW_NEAR_NUMS figure hashes: the form the Redis script compares. @p out holds at least
 *  NW_NEAR_SIG_BYTES. */
#define NW_NEAR_SIG_BYTES (4 * (NW_NEAR_HASHES + 2 + NW_NEAR_NUMS))
void nw_near_sig_bytes(const struct nw_near_sig *sig, unsigned char *out);
/** @brief The inverse of nw_near_sig_bytes(). @returns 0, or -1 when @p len is not
 *  NW_NEAR_SIG_BYTES or the bytes cannot be a signature. */
int nw_near_sig_parse(const unsigned char *in, size_t len, struct nw_near_sig *sig);

/* A Bloom filter of band keys: which bands a band bucket that takes no more bands may hold.
 * No false negatives, well under 1% false positives at 16 bits per band or more. The Redis adapter
 * keeps one per older bucket, so that the claim script looks up in it only the bands it
 * may hold. */
struct nw_near_filter {
        uint64_t *w;
        uint64_t mask;          /* bits - 1; w == NULL: holds nothing */
};

/** @brief Size @p f for @p n bands (16 bits each, rounded up to a power of two).
 *  @returns its size in bytes. */
size_t nw_near_filter_init(struct nw_near_filter *f, size_t n);
/** @returns the size nw_near_filter_init() would give for @p n bands. */
size_t nw_near_filter_bytes(size_t n);
void nw_near_filter_free(struct nw_near_filter *f);
/** @brief Add band @p band of key @p key. */
void nw_near_filter_add(struct nw_near_filter *f, int band, uint32_t key);
/** @brief Start loading what nw_near_filter_maybe() will read for this band. */
void nw_near_filter_prefetch(const struct nw_near_filter *f, int band, uint32_t key);
/** @returns 1 when band @p band of key @p key may be in @p f, 0 when it is not. */
int nw_near_filter_maybe(const struct nw_near_filter *f, int band, uint32_t key);

/* An in-memory index with the same decision rule as the Redis script, for the offline mode. */
struct nw_near_index;

struct nw_near_index *nw_near_index_new(void);
void nw_near_index_destroy(struct nw_near_index *ix);

/** @brief Look for a near duplicate of @p sig among indexed items (ignoring @p id itself), then
 *  index @p sig under @p id. @returns the matched item's id (borrowed, valid until destroy)
 *  with its containment in @p similarity when it is at least @p threshold, else NULL. */
const char *nw_near_index_check_insert(struct nw_near_index *ix, const char *id,
                                       const struct nw_near_sig *sig, double threshold,
                                       double *similarity);

#endif
