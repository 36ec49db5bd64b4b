"""The site file: which prison, where it is, its TPS numbers and which election profile applies.

A site file is a small TOML file written once per prison (``dpt-rutan init-site`` writes :func:`site_template`)::

    name = "Rutan Kelas IIB Blora"
    district_code = "33.16.09"     # Kemendagri kecamatan code: province 33, kab/kota 33.16, kecamatan 09
    tps_numbers = [901]
    profile = "pemilu2024"
    dapil_file = "dapil_blora.csv"  # optional, relative to the site file

The region code is the Kemendagri (Dukcapil) code, the one NIKs carry, not the BPS code. Every field can be
overridden from the command line through :meth:`Site.with_overrides`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dpt_rutan.election import read_toml, validate_config
from dpt_rutan.errors import ConfigError
from dpt_rutan.regions import classify_region_codes, dotted, region_label

DIGITS_AND_DOTS = re.compile(r"^[0-9.]+$")  # ASCII only: \d also matches other scripts
DEFAULT_FIRST_TPS = 901  # Loksus TPS are commonly numbered from 901 (Blora TPS 901; Tulungagung 901-903)
MAX_TPS_NUMBER = 9999  # TPS are numbered within a kelurahan/desa: a larger number is a typing slip
OPTION_NAMES = {"tps_numbers": "--tps"}  # command-line options not named after their field


def normalise_district_code(text: str) -> str:
    """Accept "33.16.09" or "331609" (how spreadsheets often hold it) and return the dotted form."""
    code = dotted(text) if DIGITS_AND_DOTS.match(text.strip()) else None
    if code is None or code.count(".") != 2:
        raise ValueError(f"'{text}' is not a kecamatan code like 33.16.09 (province.kabkota.kecamatan)")
    return code


class Site(BaseModel):
    """One prison (Rutan/Lapas) with its polling station(s)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    district_code: str
    village: str | None = None
    tps_numbers: tuple[int, ...] = Field(default=(DEFAULT_FIRST_TPS,), min_length=1)
    profile: str = "pemilu2024"
    upt_code: str | None = None
    dapil_file: Path | None = None
    capacity: int | None = Field(default=None, gt=0)
    """Kapasitas hunian: how many inmates the prison is built for; a late-inflow forecast above it is flagged."""

    @field_validator("district_code", mode="before")
    @classmethod
    def _district_code(cls, value: object) -> str:
        code = normalise_district_code(str(value))
        status = classify_region_codes(pd.Series([code])).iloc[0]
        if status == "unknown_province":
            raise ValueError(f"province {code[:2]} of '{code}' does not exist")
        if status == "unknown_regency":
            raise ValueError(f"kab/kota {code[:5]} of '{code}' does not exist (Kemendagri codes, not BPS)")
        if status == "unknown_district":
            raise ValueError(f"kecamatan {code} does not exist in {region_label(code[:5])} (Kemendagri codes, not BPS)")
        return code

    @field_validator("tps_numbers")
    @classmethod
    def _tps_numbers(cls, numbers: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= number <= MAX_TPS_NUMBER for number in numbers):
            raise ValueError(f"TPS numbers go from 1 to {MAX_TPS_NUMBER}")
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"TPS numbers repeat: {list(numbers)}")
        return numbers

    @property
    def province_code(self) -> str:
        return self.district_code[:2]

    @property
    def regency_code(self) -> str:
        return self.district_code[:5]

    def tps_number_list(self, count: int) -> list[int]:
        """Numbers for ``count`` TPS: the site's numbers in order, then on from the largest one."""
        numbers = list(self.tps_numbers[:count])
        following = max(self.tps_numbers) + 1
        while len(numbers) < count:
            numbers.append(following)
            following += 1
        return numbers

    def region_label(self) -> str:
        """Where the prison is, as reports label regions: "Kec. Blora, Kab. Blora, Jawa Tengah"."""
        return region_label(self.district_code)

    def with_overrides(self, **overrides: object) -> Site:
        """A copy with the given fields replaced (command-line options); ``None`` means "not given"."""
        given = {key: value for key, value in overrides.items() if value is not None}
        unknown = sorted(given.keys() - type(self).model_fields.keys())
        if unknown:
            raise ConfigError(f"unknown site option(s): {', '.join(unknown)}")
        return type(self).from_options(**{**self.model_dump(), **given})

    @classmethod
    def from_options(cls, **options: object) -> Site:
        """A site from command-line options; a bad one is a one-line ConfigError naming the option."""
        try:
            return cls.model_validate(options)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            option = OPTION_NAMES.get(field, "--" + field.replace("_", "-")) if field else "site option"
            raise ConfigError(f"{option}: {first['msg'].removeprefix('Value error, ')}") from exc


def load_site(path: Path | str) -> Site:
    """Read a site file.

    A relative ``dapil_file``, or a ``profile`` given as a ``.toml`` path, is taken relative to the site file, not
    to the working directory, so that a site folder works from wherever the command is run.
    """
    path = Path(path)
    data = read_toml(path)
    dapil_file = data.get("dapil_file")
    if isinstance(dapil_file, str) and dapil_file.strip():
        data["dapil_file"] = path.parent / dapil_file.strip()
    profile = data.get("profile")
    if isinstance(profile, str) and profile.strip().endswith(".toml"):
        data["profile"] = str(path.parent / profile.strip())
    return validate_config(path, Site, data)


def site_template() -> str:
    """The commented site file ``dpt-rutan init-site`` writes; it loads as it is, with Blora's values as example."""
    return SITE_TEMPLATE


SITE_TEMPLATE = """\
# Berkas lokasi dpt-rutan: satu berkas per rutan/lapas. Ubah nilai contoh di bawah.
# dpt-rutan site file: one file per prison. Replace the example values below.

# Nama UPT. / The prison's name.
name = "Rutan Kelas IIB Blora"

# Kode wilayah Kemendagri (Dukcapil) sampai kecamatan, bukan kode BPS: provinsi.kabkota.kecamatan.
# Kemendagri (Dukcapil) region code down to the kecamatan, not the BPS code: province.kabkota.kecamatan.
# Contoh / example: 33.16.09 = Kecamatan Blora, Kabupaten Blora, Jawa Tengah.
district_code = "33.16.09"

# Kelurahan/desa (opsional). / Village (optional).
# village = ""

# Nomor TPS Loksus; TPS tambahan dinomori lanjut dari nomor terbesar (901, 902, ...).
# Loksus TPS numbers; extra TPS are numbered on from the largest (901, 902, ...).
tps_numbers = [901]

# Profil pemilihan: "pemilu2024", "pilkada2024", atau path berkas TOML untuk pemilihan berikutnya.
# Election profile: "pemilu2024", "pilkada2024", or the path of a TOML file for the next election.
profile = "pemilu2024"

# Kode UPT pada SDP (opsional). / The prison's SDP unit code (optional).
# upt_code = ""

# Tabel dapil CSV (opsional), relatif terhadap berkas ini. Tanpa tabel, jumlah surat suara DPR/DPRD
# ditampilkan sebagai rentang. / Dapil table CSV (optional), relative to this file. Without one, the DPR/DPRD
# ballot counts are shown as a range.
# dapil_file = "dapil.csv"
"""
