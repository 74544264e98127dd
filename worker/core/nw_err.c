/* nw_err.c -- names and descriptions of enum nw_err, in one table so they cannot drift. */
#include "nw_err.h"

static const struct {
        const char *name;
        const char *str;
} errs[NW_ERR__COUNT] = {
        [NW_OK] = {"NW_OK", "success"},
        [NW_ERR_EMPTY] = {"NW_ERR_EMPTY", "the message value is empty"},
        [NW_ERR_TOO_BIG] = {"NW_ERR_TOO_BIG", "the value is larger than the configured limit"},
        [NW_ERR_BAD_UTF8] = {"NW_ERR_BAD_UTF8", "the value is not valid UTF-8"},
        [NW_ERR_NUL_BYTE] = {"NW_ERR_NUL_BYTE", "the value contains a NUL byte"},
        [NW_ERR_BAD_JSON] = {"NW_ERR_BAD_JSON", "the value is not valid JSON"},
        [NW_ERR_TOO_DEEP] = {"NW_ERR_TOO_DEEP", "the JSON is nested deeper than the limit"},
        [NW_ERR_NOT_OBJECT] = {"NW_ERR_NOT_OBJECT", "the JSON value is not an object"},
        [NW_ERR_BAD_FIELD] = {"NW_ERR_BAD_FIELD", "a field has the wrong type"},
        [NW_ERR_NO_CONTENT] = {"NW_ERR_NO_CONTENT", "the item has neither a title nor a body"},
        [NW_ERR_REDIS] = {"NW_ERR_REDIS", "Redis is unavailable"},
        [NW_ERR_KAFKA] = {"NW_ERR_KAFKA", "a Kafka operation failed"},
        [NW_ERR_CONFIG] = {"NW_ERR_CONFIG", "invalid configuration"},
        [NW_ERR_FATAL] = {"NW_ERR_FATAL", "fatal error"},
        [NW_ERR_IO] = {"NW_ERR_IO", "input/output error"},
};

const char *nw_err_name(enum nw_err err)
{
        if ((unsigned)err >= NW_ERR__COUNT) {
                return "NW_ERR_UNKNOWN";
        }
        return errs[err].name;
}

const char *nw_err_str(enum nw_err err)
{
        if ((unsigned)err >= NW_ERR__COUNT) {
                return "unknown error";
        }
        return errs[err].str;
}
