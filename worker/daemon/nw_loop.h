/* nw_loop.h -- the daemon: poll a batch -> pipeline -> dedupe claims in Redis -> produce ->
 * store offsets as delivery reports arrive; pause while Redis is down; drain on stop. */
#ifndef NW_DAEMON_LOOP_H
#define NW_DAEMON_LOOP_H

#include <signal.h>
#include "nw_config.h"

struct nw_loop;

/* Exit codes of `newsworker run`, documented in README.md. */
enum nw_exit {
        NW_EXIT_OK = 0,         /* clean stop: drained, committed, left the group */
        NW_EXIT_FATAL = 1,      /* fatal runtime error; nothing unfinished was committed */
        NW_EXIT_CONFIG = 2,     /* usage or configuration error */
        NW_EXIT_FORCED = 3      /* a second signal: stopped without draining */
};

/** @brief Create the Kafka clients and the Redis adapter from @p cfg (borrowed for the loop's
 *  life). @returns NULL with a reason in @p errstr (a configuration error). */
struct nw_loop *nw_loop_new(const struct nw_config *cfg, const char *version, char *errstr,
                            size_t errstr_size);

/** @brief Run until *@p stop becomes non-zero (then drain) or a fatal error.
 *  @returns an enum nw_exit value. */
int nw_loop_run(struct nw_loop *loop, const volatile sig_atomic_t *stop);

/** @brief Check what nw_loop_new() would reject (Kafka properties, the Redis URL) without
 *  connecting. @returns NW_OK or NW_ERR_CONFIG with the reason in @p errstr. */
enum nw_err nw_loop_check_config(const struct nw_config *cfg, char *errstr, size_t errstr_size);

/** @brief Free the loop; NULL is a no-op. */
void nw_loop_destroy(struct nw_loop *loop);

#endif
