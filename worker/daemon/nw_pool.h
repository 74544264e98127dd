/* nw_pool.h -- a fixed set of threads that run one function over the items of a batch and
 * return when all are done. The pipeline is pure, so the items of a batch can be processed
 * in parallel; everything around it (Kafka, Redis, offsets) stays on the loop's thread. */
#ifndef NW_DAEMON_POOL_H
#define NW_DAEMON_POOL_H

#include <stddef.h>

struct nw_pool;

/** @brief Start @p threads - 1 helper threads (the caller is the last worker); @p threads 0
 *  means one per CPU, at most eight (the `worker.threads` default).
 *  @returns NULL when a thread cannot be created (errno-style reason in @p errstr). */
struct nw_pool *nw_pool_new(int threads, char *errstr, size_t errstr_size);
/** @brief Stop and join the threads; NULL is a no-op. */
void nw_pool_destroy(struct nw_pool *p);

/** @brief Call @p fn(@p ctx, i) for every i in [0, @p n), spread over the threads; returns when
 *  all calls have returned. @p fn must not touch shared state except through its item. */
void nw_pool_run(struct nw_pool *p, void (*fn)(void *ctx, size_t i), void *ctx, size_t n);

/** @returns the number of threads that run items (helpers + the caller). */
int nw_pool_threads(const struct nw_pool *p);

#endif
