/* nw_offline.h -- `newsworker process`: raw items from files or stdin through the same
 * pipeline, enriched JSON lines to stdout, dead-letter lines to stderr (or a file). */
#ifndef NW_DAEMON_OFFLINE_H
#define NW_DAEMON_OFFLINE_H

#include <stdio.h>
#include "nw_config.h"

struct nw_offline_opts {
        const char *redis_url;  /* NULL: dedupe in memory */
        const char *dlq_path;   /* NULL: dead-letter lines go to stderr */
        int no_dedupe;          /* 1: print every item, duplicates too */
};

/** @brief Process @p files (n 0: stdin). A file ending in .txt (or whose content does not
 *  start with '{') is one plain-text item; other files hold one JSON item per line.
 *  @returns an exit code: 0 when every input was read (bad items are dead-lettered, not
 *  failures), 1 when a file could not be read or Redis failed, 2 on a configuration error. */
int nw_offline_run(const struct nw_config *cfg, const struct nw_offline_opts *opts,
                   char *const *files, int n, const char *version, FILE *out);

#endif
