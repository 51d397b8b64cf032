"""Ledger parsing without Odoo: real workbooks as people keep them, and each value format."""

import datetime
import io
import zipfile

import openpyxl
import pytest
import xlwt

from conftest import load_tool

ledger = load_tool("ledger")

HEADER = ["序号", "姓名", "工号", "身份证号", "部门", "培训日期", "培训内容", "学时", "授课人", "理论成绩", "考核结果"]


def workbook_bytes(sheets, title_rows=0):
    """Build an .xlsx in memory: {sheet name: rows}, each sheet under ``title_rows`` merged title rows."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for index in range(title_rows):
            sheet.cell(row=index + 1, column=1, value=f"某某化工有限公司 安全培训台账 第{index + 1}行")
            sheet.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1, end_column=8)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_header_found_below_merged_title_rows():
    data = workbook_bytes({"台账": [HEADER, [1, "张伟", "E1001", None, "电气车间", "2024-03-05", "入厂教育", 8]]},
                          title_rows=3)
    sheets, skipped = ledger.read_ledger(data, "ledger.xlsx", "training")
    assert skipped == []
    assert sheets[0].header_row == 4
    assert sheets[0].columns["date"] == 5
    assert [number for number, _cells in sheets[0].rows] == [5]


def test_header_beyond_twenty_rows_is_not_found():
    data = workbook_bytes({"台账": [HEADER, [1, "张伟", "E1001"]]}, title_rows=20)
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(data, "ledger.xlsx", "training")
    assert error.value.code == "no_header"


def test_english_headers_and_units_in_brackets():
    header = ["Name", "Employee No.", "ID Number", "Department", "Training Date", "Course", "Hours (h)",
              "Trainer", "Theory Score", "Practical", "Result"]
    data = workbook_bytes({"Sheet1": [header, ["Zhang Wei", "E1", None, "Ops", "2024/3/5", "Induction", 2]]})
    sheets, _skipped = ledger.read_ledger(data, "ledger.xlsx", "training")
    assert set(sheets[0].columns) == {"name", "employee_number", "id_number", "department", "date", "course",
                                      "hours", "trainer", "theory_score", "practical_rating", "result"}


def test_several_sheets_and_a_notes_sheet():
    data = workbook_bytes({
        "说明": [["本台账由安全科填写"], ["请勿修改表头"]],
        "2023": [HEADER, [1, "张伟", "E1001", None, "电气车间", "2023-03-05", "入厂教育", 8]],
        "2024": [HEADER, [1, "王强", "E1002", None, "电气车间", "2024-03-05", "入厂教育", 8],
                 [None] * 11,
                 [2, "刘洋", "E1003", None, "电气车间", "2024-03-06", "入厂教育", 8]],
    })
    sheets, skipped = ledger.read_ledger(data, "ledger.xlsx", "training")
    assert skipped == ["说明"]
    assert [sheet.name for sheet in sheets] == ["2023", "2024"]
    assert [number for number, _cells in sheets[1].rows] == [2, 4]


def test_missing_required_column_is_named():
    data = workbook_bytes({"台账": [["姓名", "工号", "培训日期"], ["张伟", "E1", "2024-03-05"]]})
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(data, "ledger.xlsx", "training")
    assert error.value.code == "missing_columns"
    assert error.value.params["fields"] == ["course"]


def test_saved_mapping_adds_a_header():
    data = workbook_bytes({"台账": [["人员", "上课日", "科目"], ["张伟", "2024-03-05", "入厂教育"]]})
    sheets, _skipped = ledger.read_ledger(
        data, "ledger.xlsx", "training", overrides={"人员": "name", "上课日": "date", "科目": "course"})
    assert sheets[0].columns == {"name": 0, "date": 1, "course": 2}


@pytest.mark.parametrize(("value", "expected"), [
    (datetime.datetime(2024, 3, 5, 0, 0), datetime.date(2024, 3, 5)),
    (45356, datetime.date(2024, 3, 5)),
    (45356.0, datetime.date(2024, 3, 5)),
    ("2024-03-05", datetime.date(2024, 3, 5)),
    ("2024/3/5", datetime.date(2024, 3, 5)),
    ("2024.3.5", datetime.date(2024, 3, 5)),
    ("2024年3月5日", datetime.date(2024, 3, 5)),
    ("20240305", datetime.date(2024, 3, 5)),
    (20240305, datetime.date(2024, 3, 5)),
    ("２０２４－０３－０５", datetime.date(2024, 3, 5)),
    ("2024-03-05 08:30", datetime.date(2024, 3, 5)),
])
def test_dates(value, expected):
    assert ledger.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "3月5日", "next week", 12, "18990101", 99999999])
def test_invalid_dates(value):
    with pytest.raises(ledger.LedgerValueError) as error:
        ledger.parse_date(value)
    assert error.value.code == "date"


@pytest.mark.parametrize(("value", "expected"), [
    (2, 2.0), (2.5, 2.5), ("2学时", 2.0), ("2 课时", 2.0), ("120分钟", 2.0), ("90 min", 1.5), ("２．５", 2.5),
    ("4小时", 4.0),
])
def test_hours(value, expected):
    assert ledger.parse_hours(value) == expected


@pytest.mark.parametrize(("value", "code"), [("两学时", "hours"), (0, "hours_range"), (30, "hours_range"),
                                             ("-2", "hours")])
def test_invalid_hours(value, code):
    with pytest.raises(ledger.LedgerValueError) as error:
        ledger.parse_hours(value)
    assert error.value.code == code


@pytest.mark.parametrize(("value", "expected"), [
    ("合格", "passed"), ("不合格", "failed"), ("通过", "passed"), ("未通过", "failed"), ("√", "passed"),
    ("×", "failed"), ("pass", "passed"), ("FAIL", "failed"), (" 合格 ", "passed"), (None, None),
])
def test_results(value, expected):
    assert ledger.parse_result(value) == expected


def test_unknown_result_is_rejected():
    with pytest.raises(ledger.LedgerValueError) as error:
        ledger.parse_result("良好")
    assert error.value.code == "result"


def test_practical_rating_or_score():
    assert ledger.parse_practical("合格") == ("rating", "passed")
    assert ledger.parse_practical(75) == ("score", 75.0)
    assert ledger.parse_practical("80分") == ("score", 80.0)


def test_full_width_digits_and_spaces():
    assert ledger.normalize_text("　Ｅ１００１　") == "E1001"
    assert ledger.normalize_name("张　伟") == "张伟"
    assert ledger.normalize_name("Zhang  Wei") == "Zhang Wei"
    assert ledger.parse_score("８５") == 85.0


@pytest.mark.parametrize("value", [110105194912310021, 1.10105194912310e17, "1.10105194912310E+17"])
def test_id_number_stored_as_number_is_rejected(value):
    with pytest.raises(ledger.LedgerValueError) as error:
        ledger.parse_id_number(value)
    assert error.value.code == "id_number_precision"


def test_id_number_text_forms():
    assert ledger.parse_id_number("11010519491231002x") == "11010519491231002X"
    assert ledger.parse_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"
    assert ledger.parse_id_number("110105 19491231 002X") == "11010519491231002X"
    assert ledger.parse_id_number("**************002X") is None
    assert ledger.parse_id_number(None) is None


def test_employee_number_from_numeric_cell():
    assert ledger.parse_code(1001.0) == "1001"
    assert ledger.parse_code(1001) == "1001"


def test_parse_row_reports_column_and_code():
    data = workbook_bytes({"台账": [HEADER, [1, "张伟", "E1001", 110105194912310021, "电气车间", "2024-02-30",
                                            "", "2学时", "徐明", 85, "合格"]]})
    sheets, _skipped = ledger.read_ledger(data, "ledger.xlsx", "training")
    values, issues = ledger.parse_row(sheets[0], sheets[0].rows[0][1], "training")
    assert values["hours"] == 2.0
    assert values["result"] == "passed"
    assert [(issue.field, issue.column, issue.header, issue.code) for issue in issues] == [
        ("id_number", "D", "身份证号", "id_number_precision"),
        ("date", "F", "培训日期", "date"),
        ("course", "G", "培训内容", "missing"),
    ]


def test_xlsm_is_read():
    data = workbook_bytes({"台账": [HEADER, [1, "张伟", "E1001", None, "电气车间", "2024-03-05", "入厂教育", 8]]})
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as macro_enabled:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            macro_enabled.writestr(item, content)
    sheets, _skipped = ledger.read_ledger(target.getvalue(), "ledger.xlsm", "training")
    assert len(sheets[0].rows) == 1


def test_xls_is_rejected():
    workbook = xlwt.Workbook()
    workbook.add_sheet("台账").write(0, 0, "姓名")
    output = io.BytesIO()
    workbook.save(output)
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(output.getvalue(), "old.xls", "training")
    assert error.value.code == "xls"


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"", "empty.xlsx", "empty"),
    ("姓名,工号\n张伟,E1001\n".encode(), "ledger.csv", "csv"),
    (b"PK\x03\x04 truncated", "broken.xlsx", "corrupt"),
    (b"not a workbook at all", "broken.xlsx", "corrupt"),
    (b"PK\x03\x04", "ledger.ods", "format"),
])
def test_unusable_files(data, filename, code):
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(data, filename, "training")
    assert error.value.code == code


def test_password_protected_file_is_named():
    # Excel saves a password-protected workbook as an OLE2 compound file whose directory
    # names the streams EncryptionInfo and EncryptedPackage.
    directory = "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0") + \
        "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    data = ledger.OLE2_SIGNATURE + b"\0" * 504 + directory
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(data, "secret.xlsx", "training")
    assert error.value.code == "encrypted"


def test_header_without_data_rows_is_empty():
    data = workbook_bytes({"台账": [HEADER]}, title_rows=1)
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(data, "ledger.xlsx", "training")
    assert error.value.code == "empty"


def test_roster_and_certificate_headers():
    roster = workbook_bytes({"花名册": [["工号", "姓名", "证件号码", "部门", "岗位", "用工类型", "入职日期"]]})
    with pytest.raises(ledger.LedgerFileError) as error:
        ledger.read_ledger(roster, "roster.xlsx", "roster")
    assert error.value.code == "empty"
    assert ledger.parse_employee_type("劳务派遣") == "dispatched"
    certificate = workbook_bytes({"持证": [["姓名", "工号", "准操项目", "证书编号", "发证机关", "初领日期", "有效期至",
                                           "复审日期"], ["张伟", "E1", "高压电工作业", "T1", "应急管理局", 45356]]})
    sheets, _skipped = ledger.read_ledger(certificate, "certificates.xlsx", "certificate")
    assert sheets[0].columns["review_date"] == 7
