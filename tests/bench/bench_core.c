/* bench_core.c -- single-thread throughput of the core over a JSON-lines file: each stage
 * timed on its own (decode, normalize, fingerprint, extract) and the daemon's own path
 * (nw_pipeline_process + nw_serialize), best of R runs, MB/s, articles/s and peak RSS.
 *
 * It calls exactly the functions the daemon calls; nothing of the core is copied here.
 * The staged pass and the pipeline pass do the same work in the same order, so their totals
 * should agree; serialize is timed in the pipeline pass because only the pipeline gives an
 * article its record id. The pipeline+serialize figure comes from a third pass timed only at
 * its ends, so the per-article clock reads of the other two are not in it.
 *
 * usage: bench_core [--runs R] [--limit N] FILE.jsonl */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "nw_article.h"
#include "nw_buf.h"
#include "nw_decode.h"
#include "nw_extract.h"
#include "nw_fingerprint.h"
#include "nw_near.h"
#include "nw_normalize.h"
#include "nw_pipeline.h"
#include "nw_serialize.h"
#include "nw_time.h"
#include "nw_jemalloc.h"

/* the daemon's allocator options, so that the core is measured as it runs there */
NW_JEMALLOC_OPTIONS;

enum { ST_DECODE, ST_NORMALIZE, ST_FINGERPRINT, ST_EXTRACT, ST_SERIALIZE, ST_PIPELINE, ST_N };

static const char *const stage_name[ST_N] = {
        "decode", "normalize", "fingerprint", "extract", "serialize", "pipeline+serialize",
};

struct line {
        const char *p;
        size_t len;
};


/* VmRSS or VmHWM of this process in kB, from /proc (0 when unreadable). */
static long proc_status_kb(const char *field)
{
        char line[256];
        long kb = 0;
        size_t n = strlen(field);
        FILE *f = fopen("/proc/self/status", "r");

        if (!f) {
                return 0;
        }
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, field, n) == 0 && line[n] == ':') {
                        kb = strtol(line + n + 1, NULL, 10);
                        break;
                }
        }
        fclose(f);
        return kb;
}

/* Every stage is timed on two clocks: CLOCK_MONOTONIC (wall) and this thread's CPU time.
 * On an idle machine they agree; on a busy one the wall clock also counts the time other
 * processes had the core, and the CPU time is the truer "per core" figure. Reading the
 * thread clock is a system call (~0.2 us), about 1% of an article's time. */
struct stamp {
        int64_t w, c;
};

static struct stamp stamp(void)
{
        struct timespec w, c;

        clock_gettime(CLOCK_MONOTONIC, &w);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
        return (struct stamp){(int64_t)w.tv_sec * 1000000000 + w.tv_nsec,
                              (int64_t)c.tv_sec * 1000000000 + c.tv_nsec};
}

/* Adds b - a to the stage's accumulators. */
static void add(int64_t accw[], int64_t accc[], int st, struct stamp a, struct stamp b)
{
        accw[st] += b.w - a.w;
        accc[st] += b.c - a.c;
}

static char *read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, n = 0;

        if (!f) {
                fprintf(stderr, "bench_core: %s: %s\n", path, strerror(errno));
                exit(2);
        }
        for (;;) {
                if (n + 65536 + 1 > cap) {
                        cap = cap ? cap * 2 : 1 << 20;
                        buf = nw_xrealloc(buf, cap);
                }
                size_t got = fread(buf + n, 1, cap - n - 1, f);
                n += got;
                if (got == 0) {
                        break;
                }
        }
        if (ferror(f)) {
                fprintf(stderr, "bench_core: reading %s failed\n", path);
                exit(2);
        }
        fclose(f);
        buf[n] = '\0';
        *len = n;
        return buf;
}

int main(int argc, char **argv)
{
        /* the daemon's defaults for input.max_bytes and input.max_depth (nw_config.c) */
        const struct nw_limits lim = {1048576, 64};
        const char *path = NULL;
        int runs = 3;
        size_t limit = 0;
        char errstr[512], processed_at[40];

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
                        runs = atoi(argv[++i]);
                } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
                        limit = (size_t)strtoull(argv[++i], NULL, 10);
                } else if (argv[i][0] == '-') {
                        fprintf(stderr, "usage: bench_core [--runs R] [--limit N] FILE.jsonl\n");
                        return 2;
                } else {
                        path = argv[i];
                }
        }
        if (!path || runs < 1) {
                fprintf(stderr, "usage: bench_core [--runs R] [--limit N] FILE.jsonl\n");
                return 2;
        }

        size_t flen;
        char *data = read_file(path, &flen);
        struct line *lines = NULL;
        size_t nlines = 0, cap = 0, in_bytes = 0;

        for (char *p = data, *end = data + flen; p < end;) {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
                if (len > 0) {
                        if (nlines == cap) {
                                cap = cap ? cap * 2 : 4096;
                                lines = nw_xrealloc(lines, cap * sizeof(*lines));
                        }
                        lines[nlines++] = (struct line){p, len};
                        in_bytes += len + 1;    /* the newline is part of the input too */
                }
                if (limit && nlines == limit) {
                        break;
                }
                p += len + 1;
        }
        if (nlines == 0) {
                fprintf(stderr, "bench_core: %s holds no lines\n", path);
                return 2;
        }
        /* the input held in memory is not the core's doing: report the RSS before work */
        long rss_loaded_kb = proc_status_kb("VmRSS");

        nw_time_format(1700000000000, 1, processed_at, sizeof(processed_at));
        int64_t bestw[ST_N], bestc[ST_N];
        for (int s = 0; s < ST_N; s++) {
                bestw[s] = bestc[s] = INT64_MAX;
        }
        size_t ok = 0, failed = 0, out_bytes = 0, with_facts = 0;
        struct nw_buf rec;
        nw_buf_init(&rec, 0);

        for (int r = 0; r < runs; r++) {
                int64_t accw[ST_N] = {0}, accc[ST_N] = {0};

                /* staged pass: the stages in the order nw_pipeline_process runs them */
                for (size_t i = 0; i < nlines; i++) {
                        struct nw_raw raw;
                        struct nw_article a;
                        struct stamp t0, t1, t2, t3, t4;

                        nw_article_init(&a);
                        t0 = stamp();
                        if (nw_decode(lines[i].p, lines[i].len, NULL, &lim, &raw, errstr,
                                      sizeof(errstr)) != NW_OK) {
                                add(accw, accc, ST_DECODE, t0, stamp());
                                continue;
                        }
                        t1 = stamp();
                        add(accw, accc, ST_DECODE, t0, t1);
                        if (nw_normalize(&raw, &lim, &a, errstr, sizeof(errstr)) != NW_OK) {
                                add(accw, accc, ST_NORMALIZE, t1, stamp());
                                nw_raw_free(&raw);
                                nw_article_free(&a);
                                continue;
                        }
                        t2 = stamp();
                        nw_pipeline_fingerprint(&a);
                        t3 = stamp();
                        (void)nw_extract(&a, errstr, sizeof(errstr));
                        t4 = stamp();
                        add(accw, accc, ST_NORMALIZE, t1, t2);
                        add(accw, accc, ST_FINGERPRINT, t2, t3);
                        add(accw, accc, ST_EXTRACT, t3, t4);
                        nw_raw_free(&raw);
                        nw_article_free(&a);
                }

                /* the daemon's path: one call, then the record */
                size_t r_ok = 0, r_failed = 0, r_out = 0, r_facts = 0;
                for (size_t i = 0; i < nlines; i++) {
                        struct nw_msg msg = {lines[i].p, lines[i].len, NULL, 0, NULL, 0, 0};
                        struct nw_article a;
                        struct stamp t0, t1, t2;

                        nw_article_init(&a);
                        t0 = stamp();
                        if (nw_pipeline_process(&lim, &msg, &a, errstr, sizeof(errstr)) != NW_OK) {
                                r_failed++;
                                continue;
                        }
                        t1 = stamp();
                        nw_buf_reset(&rec);
                        if (nw_serialize(&a, processed_at, "bench", &rec) != NW_OK) {
                                r_failed++;
                        } else {
                                r_ok++;
                                r_out += rec.len + 1;
                        }
                        t2 = stamp();
                        add(accw, accc, ST_SERIALIZE, t1, t2);
                        (void)t0;
                        if (a.n_events || a.n_investments || a.n_statistics || a.n_people) {
                                r_facts++;
                        }
                        nw_article_free(&a);
                }
                /* the total, timed once around the whole pass: a thread-CPU clock read is a
                 * system call, and the per-article stamps above would be counted in it */
                {
                        struct stamp t0 = stamp();
                        for (size_t i = 0; i < nlines; i++) {
                                struct nw_msg msg = {lines[i].p, lines[i].len, NULL, 0, NULL, 0, 0};
                                struct nw_article a;

                                nw_article_init(&a);
                                if (nw_pipeline_process(&lim, &msg, &a, errstr, sizeof(errstr)) == NW_OK) {
                                        nw_buf_reset(&rec);
                                        (void)nw_serialize(&a, processed_at, "bench", &rec);
                                }
                                nw_article_free(&a);
                        }
                        add(accw, accc, ST_PIPELINE, t0, stamp());
                }
                ok = r_ok;
                failed = r_failed;
                out_bytes = r_out;
                with_facts = r_facts;
                for (int s = 0; s < ST_N; s++) {
                        if (accw[s] < bestw[s]) {
                                bestw[s] = accw[s];
                        }
                        if (accc[s] < bestc[s]) {
                                bestc[s] = accc[s];
                        }
                }
        }
        nw_buf_free(&rec);

        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long hwm_kb = proc_status_kb("VmHWM");

        double mb = (double)in_bytes / 1e6, n = (double)nlines;
        printf("# bench_core: %s\n", path);
        printf("# %zu articles, %.2f MB in (JSON lines), %zu records (%.2f MB out), %zu failed, "
               "%zu with facts; best of %d runs, one thread\n",
               nlines, mb, ok, (double)out_bytes / 1e6, failed, with_facts, runs);
        printf("%-20s %8s %8s %9s %9s %11s %10s\n", "stage", "wall s", "CPU s", "MB/s wall",
               "MB/s CPU", "articles/s", "us/article");
        for (int s = 0; s < ST_N; s++) {
                double w = (double)bestw[s] / 1e9, c = (double)bestc[s] / 1e9;
                if (s == ST_PIPELINE) {
                        double sw = (double)(bestw[ST_DECODE] + bestw[ST_NORMALIZE] +
                                             bestw[ST_FINGERPRINT] + bestw[ST_EXTRACT] +
                                             bestw[ST_SERIALIZE]) / 1e9;
                        double sc = (double)(bestc[ST_DECODE] + bestc[ST_NORMALIZE] +
                                             bestc[ST_FINGERPRINT] + bestc[ST_EXTRACT] +
                                             bestc[ST_SERIALIZE]) / 1e9;
                        printf("%-20s %8.3f %8.3f %9.1f %9.1f %11.0f %10.1f\n", "sum of stages",
                               sw, sc, mb / sw, mb / sc, n / sc, sc * 1e6 / n);
                }
                printf("%-20s %8.3f %8.3f %9.1f %9.1f %11.0f %10.1f\n", stage_name[s], w, c,
                       mb / w, mb / c, n / c, c * 1e6 / n);
        }
        printf("# articles/s and us/article are by CPU time; CPU time was %.0f%% of wall time%s\n",
               100.0 * (double)bestc[ST_PIPELINE] / (double)bestw[ST_PIPELINE],
               bestc[ST_PIPELINE] < bestw[ST_PIPELINE] * 9 / 10
                       ? " -- the machine was busy: the wall columns count other processes' time"
                       : "");
        printf("# peak RSS %ld kB (ru_maxrss %ld kB); %ld kB of it was the input file, loaded "
               "before any work\n", hwm_kb, ru.ru_maxrss, rss_loaded_kb);
        /* one machine-readable line for bench.sh */
        printf("RESULT core articles=%zu in_mb=%.3f", nlines, mb);
        for (int s = 0; s < ST_N; s++) {
                const char *name = s == ST_PIPELINE ? "total" : stage_name[s];
                printf(" %s_wall_s=%.4f %s_cpu_s=%.4f", name, (double)bestw[s] / 1e9, name,
                       (double)bestc[s] / 1e9);
        }
        printf(" peak_rss_kb=%ld loaded_rss_kb=%ld failed=%zu\n", hwm_kb, rss_loaded_kb, failed);
        free(lines);
        free(data);
        return 0;
}
