"""Every command, through the CLI, on random small tables of real junk in every input position (issues 14 and 19).

Whatever the files hold (tests/junk_tables.py: synonym headers, only some columns, empty cells, ``-``, masked NIKs,
NIKs that passed through a number, impossible dates, formulas, rich markup, zero rows, totals and signature lines;
CSV with ``;`` or ``,`` in UTF-8, Windows-1252 or UTF-16, or a workbook), and whatever encoding the site file, the
election profile and the dapil table come in, on a UTF-8 or a Windows-1252 terminal, a command:

* exits 0, 1 or 2: never 70 or 3 (an internal error), never with an uncaught exception;
* says what went wrong in ONE line, never a traceback;
* shows no whole 16-digit NIK in the terminal (unless --show-nik);
* accounts for every row below the header: data rows + rows set aside = rows in the file, and every status or
  outcome it reports adds up to the data rows it read.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dpt_rutan.commands.missing_nik.columns import FILL_NIK, FILL_NKK, KEY_REG_NO, KEY_ROW
from dpt_rutan.fields import Field
from tests.cli.command_line import run_catching
from tests.cli.junk_tables import FORMATS, VALID_NIKS, JunkTable, junk_tables, write_workbook

ROOT = Path(__file__).resolve().parents[2]
PROFILE_TEXT = (ROOT / "src" / "dpt_rutan" / "profiles" / "pemilu2024.toml").read_text(encoding="utf-8")
DAPIL_TEXT = (ROOT / "examples" / "dapil_blora.csv").read_text(encoding="utf-8")
PRISON = "Rutan Kelas IIB Cépu"
# A whole NIK: 16 digits not part of a longer run. Masked ones (3316********0001) do not match.
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
# Text decoded in the wrong encoding: UTF-8 read as Windows-1252 ("Ã©"), a UTF-16 BOM read as text, NUL bytes.
MOJIBAKE = re.compile("Ã|ÿþ|þÿ|\x00")
VALIDATE_SUMMARY = re.compile(r"header on row (\d+), (\d+) data rows, (\d+) other rows")
MISSING_NIK_LINE = re.compile(
    r"Baris data WBP dibaca: (\d+) = [^\d]*(\d+) \+ [^\d]*(\d+) \+ [^\d]*(\d+) \+ [^\d]*(\d+)"
)
CONFIG_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]

TERMINALS = st.sampled_from(["utf-8", "utf-8", "cp1252"])
PROPERTY = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    # Each example runs the CLI (0.3-1 s): shrinking a failure would take many minutes. The examples are small
    # already (at most 6 people a table); the failure is reported as found.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(PROPERTY, max_examples=12)


def assert_well_behaved(result, *, show_nik: bool = False) -> None:
    """Exit 0, 1 or 2; an error is one line; no traceback; no whole NIK on screen unless asked."""
    error = result.exception
    assert error is None or isinstance(error, SystemExit), f"uncaught {error!r}\n{result.output}"
    assert result.exit_code in (0, 1, 2), f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output, result.output
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) <= 1, result.stderr
    if result.exit_code == 2:
        assert len(error_lines) == 1 and error_lines[0].startswith("dpt-rutan: error: "), result.output
    if not show_nik:
        assert not FULL_NIK.search(result.output), result.output
    assert not MOJIBAKE.search(result.output), result.output


@st.composite
def placed(draw, kind: str, extra_fields: tuple[Field, ...] = (), min_people: int = 0) -> tuple[JunkTable, str]:
    """A junk table of ``kind`` and the form to write it in."""
    form = draw(st.sampled_from(FORMATS))
    table = junk_tables(kind, workbook=form == "xlsx", extra_fields=extra_fields, min_people=min_people)
    return draw(table), form


def write(folder: Path, name: str, table_and_form: tuple[JunkTable, str]) -> Path:
    table, form = table_and_form
    return table.write(folder / name, form)


# --- config files in odd encodings ---------------------------------------------------------------------------------


@st.composite
def configs(draw) -> dict[str, str | None]:
    """The encodings of the site file, of an election profile file (None: the built-in one), of a dapil table."""
    return {
        "site": draw(st.sampled_from(CONFIG_ENCODINGS)),
        "profile": draw(st.sampled_from([None, *CONFIG_ENCODINGS])),
        "dapil": draw(st.sampled_from([None, *CONFIG_ENCODINGS])),
    }


def write_site(folder: Path, encodings: dict[str, str | None] | None = None) -> Path:
    """A site file naming the prison with an accent, with a profile file and a dapil table next to it when asked."""
    encodings = encodings or {"site": "utf-8", "profile": None, "dapil": None}
    lines = [f'name = "{PRISON}"', 'district_code = "33.16.09"', "tps_numbers = [901]"]
    if encodings["profile"]:
        profile = PROFILE_TEXT.replace('label = "Pemilu 2024"', 'label = "Pemilu 2024 — édition de test"')
        (folder / "profil.toml").write_bytes(profile.encode(encodings["profile"]))
        lines.append('profile = "profil.toml"')
    else:
        lines.append('profile = "pemilu2024"')
    if encodings["dapil"]:
        dapil = DAPIL_TEXT.replace("33.16.05,Cepu,", '33.16.05,"Cépu, Kecamatan",')
        (folder / "dapil.csv").write_bytes(dapil.encode(encodings["dapil"]))
        lines.append('dapil_file = "dapil.csv"')
    path = folder / "site.toml"
    path.write_bytes(("# Lokasi: rutan di Cépu\n" + "\n".join(lines) + "\n").encode(encodings["site"]))
    return path


# --- what the reports say about the rows read ----------------------------------------------------------------------


def reconcile_summary(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Ringkasan"]
    # The sheet opens on a title block of one-cell lines (what the report is about) above the counts.
    rows = (row for row in sheet.iter_rows(values_only=True) if len(row) >= 2 and row[0] is not None)
    return {str(item): count for item, count, *_ in rows}


def assert_reconcile_accounts_for(summary: dict[str, object], roster: JunkTable) -> None:
    """Rows below the header = rows set aside + data rows read = the sum of the statuses."""
    below = summary["Baris di bawah judul kolom"]
    aside = summary["Baris bukan data (kosong, jumlah, tanda tangan)"]
    read = summary["Baris data WBP dibaca"]
    statuses = sum(count for item, count in summary.items() if re.match(r"[A-Z_]+ — ", item))
    assert below == roster.rows_below_header(), summary
    assert aside + read == below, summary
    assert summary[f"Jumlah status = baris dibaca ({read})"] == statuses == read, summary


def assert_reconcile_report(output: Path, roster: JunkTable) -> None:
    if output.suffix == ".xlsx":
        assert_reconcile_accounts_for(reconcile_summary(output), roster)
    elif output.suffix == ".json":
        rows = json.loads(output.read_text(encoding="utf-8"))["rows"]
        source_rows = [row["source_row"] for row in rows]
        assert len(set(source_rows)) == len(source_rows) <= roster.rows_below_header()
        assert all(row["status"] for row in rows)


# --- the commands --------------------------------------------------------------------------------------------------


@PROPERTY
@given(
    file=st.sampled_from(["roster", "kpu", "dukcapil"]).flatmap(placed),
    show_nik=st.booleans(),
    output=st.sampled_from([".json", ".xlsx", ".csv"]),
    terminal=TERMINALS,
)
def test_validate_any_junk_file(file, show_nik, output, terminal):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = write(folder, "berkas", file)
        out = folder / f"temuan{output}"
        result = run_catching("validate", path, "-o", out, *(["--show-nik"] if show_nik else []), terminal=terminal)
        assert_well_behaved(result, show_nik=show_nik)
        if result.exit_code == 2:
            return
        counts = VALIDATE_SUMMARY.search(" ".join(result.stdout.split()))
        assert counts, result.output
        data_rows, other_rows = int(counts[2]), int(counts[3])
        assert data_rows + other_rows == file[0].rows_below_header(), result.output
        if output == ".json":
            assert len(json.loads(out.read_text(encoding="utf-8"))["rows"]) == data_rows


@PROPERTY
@given(
    roster=placed("roster"),
    kpu=placed("kpu"),
    dukcapil=st.none() | placed("dukcapil"),
    output=st.sampled_from([".xlsx", ".xlsx", ".json", ".csv"]),
    show_nik=st.booleans(),
    terminal=TERMINALS,
)
def test_reconcile_any_junk_in_every_position(roster, kpu, dukcapil, output, show_nik, terminal):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        args = ["reconcile", write(folder, "wbp", roster), write(folder, "dpt", kpu), "--site", write_site(folder)]
        if dukcapil is not None:
            args += ["--dukcapil", write(folder, "dukcapil", dukcapil)]
        out = folder / f"hasil{output}"
        result = run_catching(*args, "-o", out, *(["--show-nik"] if show_nik else []), terminal=terminal)
        assert_well_behaved(result, show_nik=show_nik)
        if result.exit_code == 0:
            assert_reconcile_report(out, roster[0])


@FEW
@given(
    roster=placed("roster"),
    upt_column=placed("roster", extra_fields=(Field.PRISON,)),
    kpu=placed("kpu"),
    province_wide=st.booleans(),
    table_encoding=st.sampled_from(CONFIG_ENCODINGS),
    output=st.sampled_from(["xlsx", "json", "csv"]),
)
def test_reconcile_sites_any_junk(roster, upt_column, kpu, province_wide, table_encoding, output):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        chosen = upt_column if province_wide else roster
        roster_path = write(folder, "wbp", chosen)
        berkas = "" if province_wide else f",{roster_path.name}"
        header = "Nama UPT,Kode Kecamatan,TPS" + ("" if province_wide else ",Berkas WBP")
        sites = folder / "upt.csv"
        sites.write_bytes(f"{header}\n{PRISON},33.16.09,901{berkas}\n".encode(table_encoding))
        args = ["reconcile-sites", sites, write(folder, "dpt", kpu), "-o", folder / "hasil", "--format", output]
        result = run_catching(*args, *(["--roster", roster_path] if province_wide else []))
        assert_well_behaved(result)
        if result.exit_code == 0 and output == "xlsx" and not province_wide:
            (report,) = (folder / "hasil").glob("01-*.xlsx")
            assert_reconcile_accounts_for(reconcile_summary(report), chosen[0])


@PROPERTY
@given(
    roster=placed("roster"),
    dukcapil=st.none() | placed("dukcapil"),
    kpu=st.none() | placed("kpu"),
    show_nik=st.booleans(),
    terminal=TERMINALS,
)
def test_missing_nik_any_junk(roster, dukcapil, kpu, show_nik, terminal):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        args = ["missing-nik", write(folder, "wbp", roster), "--site", write_site(folder)]
        if dukcapil is not None:
            args += ["--dukcapil", write(folder, "dukcapil", dukcapil)]
        if kpu is not None:
            args += ["--kpu", write(folder, "dpt", kpu)]
        show = ["--show-nik"] if show_nik else []
        result = run_catching(*args, "-o", folder / "perekaman.xlsx", *show, terminal=terminal)
        assert_well_behaved(result, show_nik=show_nik)
        if result.exit_code != 2:
            line = MISSING_NIK_LINE.search(" ".join(result.stdout.split()))
            assert line, result.output
            read, *outcomes = (int(count) for count in line.groups())
            assert sum(outcomes) == read <= roster[0].rows_below_header(), result.output


@st.composite
def returned_lines(draw) -> list[list[object]]:
    """Lines of a returned missing-nik workbook: row keys near the roster's rows, NIKs Dukcapil typed in any way."""
    key = st.one_of(st.integers(0, 14), st.sampled_from(["", "-", "abc", "3.5"]))
    nik = st.sampled_from(
        [*VALID_NIKS, "", "-", "3316********0001", "3.31609E+15", "=1+1", "[red]", 3316091203900001.0]
    )
    line = st.tuples(key, st.sampled_from(["", "AI.001/2023", "-"]), st.sampled_from(["", "BUDI", "[/x]"]), nik, nik)
    return draw(st.lists(line.map(list), max_size=6))


@PROPERTY
@given(roster=placed("roster"), lines=returned_lines(), title=st.booleans())
def test_apply_nik_any_junk(roster, lines, title):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        returned = folder / "kembali.xlsx"
        header = [KEY_ROW, KEY_REG_NO, "NAMA LENGKAP (DAFTAR WBP)", FILL_NIK, FILL_NKK]
        write_workbook(returned, [*([["DAFTAR PEREKAMAN"], []] if title else []), header, *lines])
        result = run_catching("apply-nik", write(folder, "wbp", roster), returned, "-o", folder / "wbp-baru.xlsx")
        assert_well_behaved(result)


@PROPERTY
@given(roster=placed("roster"), encodings=configs(), output=st.sampled_from([".xlsx", ".json"]), terminal=TERMINALS)
def test_tps_plan_any_junk_and_config_encoding(roster, encodings, output, terminal):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        site = write_site(folder, encodings)
        out = folder / f"plan{output}"
        result = run_catching("tps-plan", write(folder, "wbp", roster), "--site", site, "-o", out, terminal=terminal)
        assert_well_behaved(result)


@FEW
@given(roster=placed("roster"), kpu=placed("kpu"), encodings=configs())
def test_tps_plan_on_a_reconciled_workbook(roster, kpu, encodings):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        site = write_site(folder, encodings)
        roster_path, reconciled = write(folder, "wbp", roster), folder / "hasil.xlsx"
        first = run_catching("reconcile", roster_path, write(folder, "dpt", kpu), "--site", site, "-o", reconciled)
        assert_well_behaved(first)
        if first.exit_code == 0:
            result = run_catching(
                "tps-plan", reconciled, "--roster", roster_path, "--site", site, "-o", folder / "plan.json"
            )
            assert_well_behaved(result)


@PROPERTY
@given(
    kind=st.sampled_from(["roster", "roster", "kpu"]),
    data=st.data(),
    with_kpu=st.booleans(),
    output=st.sampled_from([".json", ".xlsx", ".csv"]),
)
def test_diff_any_junk_in_both_positions(kind, data, with_kpu, output):
    # With a column only a roster (or only an extract) has and someone in it, so that most examples get past
    # "which kind of file is this?" to the pairing.
    telling = (Field.REG_NO,) if kind == "roster" else (Field.TPS,)
    old = data.draw(placed(kind, extra_fields=telling, min_people=1), label="old")
    new = data.draw(placed(kind, extra_fields=telling, min_people=1), label="new")
    # --kpu checks a roster diff's actions; two extracts have none (one line, exit 2: checked once is enough).
    kpu = data.draw(placed("kpu"), label="kpu") if with_kpu and kind == "roster" else None
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        args = ["diff", write(folder, "lama", old), write(folder, "baru", new), "--site", write_site(folder)]
        if kpu is not None:
            args += ["--kpu", write(folder, "dpt", kpu)]
        out = folder / f"perubahan{output}"
        result = run_catching(*args, "-o", out)
        assert_well_behaved(result)
        if result.exit_code != 2 and output == ".json":
            report = json.loads(out.read_text(encoding="utf-8"))
            assert report["old_file"]["rows"] <= old[0].rows_below_header()
            assert report["new_file"]["rows"] <= new[0].rows_below_header()


@FEW
@given(
    file_name=st.sampled_from(["site.toml", "lokasi rutan é.toml", "situs.TOML", "a/b/site.toml", "site"]),
    encoding=st.sampled_from(CONFIG_ENCODINGS),
    roster=placed("roster"),
)
def test_init_site_then_use_it_in_any_encoding(file_name, encoding, roster):
    """The template init-site writes, saved again in another encoding (as an editor would), works or is one line."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        site = folder / file_name
        result = run_catching("init-site", site)
        assert_well_behaved(result)
        if result.exit_code != 0:
            return
        assert_well_behaved(run_catching("init-site", site))
        edited = site.read_text(encoding="utf-8").replace("Rutan Kelas IIB Blora", PRISON)
        site.write_bytes(edited.encode(encoding))
        plan = run_catching("tps-plan", write(folder, "wbp", roster), "--site", site)
        assert_well_behaved(plan)
