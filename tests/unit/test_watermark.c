/* test_watermark.c -- unit tests for nw_watermark: the committed offset must never pass an
 * offset that is still in flight (that would lose it on a crash) and must reach one past the
 * last offset once everything consumed is done. */
#include "nw_test.h"

#include <stdint.h>
#include <stdlib.h>

#include "nw_watermark.h"

#define T "news.raw"

static void test_in_order_advances(void)
{
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        for (int64_t o = 0; o < 3; o++) {
                CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, o), 0);
        }
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 3);
        for (int64_t o = 0; o < 3; o++) {
                CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, o, &commit), 1);
                CU_ASSERT_EQUAL(commit, o + 1);
                CU_ASSERT_EQUAL(nw_wm_pending(wm), (size_t)(2 - o));
        }
        nw_wm_destroy(wm);
}

static void test_out_of_order_waits_for_the_head(void)
{
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        for (int64_t o = 0; o < 3; o++) {
                nw_wm_track(wm, T, 0, o);
        }
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 2, &commit), 0);
        CU_ASSERT_EQUAL(commit, -99);   /* nothing to store while 0 and 1 are in flight */
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, T, 0), 3);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 0, &commit), 1);
        CU_ASSERT_EQUAL(commit, 1);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 1, &commit), 1);
        CU_ASSERT_EQUAL(commit, 3);     /* 1 and the already-done 2 at once */
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 0);
        nw_wm_destroy(wm);
}

static void test_gaps_in_consumed_offsets(void)
{
        /* compacted or transactional topics skip offsets: only what was consumed is waited for */
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        nw_wm_track(wm, T, 0, 10);
        nw_wm_track(wm, T, 0, 12);
        nw_wm_track(wm, T, 0, 15);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 12, &commit), 0);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 10, &commit), 1);
        CU_ASSERT_EQUAL(commit, 13);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 15, &commit), 1);
        CU_ASSERT_EQUAL(commit, 16);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 0);
        nw_wm_destroy(wm);
}

static void test_unknown_offsets(void)
{
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 5, &commit), -1);   /* unknown partition */
        nw_wm_track(wm, T, 0, 10);
        nw_wm_track(wm, T, 0, 12);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 11, &commit), -1);  /* a gap, never consumed */
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 9, &commit), -1);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 13, &commit), -1);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 1, 10, &commit), -1);  /* other partition */
        CU_ASSERT_EQUAL(nw_wm_done(wm, "other", 0, 10, &commit), -1);
        CU_ASSERT_EQUAL(commit, -99);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 10, &commit), 1);
        CU_ASSERT_EQUAL(commit, 11);
        /* done twice: the offset is already below the watermark */
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 10, &commit), -1);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 1);
        nw_wm_destroy(wm);
}

static void test_track_must_ascend(void)
{
        struct nw_watermark *wm = nw_wm_new();

        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, 100), 0);
        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, 100), -1);
        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, 99), -1);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 1);
        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, 101), 0);
        /* offset 0 is a valid first offset */
        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 1, 0), 0);
        nw_wm_destroy(wm);
}

static void test_drop_forgets_partition(void)
{
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        nw_wm_track(wm, T, 0, 5);
        nw_wm_track(wm, T, 0, 6);
        nw_wm_track(wm, T, 1, 40);
        nw_wm_drop(wm, T, 0);           /* revoked: in-flight 5 and 6 will be redelivered */
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 1);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, T, 0), 0);
        /* a late delivery report for a dropped partition must not commit anything */
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 5, &commit), -1);
        CU_ASSERT_EQUAL(commit, -99);
        /* the other partition is untouched */
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 1, 40, &commit), 1);
        CU_ASSERT_EQUAL(commit, 41);
        /* after re-assignment the redelivered, lower offsets can be tracked again */
        CU_ASSERT_EQUAL(nw_wm_track(wm, T, 0, 5), 0);
        CU_ASSERT_EQUAL(nw_wm_done(wm, T, 0, 5, &commit), 1);
        CU_ASSERT_EQUAL(commit, 6);
        nw_wm_drop(wm, T, 9);           /* unknown: a no-op */
        nw_wm_drop(wm, T, 0);
        nw_wm_drop(wm, T, 1);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 0);
        nw_wm_destroy(wm);
        nw_wm_destroy(NULL);
}

static void test_partitions_independent(void)
{
        struct nw_watermark *wm = nw_wm_new();
        int64_t commit = -99;

        /* same partition number on two topics, two partitions of one topic */
        nw_wm_track(wm, "a", 0, 0);
        nw_wm_track(wm, "a", 0, 1);
        nw_wm_track(wm, "b", 0, 0);
        nw_wm_track(wm, "a", 1, 100);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 4);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, "a", 0), 2);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, "b", 0), 1);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, "a", 1), 1);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, "c", 0), 0);
        CU_ASSERT_EQUAL(nw_wm_done(wm, "a", 0, 1, &commit), 0);
        CU_ASSERT_EQUAL(nw_wm_done(wm, "b", 0, 0, &commit), 1);
        CU_ASSERT_EQUAL(commit, 1);
        CU_ASSERT_EQUAL(nw_wm_done(wm, "a", 1, 100, &commit), 1);
        CU_ASSERT_EQUAL(commit, 101);
        CU_ASSERT_EQUAL(nw_wm_pending_partition(wm, "a", 0), 2);
        CU_ASSERT_EQUAL(nw_wm_done(wm, "a", 0, 0, &commit), 1);
        CU_ASSERT_EQUAL(commit, 2);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 0);
        /* many partitions: the partition table grows */
        for (int32_t p = 0; p < 40; p++) {
                CU_ASSERT_EQUAL(nw_wm_track(wm, "many", p, p * 10), 0);
        }
        for (int32_t p = 39; p >= 0; p--) {
                CU_ASSERT_EQUAL(nw_wm_done(wm, "many", p, p * 10, &commit), 1);
                CU_ASSERT_EQUAL(commit, p * 10 + 1);
        }
        nw_wm_destroy(wm);
}

/* xorshift64: a fixed-seed generator, so a failure reproduces exactly */
static uint64_t next_rand(uint64_t *s)
{
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

static void test_ring_growth_random_completion(void)
{
        enum { N = 1000 };
        struct nw_watermark *wm = nw_wm_new();
        int64_t offsets[N];
        size_t order[N];
        int done[N] = {0};
        size_t head = 0;        /* model: index of the first offset not yet done */
        int64_t commit = -1, last_commit = -1;
        uint64_t seed = 0x9E3779B97F4A7C15ULL;
        int ok = 1;

        /* offsets with random gaps; the first 40 are finished in order before the rest are
         * tracked, so the ring wraps (head != 0) when it grows past 64 entries */
        offsets[0] = 1000;
        for (size_t i = 1; i < N; i++) {
                offsets[i] = offsets[i - 1] + 1 + (int64_t)(next_rand(&seed) % 3);
        }
        for (size_t i = 0; i < 60; i++) {
                ok &= nw_wm_track(wm, T, 0, offsets[i]) == 0;
        }
        for (size_t i = 0; i < 40; i++) {
                ok &= nw_wm_done(wm, T, 0, offsets[i], &commit) == 1 && commit == offsets[i] + 1;
                done[i] = 1;
        }
        head = 40;
        last_commit = commit;
        for (size_t i = 60; i < N; i++) {
                ok &= nw_wm_track(wm, T, 0, offsets[i]) == 0;
        }
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), N - 40);
        /* complete the rest in a shuffled order (Fisher-Yates) */
        for (size_t i = 0; i < N - 40; i++) {
                order[i] = 40 + i;
        }
        for (size_t i = N - 40 - 1; i > 0; i--) {
                size_t j = (size_t)(next_rand(&seed) % (i + 1));
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
        }
        for (size_t k = 0; k < N - 40 && ok; k++) {
                size_t i = order[k];
                int rc = nw_wm_done(wm, T, 0, offsets[i], &commit);
                size_t old_head = head;

                done[i] = 1;
                while (head < N && done[head]) {
                        head++;
                }
                if (head != old_head) {
                        /* moved: exactly to one past the last contiguous done offset */
                        ok &= rc == 1 && commit == offsets[head - 1] + 1 && commit > last_commit;
                        last_commit = commit;
                } else {
                        ok &= rc == 0 && commit == last_commit;
                }
                ok &= nw_wm_pending(wm) == N - head;
                if (!ok) {
                        fprintf(stderr, "\nwatermark: step %zu offset %lld rc %d commit %lld\n",
                                k, (long long)offsets[i], rc, (long long)commit);
                }
        }
        CU_ASSERT(ok);
        CU_ASSERT_EQUAL(commit, offsets[N - 1] + 1);
        CU_ASSERT_EQUAL(nw_wm_pending(wm), 0);
        nw_wm_destroy(wm);
}

int nw_test_register_watermark(void)
{
        static const struct nw_test tests[] = {
                {"in-order done advances", test_in_order_advances},
                {"out of order waits for the head", test_out_of_order_waits_for_the_head},
                {"gaps in consumed offsets", test_gaps_in_consumed_offsets},
                {"unknown offsets", test_unknown_offsets},
                {"track must ascend", test_track_must_ascend},
                {"drop forgets the partition", test_drop_forgets_partition},
                {"partitions independent", test_partitions_independent},
                {"ring growth, random completion", test_ring_growth_random_completion},
                {NULL, NULL},
        };
        return nw_test_add_suite("watermark", tests);
}
