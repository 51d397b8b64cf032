from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestDossier(SafetyCase):

    def test_employee_creation_creates_dossier(self):
        employee = self.env["hr.employee"].with_user(self.hr_user).create({
            "name": "李娜", "employee_number": "E2001", "department_id": self.department.id, "job_id": self.job.id,
        })
        dossier = employee.sudo().safety_dossier_ids
        self.assertEqual(len(dossier), 1)
        self.assertEqual(dossier.name, "李娜")
        self.assertEqual(dossier.employee_number, "E2001")
        self.assertEqual(dossier.department_id, self.department)
        self.assertEqual(dossier.job_id, self.job)
        self.assertEqual(dossier.company_id, self.company)

    def test_batch_creation_is_idempotent(self):
        employees = self.env["hr.employee"].create([{"name": f"员工{index}"} for index in range(5)])
        employees.safety_dossier_ids.unlink()
        Dossier = self.env["safety.dossier"]
        self.env.invalidate_all()
        # Includes the retention end: one read of the policies and one of the certificates per batch.
        with self.assertQueryCount(27):
            created = Dossier._create_missing_dossiers()
        self.assertEqual(created.employee_id, employees)
        self.assertFalse(Dossier._create_missing_dossiers())

    def test_batch_creation_queries_do_not_grow(self):
        counts = []
        # 20 people open 80 statuses, still one INSERT: the ORM writes 100 rows per statement.
        for size in (5, 20):
            employees = self.env["hr.employee"].create([{"name": f"批量{size}-{index}"} for index in range(size)])
            employees.safety_dossier_ids.unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["safety.dossier"]._create_missing_dossiers()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def test_one_dossier_per_employee(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self.env["safety.dossier"].create({
                "employee_id": self.employee.id, "name": "duplicate", "company_id": self.company.id})

    def test_in_place_edit_updates_copies(self):
        self.employee.write({"department_id": self.other_department.id, "name": "张伟伟"})
        self.assertEqual(self.dossier.department_id, self.other_department)
        self.assertEqual(self.dossier.name, "张伟伟")

    def test_new_version_updates_copies(self):
        welder = self.env["hr.job"].create({"name": "Welder"})
        self.employee.version_id.date_version = "2020-01-01"
        self.employee.create_version({"date_version": fields.Date.today(), "job_id": welder.id})
        self.assertEqual(self.dossier.job_id, welder)

    def test_dispatched_employee_type(self):
        self.employee.employee_type = "dispatched"
        self.assertEqual(self.dossier.employee_type, "dispatched")
        labels = dict(self.dossier._fields["employee_type"]._description_selection(self.env))
        self.assertEqual(labels["dispatched"], "Dispatched Worker")

    def test_archive_follows_employee(self):
        self.employee.action_archive()
        self.assertFalse(self.dossier.active)
        self.employee.action_unarchive()
        self.assertTrue(self.dossier.active)

    def test_employee_number_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self.env["hr.employee"].create({"name": "重复", "employee_number": "E1001"})
        foreign = self.env["hr.employee"].create(
            {"name": "同号", "employee_number": "E1001", "company_id": self.other_company.id})
        self.assertEqual(foreign.safety_dossier_ids.employee_number, "E1001")

    def test_empty_dossier_goes_with_employee(self):
        employee = self.env["hr.employee"].create({"name": "临时"})
        dossier = employee.safety_dossier_ids
        employee.unlink()
        self.assertFalse(dossier.exists())

    def test_employee_with_records_cannot_be_deleted(self):
        self.create_record(theory_score=80, result="passed")
        with self.assertRaisesRegex(UserError, "张伟"):
            self.employee.with_user(self.hr_user).unlink()
        self.assertTrue(self.employee.exists())

    def test_employee_with_certificate_cannot_be_deleted(self):
        self.env["safety.certificate"].create({
            "dossier_id": self.other_dossier.id,
            "operation_id": self.env.ref("safety_training_dossier.special_operation_low_voltage").id,
            "number": "T1", "issue_date": "2024-01-01",
        })
        with self.assertRaisesRegex(UserError, "王强"):
            self.other_employee.unlink()

    def test_hours_this_year_counts_confirmed_local_year(self):
        today = self.env.company._safety_local_today()
        self.create_record(date=today, theory_score=80, result="passed").action_confirm()
        self.create_record(date=today, theory_score=80, result="passed")  # draft: not counted
        self.create_record(date=today.replace(year=today.year - 1), theory_score=80, result="passed").action_confirm()
        self.assertEqual(self.dossier.hours_this_year, 8.0)

    def test_safety_role_and_appointment(self):
        self.dossier.write({"safety_role": "safety_manager", "role_appointment_date": "2026-01-05"})
        self.assertEqual(self.dossier.safety_role, "safety_manager")

    def test_grid_rejects_confirmed_session_edit(self):
        session = self.create_session(self.dossier)
        session.record_ids.write({"theory_score": 80, "result": "passed"})
        session.action_confirm()
        with self.assertRaises(UserError):
            session.write({"record_ids": [Command.create({"dossier_id": self.other_dossier.id})]})

    def test_session_end_at_start_is_valid(self):
        session = self.create_session(self.dossier, start="2026-03-02 09:00:00", end="2026-03-02 09:00:00")
        self.assertEqual(session.date_start, session.date_end)

    def test_session_end_before_start(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.create_session(self.dossier, start="2026-03-02 09:00:00", end="2026-03-02 08:59:59")
