/* nw_test.h -- what the unit-test files share: suite registration and small assertion helpers.
 * Each test_<module>.c exports nw_test_register_<module>(), which the runner in test_main.c
 * calls; each returns 0 or -1 when CUnit could not register the suite. */
#ifndef NW_TEST_H
#define NW_TEST_H

#include <CUnit/CUnit.h>

struct nw_test {
        const char *name;
        void (*fn)(void);
};

/** @brief Add a suite named @p suite with the tests of @p tests (ended by {NULL, NULL}).
 *  @returns 0, or -1 with CUnit's error set. */
int nw_test_add_suite(const char *suite, const struct nw_test *tests);

/* CU_ASSERT_STRING_EQUAL reports only the expression; when a table row fails we want to see
 * which row and both strings, so the string check prints them before asserting. */
#define NW_ASSERT_STR(actual, expected, row)                                                      \
        nw_test_check_str(__FILE__, __LINE__, (actual), (expected), (row))
/** @brief Assert that @p actual equals @p expected (both may be NULL), printing @p row
 *  (may be NULL) and both values on a mismatch. */
void nw_test_check_str(const char *file, int line, const char *actual, const char *expected,
                       const char *row);

int nw_test_register_buf(void);
int nw_test_register_text(void);
int nw_test_register_html(void);
int nw_test_register_url(void);
int nw_test_register_time(void);
int nw_test_register_decode(void);
int nw_test_register_fingerprint(void);
int nw_test_register_serialize(void);
int nw_test_register_pipeline(void);
int nw_test_register_watermark(void);
int nw_test_register_seen(void);
int nw_test_register_dateline(void);
int nw_test_register_boilerplate(void);
int nw_test_register_near(void);
int nw_test_register_language(void);
int nw_test_register_numbers(void);
int nw_test_register_dates(void);
int nw_test_register_extract(void);

#endif
