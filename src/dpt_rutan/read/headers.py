"""Map the headers of a user's file to canonical fields (:class:`~dpt_rutan.fields.Field`).

Rosters exported from the prison database (SDP), KPU voter-list extracts (SIDALIH, "Model A") and Dukcapil extracts
each name the same columns differently ("NIK", "No. KTP", "NO_NIK", "Nomor Induk Kependudukan"). Headers are
compared in a loose form: accents, case and every character that is not a letter or digit are dropped, so
"No. KTP", "NO_KTP" and "noktp" are the same header.

A header maps to a field in one of four ways, strongest first:

* ``OVERRIDE``: the user said so with ``--map field=Header``;
* ``EXACT``: its loose form is a synonym;
* ``PREFIX``: its first words form a synonym ("NIK (16 digit)", "TGL LAHIR (DD-MM-YYYY)"); the longest wins, so
  "NAMA IBU KANDUNG WBP" is the mother's name, not the name;
* ``TYPO``: it is a close misspelling (similarity >= 90) of one long synonym of one field ("Tangal Lahir").

When several headers map to one field the strongest match wins and the others are left unmapped with a note; two
equally strong ones are an error, because guessing would silently read the wrong column. Some headers are known
but deliberately map to nothing: the row-number column "NO", "RT/RW" (one cell for two fields), "NIK AYAH".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from rapidfuzz import fuzz, process

from dpt_rutan.errors import ConfigError, DptRutanError, Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read.synonyms import KNOWN_NON_FIELDS, SYNONYMS

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TYPO_MIN_LENGTH = 6
_TYPO_MIN_SIMILARITY = 90.0


def normalise_header(text: str) -> str:
    """The loose form of a header: ASCII lower-case letters and digits only. Never raises; idempotent."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NON_ALNUM.sub("", decomposed)


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return [word for word in _NON_ALNUM.split(decomposed) if word]


def _build_lookup() -> dict[str, Field | None]:
    """Loose synonym -> field (None for known non-fields); a synonym claimed twice is a bug in the table."""
    lookup: dict[str, Field | None] = {}
    entries = [(f, s) for f, synonyms in SYNONYMS.items() for s in synonyms] + [(None, s) for s in KNOWN_NON_FIELDS]
    for target, synonym in entries:
        key = normalise_header(synonym)
        if key in lookup and lookup[key] != target:
            raise ValueError(f"header synonym {synonym!r} given for both {lookup[key]} and {target}")
        lookup[key] = target
    return lookup


_LOOKUP = _build_lookup()
_TYPO_CANDIDATES = [key for key in _LOOKUP if len(key) >= _TYPO_MIN_LENGTH]


class MatchKind(IntEnum):
    """How a header was matched; a larger value is a stronger match."""

    TYPO = 1
    PREFIX = 2
    EXACT = 3
    OVERRIDE = 4


@dataclass(frozen=True)
class HeaderMatch:
    """What one header matched: ``field`` is None for a known non-field header such as "NO"."""

    field: Field | None
    kind: MatchKind
    synonym: str  # the loose synonym that matched

    @property
    def strength(self) -> tuple[int, int]:
        """Orders competing matches: the kind first, then, among prefixes, the one explaining more of the header."""
        return (int(self.kind), len(self.synonym) if self.kind == MatchKind.PREFIX else 0)


def match_header(header: str, *, typos: bool = True) -> HeaderMatch | None:
    """Match one header against the synonym table; None when it looks like no known header."""
    key = normalise_header(header)
    if not key:
        return None
    if key in _LOOKUP:
        return HeaderMatch(_LOOKUP[key], MatchKind.EXACT, key)
    prefix = _longest_prefix_synonym(_words(header))
    if prefix is not None:
        return HeaderMatch(_LOOKUP[prefix], MatchKind.PREFIX, prefix)
    return _typo_match(key) if typos else None


def _longest_prefix_synonym(words: list[str]) -> str | None:
    longest = None
    for end in range(1, len(words)):
        candidate = "".join(words[:end])
        if candidate in _LOOKUP:
            longest = candidate
    return longest


def _typo_match(key: str) -> HeaderMatch | None:
    """A close misspelling of long synonyms that all mean one thing; ambiguous misspellings match nothing."""
    if len(key) < _TYPO_MIN_LENGTH:
        return None
    close = process.extract(key, _TYPO_CANDIDATES, scorer=fuzz.ratio, score_cutoff=_TYPO_MIN_SIMILARITY, limit=None)
    if not close or len({_LOOKUP[candidate] for candidate, _, _ in close}) > 1:
        return None
    best = close[0][0]
    return HeaderMatch(_LOOKUP[best], MatchKind.TYPO, best)


def header_score(row_values: Iterable[object], extra_headers: Iterable[str] = ()) -> int:
    """How many text cells of a row look like known headers (typos not counted); finds the header row.

    ``extra_headers`` are headers named in ``--map`` overrides, so a file whose headers are all custom is found too.
    """
    extra = {normalise_header(h) for h in extra_headers}
    score = 0
    for value in row_values:
        if not isinstance(value, str):
            continue
        match = match_header(value, typos=False)
        if (match is not None and match.kind >= MatchKind.PREFIX) or (extra and normalise_header(value) in extra):
            score += 1
    return score


@dataclass(frozen=True)
class MappedColumn:
    """The column a field was mapped to, and how strongly its header matched."""

    header: str  # as written in the file
    index: int  # 0-based position among the file's columns
    kind: MatchKind


@dataclass
class HeaderMapping:
    """Which column holds each canonical field; what was left unmapped and why."""

    headers: list[str]
    fields: dict[Field, MappedColumn]
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched_overrides: dict[Field, str] = field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        """Canonical field name -> header as written, the shape :class:`~dpt_rutan.read.table.SourceTable` keeps."""
        return {f.value: column.header for f, column in self.fields.items()}

    @property
    def indexes(self) -> dict[str, int]:
        return {f.value: column.index for f, column in self.fields.items()}

    def missing(self, required: Iterable[Field | str]) -> list[Field]:
        return [Field(f) for f in required if Field(f) not in self.fields]


class HeaderMappingError(DptRutanError):
    """Headers that cannot be mapped without guessing; the reader turns it into an UnusableInputError."""

    def __init__(self, problem: str, fix: str) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}. {fix}")


def parse_override_fields(overrides: Mapping[str, str] | None) -> dict[Field, str]:
    """``--map`` pairs keyed by canonical field; an unknown field name is a configuration error."""
    parsed: dict[Field, str] = {}
    for name, header in (overrides or {}).items():
        key = name.strip().lower().replace("-", "_")
        try:
            parsed[Field(key)] = header
        except ValueError:
            known = ", ".join(f.value for f in Field)
            raise ConfigError(f"--map {name}={header!r}: unknown field {name!r}; fields are: {known}") from None
    return parsed


def map_headers(
    headers: Sequence[str],
    overrides: Mapping[str, str] | None = None,
    *,
    required: Iterable[Field | str] = (),
    labels: Sequence[str] | None = None,
) -> HeaderMapping:
    """Map each header to at most one field and each field to at most one header.

    ``overrides`` (canonical field name -> header) win over the synonym table. An override whose header is not in
    this file is kept in ``unmatched_overrides`` rather than raised, because one ``--map`` is applied to every
    input file; :func:`missing_field_error` mentions it when it mattered. ``labels`` name the columns in messages
    ("C" in a spreadsheet); by default they are numbered from 1.
    """
    names = list(labels) if labels is not None else [str(i + 1) for i in range(len(headers))]
    required_fields = {Field(f) for f in required}
    forced = parse_override_fields(overrides)
    mapping = HeaderMapping(headers=list(headers), fields={})
    claimed = _apply_overrides(headers, forced, mapping)
    candidates: dict[Field, list[tuple[int, HeaderMatch]]] = {}
    for index, header in enumerate(headers):
        match = None if index in claimed else match_header(header)
        if match is None or match.field is None:
            continue
        if match.field in mapping.fields:
            chosen = mapping.fields[match.field].header
            mapping.notes.append(f"'{header}' not used for {match.field}: --map chose '{chosen}'")
        else:
            candidates.setdefault(match.field, []).append((index, match))
    for target, found in candidates.items():
        _choose_column(target, found, headers, names, mapping, required=target in required_fields)
    mapping.fields = dict(sorted(mapping.fields.items(), key=lambda item: item[1].index))
    used = {column.index for column in mapping.fields.values()}
    mapping.unmapped = [h for i, h in enumerate(headers) if i not in used and normalise_header(h)]
    return mapping


def _apply_overrides(headers: Sequence[str], forced: dict[Field, str], mapping: HeaderMapping) -> set[int]:
    claimed: set[int] = set()
    for target, wanted in forced.items():
        index = _find_header(headers, wanted)
        if index is None:
            mapping.unmatched_overrides[target] = wanted
            mapping.notes.append(f"--map {target}='{wanted}': no such header in this file")
        elif index in claimed:
            raise HeaderMappingError(
                f"--map gives the column '{headers[index]}' to two fields",
                "Give each field its own column",
            )
        else:
            claimed.add(index)
            mapping.fields[target] = MappedColumn(headers[index], index, MatchKind.OVERRIDE)
    return claimed


def _find_header(headers: Sequence[str], wanted: str) -> int | None:
    """The column a ``--map`` header names: written exactly, else loosely; the first one when repeated."""
    for index, header in enumerate(headers):
        if header.strip() == wanted.strip():
            return index
    loose = normalise_header(wanted)
    return next((i for i, header in enumerate(headers) if loose and normalise_header(header) == loose), None)


def _choose_column(
    target: Field,
    found: list[tuple[int, HeaderMatch]],
    headers: Sequence[str],
    names: Sequence[str],
    mapping: HeaderMapping,
    *,
    required: bool,
) -> None:
    """Give ``target`` its strongest column; equal rivals are an error unless they repeat an optional header."""
    strongest = max(match.strength for _, match in found)
    best = [index for index, match in found if match.strength == strongest]
    if len(best) > 1 and (required or len({headers[i].strip() for i in best}) > 1):
        listed = " and ".join(f"'{headers[i]}' (column {names[i]})" for i in best)
        raise HeaderMappingError(
            f"two columns look like {target}: {listed}",
            f'Say which one to use with --map {target}="{headers[best[0]]}", or rename the other',
        )
    chosen = best[0]
    mapping.fields[target] = MappedColumn(headers[chosen], chosen, next(m.kind for i, m in found if i == chosen))
    for other, _ in found:
        if other in best and other != chosen:
            mapping.notes.append(f"'{headers[other]}' (column {names[other]}) repeats column {names[chosen]}: ignored")
        elif other != chosen:
            mapping.notes.append(
                f"'{headers[other]}' (column {names[other]}) not used for {target}: '{headers[chosen]}' fits better"
            )


def missing_field_error(missing: Sequence[Field], mapping: HeaderMapping, location: Location) -> UnusableInputError:
    """The error for required fields that no header maps to: what was found, what was tried, how to fix it."""
    found = ", ".join(f"'{h}'" for h in mapping.headers if h.strip()) or "none"
    tried = "; ".join(f"{f}: {', '.join(SYNONYMS[f])}" for f in missing)
    unmatched = [
        f"--map {f}='{mapping.unmatched_overrides[f]}' matched no header"
        for f in missing
        if f in mapping.unmatched_overrides
    ]
    names = ", ".join(f.value for f in missing)
    problem = f"no column for {names} (headers found: {found}; headers tried: {tried})"
    if unmatched:
        problem += f"; {'; '.join(unmatched)}"
    example = missing[0].value
    return UnusableInputError(location, problem, f'Name the column with --map {example}="Your header"')


def find_header_row(rows: Sequence[Sequence[object]], extra_headers: Iterable[str] = ()) -> tuple[int, int]:
    """The 0-based index and score of the row that looks most like a header; the first one on a tie."""
    extra = list(extra_headers)
    best_index, best_score = 0, 0
    for index, row in enumerate(rows):
        score = header_score(row, extra)
        if score > best_score:
            best_index, best_score = index, score
    return best_index, best_score


def combine_header_rows(
    rows: Sequence[Sequence[str]], index: int, extra_headers: Iterable[str] = ()
) -> tuple[list[str], int]:
    """The headers, and the index of the last header row, when a header spans two rows.

    Forms often merge a parent cell across columns ("TEMPAT/TGL LAHIR") over sub-headers ("TEMPAT" | "TANGGAL"),
    with single columns ("NO", "NAMA") merged down both rows. The row below is a sub-header only when its cells sit
    under such spans alone and look like headers; each sub-header is then read with its parent for context.
    """
    top = list(rows[index])
    if index + 1 >= len(rows):
        return top, index
    below = list(rows[index + 1])
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    spans = _parent_spans(top)
    under_spans = {j for start, end in spans for j in range(start, end + 1)}
    filled = [j for j, cell in enumerate(below) if cell]
    if not filled or not set(filled) <= under_spans or header_score(below, extra_headers) == 0:
        return list(rows[index]), index
    combined = list(top)
    for start, end in spans:
        for j in range(start, end + 1):
            if below[j]:
                combined[j] = _with_parent(top[start], below[j])
    return combined, index + 1


def _parent_spans(top: Sequence[str]) -> list[tuple[int, int]]:
    """Columns a header cell covers when followed by blank cells (a merged cell leaves them blank)."""
    spans = []
    for start, cell in enumerate(top):
        if not cell:
            continue
        end = start
        while end + 1 < len(top) and not top[end + 1]:
            end += 1
        if end > start:
            spans.append((start, end))
    return spans


def _with_parent(parent: str, child: str) -> str:
    """ "TEMPAT" stays; "TANGGAL" under "TEMPAT/TGL LAHIR" becomes "TANGGAL LAHIR"; else "PARENT CHILD"."""
    if _maps_to_field(child):
        return child
    words = _words(parent)
    if words and _maps_to_field(f"{child} {words[-1]}"):
        return f"{child} {words[-1].upper() if parent.isupper() else words[-1]}"
    return f"{parent} {child}"


def _maps_to_field(text: str) -> bool:
    match = match_header(text, typos=False)
    return match is not None and match.field is not None
