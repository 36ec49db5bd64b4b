"""The columns blocking reads, typed from a block's raw rows at a fraction of the cost of typing them in full.

Birth dates and names repeat from block to block: each distinct text is typed once and remembered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import names, nik, values
from dpt_rutan.fields import Field

_MAX_REMEMBERED = 2_000_000


class PerDistinct:
    """``compute`` (a function of a Series of texts) of each distinct text once, remembered across blocks: birth
    dates and names repeat from block to block, and parsing them is most of a block's cost."""

    def __init__(self, compute: Callable[[pd.Series], pd.Series]) -> None:
        self._compute = compute
        self._known: dict[str, object] = {}

    def __call__(self, texts: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(texts.fillna("").astype(str).to_numpy(dtype=object))
        new = [text for text in uniques if text not in self._known]
        if new:
            if len(self._known) > _MAX_REMEMBERED:
                self._known.clear()
            self._known.update(zip(new, self._compute(pd.Series(new, dtype=object)).to_numpy(), strict=True))
        return pd.Series([self._known[text] for text in uniques] or [None]).to_numpy()[codes]


def name_parts(part: str) -> PerDistinct:
    """``name_norm`` or ``name_key`` as ``names.normalise_names`` gives them."""
    return PerDistinct(lambda texts: names.normalise_names(texts)[part])


def birth_dates(reference_date: date) -> PerDistinct:
    """Birth dates as ``values.parse_dates`` parses them on ``reference_date``."""
    return PerDistinct(lambda texts: values.parse_dates(texts, reference_date=reference_date)[0])


def nik_blocks_view(data: pd.DataFrame) -> pd.DataFrame:
    """The columns NIK blocking reads. Usable NIKs join through their neighbours, which include the NIK itself,
    so no row needs the structure checks here."""
    text = nik.nik_text(data)
    return pd.DataFrame(
        {
            "source_row": data["source_row"].astype("int64").to_numpy(),
            "nik_clean": text["nik_clean"].to_numpy(),
            "nik_usable": False,
            "nik_masked_pattern": text["nik_masked_pattern"].to_numpy(),
        }
    )


def fuzzy_blocks_view(
    data: pd.DataFrame, reference_date: date, birth_dates: PerDistinct, name_keys: PerDistinct
) -> pd.DataFrame:
    """The columns birth-date and name blocking read, as ``prepare_people`` computes them."""
    birth = pd.Series(pd.to_datetime(birth_dates(values.birth_date_texts(data))), index=data.index)
    unknown = birth.isna().to_numpy()
    if unknown.any():  # the birth date a trustworthy NIK encodes stands in, as in prepare_people
        # The row's own birth date did not parse (``-``, ``00-00-0000``): the NIK's date stands alone, as typed.
        unparsed = data.loc[unknown].assign(**{Field.BIRTH_DATE.value: pd.NaT})
        check = nik.nik_findings(unparsed, reference_date=reference_date).columns
        birth.loc[unknown] = check["nik_birth_date"].where(check["nik_usable"])
    name = data[Field.NAME.value] if Field.NAME.value in data else pd.Series("", index=data.index)
    return pd.DataFrame(
        {
            "source_row": data["source_row"].astype("int64").to_numpy(),
            "birth_date": birth.to_numpy(),
            "name_key": name_keys(name),
        }
    )
