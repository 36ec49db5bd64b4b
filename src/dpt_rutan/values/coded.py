"""Coded values as SIDALIH writes them, from the many ways rosters spell them: sex, marital status, citizenship, yes/no.

Each parser returns the canonical column and a mask of the non-empty cells it did not recognise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from dpt_rutan.values.cells import per_unique


def _letters_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _lookup(s: pd.Series, canonical_of: Callable[[str], str | None]) -> tuple[pd.Series, pd.Series]:
    """Map each cell through ``canonical_of`` (None: not recognised); empty cells map to "" and are not bad."""

    def parse_one(text: str) -> tuple[str, bool]:
        if not _letters_key(text):
            return "", False
        canonical = canonical_of(text)
        return (canonical, False) if canonical is not None else ("", True)

    results, codes = per_unique(s, parse_one)
    values = np.array([value for value, _ in results] or [""], dtype=object)
    bad = np.array([is_bad for _, is_bad in results] or [False], dtype=bool)
    return pd.Series(values[codes], index=s.index).astype(str), pd.Series(bad[codes], index=s.index)


_SEX = {
    **dict.fromkeys(["L", "LK", "LAKI", "LAKILAKI", "PRIA", "M", "MALE"], "L"),
    **dict.fromkeys(["P", "PR", "PEREMPUAN", "WANITA", "W", "F", "FEMALE"], "P"),
}


def parse_sex(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``L`` / ``P`` as SIDALIH writes them, from the many ways rosters spell male and female.

    The codes 1 and 2 are not accepted: Dukcapil's use of them is not documented in our sources, and a stray
    number in the column is likelier a shifted cell than a sex; they are reported as bad.
    """
    return _lookup(s, lambda text: _SEX.get(_letters_key(text)))


_MARITAL = {
    **dict.fromkeys(["B", "BK", "BELUMKAWIN", "BELUMMENIKAH", "LAJANG", "SINGLE"], "B"),
    **dict.fromkeys(["S", "K", "SK", "KAWIN", "SUDAHKAWIN", "MENIKAH", "SUDAHMENIKAH", "MARRIED"], "S"),
    **dict.fromkeys(
        ["P", "PK", "PERNAHKAWIN", "PERNAHMENIKAH", "CERAI", "CERAIHIDUP", "CERAIMATI", "CH", "CM", "JANDA", "DUDA"],
        "P",
    ),
    **dict.fromkeys(["DIVORCED", "WIDOWED", "WIDOW", "WIDOWER"], "P"),
}


def parse_marital(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``B`` / ``S`` / ``P`` (never / married / ever married), also from Dukcapil's "Kawin Tercatat" wording."""

    def canonical_of(text: str) -> str | None:
        key = re.sub(r"(BELUM)?TERCATAT$", "", _letters_key(text))
        return _MARITAL.get(key)

    return _lookup(s, canonical_of)


_WNI = {"WNI", "INDONESIA", "INDONESIAN", "WARGANEGARAINDONESIA", "RI", "INA", "IDN"}
_WNA = {"WNA", "ASING", "WARGANEGARAASING", "FOREIGN", "FOREIGNER"}
# Nationalities of foreign inmates, in Indonesian and English. Unknown text stays unknown (and is reported):
# calling an Indonesian a foreigner would take away their vote.
_COUNTRY_NAMES = (
    "Malaysia, Singapura, Singapore, Thailand, Filipina, Philippines, Vietnam, Myanmar, Kamboja, Cambodia, "
    "Laos, Brunei, Brunei Darussalam, Timor Leste, Timor-Leste, Papua Nugini, Papua New Guinea, Australia, "
    "Selandia Baru, New Zealand, Tiongkok, China, Cina, RRC, RRT, Taiwan, Hong Kong, Jepang, Japan, Korea, "
    "Korea Selatan, South Korea, Korea Utara, India, Pakistan, Bangladesh, Sri Lanka, Nepal, Iran, Irak, Iraq, "
    "Afghanistan, Arab Saudi, Saudi Arabia, Yaman, Yemen, Turki, Turkey, Suriah, Syria, Mesir, Egypt, Maroko, "
    "Morocco, Nigeria, Ghana, Kenya, Tanzania, Uganda, Senegal, Kamerun, Cameroon, Pantai Gading, Ivory Coast, "
    "Afrika Selatan, South Africa, Amerika, Amerika Serikat, United States, USA, Kanada, Canada, Brasil, "
    "Brazil, Meksiko, Mexico, Peru, Kolombia, Colombia, Inggris, United Kingdom, UK, Britain, Irlandia, Ireland, "
    "Belanda, Netherlands, Jerman, Germany, Prancis, Perancis, France, Italia, Italy, Spanyol, Spain, Portugal, "
    "Belgia, Belgium, Swiss, Switzerland, Austria, Swedia, Sweden, Norwegia, Norway, Denmark, Finlandia, "
    "Finland, Polandia, Poland, Rusia, Russia, Ukraina, Ukraine, Yunani, Greece"
)
_COUNTRIES = {_letters_key(name) for name in re.split(r",\s*", _COUNTRY_NAMES)}


def parse_citizenship(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``WNI`` / ``WNA``; a country other than Indonesia means WNA. Text naming no known country is left unknown."""

    def canonical_of(text: str) -> str | None:
        key = _letters_key(text)
        if key in _WNI or key.startswith("WNI"):
            return "WNI"
        if key in _WNA or key in _COUNTRIES or key.startswith("WNA"):
            return "WNA"
        return None

    return _lookup(s, canonical_of)


_YES = {"YA", "Y", "YES", "1", "TRUE", "BENAR", "DICABUT"}
_NO = {"TIDAK", "T", "TDK", "NO", "N", "0", "FALSE", "SALAH", "TIDAKDICABUT"}


def parse_yes_no(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """True for Ya / Yes / 1 / Dicabut, False for Tidak / No / 0 / empty; unrecognised text is False and bad."""

    def canonical_of(text: str) -> str | None:
        key = _letters_key(text)
        return "Y" if key in _YES else "N" if key in _NO else None

    flags, bad = _lookup(s, canonical_of)
    return (flags == "Y").astype(bool), bad
