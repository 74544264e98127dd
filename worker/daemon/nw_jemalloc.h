/* nw_jemalloc.h -- the jemalloc options newsworker runs with, shared by the daemon and the core benchmark so that the benchmark measures the allocator as it runs. */
#ifndef NW_DAEMON_JEMALLOC_H
#define NW_DAEMON_JEMALLOC_H

/* Freed pages go back to the system after a second instead of ten (and without a "muzzy"
 * stage), so a burst (a rebalance, a backlog) does not leave the worker's RSS at its peak.
 * jemalloc reads them from the `malloc_conf` symbol of the program; the MALLOC_CONF
 * environment variable still overrides them. */
#define NW_JEMALLOC_CONF "dirty_decay_ms:1000,muzzy_decay_ms:0"

#ifdef NW_JEMALLOC
#define NW_JEMALLOC_OPTIONS                                                                \
        extern const char *malloc_conf;                                                    \
        const char *malloc_conf = NW_JEMALLOC_CONF
#else
#define NW_JEMALLOC_OPTIONS extern int nw_jemalloc_unused_
#endif

#endif
