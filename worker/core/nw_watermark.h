/* nw_watermark.h -- per-partition contiguous watermark of finished offsets.
 * Offsets are tracked in the order they were consumed; the committable offset of a partition
 * is one past the last offset N such that N and every offset consumed before it are done.
 * Offsets never consumed (compacted away, transaction markers) are not gaps: only offsets
 * the worker actually received are waited for. Pure data structure, no Kafka types. */
#ifndef NW_CORE_WATERMARK_H
#define NW_CORE_WATERMARK_H

#include <stddef.h>
#include <stdint.h>

struct nw_watermark;

/** @returns a new, empty tracker; never NULL (aborts on out of memory). */
struct nw_watermark *nw_wm_new(void);
/** @brief Free the tracker; NULL is a no-op. */
void nw_wm_destroy(struct nw_watermark *wm);

/** @brief Record that @p offset of @p topic / @p partition was consumed and is now in flight.
 *  @returns 0; -1 when @p offset is not above the last one tracked for the partition (a
 *  redelivery after a seek or rebalance: the caller must drop the partition first). */
int nw_wm_track(struct nw_watermark *wm, const char *topic, int32_t partition, int64_t offset);

/** @brief Mark @p offset finished (its output or DLQ record is acknowledged, or it needed none).
 *  @returns 1 when the partition's watermark moved, with the offset to store (last contiguous
 *  done + 1) in @p commit; 0 when it did not move; -1 when the offset is not tracked
 *  (its partition was dropped since: ignore it). */
int nw_wm_done(struct nw_watermark *wm, const char *topic, int32_t partition, int64_t offset,
               int64_t *commit);

/** @brief Forget a partition (revoked, or lost): its in-flight offsets will be redelivered. */
void nw_wm_drop(struct nw_watermark *wm, const char *topic, int32_t partition);

/** @returns the number of tracked offsets not yet below a watermark, over all partitions. */
size_t nw_wm_pending(const struct nw_watermark *wm);

/** @returns the number of not-yet-committable offsets of one partition (0 if unknown). */
size_t nw_wm_pending_partition(const struct nw_watermark *wm, const char *topic, int32_t partition);

#endif
