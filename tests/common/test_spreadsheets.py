"""common.spreadsheets: the formula guard, writing CSV/XLSX, and reading only files that are what they claim.

No database: these are framework helpers with no domain.
"""

import codecs
import datetime as dt
import io
import random
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook

from common import spreadsheets
from common.spreadsheets import SpreadsheetError, neutralise, read_table, restore, write_csv, write_xlsx

THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
HEADERS = ["หมายเลข", "ชื่อ", "ราคา"]


def refused(data: bytes, filename: str, **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, filename, **kwargs)
    message = str(error.value)
    assert THAI_LETTERS.search(message), message
    return message


def xlsx(rows, *, title="Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Every XLSX reading test runs with python-calamine and with the openpyxl fallback."""
    if request.param == "openpyxl":
        monkeypatch.setattr(spreadsheets, "_has_calamine", lambda: False)
    return request.param


# --- the formula guard ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, written", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+66 77 811234", "'+66 77 811234"),
    ("-", "'-"),
    ("@cmd", "'@cmd"),
    ("'=already", "''=already"),  # a quote before a formula character is kept through the round trip
    ("''+x", "'''+x"),
    ("เครื่องพิมพ์", "เครื่องพิมพ์"),
    ("'quoted", "'quoted"),  # a quote before anything else is left alone
    ("", ""),
    ("a=b", "a=b"),
])
def test_neutralise_then_restore_is_exact(value, written):
    assert neutralise(value) == written
    assert restore(written) == value


@pytest.mark.parametrize("value", [None, 5, -5, 2.5, Decimal("-1.00"), dt.date(2024, 1, 1), True])
def test_non_text_is_never_touched(value):
    assert neutralise(value) == value
    assert restore(value) == value


def test_restore_removes_exactly_one_quote_only_before_a_formula_character():
    assert restore("'=x") == "=x"
    assert restore("''=x") == "'=x"
    assert restore("'x") == "'x"
    assert restore("'") == "'"
    assert restore("=x") == "=x"  # a cell typed without the guard is kept as typed


def test_round_trip_of_random_text_is_exact():
    rng = random.Random(2567)
    alphabet = "'=+-@ aก๑1"
    for _ in range(2000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert restore(neutralise(value)) == value


# --- writing ---------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_neutralised():
    data = write_csv(HEADERS, [["=1+1", "เครื่องพิมพ์", Decimal("-5.00")], [None, "-ลบ", 3]])
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "หมายเลข,ชื่อ,ราคา"
    assert lines[1] == "'=1+1,เครื่องพิมพ์,-5.00"  # numbers stay numbers, even negative ones
    assert lines[2] == ",'-ลบ,3"


def test_xlsx_neutralises_text_and_keeps_numbers_and_dates():
    data = write_xlsx(HEADERS + ["วันที่"], [["=HYPERLINK(\"http://x\")", "@เครื่อง", Decimal("21000.50"), dt.date(2024, 3, 15)],
                                            ["+1", None, 7, None]], "ทะเบียน/ครุภัณฑ์:ทดสอบ",
                      number_formats={2: "#,##0.00"}, widths=[10, 20])
    assert data.startswith(b"PK\x03\x04")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "ทะเบียน ครุภัณฑ์ ทดสอบ"
    assert [cell.value for cell in sheet[1]] == HEADERS + ["วันที่"]
    first = sheet[2]
    assert first[0].value == "'=HYPERLINK(\"http://x\")" and first[0].data_type == "s"  # text, not a formula
    assert first[1].value == "'@เครื่อง"
    assert first[2].value == 21000.5 and first[2].data_type == "n" and first[2].number_format == "#,##0.00"
    assert first[3].value.date() == dt.date(2024, 3, 15)
    assert sheet["A3"].value == "'+1" and sheet["C3"].value == 7
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_what_is_written_reads_back(fmt, reader):
    rows = [["=1", "ก", Decimal("1.50")], ["@2", "ข", 2]]
    data = write_xlsx(HEADERS, rows) if fmt == "xlsx" else write_csv(HEADERS, rows)
    table = read_table(data, f"file.{fmt}")
    assert table.headers == HEADERS
    assert [line for line, _ in table.rows] == [2, 3]
    values = [[restore(cell) for cell in cells] for _, cells in table.rows]
    assert values[0][:2] == ["=1", "ก"] and values[1][:2] == ["@2", "ข"]
    assert float(values[0][2]) == 1.5 and float(values[1][2]) == 2


# --- reading XLSX -------------------------------------------------------------------------------------


def test_xlsx_row_numbers_skip_blank_rows_and_the_header_may_start_lower(reader):
    data = xlsx([[None], ["ชื่อ", "ราคา"], ["ก", 1], [None, None], ["  ", None], ["ข", 2.5], [None, None, None]])
    table = read_table(data, "register.xlsx")
    assert table.headers == ["ชื่อ", "ราคา"]
    assert table.rows == [(3, ["ก", 1]), (6, ["ข", 2.5])]
    headers, rows = table  # unpacks as (headers, rows)
    assert headers == ["ชื่อ", "ราคา"] and len(rows) == 2


def test_xlsx_cells_keep_their_types(reader):
    data = xlsx([["a", "b", "c", "d", "e"], ["text", 12, True, dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 9, 30)]])
    cells = read_table(data, "x.xlsx").rows[0][1]
    assert cells[0] == "text"
    assert cells[1] == 12 and isinstance(cells[1], (int, float))
    assert cells[2] is True
    assert cells[3] == dt.date(2024, 3, 15) and not isinstance(cells[3], dt.datetime)
    assert cells[4] == dt.datetime(2024, 3, 15, 9, 30)


def test_the_extension_is_checked_case_insensitively(reader):
    assert read_table(xlsx([["a"], ["b"]]), "REGISTER.XLSX").rows == [(2, ["b"])]


@pytest.mark.parametrize("name", ["register.xls", "register.ods", "register.txt", "register", "register.xlsx.exe"])
def test_unsupported_extensions_are_refused(name):
    assert ".xlsx" in refused(xlsx([["a"], ["b"]]), name)


def test_empty_files_are_refused():
    assert "ว่างเปล่า" in refused(b"", "register.xlsx")
    assert "ว่างเปล่า" in refused(b"", "register.csv")


def test_a_file_with_nothing_in_it_is_refused(reader):
    assert "ไม่มีข้อมูล" in refused(xlsx([[None], [None]]), "blank.xlsx")
    assert "ไม่มีข้อมูล" in refused(b"\r\n,,\r\n", "blank.csv")


@pytest.mark.parametrize("name", ["garbage.xlsx", "garbage.csv"])
def test_five_megabytes_of_garbage_are_refused(name, reader):
    garbage = random.Random(5).randbytes(5 * 1024 * 1024)
    message = refused(garbage, name)
    assert "ไม่ใช่" in message or "ไม่ได้" in message


def test_garbage_behind_zip_magic_is_refused(reader):
    assert "ไม่ใช่ไฟล์ Excel" in refused(b"PK\x03\x04" + random.Random(1).randbytes(50_000), "fake.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused(reader):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "ไม่ใช่ไฟล์ Excel" in refused(out.getvalue(), "archive.xlsx")


def test_a_workbook_with_a_broken_sheet_is_refused(reader):
    good = xlsx([["a"], ["b"]])
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut in the middle of the XML
            archive.writestr(item, content)
    refused(out.getvalue(), "broken.xlsx")


def test_old_excel_or_password_protected_files_are_refused_with_a_hint():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "old.xlsx")
    assert ".xls" in message and "รหัสผ่าน" in message


def test_a_workbook_that_would_unpack_too_big_is_refused():
    data = xlsx([["a"], ["b"]])
    assert "ใหญ่เกิน" in refused(data, "bomb.xlsx", max_unpacked_bytes=1000)


def test_a_text_file_named_xlsx_is_refused():
    assert "ไม่ใช่ไฟล์ Excel" in refused("ชื่อ,ราคา\nก,1\n".encode(), "register.xlsx")


def test_the_row_cap_counts_data_rows_not_blank_ones(reader):
    rows = [["ชื่อ"]] + [[f"แถว {n}"] for n in range(5)] + [[None]] * 20
    assert len(read_table(xlsx(rows), "x.xlsx", max_rows=5).rows) == 5
    message = refused(xlsx(rows + [["หนึ่งแถวเกิน"]]), "x.xlsx", max_rows=5)
    assert "เกิน 5 แถว" in message


# --- reading CSV -------------------------------------------------------------------------------------

CSV_TEXT = "หมายเลข,ชื่อ,ราคา\r\n๔๑๖-๖๗-๐๐๐๑,\"เครื่องพิมพ์, เลเซอร์\",\"1,500.00\"\r\n\r\n,\"หลาย\r\nบรรทัด\",2\r\n"


@pytest.mark.parametrize("encoded", [
    pytest.param(codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), id="utf-8 with BOM"),
    pytest.param(CSV_TEXT.encode("utf-8"), id="utf-8 without BOM"),
    pytest.param(CSV_TEXT.encode("cp874"), id="cp874 (Thai Excel)"),
])
def test_csv_encodings_that_thai_spreadsheets_write(encoded):
    table = read_table(encoded, "register.csv")
    assert table.headers == ["หมายเลข", "ชื่อ", "ราคา"]
    assert table.rows == [
        (2, ["๔๑๖-๖๗-๐๐๐๑", "เครื่องพิมพ์, เลเซอร์", "1,500.00"]),
        (4, [None, "หลาย\r\nบรรทัด", "2"]),  # the blank line is row 3
    ]


def test_csv_with_semicolons_or_tabs():
    assert read_table("a;b\r\n1;2\r\n".encode(), "x.csv").rows == [(2, ["1", "2"])]
    assert read_table("a\tb\n1\t2\n".encode(), "x.csv").rows == [(2, ["1", "2"])]


@pytest.mark.parametrize("data", [
    pytest.param("ชื่อ,ราคา\r\nเครื่องพิมพ์,1\r\n".encode("utf-16-le"), id="utf-16 without BOM"),
    pytest.param("ชื่อ,ราคา\r\nเครื่องพิมพ์,1\r\n".encode("utf-16"), id="utf-16 with BOM"),
    pytest.param(b"name,price\r\n\xdb\xdc\xfc\xfd,1\r\n", id="bytes undefined in cp874"),
    pytest.param(b"name,price\r\nab\x00cd,1\r\n", id="NUL bytes"),
    pytest.param(codecs.BOM_UTF8 + "ชื่อ".encode("cp874"), id="BOM then not UTF-8"),
])
def test_csv_in_an_unknown_encoding_is_refused(data):
    message = refused(data, "register.csv")
    assert "UTF-8" in message and "874" in message


def test_an_xlsx_named_csv_is_refused_with_a_hint():
    assert ".xlsx" in refused(xlsx([["a"], ["b"]]), "register.csv")


def test_csv_row_cap():
    data = ("ชื่อ\r\n" + "".join(f"แถว{n}\r\n" for n in range(6))).encode()
    assert "เกิน 5 แถว" in refused(data, "x.csv", max_rows=5)


def test_broken_csv_quoting_is_refused():
    data = ("a,b\r\n\"" + "x" * 200_000 + "\r\n").encode()  # an unclosed quote swallowing past the field limit
    refused(data, "x.csv")


def test_control_characters_never_break_an_xlsx():
    import io

    from openpyxl import load_workbook

    from common.spreadsheets import write_xlsx

    content = write_xlsx(["ชื่อ"], [["ซื้อ\x0bของ\x00"], ["บรรทัด\nใหม่\tแท็บ"]])
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1] == ("ซื้อของ",) and rows[2] == ("บรรทัด\nใหม่\tแท็บ",)
