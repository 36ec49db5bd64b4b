"""Election profiles: the numbers and rules of one election, as data.

Every value that the regulations leave open or that changes between elections (voting day, the H-7 move-in
deadline, TPS capacity, staff per TPS, reserve rate and its rounding, witness participants, which ballots are held
where) lives in a profile, never in code. Two profiles ship with the package (``pemilu2024``, ``pilkada2024``, in
``profiles/*.toml``); the next election is a new TOML file passed by path, in the same format.

Who gets which ballot is described per ballot type by a *scope* and an optional *dapil*:

* ``scope = "anywhere"``: every voter at the TPS (the presidential ballot).
* ``scope = "province"``: voters whose home is in the prison's province (DPD, governor).
* ``scope = "regency"``: voters whose home is in the prison's kab/kota (regent/mayor).
* ``dapil = "dpr" | "dprd_provinsi" | "dprd_kabkota"``: on top of the scope, the home must be in the prison's
  electoral district of that kind (UU 7/2017 art. 348(4)).

``not_held_in`` lists region codes (a province "31" or a kab/kota "31.71") where that ballot is not held at all:
DKI Jakarta has no DPRD Kab/Kota and no regent/mayor election, DIY has no governor election.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from dpt_rutan.errors import ConfigError, UnusableInputError
from dpt_rutan.kpu_codes import normalise_code
from dpt_rutan.read.text_files import read_text

Scope = Literal["anywhere", "province", "regency"]
DapilKind = Literal["dpr", "dprd_provinsi", "dprd_kabkota"]
Rounding = Literal["ceil", "floor", "round"]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2})?)?$")]
"""A Kemendagri region code, dotted: province "33", kab/kota "33.16" or kecamatan "33.16.09"."""

DAPIL_SCOPE: dict[str, str] = {"dpr": "province", "dprd_provinsi": "province", "dprd_kabkota": "regency"}
"""The scope each kind of dapil lies within: a kab/kota dapil never crosses a kab/kota border."""

PROFILES_PACKAGE = "dpt_rutan"
PROFILES_DIR = "profiles"

ModelT = TypeVar("ModelT", bound=BaseModel)


def in_region(code: str, region: str) -> bool:
    """True when the dotted region ``code`` is ``region`` or lies inside it ("33.16.09" is in "33.16", not "33.1")."""
    return code == region or code.startswith(region + ".")


def round_count(value: Decimal, rounding: Rounding) -> int:
    """Round a ballot count the way the profile says; exact decimals, so 300 x 2% is 6, never 7."""
    if rounding == "ceil":
        return math.ceil(value)
    if rounding == "floor":
        return math.floor(value)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class BallotType(BaseModel):
    """One kind of ballot paper and who at a prison TPS is entitled to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label: str
    scope: Scope
    dapil: DapilKind | None = None
    reserve_rate: Decimal = Field(ge=0, le=1)
    not_held_in: tuple[RegionCode, ...] = ()

    @model_validator(mode="after")
    def _dapil_within_scope(self) -> BallotType:
        if self.dapil is not None and DAPIL_SCOPE[self.dapil] != self.scope:
            raise ValueError(f"dapil '{self.dapil}' needs scope '{DAPIL_SCOPE[self.dapil]}', not '{self.scope}'")
        return self

    def held_in(self, district_code: str) -> bool:
        return not any(in_region(district_code, region) for region in self.not_held_in)


class WitnessParticipant(BaseModel):
    """A kind of election participant that may mandate witnesses (saksi) to every TPS.

    ``count`` is how many there are everywhere; ``count_by_region`` overrides it for a province or kab/kota (DPD
    candidates differ per province, regional-head pairs per region). ``only_in`` limits the participant to some
    regions (Aceh's local parties); ``ballot`` ties it to a ballot type, so no witnesses are counted where that
    ballot is not held. A count nobody has set stays unknown and the plan says so.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label: str
    count: int | None = Field(default=None, ge=0)
    count_by_region: dict[RegionCode, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    only_in: tuple[RegionCode, ...] = ()
    ballot: str | None = None

    def applies_in(self, district_code: str) -> bool:
        return not self.only_in or any(in_region(district_code, region) for region in self.only_in)

    def count_in(self, district_code: str) -> int | None:
        """How many of these participants compete at a TPS in ``district_code``; the most specific region wins."""
        matching = [region for region in self.count_by_region if in_region(district_code, region)]
        if matching:
            return self.count_by_region[max(matching, key=len)]
        return self.count


class WitnessRules(BaseModel):
    """Witnesses (saksi) at a TPS: how many each participant may mandate, how many may be inside at a time, and who."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_participant_per_tps: int = Field(default=2, ge=0)
    inside_at_a_time: int = Field(default=1, ge=0)
    participants: tuple[WitnessParticipant, ...] = ()


class KpuCode(BaseModel):
    """What a code in a KPU extract's KETERANGAN column means, and whether the row is still a registration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    meaning: str = Field(min_length=1)
    registered: bool


class ElectionProfile(BaseModel):
    """Everything the planner and the eligibility checks need to know about one election."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    voting_day: date
    last_move_in_day: date
    ballots: tuple[BallotType, ...] = Field(min_length=1)
    max_voters_per_tps: int = Field(gt=0)
    min_voters_per_tps_loksus: int = Field(default=100, ge=0)
    kpps_per_tps: int = Field(default=7, ge=0)
    linmas_per_tps: int = Field(default=2, ge=0)
    pengawas_per_tps: int = Field(default=1, ge=0)
    reserve_rounding: Rounding = "ceil"
    witnesses: WitnessRules = Field(default_factory=WitnessRules)
    min_voting_age: int = Field(default=17, gt=0)
    married_may_vote: bool = True
    dpk_counted_at_prison_tps: bool = False
    # KETERANGAN codes of the KPU extract ("TMS 4", "B", "U"), keyed as kpu_codes.normalise_code writes them.
    kpu_codes: dict[str, KpuCode] = Field(default_factory=dict)

    @field_validator("kpu_codes", mode="before")
    @classmethod
    def _kpu_code_keys(cls, codes: object) -> object:
        if not isinstance(codes, dict):
            return codes
        normalised = {normalise_code(str(key)): value for key, value in codes.items()}
        if len(normalised) != len(codes):
            raise ValueError(f"kpu_codes: two codes are the same once written alike: {sorted(codes)}")
        return normalised

    @model_validator(mode="after")
    def _consistent(self) -> ElectionProfile:
        if self.last_move_in_day > self.voting_day:
            raise ValueError("last_move_in_day is after voting_day")
        codes = [ballot.code for ballot in self.ballots]
        if len(set(codes)) != len(codes):
            raise ValueError(f"ballot codes repeat: {codes}")
        unknown = [p.ballot for p in self.witnesses.participants if p.ballot is not None and p.ballot not in codes]
        if unknown:
            raise ValueError(f"witness participants name unknown ballots: {unknown}")
        return self

    def voting_age_cutoff(self) -> date:
        """The latest birth date of a voter who is of age on voting day (born on or before it).

        A 29 February voting day falls back to 28 February in a common year: that person turns the age that day.
        """
        year = self.voting_day.year - self.min_voting_age
        try:
            return self.voting_day.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    def ballots_held_in(self, district_code: str) -> tuple[BallotType, ...]:
        return tuple(ballot for ballot in self.ballots if ballot.held_in(district_code))


def config_error(path: Path, error: ValidationError) -> ConfigError:
    """One line naming the file and the first offending key, e.g. ``ballots[2].reserve_rate``."""
    first = error.errors()[0]
    key = ""
    for part in first["loc"]:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    where = f"{path}: {key}" if key else str(path)
    return ConfigError(f"{where}: {first['msg'].removeprefix('Value error, ')}")


def read_toml(path: Path) -> dict:
    """Parse a TOML file in any encoding Notepad saves; a file that cannot be read or a syntax error is a one-line
    ConfigError."""
    try:
        text = read_text(path)
    except UnusableInputError as exc:
        raise ConfigError(str(exc)) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def validate_config(path: Path, model: type[ModelT], data: dict) -> ModelT:
    """``data`` read from ``path`` as a ``model``; a value that breaks its rules is a one-line ConfigError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise config_error(path, exc) from exc


def available_profiles() -> list[str]:
    """Names of the profiles that ship with the package."""
    folder = resources.files(PROFILES_PACKAGE) / PROFILES_DIR
    return sorted(entry.name.removesuffix(".toml") for entry in folder.iterdir() if entry.name.endswith(".toml"))


def load_profile(name_or_path: str | Path) -> ElectionProfile:
    """A packaged profile by name ("pemilu2024"), or a profile TOML file by path (for the next election)."""
    if str(name_or_path) in available_profiles():
        resource = resources.files(PROFILES_PACKAGE) / PROFILES_DIR / f"{name_or_path}.toml"
        with resources.as_file(resource) as path:
            return validate_config(path, ElectionProfile, read_toml(path))
    path = Path(name_or_path)
    if not path.exists():
        choices = ", ".join(available_profiles())
        raise ConfigError(f"unknown election profile '{name_or_path}': use one of {choices} or a path to a TOML file")
    return validate_config(path, ElectionProfile, read_toml(path))
