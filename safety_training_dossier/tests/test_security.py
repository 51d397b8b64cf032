from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SafetyCase

REPORT = "safety_training_dossier.report_safety_dossier"


@tagged("post_install", "-at_install")
class TestSecurity(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.record = cls.create_record(theory_score=80, result="passed")
        cls.other_record = cls.create_record(cls.other_dossier, theory_score=70, result="passed")
        cls.foreign_record = cls.create_record(cls.foreign_dossier, theory_score=70, result="passed")
        cls.certificate = cls.env["safety.certificate"].create({
            "dossier_id": cls.other_dossier.id,
            "operation_id": cls.env.ref("safety_training_dossier.special_operation_low_voltage").id,
            "number": "T-SEC", "issue_date": "2024-01-01",
        })
        cls.officer.company_ids = cls.company

    def visible_dossiers(self, user):
        return self.env["safety.dossier"].with_user(user).search([("id", "in", self.all_dossiers.ids)])

    @property
    def all_dossiers(self):
        return self.dossier | self.other_dossier | self.portal_dossier | self.foreign_dossier

    def test_employee_reads_only_own_dossier(self):
        self.assertEqual(self.visible_dossiers(self.employee_user), self.dossier)
        Record = self.env["safety.training.record"].with_user(self.employee_user)
        self.assertEqual(Record.search([]), self.record)
        self.assertFalse(self.env["safety.certificate"].with_user(self.employee_user).search([]))
        groups = self.env["safety.dossier"].with_user(self.employee_user)._read_group([], [], ["__count"])
        self.assertEqual(groups, [(1,)])
        with self.assertRaises(AccessError):
            self.other_dossier.with_user(self.employee_user).read(["name"])
        with self.assertRaises(AccessError):
            self.other_record.with_user(self.employee_user).read(["theory_score"])

    def test_employee_cannot_write(self):
        with self.assertRaises(AccessError):
            self.dossier.with_user(self.employee_user).write({"safety_role": "principal"})
        with self.assertRaises(AccessError):
            self.record.with_user(self.employee_user).write({"theory_score": 100})
        with self.assertRaises(AccessError):
            self.env["safety.training.record"].with_user(self.employee_user).create({
                "dossier_id": self.dossier.id, "course_id": self.course.id, "date": "2026-03-05"})

    def test_employee_export_is_limited(self):
        Dossier = self.env["safety.dossier"].with_user(self.employee_user)
        rows = Dossier.search([]).export_data(["name", "employee_number"])["datas"]
        self.assertEqual(rows, [["张伟", "E1001"]])
        with self.assertRaises(AccessError):
            self.other_dossier.with_user(self.employee_user).export_data(["name"])

    def test_employee_prints_only_own_dossier(self):
        Report = self.env["ir.actions.report"].with_user(self.employee_user)
        html, _kind = Report._render_qweb_html(REPORT, self.dossier.ids)
        self.assertIn("张伟", html.decode())
        with self.assertRaises(AccessError):
            Report._render_qweb_html(REPORT, self.other_dossier.ids)

    def test_portal_user_reads_only_own_dossier(self):
        self.assertEqual(self.visible_dossiers(self.portal_user), self.portal_dossier)
        self.assertFalse(self.env["safety.training.record"].with_user(self.portal_user).search([]))
        with self.assertRaises(AccessError):
            self.dossier.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.portal_dossier.with_user(self.portal_user).write({"safety_role": "principal"})

    def test_officer_reads_company_dossiers(self):
        self.assertEqual(self.visible_dossiers(self.officer), self.dossier | self.other_dossier | self.portal_dossier)
        with self.assertRaises(AccessError):
            self.foreign_dossier.with_user(self.officer).read(["name"])
        Record = self.env["safety.training.record"].with_user(self.officer)
        self.assertEqual(Record.search([("id", "in", (self.record | self.foreign_record).ids)]), self.record)
        groups = self.env["safety.dossier"].with_user(self.officer)._read_group(
            [("id", "in", self.all_dossiers.ids)], ["department_id"], ["__count"])
        self.assertEqual(sum(count for _department, count in groups), 3)
        rows = self.env["safety.dossier"].with_user(self.officer).search(
            [("id", "in", self.all_dossiers.ids)]).export_data(["employee_number"])["datas"]
        self.assertEqual(sorted(row[0] for row in rows), ["E1001", "E1002", "E1003"])

    def test_officer_records_results_and_certificates(self):
        record = self.env["safety.training.record"].with_user(self.officer).create({
            "dossier_id": self.other_dossier.id, "course_id": self.course.id, "date": "2026-04-01",
            "theory_score": 90, "result": "passed"})
        record.action_confirm()
        self.certificate.with_user(self.officer).write({"issuing_authority": "北京市应急管理局"})
        self.dossier.with_user(self.officer).write({"safety_role": "special_operator"})
        html, _kind = self.env["ir.actions.report"].with_user(self.officer)._render_qweb_html(
            REPORT, (self.dossier | self.other_dossier).ids)
        self.assertIn("王强", html.decode())

    def test_officer_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.env["safety.training.type"].with_user(self.officer).create(
                {"name": "Custom", "code": "custom"})
        with self.assertRaises(AccessError):
            self.env.ref("safety_training_dossier.special_operation_low_voltage").with_user(self.officer).write(
                {"name": "Changed"})
        with self.assertRaises(AccessError):
            self.dossier.with_user(self.officer).unlink()

    def test_admin_configures(self):
        training_type = self.env["safety.training.type"].with_user(self.admin).create(
            {"name": "Custom", "code": "custom"})
        self.assertTrue(training_type.exists())

    def test_multi_company_officer_with_both_companies(self):
        self.officer.company_ids = self.company | self.other_company
        dossiers = self.env["safety.dossier"].with_user(self.officer).with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]).search([("id", "in", self.all_dossiers.ids)])
        self.assertEqual(dossiers, self.all_dossiers)

    def test_hr_user_without_safety_group(self):
        employee = self.env["hr.employee"].with_user(self.hr_user).browse(self.other_employee.id)
        self.assertEqual(employee.safety_dossier_count, 0)
        with self.assertRaises(AccessError):
            self.other_dossier.with_user(self.hr_user).read(["name"])
