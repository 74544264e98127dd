/* test_boilerplate.c -- unit tests for nw_boilerplate: every rule drops its short paragraph,
 * the same words inside a long paragraph of content survive, and stripping keeps the
 * paragraph structure. */
#include "nw_test.h"

#include <stdlib.h>
#include <string.h>

#include "nw_boilerplate.h"

static const struct {
        const char *para, *rule;
} matches[] = {
        {"Prev: Port traffic rises", "navigation"},
        {"Previous: Grain prices fall", "navigation"},
        {"Next: Rail link opens", "navigation"},
        {"Previous article", "navigation"},
        {"Next article: Steel output", "navigation"},
        {"Back to top", "navigation"},
        {"Editor: Li Ming", "editor"},
        {"Editors: A. Roe, B. Doe", "editor"},
        {"Edited by Sam Poe", "editor"},
        {"Responsible editor: Zhao", "editor"},
        {"Source: Harbour Daily", "source"},
        {"Sources: agencies", "source"},
        {"Copyright 2024 Harbour Wire", "copyright"},
        {"\xC2\xA9 2023 Example Media Group", "copyright"},
        {"Example Media. All rights reserved.", "copyright"},
        {"Photo: a crane at the port", "photo"},
        {"Photos: ministry handout", "photo"},
        {"Photo credit: J. Roe", "photo"},
        {"File photo of the plant", "photo"},
        {"(Photo by the organizers)", "photo"},
        {"Image: the new terminal", "photo"},
        {"Image credit: agency", "photo"},
        {"Share this article", "share"},
        {"Share on Facebook", "share"},
        {"Share: email, print", "share"},
        {"Follow us on social media", "share"},
        {"Subscribe to our newsletter", "share"},
        {"Sign up for alerts", "share"},
        {"Click here for more", "share"},
        {"Read more: earlier coverage", "share"},
        {"Related: port strike ends", "share"},
        {"Also read: the budget", "share"},
        {"Advertisement", "advert"},
        {"ADVERTISEMENT", "advert"},
        {"Sponsored", "advert"},
        {"Sponsored content", "advert"},
};

static void test_each_rule(void)
{
        for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
                NW_ASSERT_STR(nw_boilerplate_match(matches[i].para, strlen(matches[i].para)),
                              matches[i].rule, matches[i].para);
        }
}

static void test_content_survives(void)
{
        static const char *const content[] = {
                "The source: of the river lies in the hills, officials said on Monday, adding that "
                "the dam would be finished next year and that farmers downstream had been told to "
                "prepare for the change in water levels during the dry season.",
                "Sponsored by the city, the fair drew buyers.",
                "The company said it sold 40 ships.",
                "Advertisements rose 3 percent.",
        };
        for (size_t i = 0; i < sizeof(content) / sizeof(content[0]); i++) {
                CU_ASSERT_PTR_NULL(nw_boilerplate_match(content[i], strlen(content[i])));
        }
}

static void test_strip(void)
{
        char *body = strdup("Editor: Li\n\nThe port reopened.\n\nShare this\n\nShips queued.\n\n"
                            "Copyright 2024 Wire");
        CU_ASSERT_EQUAL(nw_boilerplate_strip(body), 3);
        NW_ASSERT_STR(body, "The port reopened.\n\nShips queued.", "strip");
        free(body);
        body = strdup("Only content here.");
        CU_ASSERT_EQUAL(nw_boilerplate_strip(body), 0);
        NW_ASSERT_STR(body, "Only content here.", "untouched");
        free(body);
        body = strdup("Advertisement");
        CU_ASSERT_EQUAL(nw_boilerplate_strip(body), 1);
        NW_ASSERT_STR(body, "", "all boilerplate");
        free(body);
}

int nw_test_register_boilerplate(void)
{
        static const struct nw_test tests[] = {
                {"each rule matches its paragraph", test_each_rule},
                {"content with the same words survives", test_content_survives},
                {"strip keeps paragraphs", test_strip},
                {NULL, NULL},
        };
        return nw_test_add_suite("boilerplate", tests);
}
