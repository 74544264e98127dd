/* fuzz.h -- what the fuzz targets share: libFuzzer's entry point and the checks that turn a
 * broken invariant into a crash, so libFuzzer (or the replay runner) reports it. */
#ifndef NW_FUZZ_H
#define NW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "nw_decode.h"
#include "nw_err.h"

/* libFuzzer's contract: called once per input, returns 0. Declared here so that the
 * project's -Wmissing-prototypes holds for the targets too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The daemon's defaults (input.max_bytes, input.max_depth), so the fuzzers see what the
 * worker sees. */
static const struct nw_limits nw_fuzz_limits = {1048576, 64};

/* abort() rather than return: libFuzzer and the replay runner both treat it as a finding,
 * and the message says which invariant broke. */
#define NW_FUZZ_CHECK(cond, what)                                                              \
        do {                                                                                   \
                if (!(cond)) {                                                                 \
                        fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,    \
                                (what));                                                       \
                        abort();                                                               \
                }                                                                              \
        } while (0)

/** @brief Abort unless @p err is a per-message (dead-letter) error with a non-empty,
 *  one-line reason: the DLQ record must always say why. */
void nw_fuzz_check_dlq_reason(enum nw_err err, const char *errstr);

/** @brief Abort unless @p s (may be NULL) is valid UTF-8 without NUL or other C0 controls
 *  except '\n' (when @p newlines) -- what the normalizer promises for article text. */
void nw_fuzz_check_text(const char *s, int newlines, const char *what);

/** @brief Abort unless @p s (may be NULL) is valid UTF-8 (nw_utf8_validate). */
void nw_fuzz_check_utf8(const char *s, const char *what);

#endif
