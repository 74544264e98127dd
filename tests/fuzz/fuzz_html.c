/* fuzz_html.c -- libFuzzer target for nw_html_to_text(): any markup either becomes text or
 * is refused (too deep, too many elements) before gumbo parses it. In the fuzz build the core
 * aborts when gumbo's tree turns out deeper than the pre-parse model allowed, so a markup
 * that slips past the model is a crash here. */
#include <string.h>

#include "fuzz.h"
#include "nw_buf.h"
#include "nw_html.h"
#include "nw_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *s = (const char *)data;
        struct nw_buf raw, text;
        enum nw_err err;

        if (nw_utf8_validate(s, size, NULL) != NW_OK) {
                return 0;       /* decode refuses such bodies first */
        }
        nw_buf_init(&raw, 2 * size + 64);
        nw_buf_init(&text, 2 * size + 64);
        /* a small limit too, so that depth bugs show on short inputs */
        err = nw_html_to_text(s, size, size % 2 ? 8 : 64, &raw);
        NW_FUZZ_CHECK(err == NW_OK || err == NW_ERR_TOO_DEEP || err == NW_ERR_TOO_BIG,
                      "nw_html_to_text returns a documented code");
        if (err == NW_OK) {
                err = nw_text_normalize(raw.data ? raw.data : "", raw.len, 1, &text);
                if (err == NW_OK) {
                        nw_fuzz_check_text(nw_buf_str(&text), 1, "text of the HTML");
                }
        } else if (err == NW_ERR_TOO_DEEP) {
                /* (TOO_BIG may come from the output cap mid-walk: gumbo turns each control
                 * byte into U+FFFD, three bytes, so text can outgrow twice its markup) */
                NW_FUZZ_CHECK(raw.len == 0, "a body refused as too deep appends nothing");
        }
        nw_buf_free(&raw);
        nw_buf_free(&text);
        return 0;
}
