/* nw_produceva.h -- one record through rd_kafka_produceva(), with the error as a code. */
#ifndef NW_ADAPTERS_PRODUCEVA_H
#define NW_ADAPTERS_PRODUCEVA_H

#include <librdkafka/rdkafka.h>

/* The array form rather than rd_kafka_producev(): producev's argument macros are GNU C
 * statement expressions, which clang rejects under -Wpedantic -Werror. On failure the caller
 * still owns what it passed (headers included), as with producev. */
static inline rd_kafka_resp_err_t nw_produceva(rd_kafka_t *rk, const rd_kafka_vu_t *vu, size_t n)
{
        rd_kafka_error_t *e = rd_kafka_produceva(rk, vu, n);
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

        if (e) {
                err = rd_kafka_error_code(e);
                rd_kafka_error_destroy(e);
        }
        return err;
}

#endif
