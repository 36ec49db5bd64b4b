"""Indonesian personal names: take titles, alias and father's name off, normalise, and compare across spellings.

Prison rosters write names the way police and court papers do: ``H. MOCH. DJOKO SOESILO, S.H. als KOKO bin
SAMIDI``. Voter lists write ``MUHAMMAD JOKO SUSILO``. To match the two, :func:`parse_name` splits off honorifics
(only at the start), degrees (after a comma, or written with dots at the end), aliases (``als``, ``alias``,
``a.k.a``, ``@``, or in parentheses) and the father's name (``bin``, ``binti``, ``bt``, ``bn``, ``b.``);
:func:`normalise_name` reduces what is left to upper-case ASCII words with common long forms unified.

Spelling is compared, not rewritten: the old spelling (Soewandi) wrote ``DJ`` for today's ``J`` and ``J`` for
today's ``Y``, so ``JOKO`` may be new spelling for ``DJOKO`` or old spelling for ``YOKO``. :func:`spelling_variants`
gives a name as typed and converted from old to new spelling; :func:`name_similarity` takes the best score over them.
Doubled letters (``MUHAMMAD``/``MUHAMAD``, ``HASSAN``/``HASAN``) and a word-final ``Y``/``I`` (``DEDY``/``DEDI``)
are folded only when comparing, so the normalised name still shows the spelling the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name as typed and its parts; ``alias`` and ``father`` join several with " / "."""

    full: str
    given: str
    alias: str
    father: str
    normalised: str


_HONORIFICS = {
    "H", "HJ", "HAJI", "HAJAH", "HAJJAH", "KH", "DRS", "DRA", "DR", "DRG", "DRH", "IR", "PROF", "R", "RA", "RM",
    "RR", "NY",
}  # fmt: skip
_DEGREES = {
    "SPD", "SPDI", "SH", "SHI", "SE", "ST", "SKOM", "SAG", "SSOS", "SKEP", "SIP", "SPSI", "SSI", "SHUT", "SP", "SPT",
    "SKES", "SKED", "SKM", "SFARM", "SHUM", "STHI", "SFIL", "SSN", "SAK", "STR", "SS", "SIKOM", "SSY", "SAB", "SDS",
    "SGZ", "AMD", "AMA", "AMK", "AMDKEP", "AMDKEB", "LC", "MSI", "MM", "MH", "MPD", "MKOM", "MAG", "MT", "MKES",
    "MSC", "MA", "MBA", "MENG", "MHUM", "MKN", "MAK", "ME", "MPSI", "MAP", "MIKOM", "PHD", "BA", "BSC", "APT", "DRS",
}  # fmt: skip
_MUHAMMAD = {
    "MOH", "MOCH", "MOHD", "MOHAMAD", "MOHAMMAD", "MOHAMED", "MOHAMMED", "MOCHAMAD", "MOCHAMMAD", "MOKHAMAD",
    "MOKHAMMAD", "MUH", "MUCH", "MUHD", "MHD", "MUHAMAD", "MUHAMMAD", "MUHAMED", "MUHAMMED", "MUCHAMAD", "MUCHAMMAD",
    "MUKHAMAD", "MUKHAMMAD", "MOKH", "MUKH", "MOCHAMED", "MOKHAMED", "MUCHAMED", "MUKHAMED",
}  # fmt: skip
_LONG_FORMS = {
    **dict.fromkeys(_MUHAMMAD, "MUHAMMAD"),
    **dict.fromkeys(["ACHMAD", "AHMAD", "ACHMAT", "AHMAT", "AKHMAD", "ACHMED", "AHMED"], "AHMAD"),
    **dict.fromkeys(["ABD", "ABDUL"], "ABDUL"),
}
# First words so common that blocking on them would put a large share of a list in one block.
_COMMON_FIRST_WORDS = {"MUHAMMAD", "AHMAD", "ABDUL", "SITI", "NUR", "I", "NI"}

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʼ"), None)
_NOT_NAME_TEXT = re.compile(r"[^A-Za-z.,()@]+")
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_DOTTED_HONORIFIC = re.compile(r"(?<![A-Za-z])([A-Za-z])\.\s?([A-Za-z])\.")
_MARKER = re.compile(
    r"(?<![A-Za-z])(?:(?P<alias>ALS|ALIAS|AKA|A\.K\.A)|(?P<father>BIN|BINTI|BT|BN))(?![A-Za-z])\.?"
    r"|@|(?<=\s)(?P<initial>B\.)",
    re.IGNORECASE,
)
_LEADING_MARKER = re.compile(rf"\s*(?:{_MARKER.pattern})", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
_OLD_SPELLING = re.compile(r"OE|DJ|TJ|NJ|SJ|CH|J")
_OLD_TO_NEW = {"OE": "U", "DJ": "J", "TJ": "C", "NJ": "NY", "SJ": "SY", "CH": "KH", "J": "Y"}
_DOUBLED = re.compile(r"([A-Z])\1+")
# NUR is written apart from or joined to the next word (NUR KHOLIS, NURCHOLIS): compared joined.
_NUR_APART = re.compile(r"\bNUR (?=[A-Z])")
_FINAL_Y = re.compile(r"Y\b")


def _ascii_name_text(raw: str) -> str:
    """Latin letters without accents, and the punctuation that carries meaning in a name; the rest as spaces.

    Digits and stray symbols become spaces here, before markers are looked for, so that a marker is recognised
    the same way whether or not the text around it has already been cleaned (``normalise_name`` is idempotent).
    """
    if not raw.isascii():
        raw = "".join(char for char in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(char))
    return _NOT_NAME_TEXT.sub(" ", raw.translate(_APOSTROPHES))


def _merge_dotted_honorific(match: re.Match[str]) -> str:
    pair = (match[1] + match[2]).upper()
    return f" {pair} " if pair in _HONORIFICS else match[0]


def _is_marker_at(text: str, match: re.Match[str]) -> bool:
    """A marker counts only after a name has begun: ``Bin Saleh`` alone is a name, not a father."""
    return _WORD.search(text, 0, match.start()) is not None


def _split_parenthesised(text: str, aliases: list[str], fathers: list[str]) -> str:
    """Move ``(als KOKO)``, ``(bin SAMIDI)`` and a bare ``(KOKO)``, which rosters use for nicknames, out of text."""

    def take(match: re.Match[str]) -> str:
        inner = match[1]
        marker = _LEADING_MARKER.match(inner)
        target = fathers if marker and marker["father"] else aliases
        target.append(inner[marker.end() :] if marker else inner)
        return " "

    return _PARENTHESISED.sub(take, text).replace("(", " ").replace(")", " ")


def _segments(text: str) -> tuple[str, list[str], list[str]]:
    """Split text at alias and father markers: (given part, alias parts, father parts)."""
    aliases: list[str] = []
    fathers: list[str] = []
    text = _split_parenthesised(text, aliases, fathers)
    markers = [match for match in _MARKER.finditer(text) if _is_marker_at(text, match)]
    if not markers:
        return text, aliases, fathers
    given = text[: markers[0].start()]
    ends = [match.start() for match in markers[1:]] + [len(text)]
    for match, end in zip(markers, ends, strict=True):
        (fathers if match["father"] or match["initial"] else aliases).append(text[match.end() : end])
    return given, aliases, fathers


def _dotless(chunk: str) -> str:
    return "".join(_WORD.findall(chunk)).upper()


def _is_degree_after_comma(chunk: str) -> bool:
    """After a comma, a known degree, or any short dotted abbreviation (``S.Pd.I``, ``M.Kes``)."""
    groups = _WORD.findall(chunk)
    short_dotted = "." in chunk and bool(groups) and all(len(group) <= 4 for group in groups)
    return _dotless(chunk) in _DEGREES or short_dotted


def _without_leading_degrees(chunks: list[str]) -> list[str]:
    """Drop degrees written with dots before the name (``S.PD. HARTONO``, ``S. H. BUDI``), as some rosters do."""
    dropped = True
    while dropped:
        dropped = False
        for size in (1, 2, 3):
            head = chunks[:size]
            if len(chunks) > size and all("." in chunk for chunk in head) and _dotless("".join(head)) in _DEGREES:
                chunks, dropped = chunks[size:], True
                break
    return chunks


def _without_degrees(segment: str) -> list[str]:
    """Chunks of a name part with degrees removed: comma parts made only of degrees, dotted leading and trailing
    ones."""
    name_part, *comma_parts = segment.split(",")
    kept = [part for part in comma_parts if not (part.split() and all(map(_is_degree_after_comma, part.split())))]
    chunks = _without_leading_degrees(" ".join([name_part, *kept]).split())
    while len(chunks) > 1 and "." in chunks[-1] and _dotless(chunks[-1]) in _DEGREES:
        chunks.pop()
    return chunks


def _clean_words(segment: str) -> list[str]:
    """The words of one name part, honorifics at the start and degrees removed; honorifics alone are kept."""
    segment = _DOTTED_HONORIFIC.sub(_merge_dotted_honorific, segment)
    words = _WORD.findall(" ".join(_without_degrees(segment)))
    first = 0
    while first < len(words) and words[first].upper() in _HONORIFICS:
        first += 1
    return words[first:] or words


def _normalise_words(words: list[str]) -> str:
    upper = [word.upper() for word in words]
    unified = [_LONG_FORMS.get(word, word) for word in upper]
    if unified and unified[0] == "M":
        unified[0] = "MUHAMMAD"
    return " ".join(unified)


def parse_name(raw: str) -> ParsedName:
    """Split a name as rosters write it into given name, alias and father's name; never raises.

    >>> name = parse_name("H. MOCH. DJOKO SOESILO, S.H. als KOKO bin SAMIDI")
    >>> name.given, name.alias, name.father, name.normalised
    ('MOCH DJOKO SOESILO', 'KOKO', 'SAMIDI', 'MUHAMMAD DJOKO SOESILO')
    """
    full = str(raw).strip()
    given, aliases, fathers = _segments(_ascii_name_text(full))
    given_words = _clean_words(given)

    def joined(parts: list[str]) -> str:
        return " / ".join(filter(None, (" ".join(_clean_words(part)) for part in parts)))

    return ParsedName(full, " ".join(given_words), joined(aliases), joined(fathers), _normalise_words(given_words))


def normalise_name(raw: str) -> str:
    """Upper-case ASCII words of the person's own name: no titles, degrees, alias or father; long forms unified.

    >>> normalise_name("Drs. Achmad Yani, M.Si.")
    'AHMAD YANI'
    """
    return parse_name(raw).normalised


def _new_spelling(normalised: str) -> str:
    """Old spelling to new in one left-to-right pass, so that the J made from DJ is not then turned into Y."""
    converted = _OLD_SPELLING.sub(lambda match: _OLD_TO_NEW[match[0]], normalised)
    return _normalise_words(converted.split())


def spelling_variants(normalised: str) -> set[str]:
    """The name as typed and read as old spelling converted to new.

    >>> sorted(spelling_variants("DJOKO SOESILO"))
    ['DJOKO SOESILO', 'JOKO SUSILO']
    """
    return {normalised, _new_spelling(normalised)}


def _folded(variant: str) -> str:
    return _FINAL_Y.sub("I", _DOUBLED.sub(r"\1", _NUR_APART.sub("NUR", variant)))


@lru_cache(maxsize=1 << 16)
def _forms(normalised: str) -> tuple[str, ...]:
    return tuple(sorted({_folded(variant) for variant in spelling_variants(normalised)})) if normalised else ()


def name_block_key(normalised: str) -> str:
    """Four letters from the first informative word, spelling folded, to block candidate pairs on.

    Very common first words (MUHAMMAD, SITI, ...) are skipped when another word follows, so that ``M. YUSUF`` and
    ``YUSUF`` share a block. J and Y are folded together, as no single reading of old spelling makes both
    ``DJOKO``/``JOKO`` and ``JUSUF``/``YUSUF`` agree.

    >>> name_block_key("MUHAMMAD DJOKO SOESILO") == name_block_key("JOKO SUSILO")
    True
    """
    words = _NUR_APART.sub("NUR", _new_spelling(normalised)).split()
    if not words:
        return ""
    word = next((word for word in words if word not in _COMMON_FIRST_WORDS), words[-1])
    return _folded(word).replace("Y", "J")[:4]


class _FormTable:
    """Comparison forms with what scoring needs of each, worked out once per form however many pairs hold it."""

    def __init__(self, forms: list[str]) -> None:
        self.forms = np.array(forms, dtype=object)
        self.sorted_words = np.array([" ".join(sorted(form.split())) for form in forms], dtype=object)
        self.words = np.array([len(form.split()) for form in forms], dtype=np.int64)


def _scored(left: _FormTable, left_at: np.ndarray, right: _FormTable, right_at: np.ndarray) -> np.ndarray:
    """The score of each pair of forms ``left.forms[left_at]``, ``right.forms[right_at]``; see
    :func:`name_similarity` for the combination."""
    left_forms, right_forms = list(left.forms[left_at]), list(right.forms[right_at])
    jaro_winkler = np.maximum(
        process.cpdist(left_forms, right_forms, scorer=JaroWinkler.normalized_similarity),
        process.cpdist(
            list(left.sorted_words[left_at]),
            list(right.sorted_words[right_at]),
            scorer=JaroWinkler.normalized_similarity,
        ),
    )
    token_sort = process.cpdist(left_forms, right_forms, scorer=fuzz.token_sort_ratio) / 100
    token_set = process.cpdist(left_forms, right_forms, scorer=fuzz.token_set_ratio) / 100
    shorter_words = np.minimum(left.words[left_at], right.words[right_at])
    contained = np.where(shorter_words >= 2, 0.9 * token_set, 0.0)
    return np.maximum((jaro_winkler + token_sort) / 2, contained)


class _NameForms:
    """The comparison forms of distinct names, flattened: name ``i`` owns forms ``start[i]:start[i] + count[i]``."""

    def __init__(self, normalised: np.ndarray) -> None:
        forms = [_forms(name) for name in normalised]
        self.count = np.array([len(owned) for owned in forms], dtype=np.int64)
        self.start = np.cumsum(self.count) - self.count
        self.table = _FormTable([form for owned in forms for form in owned])


def _distinct_pair_scores(
    left_names: np.ndarray, right_names: np.ndarray, left_at: np.ndarray, right_at: np.ndarray
) -> np.ndarray:
    """Per pair of names ``left_names[left_at]``, ``right_names[right_at]``, the best score over their forms; NaN
    when either name is empty. Every pair of forms is scored in one batch, then the best kept per pair."""
    left, right = _NameForms(left_names), _NameForms(right_names)
    per_pair = left.count[left_at] * right.count[right_at]
    pair_of_combo = np.repeat(np.arange(len(left_at)), per_pair)
    within = np.arange(len(pair_of_combo)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    right_count = right.count[right_at][pair_of_combo]  # at least 1 wherever a pair has a combination
    left_form = left.start[left_at][pair_of_combo] + within // right_count
    right_form = right.start[right_at][pair_of_combo] + within % right_count
    best = np.full(len(left_at), -np.inf)
    if len(pair_of_combo):
        np.maximum.at(best, pair_of_combo, _scored(left.table, left_form, right.table, right_form))
    return np.where(np.isneginf(best), np.nan, best)


def name_similarities(left: pd.Series, right: pd.Series) -> pd.Series:
    """:func:`name_similarity` for aligned Series of normalised names; each distinct pair is scored once, and each
    distinct name's comparison forms are worked out once."""
    left_codes, left_names = pd.factorize(left.fillna("").astype(str).to_numpy(dtype=object))
    right_codes, right_names = pd.factorize(right.fillna("").astype(str).to_numpy(dtype=object))
    width = max(len(right_names), 1)
    pair_codes, distinct = pd.factorize(left_codes.astype(np.int64) * width + right_codes)
    scores = _distinct_pair_scores(
        np.asarray(left_names, dtype=object), np.asarray(right_names, dtype=object), distinct // width, distinct % width
    )
    return pd.Series(scores[pair_codes], index=left.index)


def name_similarity(a_normalised: str, b_normalised: str) -> float:
    """Similarity of two normalised names in [0, 1]; NaN when either is empty (missing is not different).

    The best, over both names' comparison forms, of the larger of:

    * the mean of Jaro-Winkler (on the names as typed or with words sorted, whichever is higher) and
      rapidfuzz's token-sort ratio: spelling slips score high, words in another order score 1, and a shared
      first word alone does not carry the score as Jaro-Winkler's prefix bonus would (BUDI SANTOSO / BUDI
      SUSANTO: 0.88);
    * 0.9 x token-set ratio when both names have at least two words: one name holding all words of the other
      (a missing middle name) scores 0.9, but a lone common word (SITI) does not.
    """
    names_a, names_b = np.array([a_normalised], dtype=object), np.array([b_normalised], dtype=object)
    first = np.zeros(1, dtype=np.int64)
    return float(_distinct_pair_scores(names_a, names_b, first, first)[0])


def normalise_names(s: pd.Series) -> pd.DataFrame:
    """Parse a column of names once per distinct value: given name, alias, father, normalised name and block key."""
    codes, uniques = pd.factorize(s.fillna("").astype(str))
    parsed = [parse_name(name) for name in uniques]
    columns = {
        "name_given": [name.given for name in parsed],
        "name_alias": [name.alias for name in parsed],
        "name_father": [name.father for name in parsed],
        "name_norm": [name.normalised for name in parsed],
        "name_key": [name_block_key(name.normalised) for name in parsed],
    }
    return pd.DataFrame(
        {column: np.array(values or [""], dtype=object)[codes] for column, values in columns.items()},
        index=s.index,
    ).astype(str)
