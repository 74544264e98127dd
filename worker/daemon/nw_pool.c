/* nw_pool.c -- the batch thread pool: items are handed out by an atomic counter, so a slow
 * article (a long HTML page) does not hold up a fixed share of the batch. */
#include "nw_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nw_buf.h"

struct nw_pool {
        pthread_t *tids;
        int n_helpers;
        pthread_mutex_t lock;
        pthread_cond_t work, done;
        /* the current job; generation tells helpers a new one was posted */
        void (*fn)(void *, size_t);
        void *ctx;
        size_t n;
        atomic_size_t next;
        int busy;               /* helpers still inside the current job */
        unsigned long generation;
        int quit;
};

static void drain(struct nw_pool *p, void (*fn)(void *, size_t), void *ctx, size_t n)
{
        for (;;) {
                size_t i = atomic_fetch_add(&p->next, 1);
                if (i >= n) {
                        return;
                }
                fn(ctx, i);
        }
}

static void *helper(void *arg)
{
        struct nw_pool *p = arg;
        unsigned long seen = 0;

        pthread_mutex_lock(&p->lock);
        for (;;) {
                while (!p->quit && p->generation == seen) {
                        pthread_cond_wait(&p->work, &p->lock);
                }
                if (p->quit) {
                        break;
                }
                seen = p->generation;
                {
                        void (*fn)(void *, size_t) = p->fn;
                        void *ctx = p->ctx;
                        size_t n = p->n;
                        pthread_mutex_unlock(&p->lock);
                        drain(p, fn, ctx, n);
                        pthread_mutex_lock(&p->lock);
                }
                if (--p->busy == 0) {
                        pthread_cond_signal(&p->done);
                }
        }
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

struct nw_pool *nw_pool_new(int threads, char *errstr, size_t errstr_size)
{
        struct nw_pool *p = nw_xcalloc(1, sizeof(*p));

        if (threads <= 0) {
                /* one per CPU; past eight the loop's own thread (Kafka, Redis) is the limit */
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
        }

        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->work, NULL);
        pthread_cond_init(&p->done, NULL);
        p->tids = nw_xcalloc((size_t)(threads > 1 ? threads : 1), sizeof(*p->tids));
        for (int i = 0; i < threads - 1; i++) {
                int rc = pthread_create(&p->tids[i], NULL, helper, p);
                if (rc != 0) {
                        snprintf(errstr, errstr_size, "cannot start a worker thread: %s", strerror(rc));
                        nw_pool_destroy(p);
                        return NULL;
                }
                p->n_helpers++;
        }
        return p;
}

void nw_pool_destroy(struct nw_pool *p)
{
        if (!p) {
                return;
        }
        pthread_mutex_lock(&p->lock);
        p->quit = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->lock);
        for (int i = 0; i < p->n_helpers; i++) {
                pthread_join(p->tids[i], NULL);
        }
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->done);
        pthread_mutex_destroy(&p->lock);
        free(p->tids);
        free(p);
}

void nw_pool_run(struct nw_pool *p, void (*fn)(void *ctx, size_t i), void *ctx, size_t n)
{
        if (n == 0) {
                return;
        }
        atomic_store(&p->next, 0);
        if (p->n_helpers == 0 || n == 1) {
                drain(p, fn, ctx, n);
                return;
        }
        pthread_mutex_lock(&p->lock);
        p->fn = fn;
        p->ctx = ctx;
        p->n = n;
        p->busy = p->n_helpers;
        p->generation++;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->lock);
        drain(p, fn, ctx, n);
        pthread_mutex_lock(&p->lock);
        while (p->busy > 0) {
                pthread_cond_wait(&p->done, &p->lock);
        }
        pthread_mutex_unlock(&p->lock);
}

int nw_pool_threads(const struct nw_pool *p)
{
        return p->n_helpers + 1;
}
