"""Report writers shared by every command: workbooks, CSV and JSON written atomically and readable only by the user.

Reports carry names and NIKs (personal data, UU 27/2022) and travel between a prison and the election office, where
they are opened in Excel. So every writer:

* writes all or nothing, readable only by its owner, never over an input of the run (:mod:`.safe_files`);
* neutralises spreadsheet formulas (OWASP "CSV injection", :mod:`.formulas`); in workbooks every text cell is also
  stored with the string type, so Excel never sees a formula whatever the text is (:mod:`.workbook`).

The writers: :mod:`.workbook` (xlsx), :mod:`.plain_text` (CSV, JSON, text); :mod:`.subject` is the title block every
report's first sheet opens with, :mod:`.provenance` what a report was made from, :mod:`.mask` NIKs masked for people.
"""

from dpt_rutan.report.formulas import neutralise_formulas, neutralise_text
from dpt_rutan.report.plain_text import write_csv, write_json, write_text
from dpt_rutan.report.provenance import Provenance
from dpt_rutan.report.safe_files import (
    OutputError,
    open_output,
    publish_folder,
    remove_stale_work,
    staged_folder,
    work_folder,
)
from dpt_rutan.report.subject import subject_notes
from dpt_rutan.report.workbook import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    EXCEL_MAX_ROWS,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    PROVENANCE_SHEET,
    TEXT_FORMAT,
    BarChartSpec,
    SheetSpec,
    safe_sheet_title,
    write_workbook,
)

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "EXCEL_MAX_ROWS",
    "MAX_COLUMN_WIDTH",
    "MIN_COLUMN_WIDTH",
    "PROVENANCE_SHEET",
    "TEXT_FORMAT",
    "BarChartSpec",
    "OutputError",
    "Provenance",
    "SheetSpec",
    "neutralise_formulas",
    "neutralise_text",
    "open_output",
    "publish_folder",
    "remove_stale_work",
    "safe_sheet_title",
    "staged_folder",
    "subject_notes",
    "work_folder",
    "write_csv",
    "write_json",
    "write_text",
    "write_workbook",
]
