"""The `dpt-rutan` command line: parse options, call the library, render with rich, exit with a code.

Exit codes: 0 done and clean, 1 done with findings (validate), 2 unusable input or configuration, 3 an internal
consistency check failed (a bug: please report it), 70 any other internal error.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from dpt_rutan import __version__, lifecycle, report
from dpt_rutan.commands.diff import report as diff_report
from dpt_rutan.commands.diff.run import diff_files
from dpt_rutan.commands.missing_nik import apply as apply_nik
from dpt_rutan.commands.missing_nik import report as missing_nik_report
from dpt_rutan.commands.missing_nik import run as missing_nik
from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.commands.plan.inputs import load_plan_inputs
from dpt_rutan.commands.plan.report import plan_json, plan_sheets, plan_terminal_rows
from dpt_rutan.commands.plan.run import plan_tps
from dpt_rutan.commands.reconcile import report as reconcile_report
from dpt_rutan.commands.reconcile import sites_report
from dpt_rutan.commands.reconcile.run import reconcile as run_reconcile
from dpt_rutan.commands.reconcile.run import reconcile_sites as run_reconcile_sites
from dpt_rutan.commands.reconcile.site_rosters import site_rosters
from dpt_rutan.commands.reconcile.site_table import read_site_table
from dpt_rutan.commands.validate import validate_file
from dpt_rutan.election import ElectionProfile, available_profiles, load_profile
from dpt_rutan.errors import ConfigError, DptRutanError
from dpt_rutan.read import sources as extract_sources
from dpt_rutan.report.mask import mask_nik_series
from dpt_rutan.site import Site, load_site, site_template
from dpt_rutan.terminal import CommandLine, console, error_console, plain, show_niks

app = typer.Typer(
    name="dpt-rutan",
    help="Daftar pemilih rutan/lapas: reconcile a prison's inmate roster with the KPU voter list and Dukcapil.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=CommandLine,
)
state = {"debug": False}

# Shared options, defined once.
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Sheet name or 0-based index (default: the first sheet with a header).")
]
KpuSheetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kpu-sheet",
        help="Read only this sheet of each KPU workbook (name or 0-based index; repeatable). Default: every sheet.",
    ),
]
KpuArgument = Annotated[
    list[Path],
    typer.Argument(help="The KPU voter-list extract (DPT): a file, several files, or a folder; every sheet is read."),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="Map a field to your header when it is not recognised: --map nik='No Induk'."),
]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the report here (.xlsx, .csv, .json).")
]
FormatOption = Annotated[
    str | None, typer.Option("--format", help="xlsx, csv or json (default: from the output file's extension).")
]
ShowNikOption = Annotated[bool, typer.Option("--show-nik", help="Show whole NIKs in the terminal (masked by default).")]
ElectionOption = Annotated[
    str | None,
    typer.Option("--election", help=f"Election profile: {', '.join(available_profiles())}, or a profile TOML file."),
]
SiteOption = Annotated[Path | None, typer.Option("--site", help="Site file (TOML) of the prison: dpt-rutan init-site.")]
NameOption = Annotated[str | None, typer.Option(help="Prison name (overrides the site file).")]
DistrictCodeOption = Annotated[
    str | None, typer.Option(help="Kemendagri kecamatan code of the prison, e.g. 33.16.09 (overrides the site file).")
]
TpsOption = Annotated[list[int] | None, typer.Option(help="The prison's TPS number(s), e.g. --tps 901.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"dpt-rutan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    state["debug"] = debug
    lifecycle.start_run(ctx.call_on_close)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """One line and an exit code for every error; under --debug the traceback first, and the same exit code.

    Everything printed, error lines and tracebacks included, shows NIKs masked unless the command has --show-nik.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        show_niks(bool(kwargs.get("show_nik")))
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except DptRutanError as error:
            print_traceback_under_debug()
            error_console.print(f"[bold red]dpt-rutan: error:[/] {plain(error)}", highlight=False, markup=True)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            print_traceback_under_debug()
            message = " ".join(str(error).split())  # one line, also for a multi-line message
            error_console.print(
                f"dpt-rutan: internal error ({type(error).__name__}): {message}. "
                "Run again with --debug for the traceback and report it.",
                highlight=False,
                markup=False,
            )
            raise typer.Exit(70) from None

    return wrapper


def print_traceback_under_debug() -> None:
    if state["debug"]:
        error_console.print(traceback.format_exc(), highlight=False, markup=False, end="")


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    mapping = {}
    for pair in pairs or []:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ConfigError(f"--map {pair!r}: write it as field=Header, e.g. --map nik='No Induk'")
        mapping[field.strip().lower()] = header.strip()
    return mapping


def output_format(output: Path, given: str | None) -> str:
    chosen = (given or output.suffix.lstrip(".") or "xlsx").lower()
    if chosen not in ("xlsx", "csv", "json"):
        raise ConfigError(f"{output}: cannot write '{chosen}': use .xlsx, .csv or .json (or --format)")
    return chosen


def resolve_site_and_profile(
    site_file: Path | None, election: str | None, overrides: dict[str, Any]
) -> tuple[Site, ElectionProfile]:
    if site_file is not None:
        site = load_site(site_file).with_overrides(**overrides)
    else:
        given = {key: value for key, value in overrides.items() if value is not None}
        missing = [option for option in ("name", "district_code") if option not in given]
        if missing:
            options = ", ".join("--" + option.replace("_", "-") for option in missing)
            raise ConfigError(f"no --site file: give {options} (or write one with 'dpt-rutan init-site')")
        site = Site.from_options(**given)
    return site, load_profile(election or site.profile)


def write_report(
    output: Path,
    output_type: str | None,
    *,
    inputs: list[Path],
    provenance: report.Provenance,
    sheets: Callable[[], list[report.SheetSpec]],
    payload: Callable[[], dict],
    rows: Callable[[], Any] | None = None,
    quiet: bool = False,
) -> None:
    """Write a command's report in the form the file name or --format asks for; only that form is built."""
    kind = output_format(output, output_type)
    if kind == "csv" and rows is None:
        raise ConfigError(f"{output}: this report has no CSV form: use .xlsx or .json")
    if kind == "csv":
        report.write_csv(output, rows(), inputs=inputs)
    elif kind == "json":
        report.write_json(output, payload(), inputs=inputs, provenance=provenance)
    else:
        report.write_workbook(output, sheets(), inputs=inputs, provenance=provenance)
    if not quiet:
        console.print(f"Written: {plain(output)}")


def masked(values, show_nik: bool):
    return values if show_nik else mask_nik_series(values.fillna("").astype(str))


# --- validate ---------------------------------------------------------------------------------------------------


@app.command()
@handles_errors
def validate(
    file: Annotated[Path, typer.Argument(help="A roster, KPU extract or Dukcapil extract (.xlsx .xls .ods .csv).")],
    sheet: SheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
    election: ElectionOption = None,
    show_nik: ShowNikOption = False,
    limit: Annotated[int, typer.Option(help="How many problem rows to show in the terminal.")] = 20,
) -> None:
    """Check a file: NIKs, dates, sexes, every row; exit 0 when clean, 1 with errors, 2 when unusable."""
    profile = load_profile(election or "pemilu2024")
    result = validate_file(file, reference_date=profile.voting_day, sheet=sheet, mapping=parse_mapping(mapping))
    table = result.people.table
    console.print(
        f"[bold]{plain(table.name)}[/]"
        + (f", sheet '{plain(table.sheet)}'" if table.sheet else "")
        + f": header on row {table.header_row}, {len(result.people.frame)} data rows, "
        f"{len(table.skipped)} other rows (blank, totals, signatures)"
    )
    counts = Table("code", "severity", "rows", title="Findings")
    for row in result.code_counts().itertuples(index=False):
        counts.add_row(plain(row.code), plain(row.severity), str(row.rows))
    console.print(counts)
    problems = result.findings[result.findings["severity"] != "info"].head(limit)
    if not problems.empty:
        shown = problems.copy()
        # A mismatch finding's value is a date or a sex, not the number itself.
        identifier = shown["field"].isin(["nik", "nkk"]) & ~shown["code"].isin(["DOB_MISMATCH", "GENDER_MISMATCH"])
        shown.loc[identifier, "value"] = masked(shown.loc[identifier, "value"], show_nik)
        rows = Table("row", "column", "code", "value", "message", title=f"First {len(shown)} problems")
        for row in shown.itertuples(index=False):
            rows.add_row(*map(plain, (row.source_row, row.column, row.code, row.value, row.message_en)))
        console.print(rows)
    if output is not None:
        write_report(
            output,
            output_type,
            inputs=[file],
            provenance=report.Provenance.for_inputs([(file, len(result.people.frame))], profile=profile.name),
            sheets=lambda: [
                report.SheetSpec("Baris", result.rows_with_findings(), text_columns=["nik", "nkk", "reg_no"]),
                report.SheetSpec("Temuan", result.findings, text_columns=["value"]),
            ],
            payload=lambda: {"rows": result.rows_with_findings(), "findings": result.findings},
            rows=result.rows_with_findings,
        )
    raise typer.Exit(1 if result.error_count else 0)


# --- reconcile --------------------------------------------------------------------------------------------------


@app.command()
@handles_errors
def reconcile(
    roster: Annotated[Path, typer.Argument(help="The prison's inmate roster (SDP export, .xlsx or .csv).")],
    kpu: KpuArgument,
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract, to confirm and propose NIKs.")] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    village: Annotated[str | None, typer.Option(help="Kelurahan/desa of the prison's TPS.")] = None,
    tps: TpsOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
    show_nik: ShowNikOption = False,
) -> None:
    """Match the roster to the KPU extract (and Dukcapil) and decide one status per inmate."""
    overrides = {"name": name, "district_code": district_code, "village": village, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    with extract_progress() as progress:
        result = run_reconcile(
            roster,
            kpu,
            site=site,
            profile=profile,
            dukcapil_path=dukcapil,
            roster_sheet=sheet,
            kpu_sheets=kpu_sheet or (),
            mapping=parse_mapping(mapping),
            progress=progress,
        )
    render_reconcile(result, show_nik)
    if output is not None:
        _write_reconcile_report(result, output, output_type, inputs=[])


def _write_reconcile_report(
    result, output: Path, output_type: str | None, inputs: list[Path], *, quiet: bool = False
) -> None:
    sources = [(result.roster.table.path, len(result.roster.frame)), *result.kpu_files]
    if result.dukcapil is not None:
        sources += extract_sources.with_rows(result.dukcapil.table.path, len(result.dukcapil.frame))
    write_report(
        output,
        output_type,
        inputs=[*inputs, *[path for path, _ in sources]],
        provenance=report.Provenance.for_inputs(
            sources, profile=result.profile.name, settings=result.settings.model_dump()
        ),
        sheets=lambda: reconcile_report.workbook_sheets(result),
        payload=lambda: reconcile_report.json_payload(result),
        rows=lambda: reconcile_report.machine_rows(result),
        quiet=quiet,
    )


@app.command("reconcile-sites")
@handles_errors
def reconcile_sites_command(
    ctx: typer.Context,
    sites: Annotated[
        Path,
        typer.Argument(help="The site table (.csv/.xlsx): one row per prison: Nama UPT, Kode Kecamatan, TPS, ..."),
    ],
    kpu: KpuArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for one report per prison and the summary.")],
    roster: Annotated[
        list[Path] | None,
        typer.Option(help="A province-wide roster with a UPT column (repeatable); else each site's Berkas WBP."),
    ] = None,
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract, to confirm and propose NIKs.")] = None,
    election: ElectionOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output_type: Annotated[str | None, typer.Option("--format", help="xlsx (default), csv or json.")] = None,
    allow_outside_paths: Annotated[
        bool, typer.Option(help="Let the site table's Berkas WBP name files outside the table's folder.")
    ] = False,
) -> None:
    """Reconcile every prison of a province in one run: the extract is read once, each prison gets its own report,
    and a summary puts them side by side with the inmates two rosters both list."""
    folder = _check_report_folder(output, ctx)
    kind = output_format(output / f"{sites_report.SUMMARY_NAME}.xlsx", output_type)
    site_table = read_site_table(sites, allow_outside_paths=allow_outside_paths)
    entries = site_table.entries
    if site_table.skipped:
        skipped = ", ".join(map(str, site_table.skipped))
        console.print(
            f"{plain(sites.name)}: rows {skipped} are not prisons (empty or totals): skipped", highlight=False
        )
    parsed = parse_mapping(mapping)
    rosters = site_rosters(entries, roster or [], mapping=parsed, sheet=sheet)
    profile = load_profile(election or entries[0].site.profile)
    with extract_progress() as progress:
        result = run_reconcile_sites(
            rosters.prisons,
            kpu,
            kpu_sheets=kpu_sheet or (),
            profile=profile,
            dukcapil_path=dukcapil,
            mapping=parsed,
            progress=progress,
        )
    render_sites(result)
    sources = sites_report.input_sources(result, rosters, sites)
    inputs = [path for path, _ in sources]
    for prison, name in zip(result.prisons, sites_report.report_names(result, kind), strict=True):
        _write_reconcile_report(prison, folder / name, kind, inputs, quiet=True)
    if kind == "csv":
        for title, frame in sites_report.tables(result, rosters, kind).items():
            report.write_csv(folder / sites_report.csv_name(title), frame, inputs=inputs)
    else:
        write_report(
            folder / f"{sites_report.SUMMARY_NAME}.{kind}",
            kind,
            inputs=inputs,
            provenance=report.Provenance.for_inputs(
                sources, profile=profile.name, settings=result.prisons[0].settings.model_dump()
            ),
            sheets=lambda: sites_report.workbook_sheets(result, rosters),
            payload=lambda: sites_report.json_payload(result, rosters),
            quiet=True,
        )
    report.publish_folder(folder, output)
    console.print(f"Written: {plain(output)}/ ({len(result.prisons)} UPT reports and {sites_report.SUMMARY_NAME})")


def _check_report_folder(output: Path, ctx: typer.Context) -> Path:
    """Before hours of reading: a folder, not a report file name, and none of an earlier run's reports in it.

    Returns the private folder the reports are written in, renamed to ``output`` once all are (all or none); it is
    removed when the run ends otherwise."""
    if output.suffix.lower() in (".xlsx", ".csv", ".json"):
        raise ConfigError(f"{output}: -o names a folder for one report per prison and the summary, e.g. -o hasil/")
    earlier = sites_report.earlier_reports(output)
    if earlier:
        raise ConfigError(
            f"{output}: holds reports of an earlier run ({', '.join(earlier[:3])}"
            f"{', ...' if len(earlier) > 3 else ''}): give a new folder with -o, or move them away"
        )
    return ctx.with_resource(report.staged_folder(output))


def render_sites(result) -> None:
    summary = sites_report.province_summary(result)
    table = Table(
        *sites_report.TERMINAL_COLUMNS.values(),
        title=f"{len(result.prisons)} UPT — DPT: {result.kpu_rows_read:,} baris",
    )
    for row in summary[list(sites_report.TERMINAL_COLUMNS)].itertuples(index=False):
        if row[0] == sites_report.TOTAL_LABEL:
            table.add_section()
        table.add_row(*map(plain, row))
    console.print(table)
    console.print(f"Ganda antar-UPT (satu orang di dua daftar WBP): {len(result.across_prisons)}")


@contextmanager
def extract_progress() -> Iterator[Callable[[str, int, int, int], None]]:
    """A progress bar per pass over the KPU extract: bytes and rows read (a province's extract takes minutes)."""
    columns = (
        TextColumn("DPT, {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} baris"),
        TimeRemainingColumn(),
    )
    # Started by the first block, so that an error before any (a bad roster) leaves the terminal as it was.
    bar = Progress(*columns, console=console, transient=True)
    tasks: dict[str, TaskID] = {}

    def show(label: str, done: int, total: int, rows: int) -> None:
        if not tasks:
            bar.start()
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total, rows=0)
        bar.update(tasks[label], completed=done, rows=rows)

    try:
        yield show
    finally:
        if tasks:
            bar.stop()


def render_reconcile(result, show_nik: bool) -> None:
    counts = result.status_counts()
    table = Table("status", "keterangan", "rows", title=f"{plain(result.site.name)} — {plain(result.profile.label)}")
    for status, count in counts.items():
        table.add_row(status, reconcile_report.STATUS_LABELS[status], str(count))
    table.add_section()
    table.add_row("total", f"{len(result.roster.frame)} rows read = sum of statuses", str(int(counts.sum())))
    console.print(table)
    for note in result.notes:
        console.print(plain(note), style="bold red" if note.startswith("PERHATIAN") else None)
    kpu_counts = result.kpu_side["status"].value_counts()
    for status, count in kpu_counts.items():
        console.print(f"KPU extract: {plain(status)} {count}")
    review = result.decisions[result.decisions["status"] == "NEEDS_REVIEW"].head(10)
    if not review.empty:
        roster = result.roster.frame.set_index("source_row")
        lines = Table("row", "name", "NIK", "candidates", title="To review (first 10)")
        niks = masked(review["source_row"].map(roster["nik_clean"]), show_nik)
        for row, nik_text in zip(review.itertuples(index=False), niks, strict=True):
            name_text = roster.loc[row.source_row, "name"]
            lines.add_row(*map(plain, (row.source_row, name_text, nik_text, row.candidates)))
        console.print(lines)


# --- tps-plan ---------------------------------------------------------------------------------------------------


class SizeFor(StrEnum):
    high = "high"
    expected = "expected"


@app.command("tps-plan")
@handles_errors
def tps_plan(
    file: Annotated[Path, typer.Argument(help="The roster, or the workbook 'dpt-rutan reconcile' wrote.")],
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    tps: TpsOption = None,
    dapil: Annotated[Path | None, typer.Option(help="Dapil table (CSV): kecamatan -> DPR / DPRD dapil.")] = None,
    roster: Annotated[
        Path | None, typer.Option(help="With a reconciled workbook: the roster, for admission dates (the forecast).")
    ] = None,
    as_of: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date of the roster (default: latest admission).")
    ] = None,
    inflow_per_week: Annotated[
        float | None, typer.Option(help="Admissions per week, instead of the roster's own history.")
    ] = None,
    size_for: Annotated[SizeFor, typer.Option(help="Size ballots for the high or the expected inflow.")] = SizeFor.high,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
) -> None:
    """Plan the prison's TPS: voters on voting day with the late inflow, TPS count, staff, ballots per type."""
    overrides = {"name": name, "district_code": district_code, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    inputs = load_plan_inputs(
        file, site=site, profile=profile, sheet=sheet, mapping=parse_mapping(mapping), roster=roster
    )
    dapil_path = dapil or site.dapil_file
    dapil_table = load_dapil(dapil_path, site.district_code) if dapil_path else None
    as_of_day: date | None = as_of.date() if as_of else None
    plan = plan_tps(
        inputs.voters,
        inputs.roster_history,
        site,
        profile,
        dapil_table,
        inflow_per_week=inflow_per_week,
        as_of=as_of_day,
        size_for=size_for.value,
    )
    view = plan_terminal_rows(plan, inputs)
    table = Table(*map(plain, view.per_tps.columns), title=plain(view.title))
    for row in view.per_tps.itertuples(index=False):
        table.add_row(*map(plain, row))
    table.add_section()
    table.add_row(*[plain(view.totals.get(column, "")) for column in view.per_tps.columns])
    console.print(table)
    for note in view.notes:
        console.print(plain(note), highlight=False)
    if output is None:
        return
    provenance = report.Provenance.for_inputs(
        inputs.sources(),
        profile=profile.name,
        settings={"size_for": size_for.value, "inflow_per_week": inflow_per_week, "as_of": as_of_day},
    )
    write_report(
        output,
        output_type,
        inputs=[path for path, _ in inputs.sources()] + ([dapil_path] if dapil_path else []),
        provenance=provenance,
        sheets=lambda: plan_sheets(plan, inputs),
        payload=lambda: plan_json(plan, inputs),
    )


# --- missing-nik and apply-nik ----------------------------------------------------------------------------------


@app.command("missing-nik")
@handles_errors
def missing_nik_command(
    roster: Annotated[Path, typer.Argument(help="The prison's inmate roster.")],
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract: candidate NIKs, NIKs not found.")] = None,
    kpu: Annotated[
        Path | None, typer.Option(help="A KPU extract (file or folder): candidate NIKs, NIKs not found.")
    ] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    show_nik: ShowNikOption = False,
) -> None:
    """List inmates who need Dukcapil (no usable NIK), with candidate NIKs; exit 1 when anyone is listed."""
    site, profile = resolve_site_and_profile(site_file, election, {"name": name, "district_code": district_code})
    with console.status("Checking NIKs and searching the extracts…"):
        result = missing_nik.find_missing_nik(
            roster,
            site=site,
            profile=profile,
            dukcapil_path=dukcapil,
            kpu_path=kpu,
            sheet=sheet,
            mapping=parse_mapping(mapping),
            kpu_sheets=kpu_sheet or (),
        )
    console.print(plain(missing_nik_report.accounting_line(result)), highlight=False)
    listed = result.listed
    table = Table("row", "name", "NIK as written", "reason", "this election", title=f"{len(listed)} to Dukcapil")
    for row, nik_text in zip(listed.itertuples(index=False), masked(listed["nik_written"], show_nik), strict=True):
        table.add_row(
            *map(plain, (row.source_row, row.name, nik_text, row.reason)), "yes" if row.for_this_election else "no"
        )
    console.print(table)
    if output is not None:
        if output_format(output, None) != "xlsx":
            raise ConfigError(f"{output}: the Dukcapil list is a workbook: use .xlsx")
        missing_nik_report.write_missing_nik_workbook(result, output)
        console.print(f"Written: {plain(output)}")
    counts = result.counts()
    raise typer.Exit(1 if counts["LISTED"] + counts["LISTED_APART"] else 0)


@app.command("apply-nik")
@handles_errors
def apply_nik_command(
    roster: Annotated[Path, typer.Argument(help="The roster the missing-nik list was made from.")],
    returned: Annotated[Path, typer.Argument(help="The missing-nik workbook as Dukcapil returned it, filled in.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the updated roster (.xlsx).")],
    election: ElectionOption = None,
    sheet: SheetOption = None,
    mapping: MapOption = None,
) -> None:
    """Put the NIKs Dukcapil filled in back into the roster; a bad NIK is reported, never applied (exit 1)."""
    profile = load_profile(election or "pemilu2024")
    result = apply_nik.apply_returned_niks(
        roster, returned, reference_date=profile.voting_day, sheet=sheet, mapping=parse_mapping(mapping)
    )
    table = Table("outcome", "lines", title=f"{plain(returned.name)} -> {plain(output.name)}")
    for outcome, count in result.counts().items():
        table.add_row(plain(outcome), str(count))
    console.print(table)
    apply_nik.write_updated_roster(result, output)
    console.print(f"Written: {plain(output)}")
    raise typer.Exit(1 if result.has_problems else 0)


# --- diff -------------------------------------------------------------------------------------------------------


@app.command()
@handles_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier roster (or KPU extract).")],
    new: Annotated[Path, typer.Argument(help="The later roster (or KPU extract), any header layout.")],
    kpu: Annotated[
        Path | None, typer.Option(help="The current KPU extract (file or folder), to check each action against.")
    ] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    tps: TpsOption = None,
    old_sheet: Annotated[str | None, typer.Option(help="Sheet of the earlier file.")] = None,
    new_sheet: Annotated[str | None, typer.Option(help="Sheet of the later file.")] = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
) -> None:
    """What changed between two rosters (arrived, left, changed field by field) and what to do for the election."""
    overrides = {"name": name, "district_code": district_code, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    with console.status("Reading and pairing both files…"):
        result = diff_files(
            old,
            new,
            site=site,
            profile=profile,
            kpu_path=kpu,
            old_sheet=old_sheet,
            new_sheet=new_sheet,
            mapping=parse_mapping(mapping),
            kpu_sheets=kpu_sheet or (),
        )
    console.print(diff_report.terminal_summary(result), markup=False, highlight=False)
    if output is None:
        return
    inputs = [old, new, *([kpu] if kpu else [])]
    sources = [(old, len(result.old.frame)), (new, len(result.new.frame))]
    sources += extract_sources.with_rows(kpu, result.kpu_rows_read) if kpu and result.kpu is not None else []
    provenance = report.Provenance.for_inputs(
        sources, profile=result.profile.name, settings=result.settings.model_dump()
    )
    write_report(
        output,
        output_type,
        inputs=inputs,
        provenance=provenance,
        sheets=lambda: diff_report.diff_sheets(result),
        payload=lambda: diff_report.diff_json(result),
        rows=lambda: diff_report.machine_rows(result),
    )


# --- init-site --------------------------------------------------------------------------------------------------


@app.command("init-site")
@handles_errors
def init_site(
    path: Annotated[Path, typer.Argument(help="Where to write the site file.")] = Path("site.toml"),
) -> None:
    """Write a commented site file (TOML) to fill in: the prison, its kecamatan code, TPS numbers, election."""
    if path.exists():
        raise ConfigError(f"{path}: already exists; choose another name or remove it first")
    report.write_text(path, site_template())
    console.print(f"Written: {plain(path)} — edit it, then pass it with --site {plain(path)}")
