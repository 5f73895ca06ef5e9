"""The workbook's two explanatory sheets: "read me" and the PRISMA flow guide.

Neither is read back by ``import``. The flow guide is drawn from the stage list the
validator uses, and its sums are the ones the validator checks (both in
:mod:`peerwork_review.domain.prisma`); a test breaks each sum to prove the validator still does.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from peerwork_review.authoring.references import SHEET as REFERENCES
from peerwork_review.domain.prisma import COLUMN_TITLES, LABELS, SIDE_PREFIXES, STAGES, SUMS

FLOW_SHEET = "PRISMA flow guide"


def _box_text(column: str, stages: list[str]) -> str:
    return "\n".join(f"{LABELS[s]}\n   {column} · {s}" for s in stages)


def diagram_rows(column: str) -> list[tuple[str, list[str]]]:
    """(main box stage, side box stages) from top to bottom, as PRISMA 2020 draws them."""
    rows: list[tuple[str, list[str]]] = []
    for stage in STAGES[column]:
        if stage.startswith(SIDE_PREFIXES) and rows:
            rows[-1][1].append(stage)
        else:
            rows.append((stage, []))
    return rows


def add_guide(wb, flow_layout) -> None:
    ws = wb.create_sheet(FLOW_SHEET, index=len(wb.sheetnames) - 1)
    thin = Side(style="thin", color="555555")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def box(row: int, column: int, text: str, shade: str = "FFFFFF") -> None:
        cell = ws.cell(row=row, column=column, value=text)
        cell.fill, cell.border = PatternFill("solid", fgColor=shade), border
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    sheet = flow_layout.sheet
    intro = [
        "A new run's PRISMA 2020 flow, box by box",
        f"Enter the flow on sheet '{sheet}', one row per box below.",
        "Each box shows the row's column · stage; search_run_id is the new run.",
        "The number goes in count, and source says where it comes from.",
        "A number you cannot give: leave count empty; source says 'not found: <what you looked at>', or "
        "'not reported: <where>' if the report says it was not counted.",
        "Leave figure_id empty: it points to the article's numbers, for the published run only.",
        "Studies and reports included are counted from the sheets studies and reports: a report counts for the run that found it.",
    ]
    for row, text in enumerate(intro, start=1):
        cell = ws.cell(row=row, column=2, value=text)
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
    top = len(intro) + 2
    bottom = top
    for offset, column in enumerate(STAGES):
        left = 2 + offset * 4
        ws.cell(row=top, column=left, value=COLUMN_TITLES.get(column, column)).font = Font(bold=True)
        row = top + 1
        for main, side in diagram_rows(column):
            box(row, left, _box_text(column, [main]))
            height = 1
            if side:
                ws.cell(row=row, column=left + 1, value="→").alignment = Alignment(
                    horizontal="center", vertical="center"
                )
                box(row, left + 2, _box_text(column, side), "F2F2F2")
                height = len(side)
            ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 32 * height)
            ws.cell(row=row + 1, column=left, value="↓").alignment = Alignment(horizontal="center")
            row += 2
        bottom = max(bottom, row)
        for width_column, width in ((left, 30), (left + 1, 3), (left + 2, 40), (left + 3, 3)):
            ws.column_dimensions[ws.cell(row=1, column=width_column).column_letter].width = width
    ws.column_dimensions["A"].width = 2
    box(
        bottom,
        2,
        "Studies included in review (counted from sheet studies)\n"
        "Reports of included studies (counted from sheet reports)",
    )
    ws.row_dimensions[bottom].height = 64
    row = bottom + 2
    ws.cell(
        row=row, column=2, value="These boxes must add up (checked where all their numbers are given):"
    ).font = Font(bold=True)
    for stated in SUMS:
        columns, total, parts = stated.columns, stated.total, stated.parts
        row += 1
        terms = " ".join(("− " if sign < 0 else ("+ " if i else "")) + stage for i, (stage, sign) in enumerate(parts))
        ws.cell(row=row, column=2, value=f"{total} = {terms}   ({' and '.join(columns)})")
    row += 1
    ws.cell(row=row, column=2, value="identified (databases) = the run's records on sheet search_databases, added up")
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 80  # both columns of the diagram in view on a laptop screen


def write_read_me(ws, descriptor: dict, layouts) -> None:
    lines = [
        (descriptor.get("title", "The review's data"), True),
        ("How to update the review in this workbook", True),
        (
            "1. Fill the sheets from left to right: the search run, its databases and its PRISMA flow "
            f"(see '{FLOW_SHEET}'), the new studies, their countries and quality, their reports, each new "
            f"report's bibliography entry (sheet '{REFERENCES}') and the themes its evidence supports.",
            False,
        ),
        (
            "   A further paper about a study already included: a row on sheet 'reports', role 'additional', with "
            "the run that found the paper. A study to withdraw (retracted, or not eligible on re-assessment): a row "
            "on sheet 'withdrawals' with the withdrawing run, the reason and its source; its rows stay on the other "
            "sheets, since the published review keeps it. A value to correct: change it and its source where it is, "
            "then add a row on sheet 'corrections' with the value and source it had before, and why it changed.",
            False,
        ),
        (
            "2. Point at a column's header to read what it holds. Columns with a fixed list, or that point to "
            "another sheet, have a drop-down list: pick from it.",
            False,
        ),
        (
            "3. Every value needs a source in the column beside it: 'extraction: <who, where in the report>'. "
            "When a value cannot be found, leave it empty and write 'not found: <why>' or 'not reported: <why>' "
            "in its source. Never fill in a value to make a total come out right.",
            False,
        ),
        (
            "4. Keep the sheets and their headers as they are: no renamed sheets or headers, no merged cells, "
            "no formulas. Ids and dates are text: type 2026-05, not a date.",
            False,
        ),
        (
            "5. Save as .xlsx (Excel 2007-365) and run: make import WORKBOOK=<this file>. It checks "
            "everything; data/ changes only when the whole workbook is valid, and it lists what changed.",
            False,
        ),
        ("", False),
        ("Sheet — what one row is", True),
    ]
    lines += [
        (f"{lay.sheet} — {lay.resource.get('description', lay.resource.get('title', ''))}", False) for lay in layouts
    ]
    lines.append((f"{REFERENCES} — one bibliography entry for a new report; import adds it to references.bib.", False))
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # LibreOffice does not grow a row for wrapped text it did not lay out itself
        ws.row_dimensions[row].height = 18 * (len(text) // 110 + 1) + (6 if row == 1 else 0)
    ws.column_dimensions["A"].width = 120
