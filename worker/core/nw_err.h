/* nw_err.h -- the error codes every fallible newsworker function returns.
 * NW_OK is 0. nw_err_name() gives a stable token for logs, metric labels and the
 * DLQ record's error_code; nw_err_str() gives prose for humans. */
#ifndef NW_CORE_ERR_H
#define NW_CORE_ERR_H

enum nw_err {
        NW_OK = 0,
        /* per-message, permanent: the input is bad; it goes to the DLQ */
        NW_ERR_EMPTY,          /* empty value */
        NW_ERR_TOO_BIG,        /* value or a field over its size limit */
        NW_ERR_BAD_UTF8,       /* not valid UTF-8 */
        NW_ERR_NUL_BYTE,       /* a NUL byte in the value or in a JSON string */
        NW_ERR_BAD_JSON,       /* looked like JSON but does not parse */
        NW_ERR_TOO_DEEP,       /* JSON nested deeper than the limit */
        NW_ERR_NOT_OBJECT,     /* JSON whose top level is not an object */
        NW_ERR_BAD_FIELD,      /* a known field of the wrong type */
        NW_ERR_NO_CONTENT,     /* neither a title nor a body */
        /* transient: retried, the offset does not advance */
        NW_ERR_REDIS,          /* Redis unreachable or the connection broke */
        NW_ERR_KAFKA,          /* a Kafka call failed in a way we retry */
        /* fatal or configuration */
        NW_ERR_CONFIG,         /* bad configuration */
        NW_ERR_FATAL,          /* unrecoverable runtime error */
        NW_ERR_IO,             /* a file could not be read or written */
        NW_ERR__COUNT
};

/** @returns a stable upper-case token such as "NW_ERR_BAD_JSON"; never NULL. */
const char *nw_err_name(enum nw_err err);
/** @returns a short sentence describing @p err; never NULL. */
const char *nw_err_str(enum nw_err err);

#endif
