import base64
import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SafetyCase
from .test_ledger_import import workbook

NUMBER = "110101198503120017"


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 04:00:00")
class TestLedgerExport(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee.identification_id = NUMBER
        for dossier, day in ((cls.dossier, "2026-03-02"), (cls.other_dossier, "2026-04-10"),
                             (cls.portal_dossier, "2026-04-11"), (cls.dossier, "2025-12-30")):
            cls.create_record(dossier, date=day, theory_score=80, result="passed").action_confirm()

    def export(self, user=None, **values):
        wizard = self.env["safety.ledger.export"].with_user(user or self.officer).create(values)
        action = wizard.action_export()
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        content = self.env["ir.attachment"].browse(attachment_id).raw
        return openpyxl.load_workbook(io.BytesIO(content)).active

    def test_training_ledger_by_period_and_department(self):
        sheet = self.export(kind="training", department_id=self.department.id,
                            date_from="2026-01-01", date_to="2026-06-01")
        self.assertIn("2026-01-01", sheet["A1"].value)
        self.assertEqual(sheet["A3"].value, "Employee Number")
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        # 2025's record and the other department's are left out.
        self.assertEqual([(row[0], row[1]) for row in rows], [("E1001", "张伟"), ("E1002", "王强")])
        self.assertEqual(rows[0][2], "**************0017")
        self.assertEqual(rows[0][4].date().isoformat(), "2026-03-02")
        # Laid out for printing: frozen headers, repeated on every page, landscape.
        self.assertEqual(sheet.freeze_panes, "C4")
        self.assertEqual(sheet.print_title_rows, "$3:$3")
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertGreater(sheet.column_dimensions["G"].width, 20)

    def test_certificate_ledger_and_due_list(self):
        operation = self.env.ref("safety_training_dossier.special_operation_low_voltage")
        self.env["safety.certificate"].create({
            "dossier_id": self.dossier.id, "operation_id": operation.id, "number": "T-0001",
            "issue_date": "2024-01-01"})
        rows = list(self.export(kind="certificate").iter_rows(min_row=4, values_only=True))
        self.assertEqual([(row[0], row[6]) for row in rows], [("E1001", "T-0001")])
        self.assertEqual(rows[0][11].date().isoformat(), "2027-01-01")
        requirement = self.env.ref("safety_training_dossier.requirement_staff_annual_general")
        self.env["safety.requirement.status"].search([]).unlink()
        self.env["safety.requirement.status"].create({
            "dossier_id": self.other_dossier.id, "requirement_id": requirement.id, "company_id": self.company.id,
            "department_id": self.department.id, "period_start": "2026-01-01", "due_date": "2026-12-31",
            "hours_required": 20, "state": "missing"})
        rows = list(self.export(kind="due_list").iter_rows(min_row=4, values_only=True))
        self.assertEqual([(row[0], row[5]) for row in rows], [("E1002", requirement.name)])

    def test_bad_selections_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["safety.ledger.export"].create({"kind": "training", "date_from": "2026-05-01",
                                                    "date_to": "2026-04-01"})
        with self.assertRaises(UserError):
            self.export(kind="training", date_from="2020-01-01", date_to="2020-12-31")
        with self.assertRaises(AccessError):
            self.export(user=self.employee_user, kind="due_list")

    def test_saved_column_mapping_is_reused(self):
        data = workbook({"台账": [["工号", "培训日期", "安全学习科目", "学时", "理论成绩", "考核结果"],
                                  ["E1001", "2026-05-06", "Company-level induction", 8, 90, "合格"]]})

        def preview():
            wizard = self.env["safety.ledger.import"].with_user(self.officer).create(
                {"kind": "training", "file": base64.b64encode(data), "file_name": "ledger.xlsx"})
            wizard.action_preview()
            return wizard

        # 安全学习科目 is no built-in title of the training content.
        with self.assertRaises(UserError):
            preview()
        self.env["safety.ledger.column.mapping"].with_user(self.officer).create(
            {"kind": "training", "header": "安全学习科目", "field_name": "course"})
        self.assertEqual((preview().new_count, preview().error_count), (1, 0))
        with self.assertRaises(ValidationError):
            self.env["safety.ledger.column.mapping"].create(
                {"kind": "roster", "header": "证书", "field_name": "certificate_number"})

    def test_template_download_keeps_the_error_workbook(self):
        data = workbook({"台账": [["工号", "培训日期", "培训内容", "学时"],
                                  ["E9999", "2026-05-06", "Company-level induction", 8]]})
        wizard = self.env["safety.ledger.import"].with_user(self.officer).create(
            {"kind": "training", "file": base64.b64encode(data), "file_name": "ledger.xlsx"})
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 1)
        errors = wizard.error_file
        action = wizard.action_download_template()
        self.assertIn("/template_file/", action["url"])
        self.assertTrue(wizard.template_file)
        self.assertEqual(wizard.error_file, errors)
        self.assertIn("/error_file/", wizard.action_download_errors()["url"])
