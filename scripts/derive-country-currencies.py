#!/usr/bin/env python3
"""Derives reference/country-currencies.json: the currencies in use in each ISO 3166 country, joining
reference/iso3166-countries.json to the current rows of reference/iso4217-currencies.csv by name.
ISO 4217 writes entity names its own way ("KOREA (THE REPUBLIC OF)" for "Korea, Republic of"): names
are normalised, and the few that normalising cannot join are named below. Run from the repository root."""
import csv, json, re

ALIASES = {  # ISO 3166 alpha-2 -> ISO 4217 entity, where the names differ beyond normalising
    "FK": "FALKLAND ISLANDS (THE) [MALVINAS]",
    "KP": "KOREA (THE DEMOCRATIC PEOPLE\u2019S REPUBLIC OF)",
    "LA": "LAO PEOPLE\u2019S DEMOCRATIC REPUBLIC (THE)",
    "NL": "NETHERLANDS (THE)",
    "TR": "T\u00dcRK\u0130YE",
}


def entity_key(name):
    return name.upper().replace(" (THE)", "").replace("(THE ", "(").strip()


def country_key(name):
    name = name.upper()
    match = re.match(r"^(.*), (.*)$", name)
    return f"{match.group(1)} ({match.group(2)})" if match else name


rows = [r for r in csv.DictReader(open("reference/iso4217-currencies.csv", encoding="utf-8"))
        if not r["WithdrawalDate"] and r["AlphabeticCode"]]
entities = {}
for row in rows:
    entities.setdefault(row["Entity"], []).append(row)
by_key = {entity_key(entity): entity for entity in entities}
out = []
for country in json.load(open("reference/iso3166-countries.json", encoding="utf-8")):
    code = country["alpha-2"]
    entity = ALIASES.get(code) or by_key.get(country_key(country["name"])) or by_key.get(country["name"].upper())
    currencies = []
    for row in entities.get(entity, []):
        if row["AlphabeticCode"] not in [c["code"] for c in currencies]:
            currencies.append({"code": row["AlphabeticCode"], "numeric": row["NumericCode"],
                               "minor_unit": row["MinorUnit"], "name": row["Currency"]})
    out.append({"alpha2": code, "name": country["name"], "iso4217_entity": entity, "currencies": currencies})
with open("reference/country-currencies.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"{len(out)} countries, {sum(1 for c in out if not c['currencies'])} without a currency:",
      ", ".join(c["alpha2"] for c in out if not c["currencies"]))
