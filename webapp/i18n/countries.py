"""Countries offered on the start page: Europe in the broad sense of EU programmes
(EU member states, EEA/EFTA, candidate and neighbouring countries, the UK).

Stored by English name; shown in the officer's language from CLDR (Babel)."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

COUNTRY_CODES: dict[str, str] = {
    "Albania": "AL", "Andorra": "AD", "Armenia": "AM", "Austria": "AT", "Azerbaijan": "AZ", "Belgium": "BE",
    "Bosnia and Herzegovina": "BA", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY", "Czechia": "CZ",
    "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR", "Georgia": "GE", "Germany": "DE",
    "Greece": "GR", "Hungary": "HU", "Iceland": "IS", "Ireland": "IE", "Italy": "IT", "Kosovo": "XK",
    "Latvia": "LV", "Liechtenstein": "LI", "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT",
    "Moldova": "MD", "Monaco": "MC", "Montenegro": "ME", "Netherlands": "NL", "North Macedonia": "MK",
    "Norway": "NO", "Poland": "PL", "Portugal": "PT", "Romania": "RO", "San Marino": "SM", "Serbia": "RS",
    "Slovakia": "SK", "Slovenia": "SI", "Spain": "ES", "Sweden": "SE", "Switzerland": "CH", "Türkiye": "TR",
    "Ukraine": "UA", "United Kingdom": "GB",
}
COUNTRIES: tuple[str, ...] = tuple(COUNTRY_CODES)
CLDR_LOCALES = {"pt": "pt_PT"}


@lru_cache(maxsize=8)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(stored English name, name in ``language``), sorted as that language sorts them."""
    # CLDR's plain "pt" is Brazilian Portuguese; the officers here write European Portuguese.
    territories = Locale.parse(CLDR_LOCALES.get(language, language)).territories
    pairs = [(name, territories.get(code, name)) for name, code in COUNTRY_CODES.items()]
    return tuple(sorted(pairs, key=lambda p: p[1].casefold()))


def country_label(name: str, language: str) -> str:
    return dict(country_choices(language)).get(name, name)
