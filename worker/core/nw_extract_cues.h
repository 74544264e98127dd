/* nw_extract_cues.h -- the extractor's cue words, found in one pass over a sentence.
 * A sentence gets two bit sets over the cue groups below: `sure` (a cue of the group is
 * certainly there) and `maybe` (only the first word of a multi-word cue is there, so the
 * group's exact phrase check must still decide). A group with neither bit cannot fire on
 * the sentence, which lets the extractor skip its heavier matchers on most sentences while
 * giving exactly the results the full checks would give. */
#ifndef NW_CORE_EXTRACT_CUES_H
#define NW_CORE_EXTRACT_CUES_H

#include <stddef.h>
#include <stdint.h>

enum nw_cue_group {
        NW_CUE_INV = 0,         /* deal wording ("invest", "acqui", "signed") */
        NW_CUE_STAT,            /* aggregates, losses, prices: a figure is a statistic */
        NW_CUE_PERIOD,          /* "since", "first quarter": a period total */
        NW_CUE_SIGNING,         /* "signed", "inked", "sealed" */
        NW_CUE_ATTEND,          /* "attracted", "attended", "participants" */
        NW_CUE_ORGANIZER,       /* "hosted by", "organized by" */
        NW_CUE_THEME,           /* "theme", "themed" */
        NW_CUE_EV_GENERIC,      /* "signing ceremony", "press conference" */
        NW_CUE_EV_KEYWORD,      /* "Forum", "Expo", "Summit": a word that ends an event name */
        NW_CUE_TITLE,           /* "minister", "CEO", "chairman" */
        NW_CUE_ORG_SUFFIX,      /* "Group", "Ltd", "Ministry" */
        NW_CUE_EV_WORD,         /* "edition", "signing": gatherings named without a keyword */
        NW_CUE_NUMWORD,         /* a spelled number or scale word: "seven", "dozen", "million" */
        NW_CUE_EV_CAPITAL,      /* an NW_CUE_EV_KEYWORD word written with a capital ("Summit") */
        NW_CUE_EV_NOUN,         /* a gathering's noun written in lower case ("summit", "fair") */
        NW_CUE_GROUPS
};

/* How many starts of NW_CUE_NUMWORD words a scan lists (see struct nw_cues). */
#define NW_CUES_MAX_NUM 16

struct nw_cues {
        uint32_t sure;          /* bit g: a cue of group g is in the sentence */
        uint32_t maybe;         /* bit g: the first word of a multi-word cue of g is there */
        /* the starts of the sentence's NW_CUE_NUMWORD words, in order: a whole word (as the
         * scan splits words) that is a spelled number or a scale word. n_num is their count,
         * which may be over NW_CUES_MAX_NUM (only the first ones are stored then). */
        size_t n_num;
        size_t num_at[NW_CUES_MAX_NUM];
};

/** @brief Look up every word of s[a..b) (a word starts after a non-word byte, as in
 *  nw_scan_at_word_start) and fill @p out. Linear in b - a. */
void nw_cues_scan(const char *s, size_t a, size_t b, struct nw_cues *out);

/** @brief nw_cues_scan(), which also lists the words of the span that start with an upper-case
 *  ASCII letter: their starts go to @p caps in order, up to @p max_caps of them, and *n_caps
 *  is their count, which may be over @p max_caps (only the first ones are stored then).
 *  Slots of @p caps past the stored ones may be written too (their contents mean nothing).
 *  @p caps may be NULL when @p max_caps is 0. */
void nw_cues_scan_caps(const char *s, size_t a, size_t b, struct nw_cues *out, size_t *caps,
                       size_t max_caps, size_t *n_caps);

/** @returns 1 when group @p g may fire (sure or maybe). */
static inline int nw_cues_any(const struct nw_cues *c, enum nw_cue_group g)
{
        return ((c->sure | c->maybe) >> g) & 1u;
}

/** @returns 1 when group @p g certainly fires. */
static inline int nw_cues_sure(const struct nw_cues *c, enum nw_cue_group g)
{
        return (c->sure >> g) & 1u;
}

/** @returns 1 when the cue table is sorted as the lookup needs (checked by the unit tests). */
int nw_cues_table_ok(void);

#endif
