"""Reading training, certificate and roster ledgers (台账) kept by hand in Excel.

Plain Python on top of openpyxl, without the ORM. It finds the header row, maps
Chinese and English headers to fields, and turns each cell into a value: dates,
hours, scores, results, identity numbers. Problems are raised or returned as
codes with parameters, so the caller writes the translated message.
"""

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

# People keep a title, a company name and a date above the header: it is searched this far down.
HEADER_SEARCH_ROWS = 20
# A row is taken as the header when at least this many of its cells name a known column.
MIN_HEADER_MATCHES = 2
# Excel keeps 15 significant digits of a number: an 18-digit number typed into a cell loses its last ones.
EXCEL_SIGNIFICANT_DIGITS = 15
# Day 0 of Excel's 1900 date system, shifted by Excel's nonexistent 29 February 1900.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial numbers accepted as dates: 1950-01-01 to 2099-12-31.
EXCEL_SERIAL_RANGE = (18264, 73050)
YEAR_RANGE = (1950, 2099)
MINUTES_PER_HOUR = 60
MAX_HOURS = 24.0
# Start of an OLE2 compound file: an .xls workbook, or an .xlsx encrypted with a password.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Excel stores a password-protected workbook as a compound file with this stream.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm")

KINDS = ("training", "certificate", "roster")
PERSON_FIELDS = ("name", "employee_number", "id_number", "department", "job")
KIND_FIELDS = {
    "training": (*PERSON_FIELDS, "date", "course", "hours", "trainer", "attendance", "theory_score",
                 "practical_rating", "result"),
    "certificate": (*PERSON_FIELDS, "operation", "certificate_number", "issuing_authority", "issue_date",
                    "valid_until", "review_date"),
    "roster": (*PERSON_FIELDS, "employee_type", "onboarding_date"),
}
# Columns a sheet must have. Training and certificate ledgers also need a column that names the person.
REQUIRED_FIELDS = {
    "training": ("date", "course"),
    "certificate": ("operation", "certificate_number", "issue_date"),
    "roster": ("name", "employee_number"),
}
PERSON_KEY_FIELDS = ("employee_number", "id_number", "name")

# Header texts as people write them, compared after normalize_header().
SYNONYMS = {
    "name": ("姓名", "名字", "员工姓名", "人员姓名", "学员姓名", "持证人", "持证人姓名",
             "name", "fullname", "employeename"),
    "employee_number": ("工号", "员工编号", "员工工号", "职工编号", "人员编号", "职工号",
                        "employeenumber", "employeeno", "empno", "staffno", "staffnumber", "employeeid"),
    "id_number": ("身份证号", "身份证号码", "身份证", "证件号码", "证件号", "公民身份号码", "居民身份证号",
                  "居民身份证号码", "idnumber", "idno", "idcardnumber", "identitynumber", "idcard"),
    "department": ("部门", "所在部门", "部门名称", "车间", "部门/车间", "单位", "department", "dept"),
    "job": ("岗位", "工种", "职务", "岗位名称", "岗位/工种", "job", "position", "post", "jobtitle"),
    "date": ("培训日期", "培训时间", "日期", "时间", "培训开始日期", "trainingdate", "date"),
    "course": ("培训内容", "课程名称", "课程", "培训项目", "培训名称", "培训课程", "培训主题",
               "course", "coursename", "trainingcontent", "training", "subject"),
    "hours": ("学时", "课时", "培训学时", "培训课时", "时长", "hours", "traininghours", "credithours"),
    "trainer": ("授课人", "讲师", "培训教师", "授课教师", "教师", "培训师", "授课老师",
                "trainer", "instructor", "teacher"),
    "attendance": ("出勤", "考勤", "出勤情况", "attendance"),
    "theory_score": ("理论成绩", "理论考试成绩", "理论考核成绩", "笔试成绩", "考试成绩", "成绩",
                     "theoryscore", "theory", "writtenscore", "score"),
    "practical_rating": ("实操成绩", "实操评定", "评定", "实操考核", "实际操作", "实操",
                         "practicalrating", "practicalscore", "practical"),
    "result": ("考核结果", "结果", "是否合格", "考核", "培训结果", "考核情况",
               "result", "assessmentresult", "outcome"),
    "certificate_number": ("证书编号", "证号", "操作证号", "证书号", "操作证编号",
                           "certificatenumber", "certificateno", "certno"),
    "operation": ("准操项目", "操作项目", "作业项目", "作业类别", "特种作业类别", "特种作业项目",
                  "operationitem", "operation", "operationcategory"),
    "issuing_authority": ("发证机关", "发证单位", "发证部门", "issuingauthority", "issuedby", "authority"),
    "issue_date": ("初领日期", "发证日期", "初次领证日期", "领证日期", "issuedate", "firstissuedate", "dateofissue"),
    "valid_until": ("有效期至", "有效期", "有效期限", "有效截止日期", "到期日期", "validuntil", "expirydate",
                    "expiry", "expires"),
    "review_date": ("复审日期", "最近复审日期", "复审时间", "reviewdate", "lastreviewdate", "reviewedon"),
    "employee_type": ("用工类型", "人员类型", "员工类型", "用工性质", "人员类别", "employeetype",
                      "typeofemployment"),
    "onboarding_date": ("入职日期", "入厂日期", "到岗日期", "入职时间", "onboardingdate", "hiredate",
                        "dateofhire", "startdate"),
}

PASSED_WORDS = {"合格", "通过", "已通过", "及格", "√", "✓", "✔", "pass", "passed", "ok", "y", "yes", "是"}
FAILED_WORDS = {"不合格", "未通过", "不通过", "不及格", "×", "✗", "✘", "x", "fail", "failed", "n", "no", "否"}
ATTENDANCE_WORDS = {
    "present": {"出勤", "到", "已到", "出席", "参加", "√", "✓", "present", "attended"},
    "late": {"迟到", "late"},
    "absent": {"缺勤", "缺席", "未到", "缺考", "旷课", "×", "absent"},
    "excused": {"请假", "事假", "病假", "excused", "leave"},
}
EMPLOYEE_TYPE_WORDS = {
    "employee": {"正式员工", "正式工", "合同工", "员工", "employee", "regularemployee"},
    "worker": {"生产工人", "工人", "worker", "productionworker"},
    "student": {"实习生", "实习", "intern", "student"},
    "trainee": {"学徒", "见习", "学徒/见习", "trainee", "apprentice"},
    "contractor": {"外包", "承包商", "承包商人员", "外包人员", "外包/承包商人员", "contractor"},
    "freelance": {"临时用工", "临时工", "freelance", "temporaryworker", "temporary"},
    "dispatched": {"劳务派遣", "派遣", "派遣工", "dispatched", "dispatchedworker"},
}

TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
HOURS_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(学时|课时|小时|个学时|h|hr|hrs|hour|hours)?$")
MINUTES_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minute|minutes)$")
SCORE_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*分?$")
SCIENTIFIC_TEXT = re.compile(r"^\d(?:\.\d+)?e\+?\d+$")
HEADER_NOISE = re.compile(r"[\s*:：_.]+|\(.*?\)$")
CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


class LedgerFileError(ValueError):
    """The file cannot be read as a ledger; ``code`` names the problem, ``params`` its details."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


class LedgerValueError(ValueError):
    """A cell's value cannot be read; ``code`` names the problem, ``params`` its details."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass
class CellIssue:
    """One problem of one cell: the field, its column and header, the value read and the problem's code."""

    field: str
    column: str
    header: str
    value: object
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class LedgerSheet:
    """One sheet's header and data rows; ``columns`` maps each field to its 0-based column index."""

    name: str
    header_row: int
    headers: list
    columns: dict
    rows: list = field(default_factory=list)  # (1-based row number, tuple of cell values)

    def column_label(self, field_name):
        """Return the column letter and header text of ``field_name``."""
        index = self.columns[field_name]
        return get_column_letter(index + 1), self.headers[index]


# Text -----------------------------------------------------------------------

def normalize_text(value):
    """Return a cell as text: full-width letters, digits and spaces made ASCII, spaces trimmed and collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def normalize_header(value):
    """Return a header text reduced for comparison: no spaces, colons, asterisks or trailing unit in brackets."""
    text = normalize_text(value).lower()
    return HEADER_NOISE.sub("", HEADER_NOISE.sub("", text))


def normalize_name(value):
    """Return a person's name without the spaces people put between Chinese characters to align them."""
    return CJK_SPACE.sub("", normalize_text(value))


def normalize_key(value):
    """Return text for matching names of courses, departments and operation items: lowercase, no spaces."""
    return "".join(normalize_text(value).lower().split())


# Values ---------------------------------------------------------------------

def parse_date(value):
    """Return a date from a date cell, an Excel serial number or text such as 2024-03-05, 2024年3月5日 or 20240305."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and COMPACT_DATE.match(str(int(value))):
            return _checked_date(*COMPACT_DATE.match(str(int(value))).groups(), value=value)
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise LedgerValueError("date", value=value)
    text = normalize_text(value)
    match = TEXT_DATE.match(text) or COMPACT_DATE.match(text)
    if not match:
        raise LedgerValueError("date", value=value)
    return _checked_date(*match.groups(), value=value)


def _checked_date(year, month, day, value):
    try:
        result = datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise LedgerValueError("date", value=value) from error
    if not YEAR_RANGE[0] <= result.year <= YEAR_RANGE[1]:
        raise LedgerValueError("date", value=value)
    return result


def parse_hours(value):
    """Return hours from 2, 2.5, "2学时" or "120分钟" (60 minutes to the hour), rounded to 0.1."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hours = float(value)
    else:
        text = normalize_text(value).lower()
        hours_match = HOURS_TEXT.match(text)
        minutes_match = MINUTES_TEXT.match(text)
        if hours_match:
            hours = float(hours_match.group(1))
        elif minutes_match:
            hours = float(minutes_match.group(1)) / MINUTES_PER_HOUR
        else:
            raise LedgerValueError("hours", value=value)
    hours = round(hours, 1)
    if not 0 < hours <= MAX_HOURS:
        raise LedgerValueError("hours_range", value=value, maximum=MAX_HOURS)
    return hours


def parse_score(value):
    """Return a score between 0 and 100 from a number or text such as "85分"."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        score = float(value)
    else:
        match = SCORE_TEXT.match(normalize_text(value))
        if not match:
            raise LedgerValueError("score", value=value)
        score = float(match.group(1))
    if not 0 <= score <= 100:
        raise LedgerValueError("score", value=value)
    return score


def parse_result(value):
    """Return "passed" or "failed" from 合格/不合格, 通过/未通过, a tick or a cross, pass/fail."""
    if value is None or value == "":
        return None
    if value is True or value is False:
        return "passed" if value else "failed"
    word = normalize_text(value).lower()
    if word in PASSED_WORDS:
        return "passed"
    if word in FAILED_WORDS:
        return "failed"
    raise LedgerValueError("result", value=value)


def parse_practical(value):
    """Return ("rating", "passed"/"failed") for a rating or ("score", number) for a practical score."""
    if value is None or value == "":
        return None
    try:
        return ("rating", parse_result(value))
    except LedgerValueError:
        try:
            return ("score", parse_score(value))
        except LedgerValueError as error:
            raise LedgerValueError("practical", value=value) from error


def parse_attendance(value):
    if value is None or value == "":
        return None
    word = normalize_text(value).lower()
    for attendance, words in ATTENDANCE_WORDS.items():
        if word in words:
            return attendance
    raise LedgerValueError("attendance", value=value)


def parse_employee_type(value):
    if value is None or value == "":
        return None
    word = normalize_key(value)
    for employee_type, words in EMPLOYEE_TYPE_WORDS.items():
        if word in words:
            return employee_type
    raise LedgerValueError("employee_type", value=value)


def parse_id_number(value):
    """Return an identity number as text with an uppercase X, or None when empty or already masked.

    A number typed into a numeric cell kept only 15 significant digits, so an 18-digit
    resident ID number stored as a number is rejected rather than trusted.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LedgerValueError("id_number", value=value)
    if isinstance(value, (int, float)):
        digits = str(int(value)) if float(value).is_integer() else normalize_text(value)
        if len(digits) > EXCEL_SIGNIFICANT_DIGITS:
            raise LedgerValueError("id_number_precision", value=value, digits=EXCEL_SIGNIFICANT_DIGITS)
        return digits
    text = normalize_text(value).replace(" ", "").upper()
    if SCIENTIFIC_TEXT.match(text.lower()):
        raise LedgerValueError("id_number_precision", value=value, digits=EXCEL_SIGNIFICANT_DIGITS)
    if "*" in text:
        # A masked number, as the error workbook writes it: it identifies no one.
        return None
    return text


def parse_code(value):
    """Return an employee number or certificate number as text; a numeric cell loses its ".0"."""
    return normalize_text(value) or None


FIELD_PARSERS = {
    "name": lambda value: normalize_name(value) or None,
    "employee_number": parse_code,
    "id_number": parse_id_number,
    "department": lambda value: normalize_text(value) or None,
    "job": lambda value: normalize_text(value) or None,
    "date": parse_date,
    "course": lambda value: normalize_text(value) or None,
    "hours": parse_hours,
    "trainer": lambda value: normalize_name(value) or None,
    "attendance": parse_attendance,
    "theory_score": parse_score,
    "practical_rating": parse_practical,
    "result": parse_result,
    "certificate_number": parse_code,
    "operation": lambda value: normalize_text(value) or None,
    "issuing_authority": lambda value: normalize_text(value) or None,
    "issue_date": parse_date,
    "valid_until": parse_date,
    "review_date": parse_date,
    "employee_type": parse_employee_type,
    "onboarding_date": parse_date,
}


# Workbooks ------------------------------------------------------------------

def open_workbook(data, filename):
    """Return the openpyxl workbook in ``data``; raise LedgerFileError for files that are no usable ledger."""
    name = (filename or "").lower()
    if not data:
        raise LedgerFileError("empty")
    if name.endswith(".csv"):
        raise LedgerFileError("csv")
    if data.startswith(OLE2_SIGNATURE):
        if ENCRYPTION_STREAM in data:
            raise LedgerFileError("encrypted")
        raise LedgerFileError("xls")
    if name.endswith(".xls"):
        raise LedgerFileError("xls")
    if not name.endswith(ACCEPTED_EXTENSIONS):
        raise LedgerFileError("format", extension=name.rpartition(".")[2] if "." in name else "")
    if not data.startswith(ZIP_SIGNATURE):
        raise LedgerFileError("corrupt")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise LedgerFileError("corrupt", error=str(error)) from error


def header_fields(cells, kind, overrides=None):
    """Return {field: column index} for a candidate header row; the first column naming a field wins."""
    allowed = KIND_FIELDS[kind]
    lookup = {synonym: name for name in allowed for synonym in SYNONYMS[name]}
    lookup.update({normalize_header(header): name for header, name in (overrides or {}).items() if name in allowed})
    columns = {}
    for index, cell in enumerate(cells):
        name = lookup.get(normalize_header(cell)) if cell not in (None, "") else None
        if name and name not in columns:
            columns[name] = index
    return columns


def find_header(rows, kind, overrides=None):
    """Return (0-based row index, {field: column index}) of the header among the first rows, or None."""
    best = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = header_fields(cells, kind, overrides)
        if len(columns) >= MIN_HEADER_MATCHES and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def missing_columns(columns, kind):
    """Return the fields that a sheet with ``columns`` lacks for ``kind``; "person" when nothing names the person."""
    missing = [name for name in REQUIRED_FIELDS[kind] if name not in columns]
    if kind != "roster" and not any(name in columns for name in PERSON_KEY_FIELDS):
        missing.append("person")
    return missing


def read_ledger(data, filename, kind, overrides=None):
    """Return (sheets with a header, names of sheets without one) of a ledger file.

    ``overrides`` maps header texts to fields, on top of the built-in synonyms (a saved
    column mapping). Raises LedgerFileError when the file is unreadable, has no sheet
    with a header, lacks a required column or holds no data row.
    """
    workbook = open_workbook(data, filename)
    sheets, skipped = [], []
    try:
        for worksheet in workbook.worksheets:
            rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
            found = find_header(rows, kind, overrides)
            if not found:
                skipped.append(worksheet.title)
                continue
            index, columns = found
            missing = missing_columns(columns, kind)
            if missing:
                raise LedgerFileError("missing_columns", sheet=worksheet.title, fields=missing)
            headers = [normalize_text(cell) for cell in rows[index]]
            sheet = LedgerSheet(worksheet.title, index + 1, headers, columns)
            positions = list(columns.values())
            for number, cells in enumerate(rows[index + 1:], start=index + 2):
                if any(position < len(cells) and cells[position] not in (None, "") and
                       normalize_text(cells[position]) for position in positions):
                    sheet.rows.append((number, cells))
            sheets.append(sheet)
    finally:
        workbook.close()
    if not sheets:
        raise LedgerFileError("no_header", sheets=skipped)
    if not any(sheet.rows for sheet in sheets):
        raise LedgerFileError("empty")
    return sheets, skipped


def parse_row(sheet, cells, kind):
    """Return (values by field, list of CellIssue) for one data row of ``sheet``.

    Values are parsed but not yet matched against the database; an empty cell gives None.
    Required values that are empty are reported with the code "missing".
    """
    values, issues = {}, []
    for name, index in sheet.columns.items():
        raw = cells[index] if index < len(cells) else None
        try:
            values[name] = FIELD_PARSERS[name](raw)
        except LedgerValueError as error:
            values[name] = None
            column, header = sheet.column_label(name)
            issues.append(CellIssue(name, column, header, raw, error.code, error.params))
    reported = {issue.field for issue in issues}
    for name in REQUIRED_FIELDS[kind]:
        if values.get(name) is None and name not in reported:
            column, header = sheet.column_label(name)
            issues.append(CellIssue(name, column, header, None, "missing"))
    return values, issues
