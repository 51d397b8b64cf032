import base64
import io
from datetime import date, datetime

import openpyxl
import xlwt
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools.id_number import compute_check_character
from .common import SafetyCase

NUMBER = "110101198503120017"  # 王强's resident ID number
LOWER_X = "11010119900307205x"
# A resident ID number whose check character is wrong: 0 where GB 11643 gives 7.
BAD_CHECK = "110101199001011230"
HEADER = ["序号", "姓名", "工号", "身份证号", "部门", "培训日期", "培训内容", "学时", "授课人", "理论成绩", "考核结果"]


def id_number(first_17):
    return first_17 + compute_check_character(first_17)


def workbook(sheets, title_rows=0):
    """Return an .xlsx as bytes: {sheet name: rows}, each sheet under ``title_rows`` merged title rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for index in range(title_rows):
            sheet.cell(row=index + 1, column=1, value="电气车间 安全教育培训台账")
            sheet.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1, end_column=len(HEADER))
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 04:00:00")
class TestLedgerImport(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_employee.identification_id = NUMBER
        cls.retraining_type = cls.env.ref("safety_training_dossier.training_type_annual_retraining")
        cls.annual = cls.env["safety.training.course"].create({
            "name": "年度安全再培训", "code": "AR", "training_type_id": cls.retraining_type.id, "hours": 4,
            "assessment_mode": "none"})

    def wizard(self, data, kind="training", file_name="ledger.xlsx", user=None):
        return self.env["safety.ledger.import"].with_user(user or self.officer).create({
            "kind": kind, "file": base64.b64encode(data), "file_name": file_name})

    def records(self):
        return self.env["safety.training.record"].search([("source", "=", "import")])

    def messy_ledger(self):
        """A ledger as plants keep it: title rows, two years on two sheets, a notes sheet, mixed formats."""
        return workbook({
            "填表说明": [["本台账由安全科维护"]],
            "2025年": [
                HEADER,
                [1, "张伟", "E1001", None, "电气车间", "2025-03-05", "年度安全再培训", 2, "徐明", None, "合格"],
                [2, "王　强", None, NUMBER, "电气车间", "2025/3/5", "年度安全再培训", "2学时", "徐明", None, "通过"],
                [3, "张伟", "Ｅ１００１", None, "电气车间", "2025.3.6", "年度安全再培训", "120分钟", None, None, "√"],
            ],
            "2026年": [
                HEADER,
                [1, "张伟", None, None, "Electrical Workshop", "2026年1月5日", "Company-level induction", 2.5,
                 "徐明", 85, "pass"],
                [2, "王强", "E1002", None, "电气车间", 46027, "Company-level induction", 3, "徐明", 55, "不合格"],
                [3, "王强", "E1002", None, "电气车间", "20260107", "年度安全再培训", 2, None, None, "pass"],
            ],
        }, title_rows=2)

    def test_messy_ledger_imports_every_row(self):
        wizard = self.wizard(self.messy_ledger())
        wizard.action_preview()
        self.assertEqual(wizard.row_count, 6)
        self.assertEqual(wizard.new_count, 6)
        self.assertEqual(wizard.error_count, 0, wizard.issue_ids.mapped("reason"))
        self.assertEqual(wizard.skipped_sheets, "填表说明")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertFalse(wizard.file, "the uploaded file is cleared once imported")
        records = self.records()
        self.assertEqual(len(records), 6)
        self.assertEqual(set(records.mapped("state")), {"confirmed"})
        wang = records.filtered(lambda record: record.dossier_id == self.other_dossier)
        self.assertEqual(sorted(wang.mapped("date")), [date(2025, 3, 5), date(2026, 1, 5), date(2026, 1, 7)])
        failed = wang.filtered(lambda record: record.course_id == self.course)
        self.assertEqual((failed.result, failed.theory_score, failed.hours), ("failed", 55.0, 3.0))
        zhang = records.filtered(lambda record: record.dossier_id == self.dossier).sorted("date")
        self.assertEqual(zhang.mapped("hours"), [2.0, 2.0, 2.5])
        self.assertEqual(zhang.mapped("result"), ["passed", "passed", "passed"])
        self.assertEqual(zhang[0].trainer_name, "徐明")
        self.assertFalse(self.env["safety.rectification"].search([("record_id", "in", records.ids)]),
                         "imported history opens no rectification notice")

    def test_same_file_twice_adds_nothing(self):
        data = self.messy_ledger()
        self.wizard(data).action_import()
        wizard = self.wizard(data)
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.duplicate_count), (0, 6))
        wizard.action_import()
        self.assertEqual(len(self.records()), 6)

    def test_error_rows_block_the_import(self):
        data = workbook({"台账": [
            HEADER,
            [1, "张伟", "E1001", None, "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [2, "王强", None, int(NUMBER), "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [3, "李娜", "E9999", None, "电气车间", "2025-02-30", "年度安全再培训", "两学时", None, None, "良好"],
            [4, "王强", None, None, None, "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [5, "张伟", "E1001", None, "电气车间", "2026-07-01", "年度安全再培训", 2, None, None, "合格"],
        ]})
        wizard = self.wizard(data)
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.error_count), (1, 4))
        reasons = {(issue.row_number, issue.column): issue for issue in wizard.issue_ids}
        precision = reasons[3, "D (身份证号)"]
        # The cell holds the number as a float: its last digits are already zeros, and it is shown masked.
        self.assertEqual(precision.value, "**************0000")
        self.assertIn("15", precision.reason)
        self.assertIn((4, "C (工号)"), reasons)
        self.assertIn((4, "F (培训日期)"), reasons)
        self.assertIn((4, "H (学时)"), reasons)
        self.assertIn((4, "K (考核结果)"), reasons)
        self.assertIn("department", reasons[5, "B (姓名)"].reason)
        self.assertIn("future", reasons[6, "F (培训日期)"].reason)
        for issue in wizard.issue_ids:
            self.assertNotIn(NUMBER, issue.value or "")
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertFalse(self.records(), "all or nothing: the good row is not imported either")

    def test_error_workbook_content(self):
        data = workbook({"台账": [
            HEADER,
            [1, "王强", None, int(NUMBER), "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [2, "张伟", "E1001", None, "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [3, "李娜", "E9999", NUMBER, "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
        ]}, title_rows=1)
        wizard = self.wizard(data)
        wizard.action_preview()
        action = wizard.action_download_errors()
        self.assertIn(f"/web/content/safety.ledger.import/{wizard.id}/error_file/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        rows = list(book["台账"].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), [*HEADER, "Error"])
        self.assertEqual(len(rows), 3, "the header and the two rows with errors")
        self.assertEqual(rows[1][1], "王强")
        self.assertEqual(rows[1][3], "**************0000")
        self.assertEqual(rows[2][3], "**************0017")
        self.assertIn("Row 3, column D (身份证号)", rows[1][-1])
        self.assertIn("Row 5, column C (工号), value \"E9999\"", rows[2][-1])
        for row in rows:
            self.assertNotIn(NUMBER, "".join(str(value) for value in row if value is not None))

    def test_corrected_error_workbook_imports(self):
        data = workbook({"台账": [
            HEADER,
            [1, "王强", None, int(NUMBER), "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
        ]})
        wizard = self.wizard(data)
        wizard.action_preview()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        book.active["D2"] = NUMBER  # the officer types the number again, as text
        output = io.BytesIO()
        book.save(output)
        self.wizard(output.getvalue(), file_name="errors.xlsx").action_import()
        self.assertEqual(self.records().dossier_id, self.other_dossier)

    def test_person_matching_rules(self):
        namesake = self.env["hr.employee"].create({
            "name": "张伟", "employee_number": "E1004", "department_id": self.department.id})
        data = workbook({"台账": [
            HEADER,
            [1, "张伟", None, None, "Electrical Workshop", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [2, "张伟", None, None, "Welding Workshop", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [3, "王强", "E1001", NUMBER, "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [4, "赵磊", "X9001", None, None, "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
            [5, None, None, LOWER_X, None, "2025-03-05", "年度安全再培训", 2, None, None, "合格"],
        ]})
        wizard = self.wizard(data)
        wizard.action_preview()
        reasons = {issue.row_number: issue.reason for issue in wizard.issue_ids}
        self.assertIn("2 people", reasons[2])
        self.assertIn("No person of this name", reasons[3])
        self.assertIn("another person", reasons[4])
        self.assertIn("employee number", reasons[5], "another company's person is unknown here")
        self.assertIn("identity number", reasons[6])
        self.assertTrue(namesake.safety_dossier_ids)

    def test_lowercase_x_matches_by_identity_number(self):
        self.employee.identification_id = LOWER_X.upper()
        data = workbook({"台账": [
            HEADER, [1, None, None, LOWER_X, None, "2025-03-05", "年度安全再培训", 2, None, None, "合格"]]})
        self.wizard(data).action_import()
        self.assertEqual(self.records().dossier_id, self.dossier)

    def test_unknown_course_is_mapped_and_remembered(self):
        data = workbook({"台账": [
            HEADER,
            [1, "张伟", "E1001", None, "电气车间", "2025-03-05", "消防安全知识", 2, None, None, "合格"],
            [2, "王强", "E1002", None, "电气车间", "2025-03-05", "消防安全知识", 2, None, None, "合格"],
            [3, "王强", "E1002", None, "电气车间", "2025-03-06", "叉车安全", 1, None, None, "合格"],
        ]})
        wizard = self.wizard(data)
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.unmapped_count), (0, 3))
        lines = {line.label: line for line in wizard.course_line_ids}
        self.assertEqual(lines["消防安全知识"].row_count, 2)
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertFalse(self.env["safety.training.course"].search([("name", "=", "消防安全知识")]),
                         "nothing is created silently")
        lines["消防安全知识"].course_id = self.annual
        lines["叉车安全"].write({"create_course": True, "training_type_id": self.retraining_type.id})
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.unmapped_count), (3, 0))
        wizard.action_import()
        forklift = self.env["safety.training.course"].search([("name", "=", "叉车安全")])
        self.assertEqual(forklift.hours, 1.0)
        self.assertEqual(len(self.records()), 3)
        # The next file with the same contents needs no mapping.
        again = workbook({"台账": [
            HEADER, [1, "张伟", "E1001", None, "电气车间", "2025-04-05", "消防 安全知识", 2, None, None, "合格"]]})
        wizard = self.wizard(again)
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.unmapped_count), (1, 0))

    def test_hours_per_day_include_recorded_ones(self):
        self.create_record(date="2025-03-05", hours=20, attendance="present")
        data = workbook({"台账": [
            HEADER, [1, "张伟", "E1001", None, "电气车间", "2025-03-05", "年度安全再培训", 5, None, None, "合格"]]})
        wizard = self.wizard(data)
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 1)
        self.assertIn("24", wizard.issue_ids.reason)

    def test_unusable_files(self):
        xls = xlwt.Workbook()
        xls.add_sheet("台账").write(0, 0, "姓名")
        xls_output = io.BytesIO()
        xls.save(xls_output)
        encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
        cases = [
            (xls_output.getvalue(), "old.xls", ".xls"),
            ("姓名,工号\n张伟,E1001\n".encode(), "ledger.csv", "CSV"),
            (encrypted, "locked.xlsx", "password"),
            (self.messy_ledger()[:300], "broken.xlsx", "damaged"),
            (workbook({"台账": [HEADER]}), "empty.xlsx", "no data rows"),
            (workbook({"台账": [["a", "b"], [1, 2]]}), "other.xlsx", "No header row"),
            (workbook({"台账": [["姓名", "工号", "培训日期"], ["张伟", "E1", "2025-01-01"]]}), "short.xlsx",
             "Training Content"),
        ]
        for data, file_name, expected in cases:
            with self.subTest(file_name=file_name), self.assertRaises(UserError) as error:
                self.wizard(data, file_name=file_name).action_preview()
            self.assertIn(expected, str(error.exception))

    def test_xlsm_file_is_accepted(self):
        data = workbook({"台账": [
            HEADER, [1, "张伟", "E1001", None, "电气车间", "2025-03-05", "年度安全再培训", 2, None, None, "合格"]]})
        self.wizard(data, file_name="ledger.xlsm").action_import()
        self.assertEqual(len(self.records()), 1)

    def test_close_clears_the_file(self):
        wizard = self.wizard(self.messy_ledger())
        wizard.action_preview()
        wizard.action_close()
        self.assertFalse(wizard.file)
        self.assertFalse(self.env["ir.attachment"].sudo().search([("res_model", "=", "safety.ledger.import")]))

    def test_query_count_does_not_grow_per_row(self):
        def ledger_of(days):
            rows = [HEADER]
            for day in range(1, days + 1):
                for name, number in (("张伟", "E1001"), ("王强", "E1002")):
                    rows.append([day, name, number, None, "电气车间", datetime(2025, 3, day), "年度安全再培训", 2, None,
                                 None, "合格"])
            return workbook({"台账": rows})

        counts = []
        # The first run fills caches; the second and third are compared.
        for days in (2, 2, 10):
            wizard = self.wizard(ledger_of(days))
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            wizard.action_import()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.env.cr.execute("DELETE FROM safety_training_record WHERE source = 'import'")
            self.env.invalidate_all()
        self.assertEqual(counts[1], counts[2], "4 rows and 20 rows import with the same number of queries")

    def test_employee_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["safety.ledger.import"].with_user(self.employee_user).create({"kind": "training"})


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 04:00:00")
class TestLedgerImportCertificatesAndRoster(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_employee.identification_id = NUMBER
        cls.hr_officer = new_test_user(
            cls.env, "hr_safety_officer", groups="safety_training_dossier.group_safety_officer,hr.group_hr_user")

    def wizard(self, data, kind, user=None, file_name="ledger.xlsx"):
        return self.env["safety.ledger.import"].with_user(user or self.officer).create({
            "kind": kind, "file": base64.b64encode(data), "file_name": file_name})

    def test_certificate_ledger(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["safety_training_dossier"], ["zh_CN"], overwrite=True)
        data = workbook({"特种作业人员持证台账": [
            ["姓名", "工号", "准操项目", "证书编号", "发证机关", "初领日期", "有效期至", "复审日期"],
            ["张伟", "E1001", "高压电工作业", "T110101198503120017", "北京市应急管理局", "2021-04-01", "2027.4.1",
             "2024年4月2日"],
            ["王强", "E1002", "Low-Voltage Electrician Work", "T2", "北京市应急管理局", 44287, None, None],
            ["王强", "E1002", "电工", "T3", "北京市应急管理局", "2021-04-01", None, None],
            ["王强", "E1002", "熔化焊接与热切割作业", "T4", None, "2021-04-01", "2020-01-01", None],
        ]}, title_rows=1)
        wizard = self.wizard(data, "certificate")
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.error_count), (2, 2))
        reasons = {issue.row_number: issue.reason for issue in wizard.issue_ids}
        self.assertIn("operation item", reasons[5])
        self.assertIn("valid until", reasons[6])
        self.assertEqual(wizard.issue_ids.filtered(lambda issue: issue.row_number == 6).column, "G (有效期至)")
        data = workbook({"持证台账": [
            ["姓名", "工号", "准操项目", "证书编号", "发证机关", "初领日期", "有效期至", "复审日期"],
            ["张伟", "E1001", "高压电工作业", "T1", "北京市应急管理局", "2021-04-01", "2027.4.1", "2024年4月2日"],
            ["王强", "E1002", "Low-Voltage Electrician Work", "T2", "北京市应急管理局", 44287, None, None],
        ]})
        self.wizard(data, "certificate").action_import()
        certificates = self.env["safety.certificate"].search([("number", "in", ("T1", "T2"))])
        self.assertEqual(len(certificates), 2)
        first = certificates.filtered(lambda certificate: certificate.number == "T1")
        self.assertEqual((first.issue_date, first.valid_until, first.last_review_date),
                         (date(2021, 4, 1), date(2027, 4, 1), date(2024, 4, 2)))
        second = certificates - first
        self.assertEqual(second.valid_until, date(2027, 4, 1), "six years from the first issue date")
        wizard = self.wizard(data, "certificate")
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.duplicate_count), (0, 2))

    def test_roster_creates_employees_and_dossiers(self):
        new_number = id_number("11010119920101123")
        data = workbook({"花名册": [
            ["工号", "姓名", "身份证号", "部门", "岗位", "用工类型", "入职日期"],
            ["E2001", "周 杰", new_number.lower(), "Electrical Workshop", "Electrician", "劳务派遣", "2026-05-01"],
            ["E2002", "吴静", None, "电气车间", None, "生产工人", "2026/5/2"],
            ["E1001", "张伟", None, None, None, None, None],
            ["E2003", "陈晨", NUMBER, "Nowhere", None, "学徒", None],
            ["E2004", "郑洁", BAD_CHECK, None, None, None, None],
        ]})
        wizard = self.wizard(data, "roster", user=self.hr_officer)
        wizard.action_preview()
        self.assertEqual((wizard.new_count, wizard.duplicate_count, wizard.error_count), (1, 1, 3),
                         wizard.issue_ids.mapped("reason"))
        reasons = {(issue.row_number, issue.column): issue for issue in wizard.issue_ids}
        self.assertIn("Another employee", reasons[5, "C (身份证号)"].reason)
        self.assertEqual(reasons[5, "C (身份证号)"].value, "**************0017")
        self.assertIn("Nowhere", reasons[5, "D (部门)"].value)
        self.assertIn("check character", reasons[6, "C (身份证号)"].reason)
        self.assertIn((3, "D (部门)"), reasons, "电气车间 is no department name of this company")
        data = workbook({"花名册": [
            ["工号", "姓名", "身份证号", "部门", "岗位", "用工类型", "入职日期"],
            ["E2001", "周 杰", new_number.lower(), "Electrical Workshop", "Electrician", "劳务派遣", "2026-05-01"],
        ]})
        self.wizard(data, "roster", user=self.hr_officer).action_import()
        dossier = self.env["safety.dossier"].search([("employee_number", "=", "E2001")])
        self.assertEqual((dossier.name, dossier.employee_type, dossier.onboarding_date),
                         ("周杰", "dispatched", date(2026, 5, 1)))
        self.assertEqual(dossier.department_id, self.department)
        self.assertEqual(dossier.id_number, "**************" + new_number[-4:])
        self.assertEqual(dossier.employee_id.identification_id, new_number)

    def test_roster_needs_hr_rights(self):
        data = workbook({"花名册": [["工号", "姓名"], ["E2001", "周杰"]]})
        with self.assertRaises(AccessError):
            self.wizard(data, "roster").action_preview()
