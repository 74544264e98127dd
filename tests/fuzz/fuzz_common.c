/* fuzz_common.c -- the invariant checks every fuzz target shares (see fuzz.h). */
#include "fuzz.h"

#include <string.h>

#include "nw_text.h"

void nw_fuzz_check_dlq_reason(enum nw_err err, const char *errstr)
{
        NW_FUZZ_CHECK(err >= NW_ERR_EMPTY && err <= NW_ERR_NO_CONTENT,
                      "a message error is one of the per-message (DLQ) codes");
        NW_FUZZ_CHECK(errstr[0] != '\0', "a DLQ reason is never empty");
        NW_FUZZ_CHECK(strchr(errstr, '\n') == NULL, "a DLQ reason is one line");
        /* it travels as a Kafka header and in logs: it must be valid UTF-8 itself */
        NW_FUZZ_CHECK(nw_utf8_validate(errstr, strlen(errstr), NULL) == NW_OK,
                      "a DLQ reason is valid UTF-8");
}

void nw_fuzz_check_utf8(const char *s, const char *what)
{
        if (s && nw_utf8_validate(s, strlen(s), NULL) != NW_OK) {
                fprintf(stderr, "not valid UTF-8: %s\n", what);
                abort();
        }
}

void nw_fuzz_check_text(const char *s, int newlines, const char *what)
{
        if (!s) {
                return;
        }
        nw_fuzz_check_utf8(s, what);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if ((*p < 0x20 && !(newlines && *p == '\n')) || *p == 0x7F) {
                        fprintf(stderr, "control byte 0x%02x at %zu in %s\n", *p,
                                (size_t)(p - (const unsigned char *)s), what);
                        abort();
                }
        }
}
