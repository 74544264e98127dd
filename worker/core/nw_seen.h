/* nw_seen.h -- an in-memory set of claim keys with their claim values, for the offline
 * `process` mode's dedupe (the daemon uses Redis for the same decision). */
#ifndef NW_CORE_SEEN_H
#define NW_CORE_SEEN_H

#include <stddef.h>

struct nw_seen;

/** @returns a new empty set; never NULL. */
struct nw_seen *nw_seen_new(void);
/** @brief Free the set; NULL is a no-op. */
void nw_seen_destroy(struct nw_seen *s);

/** @brief Claim @p key for @p value unless another value holds it.
 *  @returns 1 claimed now, 2 already held by the same value, 0 held by another value (whose
 *  text is put in @p holder, borrowed until the set is destroyed; @p holder may be NULL). */
int nw_seen_claim(struct nw_seen *s, const char *key, const char *value, const char **holder);

/** @returns the holder of @p key or NULL; borrowed. */
const char *nw_seen_get(const struct nw_seen *s, const char *key);

/** @brief Set @p key to @p value (overwriting). */
void nw_seen_put(struct nw_seen *s, const char *key, const char *value);

#endif
