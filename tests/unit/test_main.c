/* test_main.c -- the unit-test runner: registers every core suite and runs them with CUnit's
 * Basic interface; the exit status is non-zero when any test or suite failed, so ctest fails. */
#include "nw_test.h"

#include <stdio.h>
#include <string.h>
#include <CUnit/Basic.h>

int nw_test_add_suite(const char *suite, const struct nw_test *tests)
{
        CU_pSuite s = CU_add_suite(suite, NULL, NULL);

        if (!s) {
                return -1;
        }
        for (const struct nw_test *t = tests; t->name; t++) {
                if (!CU_add_test(s, t->name, t->fn)) {
                        return -1;
                }
        }
        return 0;
}

void nw_test_check_str(const char *file, int line, const char *actual, const char *expected,
                       const char *row)
{
        int ok = (actual == NULL && expected == NULL) ||
                 (actual != NULL && expected != NULL && strcmp(actual, expected) == 0);

        if (!ok) {
                fprintf(stderr, "\n%s:%d: case [%s]\n    got      [%s]\n    expected [%s]\n",
                        file, line, row ? row : "-", actual ? actual : "(null)",
                        expected ? expected : "(null)");
        }
        CU_assertImplementation(ok, (unsigned int)line, "string equal (see stderr)", file, "",
                                CU_FALSE);
}

int main(void)
{
        static int (*const registers[])(void) = {
                nw_test_register_buf,       nw_test_register_text,
                nw_test_register_html,      nw_test_register_url,
                nw_test_register_time,      nw_test_register_decode,
                nw_test_register_fingerprint, nw_test_register_serialize,
                nw_test_register_pipeline,  nw_test_register_watermark,
                nw_test_register_seen,      nw_test_register_dateline,
                nw_test_register_boilerplate, nw_test_register_near,      nw_test_register_language,
                nw_test_register_numbers, nw_test_register_dates, nw_test_register_extract,
        };
        CU_ErrorCode rc;
        unsigned int failures, tests_failed, suites_failed;

        if (CU_initialize_registry() != CUE_SUCCESS) {
                fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
                return 1;
        }
        for (size_t i = 0; i < sizeof(registers) / sizeof(registers[0]); i++) {
                if (registers[i]() != 0) {
                        fprintf(stderr, "CUnit: cannot register a suite: %s\n", CU_get_error_msg());
                        CU_cleanup_registry();
                        return 1;
                }
        }
        CU_basic_set_mode(CU_BRM_VERBOSE);
        rc = CU_basic_run_tests();
        /* a suite whose setup failed runs no tests, so count it as well as the failed asserts */
        failures = CU_get_number_of_failures();
        tests_failed = CU_get_number_of_tests_failed();
        suites_failed = CU_get_number_of_suites_failed();
        printf("\n");
        CU_cleanup_registry();
        return rc != CUE_SUCCESS || failures > 0 || tests_failed > 0 || suites_failed > 0 ? 1 : 0;
}
