/* nw_redis.h -- the Redis adapter: connect/reconnect, and the exact-duplicate claims of a whole
 * batch in one pipelined round trip (one EVALSHA per item, all written before any reply is
 * read). Hides redisContext. */
#ifndef NW_ADAPTERS_REDIS_H
#define NW_ADAPTERS_REDIS_H

#include <stddef.h>
#include <stdint.h>
#include "nw_err.h"
#include "nw_near.h"

struct nw_redis;

/* One claim: the keys an item would hold and the value that names it. */
struct nw_claim {
        const char *key_content;        /* required */
        const char *key_url;            /* may be NULL or "" */
        const char *value;              /* "<topic>/<partition>/<offset> <id>" */
        const char *id;                 /* the record id, for the near-duplicate index */
        const struct nw_near_sig *near; /* NULL: no near-duplicate check */
};

enum nw_claim_result {
        NW_CLAIM_DUPLICATE = 0,         /* another message holds a key: holder says which */
        NW_CLAIM_NEW = 1,               /* claimed now */
        NW_CLAIM_OWN = 2                /* this same message claimed it before (a redelivery) */
};

struct nw_claim_reply {
        enum nw_claim_result result;
        char holder[256];               /* the holding claim's value, for DUPLICATE */
        char near_of[256];              /* id of the item this is a near copy of, or "" */
        double similarity;              /* its estimated containment, when near_of is set */
};

/** @brief Parse @p url (redis://[user:password@]host[:port][/db] or unix:///path[?db=N]).
 *  @p password, if non-empty, overrides the URL's. Does not connect.
 *  @returns NULL with a reason in @p errstr when the URL is malformed. */
struct nw_redis *nw_redis_new(const char *url, const char *password, long timeout_ms,
                              char *errstr, size_t errstr_size);
/** @brief Close and free; NULL is a no-op. */
void nw_redis_destroy(struct nw_redis *r);

/** @brief Connect (if not connected), authenticate, select the db and load the claim script.
 *  @returns NW_OK; NW_ERR_REDIS when unreachable (retry later); NW_ERR_CONFIG when Redis
 *  refuses our credentials or commands (fatal). */
enum nw_err nw_redis_connect(struct nw_redis *r, char *errstr, size_t errstr_size);

/** @returns 1 when a connection is open. */
int nw_redis_connected(const struct nw_redis *r);

/** @brief Claim @p n items at once with time-to-live @p ttl_s: one round trip. Items with a
 *  signature that are not exact duplicates are also checked against, then added to, the
 *  near-duplicate index (keys under @p prefix); a match needs an estimated containment of at
 *  least @p near_threshold (0..1).
 *  @returns NW_OK with @p replies filled; NW_ERR_REDIS when the connection failed (it is
 *  closed; nothing is known about which claims were made, and retrying is safe because a
 *  claim made by the same message reads back as NW_CLAIM_OWN); NW_ERR_CONFIG when Redis
 *  refuses the command (for example an ACL that forbids it). */
enum nw_err nw_redis_claim_batch(struct nw_redis *r, const struct nw_claim *claims, size_t n,
                                 long ttl_s, const char *prefix, double near_threshold,
                                 struct nw_claim_reply *replies, char *errstr,
                                 size_t errstr_size);

/** @brief The same round trip in parts, so that Redis works on the first claims of a batch
 *  while the caller is still computing the next: each send writes its claims to Redis and
 *  returns without waiting; one receive then reads the replies of every claim sent since the
 *  last receive, in order, into @p replies (@p n must be that total). A failed send fails the
 *  rest of the round (later sends return at once, the receive returns NW_ERR_REDIS); the next
 *  send after the receive connects again. Errors as for nw_redis_claim_batch(). */
enum nw_err nw_redis_claim_send(struct nw_redis *r, const struct nw_claim *claims, size_t n,
                                long ttl_s, const char *prefix, double near_threshold,
                                char *errstr, size_t errstr_size);
/** @brief Read the replies of the claims sent in this round (see nw_redis_claim_send()):
 *  @p claims are the same claims, in the order sent (their signatures are compared with the
 *  candidates Redis returns). */
enum nw_err nw_redis_claim_recv(struct nw_redis *r, const struct nw_claim *claims,
                                struct nw_claim_reply *replies, size_t n, char *errstr,
                                size_t errstr_size);

/** @brief Keep Bloom filters of the older band buckets, up to @p max_bytes of memory in all
 *  (0, the default: none), so that the claims look up in them only the bands they may hold.
 *  A thread with a connection of its own gets a bucket's filter once every replica has left
 *  it: copied from Redis when another worker stored it, else read from the bucket (HLEN,
 *  then HSCAN) and stored for the others. Call before the first claim. */
void nw_redis_set_near_filters(struct nw_redis *r, size_t max_bytes);

/** @brief Start building the filters for @p prefix and @p ttl_s now rather than at the first
 *  claim with a signature. */
void nw_redis_near_filters_start(struct nw_redis *r, long ttl_s, const char *prefix);
/** @brief Start the filters for @p prefix and @p ttl_s and wait, at most @p timeout_ms, until
 *  every older bucket that can have one has one (a batch job's start: its claims then skip
 *  the lookups from the first). */
void nw_redis_near_filters_wait(struct nw_redis *r, long ttl_s, const char *prefix,
                                long timeout_ms);

struct nw_redis_filter_stats {
        size_t filters;         /* older buckets with a usable filter */
        size_t copied;          /* of them, copied from another replica's through Redis */
        size_t bytes;           /* their memory */
        uint64_t skipped;       /* bands they ruled out of an older bucket (not looked up) */
};
void nw_redis_near_filter_stats(struct nw_redis *r, struct nw_redis_filter_stats *out);

/** @brief PING. @returns NW_OK or NW_ERR_REDIS. */
enum nw_err nw_redis_ping(struct nw_redis *r, char *errstr, size_t errstr_size);

/** @returns the number of pipelined round trips made so far (for metrics and tests). */
uint64_t nw_redis_round_trips(const struct nw_redis *r);

#endif
