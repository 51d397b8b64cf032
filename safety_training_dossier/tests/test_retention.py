import io
import zipfile
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.safety_training_record import PURGE
from .common import SafetyCase

# 张伟 leaves on 10 March 2026; the company default keeps other dossiers 3 years: until 10 March 2029.
DEPARTURE = date(2026, 3, 10)
GENERAL_END = date(2029, 3, 10)
# (UTC now, local date in China, refused): the last kept day is 2029-03-10, local time.
BOUNDARY_CASES = [
    (datetime(2029, 3, 9, 12, 0), "day before", True),
    (datetime(2029, 3, 9, 23, 30), "last day, 07:30 local", True),
    (datetime(2029, 3, 10, 12, 0), "last day", True),
    (datetime(2029, 3, 10, 23, 30), "day after, 07:30 local", False),
    (datetime(2029, 3, 11, 12, 0), "day after", False),
]


@tagged("post_install", "-at_install")
class TestRetention(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.env.ref("safety_training_dossier.special_operation_low_voltage")

    def depart(self, employee, departure=DEPARTURE):
        employee.write({"departure_date": departure})
        employee.action_archive()

    def add_certificate(self, dossier, issue_date="2021-06-30", number="T1"):
        certificate = self.env["safety.certificate"].create({
            "dossier_id": dossier.id, "operation_id": self.operation.id, "number": number,
            "issue_date": issue_date,
        })
        self.env["safety.certificate.review"].create(
            {"certificate_id": certificate.id, "review_date": "2024-06-01", "training_hours": 8})
        return certificate

    def confirmed_record(self, dossier=None):
        record = self.create_record(dossier, theory_score=80, result="passed")
        record.action_confirm()
        return record

    def test_retention_end_by_kind(self):
        self.assertFalse(self.dossier.retention_until, "no end while the person works here")
        self.depart(self.employee)
        self.assertEqual(self.dossier.retention_kind, "general")
        self.assertEqual(self.dossier.retention_until, GENERAL_END)
        # Valid until 2027-06-30 (6 years after issue), kept 3 years after: 2030-06-30, later than 2029-03-10.
        self.add_certificate(self.dossier)
        self.assertEqual(self.dossier.retention_kind, "special_operation")
        self.assertEqual(self.dossier.retention_until, date(2030, 6, 30))

    def test_special_operator_without_certificate(self):
        self.dossier.safety_role = "special_operator"
        self.depart(self.employee)
        self.assertEqual(self.dossier.retention_kind, "special_operation")
        self.assertEqual(self.dossier.retention_until, GENERAL_END)

    def test_policy_change_recomputes_and_keeps_legal_minimum(self):
        self.depart(self.employee)
        policies = self.env["safety.retention.policy"].search([("company_id", "=", self.company.id)])
        general = policies.filtered(lambda policy: policy.dossier_kind == "general")
        special = policies.filtered(lambda policy: policy.dossier_kind == "special_operation")
        self.assertEqual((general.years, special.years), (3, 3))
        general.with_user(self.admin).years = 1
        self.assertEqual(self.dossier.retention_until, date(2027, 3, 10))
        with self.assertRaisesRegex(ValidationError, "at least 1 years"):
            general.with_user(self.admin).years = 0
        with self.assertRaisesRegex(ValidationError, "at least 3 years"):
            special.with_user(self.admin).years = 2
        with self.assertRaises(AccessError):
            general.with_user(self.officer).years = 5

    def test_new_company_gets_default_policies(self):
        company = self.env["res.company"].create({"name": "Third Plant"})
        policies = self.env["safety.retention.policy"].search([("company_id", "=", company.id)])
        self.assertEqual(sorted(policies.mapped("dossier_kind")), ["general", "special_operation"])
        self.assertTrue(self.env["safety.chain.head"].search([("company_id", "=", company.id)]))

    def test_delete_before_end_refused_for_everyone(self):
        record = self.confirmed_record()
        certificate = self.add_certificate(self.other_dossier)
        self.depart(self.employee)
        for dossier in (self.dossier.sudo(), self.dossier.with_user(self.admin)):
            with self.subTest(user=dossier.env.user.login), \
                    self.assertRaisesRegex(UserError, "must be kept until 2029-03-10"):
                dossier.unlink()
        with self.assertRaisesRegex(UserError, "locked|cannot be deleted"):
            record.sudo().unlink()
        # Even the purge, which may delete confirmed records, stops at the retention end.
        with self.assertRaisesRegex(UserError, "2029-03-10"):
            record.sudo().with_context(safety_purge=PURGE).unlink()
        with self.assertRaisesRegex(UserError, "while the person works here"):
            certificate.sudo().unlink()
        with self.assertRaisesRegex(UserError, "while the person works here"):
            certificate.review_ids.sudo().unlink()
        with self.assertRaisesRegex(UserError, "while the person works here"):
            self.other_employee.sudo().unlink()
        self.assertTrue(self.dossier.exists() and record.exists() and certificate.exists())

    def test_certificate_delete_on_boundary_dates(self):
        certificate = self.env["safety.certificate"].create({
            "dossier_id": self.dossier.id, "operation_id": self.operation.id, "number": "T9",
            "issue_date": "2016-01-01",  # valid until 2022-01-01: kept until 2025, before the departure rule
        })
        self.depart(self.employee)
        self.assertEqual(self.dossier.retention_until, GENERAL_END)
        for now, label, refused in BOUNDARY_CASES:
            with self.subTest(label, now=now), freeze_time(now):
                if refused:
                    with self.assertRaisesRegex(UserError, "2029-03-10"):
                        certificate.with_user(self.admin).unlink()
                else:
                    with self.env.cr.savepoint(flush=False) as savepoint:
                        certificate.with_user(self.admin).unlink()
                        self.assertFalse(certificate.exists())
                        savepoint.rollback()

    def test_draft_record_of_kept_dossier_can_be_deleted(self):
        self.confirmed_record()
        draft = self.create_record(theory_score=10, result="failed", date="2026-03-03")
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_employee_without_records_still_deletable(self):
        employee = self.env["hr.employee"].create({"name": "误建"})
        employee.unlink()
        self.assertFalse(employee.exists())


@tagged("post_install", "-at_install")
class TestRetentionPurge(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.env.ref("safety_training_dossier.special_operation_low_voltage")
        cls.record = cls.create_record(theory_score=80, result="passed")
        cls.record.action_confirm()
        cls.certificate = cls.env["safety.certificate"].create({
            "dossier_id": cls.dossier.id, "operation_id": cls.operation.id, "number": "T5",
            "issue_date": "2016-01-01",
        })
        cls.review = cls.env["safety.certificate.review"].create(
            {"certificate_id": cls.certificate.id, "review_date": "2019-01-01", "training_hours": 8})
        cls.employee.write({"departure_date": DEPARTURE})
        cls.employee.action_archive()
        # Still kept: left later, so the retention end is after the purge day.
        kept = cls.create_record(cls.other_dossier, theory_score=80, result="passed")
        kept.action_confirm()
        cls.other_employee.write({"departure_date": date(2026, 9, 1)})
        cls.other_employee.action_archive()

    def purge_wizard(self, mode="delete", user=None):
        return self.env["safety.retention.purge"].with_user(user or self.admin).create(
            {"company_id": self.company.id, "mode": mode})

    @freeze_time(datetime(2029, 3, 10, 23, 30))  # 2029-03-11 in China: the day after the end
    def test_purge_exports_deletes_and_logs(self):
        wizard = self.purge_wizard()
        self.assertEqual(wizard.dossier_ids, self.dossier)
        record_id, dossier_id = self.record.id, self.dossier.id
        action = wizard.action_purge()
        log = self.env["safety.retention.log"].browse(action["res_id"])
        self.assertFalse(self.dossier.exists())
        self.assertFalse(self.record.exists() or self.certificate.exists() or self.review.exists())
        self.assertEqual((log.kind, log.mode, log.dossier_count, log.user_id), ("purge", "delete", 1, self.admin))
        self.assertIn(f"{dossier_id} E1001", log.dossier_references)
        with zipfile.ZipFile(io.BytesIO(log.attachment_id.raw)) as archive:
            names = archive.namelist()
            self.assertEqual(len(names), 2)
            report = next(name for name in names if not name.endswith(".xlsx"))
            self.assertIn("张伟", archive.read(report).decode())
            workbook = openpyxl.load_workbook(io.BytesIO(archive.read(next(
                name for name in names if name.endswith(".xlsx")))))
            self.assertEqual(workbook.sheetnames, ["Training Records", "Certificates", "Certificate Reviews"])
            self.assertEqual(workbook["Training Records"].cell(2, 7).value, 80)
            self.assertEqual(workbook["Certificates"].cell(2, 2).value, "T5")
        purges = self.env["safety.chain.entry"].search([("kind", "=", "purge")])
        self.assertEqual(sorted(purges.mapped("res_model")), ["safety.certificate.review", "safety.training.record"])
        self.assertIn(record_id, purges.mapped("res_id"))
        verification = self.env["safety.chain.verification"].create({"company_id": self.company.id})
        verification.action_verify()
        self.assertEqual(verification.state, "verified", verification.message)
        self.assertTrue(self.other_dossier.exists())

    @freeze_time(datetime(2029, 3, 11, 12, 0))
    def test_purge_anonymises(self):
        wizard = self.purge_wizard(mode="anonymise")
        wizard.action_purge()
        self.assertTrue(self.dossier.anonymised)
        self.assertEqual(self.dossier.name, f"Anonymised dossier {self.dossier.id}")
        self.assertFalse(self.dossier.employee_number or self.dossier.user_id)
        self.assertTrue(self.record.exists())
        # The nightly HR copy leaves an anonymised dossier alone.
        self.env["safety.dossier"]._sync_from_employees(self.employee)
        self.assertEqual(self.dossier.name, f"Anonymised dossier {self.dossier.id}")
        with self.assertRaisesRegex(UserError, "already anonymised"):
            self.purge_wizard(mode="anonymise").action_purge()
        # An anonymised dossier past its retention end can still be deleted.
        self.purge_wizard().action_purge()
        self.assertFalse(self.dossier.exists())

    @freeze_time(datetime(2029, 3, 10, 12, 0))  # the last kept day
    def test_purge_refused_before_end(self):
        self.assertFalse(self.purge_wizard().dossier_ids)
        wizard = self.purge_wizard()
        wizard.dossier_ids = self.dossier
        with self.assertRaisesRegex(UserError, "must be kept until 2029-03-10"):
            wizard.action_purge()
        self.assertTrue(self.dossier.exists())
        self.assertFalse(self.env["safety.retention.log"].search([]))

    @freeze_time(datetime(2029, 3, 11, 12, 0))
    def test_purge_refused_to_officer(self):
        with self.assertRaises(AccessError):
            self.purge_wizard(user=self.officer)
        wizard = self.purge_wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.officer).action_purge()
        with self.assertRaises(AccessError):
            self.env["safety.retention.log"].with_user(self.officer).search([])

    def test_uninstall_refused_until_export(self):
        module = self.env["ir.module.module"].search([("name", "=", "safety_training_dossier")])
        with self.assertRaisesRegex(UserError, "never exported"):
            module.button_uninstall()
        with self.assertRaisesRegex(UserError, "never exported"):
            self.env["safety.dossier"]._check_uninstall_allowed()
        retained = self.env["safety.dossier"]._retained_without_export()
        self.assertIn(self.dossier, retained)
        self.assertNotIn(self.portal_dossier, retained, "a dossier without records holds nothing to keep")
        with self.assertRaises(AccessError):
            retained.with_user(self.officer).action_export_archive()
        action = retained.with_user(self.admin).action_export_archive()
        log = self.env["safety.retention.log"].browse(action["res_id"])
        self.assertEqual((log.kind, log.dossier_ids), ("export", retained))
        self.env["safety.dossier"]._check_uninstall_allowed()
        self.assertTrue(self.dossier.exists())
        self.assertEqual(module.state, "installed")
