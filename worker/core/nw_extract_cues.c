/* nw_extract_cues.c -- one-pass cue-word lookup for the extractor (see nw_extract_cues.h).
 * The table is sorted by key so that a word is compared only with the keys that share its
 * first two letters and sort at or before it: a key that is a prefix of the word, or the word
 * itself, never sorts after it. */
#include "nw_extract_cues.h"

#include <pthread.h>
#include <string.h>

#include "nw_scan.h"

#define B(g) (1u << NW_CUE_##g)

struct cue {
        const char *key;        /* lower-case ASCII letters */
        unsigned char len;
        unsigned char prefix;   /* 1: matches any word that starts with key ("invest" ...) */
        uint32_t sure, maybe;
};

/* Mirrors the word lists of nw_extract.c: a one-word cue is `sure`; a multi-word or hyphenated
 * cue is keyed by its first word and is only `maybe`. Keep it sorted (nw_cues_table_ok). */
static const struct cue cues[] = {
        {"academician", 11, 0, B(TITLE), 0},
        {"according", 9, 0, 0, B(STAT)},
        {"acqui", 5, 1, B(INV), 0},
        {"administration", 14, 0, B(ORG_SUFFIX), 0},
        {"agency", 6, 0, B(ORG_SUFFIX), 0},
        {"agreement", 9, 1, B(INV), 0},
        {"alliance", 8, 0, B(ORG_SUFFIX), 0},
        {"ambassador", 10, 0, B(TITLE), 0},
        {"analyst", 7, 0, B(TITLE), 0},
        {"apiece", 6, 1, B(STAT), 0},
        {"asset", 5, 1, B(STAT), 0},
        {"association", 11, 0, B(ORG_SUFFIX), 0},
        {"attendance", 10, 0, B(ATTEND), 0},
        {"attended", 8, 0, B(ATTEND), 0},
        {"attendees", 9, 0, B(ATTEND), 0},
        {"attracted", 9, 0, B(ATTEND), 0},
        {"attracting", 10, 0, B(ATTEND), 0},
        {"authority", 9, 0, B(ORG_SUFFIX), 0},
        {"average", 7, 1, B(STAT), 0},
        {"bank", 4, 0, B(ORG_SUFFIX), 0},
        {"bid", 3, 1, B(INV), 0},
        {"billion", 7, 0, B(NUMWORD), 0},
        {"bln", 3, 0, B(NUMWORD), 0},
        {"bn", 2, 0, B(NUMWORD), 0},
        {"boss", 4, 0, B(TITLE), 0},
        {"budget", 6, 1, B(STAT), 0},
        {"bureau", 6, 0, B(ORG_SUFFIX), 0},
        {"capital", 7, 0, B(ORG_SUFFIX), 0},
        {"captain", 7, 0, B(TITLE), 0},
        {"ceo", 3, 0, B(TITLE), 0},
        {"ceremony", 8, 0, B(EV_KEYWORD), 0},
        {"cfo", 3, 0, B(TITLE), 0},
        {"chairman", 8, 0, B(TITLE), 0},
        {"chairmen", 8, 0, B(TITLE), 0},
        {"chairperson", 11, 0, B(TITLE), 0},
        {"chairwoman", 10, 0, B(TITLE), 0},
        {"chamber", 7, 0, B(ORG_SUFFIX), 0},
        {"championship", 12, 0, B(EV_KEYWORD), 0},
        {"championships", 13, 0, B(EV_KEYWORD), 0},
        {"chancellor", 10, 0, B(TITLE), 0},
        {"chief", 5, 0, B(TITLE), 0},
        {"co", 2, 0, B(ORG_SUFFIX), B(TITLE)},
        {"coach", 5, 0, B(TITLE), 0},
        {"commission", 10, 0, B(ORG_SUFFIX), 0},
        {"commissioner", 12, 0, B(TITLE), 0},
        {"commit", 6, 1, B(INV), 0},
        {"committee", 9, 0, B(ORG_SUFFIX), 0},
        {"companies", 9, 0, B(ORG_SUFFIX), 0},
        {"company", 7, 0, B(ORG_SUFFIX), 0},
        {"conclave", 8, 0, B(EV_KEYWORD), 0},
        {"concluded", 9, 0, B(SIGNING), 0},
        {"concluded", 9, 1, B(INV), 0},
        {"conference", 10, 0, B(EV_KEYWORD), 0},
        {"congress", 8, 0, B(EV_KEYWORD), 0},
        {"consul", 6, 0, B(TITLE), 0},
        {"contract", 8, 1, B(INV), 0},
        {"contracted", 10, 0, B(SIGNING), 0},
        {"convention", 10, 0, B(EV_KEYWORD), 0},
        {"coo", 3, 0, B(TITLE), 0},
        {"corp", 4, 0, B(ORG_SUFFIX), 0},
        {"corporation", 11, 0, B(ORG_SUFFIX), 0},
        {"council", 7, 0, B(ORG_SUFFIX), 0},
        {"crore", 5, 0, B(NUMWORD), 0},
        {"crores", 6, 0, B(NUMWORD), 0},
        {"cto", 3, 0, B(TITLE), 0},
        {"cumulative", 10, 0, B(PERIOD), 0},
        {"cup", 3, 0, B(EV_KEYWORD), 0},
        {"damage", 6, 1, B(STAT), 0},
        {"data", 4, 0, 0, B(STAT)},
        {"deal", 4, 1, B(INV), 0},
        {"dean", 4, 0, B(TITLE), 0},
        {"debentures", 10, 1, B(STAT), 0},
        {"debt", 4, 1, B(STAT), 0},
        {"deficit", 7, 1, B(STAT), 0},
        {"department", 10, 0, B(ORG_SUFFIX), 0},
        {"deputy", 6, 0, B(TITLE), 0},
        {"dialogue", 8, 0, B(EV_KEYWORD), 0},
        {"director", 8, 0, B(TITLE), 0},
        {"dozen", 5, 0, B(NUMWORD), 0},
        {"draws", 5, 0, B(ATTEND), 0},
        {"drew", 4, 0, B(ATTEND), 0},
        {"earnings", 8, 1, B(STAT), 0},
        {"economist", 9, 0, B(TITLE), 0},
        {"edition", 7, 0, B(EV_WORD), 0},
        {"editor", 6, 0, B(TITLE), 0},
        {"eight", 5, 0, B(NUMWORD), 0},
        {"eighteen", 8, 0, B(NUMWORD), 0},
        {"eighth", 6, 0, B(NUMWORD), 0},
        {"eighty", 6, 0, B(NUMWORD), 0},
        {"eleven", 6, 0, B(NUMWORD), 0},
        {"eleventh", 8, 0, B(NUMWORD), 0},
        {"envoy", 5, 0, B(TITLE), 0},
        {"exchange", 8, 0, B(EV_KEYWORD), 0},
        {"executive", 9, 0, B(TITLE), 0},
        {"exhibition", 10, 0, B(EV_KEYWORD), 0},
        {"expo", 4, 0, B(EV_KEYWORD), 0},
        {"exports", 7, 1, B(STAT), 0},
        {"exposition", 10, 0, B(EV_KEYWORD), 0},
        {"facilit", 7, 1, B(INV), 0},
        {"factory", 7, 1, B(INV), 0},
        {"fair", 4, 0, B(EV_KEYWORD), 0},
        {"federation", 10, 0, B(ORG_SUFFIX), 0},
        {"festival", 8, 0, B(EV_KEYWORD), 0},
        {"fifteen", 7, 0, B(NUMWORD), 0},
        {"fifteenth", 9, 0, B(NUMWORD), 0},
        {"fifth", 5, 0, B(NUMWORD), 0},
        {"fifty", 5, 0, B(NUMWORD), 0},
        {"final", 5, 0, B(EV_KEYWORD), 0},
        {"fine", 4, 0, 0, B(STAT)},
        {"fined", 5, 1, B(STAT), 0},
        {"first", 5, 0, B(NUMWORD), B(PERIOD)},
        {"five", 4, 0, B(NUMWORD), 0},
        {"forecaster", 10, 0, B(TITLE), 0},
        {"forty", 5, 0, B(NUMWORD), 0},
        {"forum", 5, 0, B(EV_KEYWORD), 0},
        {"founder", 7, 0, B(TITLE), 0},
        {"four", 4, 0, B(NUMWORD), 0},
        {"fourteen", 8, 0, B(NUMWORD), 0},
        {"fourteenth", 10, 0, B(NUMWORD), 0},
        {"fourth", 6, 0, B(NUMWORD), 0},
        {"fund", 4, 0, B(ORG_SUFFIX), 0},
        {"funded", 6, 1, B(INV), 0},
        {"funding", 7, 1, B(INV), 0},
        {"funneled", 8, 1, B(STAT), 0},
        {"funnelled", 9, 1, B(STAT), 0},
        {"gathered", 8, 0, B(ATTEND), 0},
        {"gdp", 3, 1, B(STAT), 0},
        {"general", 7, 0, B(TITLE), 0},
        {"government", 10, 0, B(ORG_SUFFIX), 0},
        {"governor", 8, 0, B(TITLE), 0},
        {"grand", 5, 0, 0, B(EV_GENERIC)},
        {"groundbreaking", 14, 0, 0, B(EV_GENERIC)},
        {"group", 5, 0, B(ORG_SUFFIX), 0},
        {"gva", 3, 1, B(STAT), 0},
        {"head", 4, 0, B(TITLE), 0},
        {"holdings", 8, 0, B(ORG_SUFFIX), 0},
        {"hosted", 6, 0, 0, B(ORGANIZER)},
        {"hundred", 7, 0, B(NUMWORD), 0},
        {"imports", 7, 1, B(STAT), 0},
        {"inc", 3, 0, B(ORG_SUFFIX), 0},
        {"income", 6, 1, B(STAT), 0},
        {"inject", 6, 1, B(INV), 0},
        {"ink", 3, 0, 0, B(INV)},
        {"inked", 5, 0, B(SIGNING), 0},
        {"inked", 5, 1, B(INV), 0},
        {"institute", 9, 0, B(ORG_SUFFIX), 0},
        {"invest", 6, 1, B(INV), 0},
        {"investor", 8, 0, 0, B(EV_GENERIC)},
        {"investors", 9, 0, 0, B(EV_GENERIC)},
        {"lac", 3, 0, B(NUMWORD), 0},
        {"lakh", 4, 0, B(NUMWORD), 0},
        {"lakhs", 5, 0, B(NUMWORD), 0},
        {"lawmaker", 8, 0, B(TITLE), 0},
        {"leader", 6, 0, B(TITLE), 0},
        {"limited", 7, 0, B(ORG_SUFFIX), 0},
        {"llc", 3, 0, B(ORG_SUFFIX), 0},
        {"loss", 4, 1, B(STAT), 0},
        {"ltd", 3, 0, B(ORG_SUFFIX), 0},
        {"manager", 7, 0, B(TITLE), 0},
        {"marathon", 8, 0, B(EV_KEYWORD), 0},
        {"market", 6, 0, 0, B(STAT)},
        {"mayor", 5, 0, B(TITLE), 0},
        {"md", 2, 0, B(TITLE), 0},
        {"meet", 4, 0, B(EV_KEYWORD), 0},
        {"meeting", 7, 0, B(EV_KEYWORD), 0},
        {"memorand", 8, 1, B(INV), 0},
        {"merger", 6, 1, B(INV), 0},
        {"million", 7, 0, B(NUMWORD), 0},
        {"minister", 8, 0, B(TITLE), 0},
        {"ministers", 9, 0, B(TITLE), 0},
        {"ministry", 8, 0, B(ORG_SUFFIX), 0},
        {"mln", 3, 0, B(NUMWORD), 0},
        {"money", 5, 0, 0, B(STAT)},
        {"mou", 3, 1, B(INV), 0},
        {"nine", 4, 0, B(NUMWORD), 0},
        {"nineteen", 8, 0, B(NUMWORD), 0},
        {"ninety", 6, 0, B(NUMWORD), 0},
        {"ninth", 5, 0, B(NUMWORD), 0},
        {"offer", 5, 1, B(INV), 0},
        {"office", 6, 0, B(ORG_SUFFIX), 0},
        {"officer", 7, 0, B(TITLE), 0},
        {"official", 8, 0, B(TITLE), 0},
        {"one", 3, 0, B(NUMWORD), 0},
        {"organised", 9, 0, 0, B(ORGANIZER)},
        {"organized", 9, 0, 0, B(ORGANIZER)},
        {"output", 6, 1, B(STAT), 0},
        {"over", 4, 0, 0, B(PERIOD)},
        {"owner", 5, 0, B(TITLE), 0},
        {"packed", 6, 0, B(ATTEND), 0},
        {"participants", 12, 0, B(ATTEND), 0},
        {"participated", 12, 0, B(ATTEND), 0},
        {"partner", 7, 0, B(TITLE), 0},
        {"partners", 8, 0, B(ORG_SUFFIX), 0},
        {"past", 4, 0, 0, B(PERIOD)},
        {"per", 3, 0, 0, B(STAT)},
        {"plant", 5, 1, B(INV), 0},
        {"plc", 3, 0, B(ORG_SUFFIX), 0},
        {"pledg", 5, 1, B(INV), 0},
        {"premier", 7, 0, B(TITLE), 0},
        {"president", 9, 0, B(TITLE), 0},
        {"press", 5, 0, 0, B(EV_GENERIC)},
        {"price", 5, 1, B(STAT), 0},
        {"principal", 9, 0, B(TITLE), 0},
        {"prize", 5, 1, B(STAT), 0},
        {"professor", 9, 0, B(TITLE), 0},
        {"profit", 6, 1, B(STAT), 0},
        {"projects", 8, 1, B(INV), 0},
        {"pump", 4, 1, B(INV), 0},
        {"put", 3, 0, 0, B(INV)},
        {"raise", 5, 1, B(INV), 0},
        {"raising", 7, 1, B(INV), 0},
        {"researcher", 10, 0, B(TITLE), 0},
        {"reserve", 7, 1, B(STAT), 0},
        {"revenue", 7, 1, B(STAT), 0},
        {"round", 5, 1, B(INV), 0},
        {"salary", 6, 1, B(STAT), 0},
        {"sales", 5, 1, B(STAT), 0},
        {"sealed", 6, 0, B(SIGNING), 0},
        {"sealed", 6, 1, B(INV), 0},
        {"second", 6, 0, B(NUMWORD), 0},
        {"secretary", 9, 0, B(TITLE), 0},
        {"senator", 7, 0, B(TITLE), 0},
        {"series", 6, 1, B(INV), 0},
        {"seven", 5, 0, B(NUMWORD), 0},
        {"seventeen", 9, 0, B(NUMWORD), 0},
        {"seventh", 7, 0, B(NUMWORD), 0},
        {"seventy", 7, 0, B(NUMWORD), 0},
        {"shares", 6, 0, 0, B(STAT)},
        {"show", 4, 0, B(EV_KEYWORD), 0},
        {"sign", 4, 1, B(INV), 0},
        {"signed", 6, 0, B(SIGNING), 0},
        {"signing", 7, 0, B(EV_WORD), B(EV_GENERIC)},
        {"since", 5, 0, B(PERIOD), 0},
        {"six", 3, 0, B(NUMWORD), 0},
        {"sixteen", 7, 0, B(NUMWORD), 0},
        {"sixth", 5, 0, B(NUMWORD), 0},
        {"sixty", 5, 0, B(NUMWORD), 0},
        {"so", 2, 0, 0, B(PERIOD)},
        {"society", 7, 0, B(ORG_SUFFIX), 0},
        {"spend", 5, 1, B(INV), 0},
        {"spokesman", 9, 0, B(TITLE), 0},
        {"spokesperson", 12, 0, B(TITLE), 0},
        {"spokeswoman", 11, 0, B(TITLE), 0},
        {"sponsored", 9, 0, 0, B(ORGANIZER)},
        {"stake", 5, 1, B(INV), 0},
        {"subsid", 6, 1, B(INV), 0},
        {"summit", 6, 0, B(EV_KEYWORD), 0},
        {"surplus", 7, 1, B(STAT), 0},
        {"symposium", 9, 0, B(EV_KEYWORD), 0},
        {"take", 4, 0, 0, B(INV)},
        {"takeover", 8, 1, B(INV), 0},
        {"tax", 3, 1, B(STAT), 0},
        {"ten", 3, 0, B(NUMWORD), 0},
        {"tenth", 5, 0, B(NUMWORD), 0},
        {"theme", 5, 0, B(THEME), 0},
        {"themed", 6, 0, B(THEME), 0},
        {"third", 5, 0, B(NUMWORD), 0},
        {"thirteen", 8, 0, B(NUMWORD), 0},
        {"thirteenth", 10, 0, B(NUMWORD), 0},
        {"thirtieth", 9, 0, B(NUMWORD), 0},
        {"thirty", 6, 0, B(NUMWORD), 0},
        {"thousand", 8, 0, B(NUMWORD), 0},
        {"three", 5, 0, B(NUMWORD), 0},
        {"tn", 2, 0, B(NUMWORD), 0},
        {"took", 4, 0, 0, B(ATTEND)},
        {"trade", 5, 0, 0, B(STAT)},
        {"trillion", 8, 0, B(NUMWORD), 0},
        {"trn", 3, 0, B(NUMWORD), 0},
        {"turnover", 8, 1, B(STAT), 0},
        {"twelfth", 7, 0, B(NUMWORD), 0},
        {"twelve", 6, 0, B(NUMWORD), 0},
        {"twentieth", 9, 0, B(NUMWORD), 0},
        {"twenty", 6, 0, B(NUMWORD), 0},
        {"two", 3, 0, B(NUMWORD), 0},
        {"university", 10, 0, B(ORG_SUFFIX), 0},
        {"valuation", 9, 1, B(STAT), 0},
        {"value", 5, 0, 0, B(STAT)},
        {"valued", 6, 1, B(STAT), 0},
        {"ventures", 8, 0, B(ORG_SUFFIX), 0},
        {"vice", 4, 0, B(TITLE), 0},
        {"week", 4, 0, B(EV_KEYWORD), 0},
        {"welcomed", 8, 0, B(ATTEND), 0},
        {"worth", 5, 0, 0, B(STAT)},
        {"year", 4, 0, 0, B(PERIOD)},
        {"zero", 4, 0, B(NUMWORD), 0},
};

static const size_t n_cues = sizeof(cues) / sizeof(cues[0]);

/* pair_start[(c0 - 'a') * 26 + (c1 - 'a')] is the first row whose key starts with the two
 * letters c0 c1 or sorts after them; pair_start[26 * 26] == n_cues. A word is compared only
 * with the few keys that share its first two letters (every key has at least two).
 * Checked against the table by nw_cues_table_ok. */
static const unsigned short pair_start[26 * 26 + 1] = {
        /* a */ 0, 0, 0, 3, 4, 4, 4, 6, 6, 6, 6, 6, 7, 8, 9, 9, 10, 10, 10, 12, 17, 18, 19, 19,
                19, 19,
        /* b */ 19, 20, 20, 20, 20, 20, 20, 20, 20, 22, 22, 22, 23, 23, 24, 25, 25, 25, 25, 25,
                25, 27, 27, 27, 27, 27,
        /* c */ 27, 29, 29, 29, 29, 31, 32, 32, 41, 41, 41, 41, 41, 41, 41, 62, 62, 62, 64, 64,
                65, 67, 67, 67, 67, 67,
        /* d */ 67, 69, 69, 69, 69, 76, 76, 76, 76, 78, 78, 78, 78, 78, 78, 79, 79, 79, 81, 81,
                81, 81, 81, 81, 81, 81,
        /* e */ 81, 82, 82, 83, 85, 85, 85, 85, 85, 89, 89, 89, 91, 91, 92, 92, 92, 92, 92, 92,
                92, 92, 92, 92, 98, 98,
        /* f */ 98, 101, 101, 101, 101, 103, 103, 103, 103, 112, 112, 112, 112, 112, 112, 120,
                120, 120, 120, 120, 120, 125, 125, 125, 125, 125,
        /* g */ 125, 126, 126, 126, 127, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 130,
                130, 130, 133, 133, 133, 133, 134, 134, 134, 134,
        /* h */ 134, 134, 134, 134, 134, 135, 135, 135, 135, 135, 135, 135, 135, 135, 135, 137,
                137, 137, 137, 137, 137, 138, 138, 138, 138, 138,
        /* i */ 138, 138, 138, 138, 138, 138, 138, 138, 138, 138, 138, 138, 138, 139, 149, 149,
                149, 149, 149, 149, 149, 149, 149, 149, 149, 149,
        /* j */ 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149,
                149, 149, 149, 149, 149, 149, 149, 149, 149, 149,
        /* k */ 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149, 149,
                149, 149, 149, 149, 149, 149, 149, 149, 149, 149,
        /* l */ 149, 153, 153, 153, 153, 154, 154, 154, 154, 155, 155, 155, 156, 156, 156, 157,
                157, 157, 157, 157, 158, 158, 158, 158, 158, 158,
        /* m */ 158, 162, 162, 162, 163, 167, 167, 167, 167, 171, 171, 171, 172, 172, 172, 174,
                174, 174, 174, 174, 174, 174, 174, 174, 174, 174,
        /* n */ 174, 174, 174, 174, 174, 174, 174, 174, 174, 178, 178, 178, 178, 178, 178, 178,
                178, 178, 178, 178, 178, 178, 178, 178, 178, 178,
        /* o */ 178, 178, 178, 178, 178, 178, 182, 182, 182, 182, 182, 182, 182, 182, 183, 183,
                183, 183, 185, 185, 185, 186, 187, 188, 188, 188,
        /* p */ 188, 194, 194, 194, 194, 195, 195, 195, 195, 195, 195, 195, 198, 198, 198, 198,
                198, 198, 207, 207, 207, 209, 209, 209, 209, 209,
        /* q */ 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209, 209,
                209, 209, 209, 209, 209, 209, 209, 209, 209, 209,
        /* r */ 209, 211, 211, 211, 211, 214, 214, 214, 214, 214, 214, 214, 214, 214, 214, 215,
                215, 215, 215, 215, 215, 215, 215, 215, 215, 215,
        /* s */ 215, 217, 217, 217, 217, 227, 227, 227, 229, 237, 237, 237, 237, 237, 237, 239,
                244, 244, 244, 244, 245, 248, 248, 248, 248, 249,
        /* t */ 249, 252, 252, 252, 252, 254, 254, 254, 263, 263, 263, 263, 263, 263, 264, 265,
                265, 265, 268, 268, 268, 269, 269, 274, 274, 274,
        /* u */ 274, 274, 274, 274, 274, 274, 274, 274, 274, 274, 274, 274, 274, 274, 275, 275,
                275, 275, 275, 275, 275, 275, 275, 275, 275, 275,
        /* v */ 275, 278, 278, 278, 278, 279, 279, 279, 279, 280, 280, 280, 280, 280, 280, 280,
                280, 280, 280, 280, 280, 280, 280, 280, 280, 280,
        /* w */ 280, 280, 280, 280, 280, 282, 282, 282, 282, 282, 282, 282, 282, 282, 282, 283,
                283, 283, 283, 283, 283, 283, 283, 283, 283, 283,
        /* x */ 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283, 283,
                283, 283, 283, 283, 283, 283, 283, 283, 283, 283,
        /* y */ 283, 283, 283, 283, 283, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284, 284,
                284, 284, 284, 284, 284, 284, 284, 284, 284, 284,
        /* z */ 284, 284, 284, 284, 284, 285, 285, 285, 285, 285, 285, 285, 285, 285, 285, 285,
                285, 285, 285, 285, 285, 285, 285, 285, 285, 285,
        285,
};

int nw_cues_table_ok(void)
{
        for (size_t i = 1; i < n_cues; i++) {
                int c = strcmp(cues[i - 1].key, cues[i].key);
                if (c > 0 || (c == 0 && cues[i - 1].prefix >= cues[i].prefix)) {
                        return 0;
                }
                if (strlen(cues[i].key) != cues[i].len) {
                        return 0;
                }
        }
        for (size_t i = 0; i < n_cues; i++) {
                /* lookup() skips words whose first three letters start no key, which needs
                 * keys of letters only and no two-letter prefix key */
                for (const char *k = cues[i].key; *k; k++) {
                        if (*k < 'a' || *k > 'z') {
                                return 0;
                        }
                }
                if (cues[i].len < 3 && cues[i].prefix) {
                        return 0;
                }
        }
        for (size_t p = 0; p <= 26 * 26; p++) {
                /* the rows before pair_start[p] are exactly those whose two letters sort
                 * before pair p */
                size_t before = 0;
                for (size_t i = 0; i < n_cues; i++) {
                        const char *k = cues[i].key;
                        if (k[0] < 'a' || k[0] > 'z' || k[1] < 'a' || k[1] > 'z') {
                                return 0;
                        }
                        before += (size_t)(k[0] - 'a') * 26 + (size_t)(k[1] - 'a') < p;
                }
                if (pair_start[p] != before) {
                        return 0;
                }
        }
        return 1;
}

/* Bit (c0 * 26 + c1) * 26 + c2 is set when a key of three or more letters starts with the
 * letters c0 c1 c2. Built once from the table: most words of a sentence share their first two
 * letters with some key but their first three with none, and are done after one bit test. */
static uint64_t triples[(26 * 26 * 26 + 63) / 64];
static pthread_once_t triples_once = PTHREAD_ONCE_INIT;

static void triples_build(void)
{
        for (size_t i = 0; i < n_cues; i++) {
                const char *k = cues[i].key;
                if (cues[i].len >= 3 && k[0] >= 'a' && k[0] <= 'z' && k[1] >= 'a' &&
                    k[1] <= 'z' && k[2] >= 'a' && k[2] <= 'z') {
                        size_t t = ((size_t)(k[0] - 'a') * 26 + (size_t)(k[1] - 'a')) * 26 +
                                   (size_t)(k[2] - 'a');
                        triples[t / 64] |= (uint64_t)1 << (t % 64);
                }
        }
}

/* Look up the word s[0..n), compared lower-cased in place (no copy: every word of every
 * sentence comes through here). */
static void lookup(const char *w, size_t n, struct nw_cues *out)
{
        size_t p, end;
        unsigned char c1;

        /* a one-letter word or a second byte that is no letter matches no key */
        if (n < 2) {
                return;
        }
        c1 = nw_scan_lower((unsigned char)w[1]);
        if (c1 < 'a' || c1 > 'z') {
                return;
        }
        p = (size_t)(nw_scan_lower((unsigned char)w[0]) - 'a') * 26 + (size_t)(c1 - 'a');
        if (n >= 3) {
                /* no two-letter key is a prefix key, so only keys of three letters or more
                 * can match here, and they all have a letter third */
                unsigned char c2 = nw_scan_lower((unsigned char)w[2]);
                size_t t = p * 26 + (size_t)(c2 - 'a');
                if (c2 < 'a' || c2 > 'z' || !((triples[t / 64] >> (t % 64)) & 1u)) {
                        return;
                }
        }
        end = pair_start[p + 1];
        for (size_t i = pair_start[p]; i < end; i++) {
                const struct cue *c = &cues[i];
                size_t k = c->len < n ? c->len : n, j = 2;
                while (j < k && (unsigned char)c->key[j] == nw_scan_lower((unsigned char)w[j])) {
                        j++;
                }
                if (j < k && (unsigned char)c->key[j] > nw_scan_lower((unsigned char)w[j])) {
                        break; /* every later key sorts after the word too */
                }
                if (j == k && (c->len == n || (c->prefix && c->len < n))) {
                        out->sure |= c->sure;
                        out->maybe |= c->maybe;
                }
        }
}

void nw_cues_scan(const char *s, size_t a, size_t b, struct nw_cues *out)
{
        size_t n_caps;

        nw_cues_scan_caps(s, a, b, out, NULL, 0, &n_caps);
}

void nw_cues_scan_caps(const char *s, size_t a, size_t b, struct nw_cues *out, size_t *caps,
                       size_t max_caps, size_t *n_caps)
{
        size_t i = a, nc = 0;

        pthread_once(&triples_once, triples_build);
        out->sure = out->maybe = 0;
        /* a word cut by the start of the span is not a word of the span */
        if (i < b && i > 0 && nw_scan_wordc((unsigned char)s[i - 1])) {
                while (i < b && nw_scan_wordc((unsigned char)s[i])) {
                        i++;
                }
        }
        while (i < b) {
                size_t e = i + 1;
                unsigned char c = (unsigned char)s[i];
                if (!nw_scan_wordc(c)) {
                        i++;
                        continue;
                }
                while (e < b && nw_scan_wordc((unsigned char)s[e])) {
                        e++;
                }
                /* keys are letters, so a run that starts with a digit or a multi-byte
                 * character matches nothing */
                if (nw_scan_alpha(c)) {
                        if (c >= 'A' && c <= 'Z') {
                                if (nc < max_caps) {
                                        caps[nc] = i;
                                }
                                nc++;
                        }
                        lookup(s + i, e - i, out);
                }
                i = e;
        }
        *n_caps = nc;
}
