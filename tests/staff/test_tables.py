"""Staff spreadsheets: export -> import gives back the seed records exactly,
an edited cell changes only its fact, and every problem names the sheet, the
row as the spreadsheet shows it and the column."""

from __future__ import annotations

import csv
import io
from typing import Dict, List

import openpyxl
import pytest
from pydantic import BaseModel

from bot.catalogue.files import Key, Layout, plain, read_all
from bot.catalogue.models import FaqEntry, Service
from bot.staff.tables import GUIDE_SHEET, SHEETS, TableError, columns, export_csv, export_xlsx, import_csv, import_xlsx
from tests.support import ROOT

PASSPORT = "cap_ho_chieu_pho_thong"  # has standard and temporary rates, details and an unofficial source


@pytest.fixture(scope="module")
def records() -> Dict[Key, BaseModel]:
    return read_all(Layout.under(ROOT / "data"))


def of_kind(records: Dict[Key, BaseModel], kind: str) -> Dict[str, BaseModel]:
    return {rid: record for (k, rid), record in records.items() if k == kind}


def sheet_rows(data: bytes) -> List[List[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def to_csv(rows: List[List[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def index_of(rows: List[List[str]], record_id: str, part: str) -> int:
    """The row's position in `rows`; the spreadsheet shows it as this + 1."""
    return next(i for i, row in enumerate(rows) if row[0] == record_id and row[1] == part)


def set_cell(rows: List[List[str]], record_id: str, part: str, column: str, value: str) -> int:
    index = index_of(rows, record_id, part)
    rows[index][rows[0].index(column)] = value
    return index + 1


def problems_of(kind: str, rows: List[List[str]]) -> List[str]:
    with pytest.raises(TableError) as caught:
        import_csv(kind, to_csv(rows))
    return [str(problem) for problem in caught.value.problems]


# -- round trips ---------------------------------------------------------------


@pytest.mark.parametrize("kind, count", [("service", 26), ("faq", 12)])
def test_csv_round_trip_gives_back_every_seed_record(records, kind, count):
    originals = of_kind(records, kind)
    data = export_csv(kind, originals)
    assert data.startswith("\ufeff".encode("utf-8")), "Excel needs the BOM to read Vietnamese"
    imported = import_csv(kind, data)
    assert len(imported) == count
    assert imported == {(kind, rid): record for rid, record in originals.items()}


def test_xlsx_round_trip_gives_back_every_seed_record_and_leaves_the_phrasebook_out(records):
    imported = import_xlsx(export_xlsx(records))
    assert imported == {key: record for key, record in records.items() if key[0] in SHEETS}
    assert any(kind == "phrases" for kind, _ in records) and not any(kind == "phrases" for kind, _ in imported)


def test_a_row_per_fact_in_the_records_order_with_its_own_provenance(records):
    passport: Service = records[("service", PASSPORT)]  # type: ignore[assignment]
    rows = sheet_rows(export_csv("service", {PASSPORT: passport}))
    fees = [
        part
        for i, item in enumerate(passport.fees.items)
        for part in [f"fees.items[{i}]", *(f"fees.items[{i}].temporary[{j}]" for j in range(len(item.temporary)))]
    ]
    expected = ["", "summary", "agency", "audience", "documents", "steps", "processing_time", "fees", *fees,
                "legal_basis", *(f"details[{i}]" for i in range(len(passport.details)))]
    assert [row[1] for row in rows[1:]] == expected
    assert any(".temporary[" in part for part in expected)
    header = rows[0]
    assert header[:2] == ["id", "part"]
    assert header[-6:] == ["note", "sources", "checked", "status", "reason", "internal"]
    rate = rows[index_of(rows, PASSPORT, "fees.items[0].temporary[0]")]
    assert rate[header.index("checked")] == passport.fees.items[0].temporary[0].checked.isoformat()
    assert rate[header.index("sources")].count("\n") == len(passport.fees.items[0].temporary[0].sources) - 1
    assert rows[index_of(rows, PASSPORT, "fees.items[0]")][header.index("checked")] == ""  # a fee line has no source


def test_rows_in_any_order_and_gaps_in_list_positions_are_read(records):
    services = of_kind(records, "service")
    rows = sheet_rows(export_csv("service", services))
    shuffled = [rows[0], *reversed(rows[1:])]
    assert import_csv("service", to_csv(shuffled)) == {("service", rid): r for rid, r in services.items()}

    del rows[index_of(rows, PASSPORT, "details[0]")]  # an office deletes a fact by deleting its row
    passport = import_csv("service", to_csv(rows))[("service", PASSPORT)]
    assert passport.details == services[PASSPORT].details[1:]


def test_a_changed_fee_amount_imports_as_that_change_only(records):
    services = of_kind(records, "service")
    original: Service = services[PASSPORT]  # type: ignore[assignment]
    assert original.fees.items[0].temporary[0].amount == 100000
    rows = sheet_rows(export_csv("service", services))
    set_cell(rows, PASSPORT, "fees.items[0].temporary[0]", "amount", "90000")

    imported = import_csv("service", to_csv(rows))

    data = original.dict()
    data["fees"]["items"][0]["temporary"][0]["amount"] = 90000
    assert imported[("service", PASSPORT)] == Service.parse_obj(data) != original
    assert {key: r for key, r in imported.items() if key[1] != PASSPORT} == {
        ("service", rid): r for rid, r in services.items() if rid != PASSPORT}


def test_a_pipe_a_backslash_and_multi_line_text_survive_both_formats(records):
    faq = plain(records[("faq", "vneid_levels")])
    faq["title"] = "Mức 1 | mức 2"
    faq["answer"] = "Dòng một.\nDòng hai có dấu | và \\ ở giữa.\n"
    faq["examples"] = ["hỏi về mức 1 | mức 2", "dòng một\ndòng hai", "đường dẫn C:\\vneid"]
    faq["sources"][0]["title"] = "Nghị định 69/2024 | Điều 12"
    faq["internal"] = "=không phải công thức"  # XLSX must not turn it into a formula
    entry = FaqEntry.parse_obj(faq)
    service = plain(records[("service", PASSPORT)])
    service["aliases"].append({"name": "hộ chiếu | passport", "kind": "case", "note": "hai dòng\nghi chú"})
    passport = Service.parse_obj(service)

    data = export_csv("faq", {entry.id: entry})
    rows = sheet_rows(data)
    assert "Nghị định 69/2024 \\| Điều 12" in rows[1][rows[0].index("sources")]
    assert rows[1][rows[0].index("examples")].split("\n")[1] == "dòng một\\ndòng hai"
    assert import_csv("faq", data) == {("faq", entry.id): entry}
    assert import_csv("service", export_csv("service", {PASSPORT: passport})) == {("service", PASSPORT): passport}
    both = {("faq", entry.id): entry, ("service", PASSPORT): passport}
    assert import_xlsx(export_xlsx(both)) == both


# -- problems name the sheet, row and column -----------------------------------


def test_a_bad_date_in_checked_names_its_row_and_column(records):
    rows = sheet_rows(export_csv("service", of_kind(records, "service")))
    row = set_cell(rows, PASSPORT, "summary", "checked", "23/11/2026")
    problems = problems_of("service", rows)
    assert len(problems) == 1
    assert problems[0].startswith(f"services, dòng {row}, cột checked: ") and "YYYY-MM-DD" in problems[0]


def test_a_verified_fact_with_only_an_unofficial_source_is_refused_at_its_sources(records):
    rows = sheet_rows(export_csv("service", of_kind(records, "service")))
    row = set_cell(rows, PASSPORT, "processing_time", "sources", "Báo Tuổi Trẻ | https://tuoitre.vn/a | other")
    set_cell(rows, PASSPORT, "processing_time", "status", "")  # empty: verified
    set_cell(rows, PASSPORT, "processing_time", "internal", "chỉ có bài báo")
    problems = problems_of("service", rows)
    rule = "a verified fact needs an official source or the legal text"  # the models' own message
    assert problems == [f"services, dòng {row}, cột sources: {rule}"]


def test_an_unknown_column_is_named_in_the_header_row(records):
    rows = sheet_rows(export_csv("faq", of_kind(records, "faq")))
    rows[0].append("ghi_chu")
    rows[1].append("xem lại")
    problems = problems_of("faq", rows)
    assert len(problems) == 1 and problems[0].startswith("faq, dòng 1, cột ghi_chu: ")


def test_a_malformed_sources_cell_names_its_row_and_the_line_in_the_cell(records):
    rows = sheet_rows(export_csv("service", of_kind(records, "service")))
    good = "Cổng Dịch vụ công quốc gia | https://dichvucong.gov.vn | official"
    extra = "Bộ Công an | https://bocongan.gov.vn | official | 2025-01-01 | thừa"
    row = set_cell(rows, PASSPORT, "agency", "sources", f"{good}\n{extra}")
    problems = problems_of("service", rows)
    assert len(problems) == 1
    assert problems[0].startswith(f"services, dòng {row}, cột sources: mục 2: ") and "5 phần" in problems[0]


def test_every_problem_is_reported_at_once(records):
    rows = sheet_rows(export_csv("service", of_kind(records, "service")))
    bad_date = set_cell(rows, PASSPORT, "summary", "checked", "2026-02-30")
    bad_url = set_cell(rows, "dang_ky_khai_sinh", "agency", "sources", "Bản sao | https://github.com/x/y | official")
    stray = set_cell(rows, "dang_ky_tam_tru", "fees.items[0]", "checked", "2026-11-23")  # a fee line has no date
    unknown_part = set_cell(rows, "dang_ky_tam_tru", "details[0]", "part", "detail[0]")
    rows.append(list(rows[index_of(rows, PASSPORT, "steps")]))
    problems = problems_of("service", rows)
    expected = [
        f"services, dòng {bad_date}, cột checked: ",
        f"services, dòng {bad_url}, cột sources: mục 1, url: github.com holds copies",
        f"services, dòng {stray}, cột checked: ",
        f"services, dòng {unknown_part}, cột part: ",
        f"services, dòng {len(rows)}, cột part: ",
    ]
    assert len(problems) == len(expected)
    assert all(any(p.startswith(e) for p in problems) for e in expected), problems


def test_an_xlsx_problem_names_the_sheet(records):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(records)))
    sheet = book["faq"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "vneid_scam")
    sheet.cell(row, header.index("checked") + 1).value = "hôm qua"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TableError) as caught:
        import_xlsx(out.getvalue())
    assert [(p.sheet, p.row, p.column) for p in caught.value.problems] == [("faq", row, "checked")]


def test_a_nested_row_without_its_parent_is_reported(records):
    rows = sheet_rows(export_csv("service", of_kind(records, "service")))
    del rows[index_of(rows, PASSPORT, "fees.items[0]")]
    orphan = index_of(rows, PASSPORT, "fees.items[0].temporary[0]") + 1
    problems = problems_of("service", rows)
    assert any(p.startswith(f"services, dòng {orphan}, cột part: ") and "fees.items[0]" in p for p in problems)


# -- the workbook --------------------------------------------------------------


def test_the_workbook_has_the_guide_first_and_frozen_bold_headers(records):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(records)))
    assert book.sheetnames == [GUIDE_SHEET, "services", "faq"]
    explained = {row[0] for row in book[GUIDE_SHEET].iter_rows(values_only=True)}
    assert set(columns("service")) | set(columns("faq")) <= explained
    for kind, name in SHEETS.items():
        sheet = book[name]
        assert [cell.value for cell in sheet[1]] == list(columns(kind))
        assert sheet.freeze_panes == "C2"  # header row and id, part columns stay in view
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.cell(2, 3).alignment.wrap_text
        assert 8 <= sheet.column_dimensions["C"].width <= 60


def test_the_phrasebook_is_not_a_table(records):
    with pytest.raises(ValueError, match="YAML"):
        export_csv("phrases", of_kind(records, "phrases"))
