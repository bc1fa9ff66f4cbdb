"""The fair results workbook: one sheet, per booth and in total, with Chinese headers.

Exports go into the bureau's reports, so headers and notes are Chinese whatever the page
language (plain constants, like dualcert/insights/exports/headers.py). One fair is a few
dozen rows, so the workbook is written in the request, not as a background job.
"""

import io

from dualcert.core.xlsx import Column, SheetData, write_xlsx
from dualcert.fairs.selectors import FairResults, ResultRow

RESULT_COLUMNS = (
    Column("展位号", 8, text=True), Column("用人单位", 28), Column("推荐人次", 10),
    Column("推荐人数", 10), Column("面试人数", 10), Column("录用意向人数", 12),
    Column("入职人数", 10),
)
TOTAL = "合计"
SHEET = "招聘会成效"


def _cells(figures: ResultRow) -> list[int]:
    return [figures.referrals, figures.workers, figures.interviewed, figures.offered,
            figures.hired]


def results_xlsx(results: FairResults) -> bytes:
    """The results of one fair as an .xlsx workbook."""
    fair = results.fair
    rows: list[list[object]] = [
        [row.booth.number, row.booth.employer.name, *_cells(row.figures)]
        for row in results.booths
    ]
    rows.append(["", TOTAL, *_cells(results.totals)])
    place = fair.region.name if fair.region else "全州"
    buffer = io.BytesIO()
    write_xlsx(buffer, [SheetData(
        name=SHEET, columns=RESULT_COLUMNS, rows=rows,
        title=f"{fair.name}（{fair.day:%Y-%m-%d}，{place}，{fair.place}）",
        notes=(f"入场人数：{results.visitors}",
               f"入场并获推荐人数：{results.visitors_referred}",
               "面试、录用意向人数含其后放弃或未录用者。"),
    )])
    return buffer.getvalue()
