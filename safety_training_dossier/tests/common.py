from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SafetyCase(TransactionCase):
    """Users for each role, two departments, a course and helpers to build records.

    Nothing here reads demo data: every test database starts without it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.other_company = cls.env["res.company"].create({"name": "Other Plant"})

        cls.officer = new_test_user(
            cls.env, "safety_officer", groups="safety_training_dossier.group_safety_officer,base.group_allow_export")
        cls.admin = new_test_user(cls.env, "safety_admin", groups="safety_training_dossier.group_safety_admin")
        cls.hr_user = new_test_user(cls.env, "hr_officer", groups="hr.group_hr_user")
        cls.employee_user = new_test_user(
            cls.env, "worker_user", groups="base.group_user,base.group_allow_export")
        cls.other_user = new_test_user(cls.env, "other_user", groups="base.group_user")
        cls.portal_user = new_test_user(cls.env, "portal_worker", groups="base.group_portal")

        cls.department = cls.env["hr.department"].create({"name": "Electrical Workshop"})
        cls.other_department = cls.env["hr.department"].create({"name": "Welding Workshop"})
        cls.job = cls.env["hr.job"].create({"name": "Electrician"})
        cls.employee = cls.env["hr.employee"].create({
            "name": "张伟", "employee_number": "E1001", "department_id": cls.department.id,
            "job_id": cls.job.id, "user_id": cls.employee_user.id,
        })
        cls.other_employee = cls.env["hr.employee"].create({
            "name": "王强", "employee_number": "E1002", "department_id": cls.department.id,
            "user_id": cls.other_user.id,
        })
        cls.portal_employee = cls.env["hr.employee"].create({
            "name": "刘洋", "employee_number": "E1003", "department_id": cls.other_department.id,
        })
        cls.portal_employee.safety_dossier_ids.portal_user_id = cls.portal_user
        cls.foreign_employee = cls.env["hr.employee"].create({
            "name": "赵磊", "employee_number": "X9001", "company_id": cls.other_company.id,
        })
        cls.dossier = cls.employee.safety_dossier_ids
        cls.other_dossier = cls.other_employee.safety_dossier_ids
        cls.portal_dossier = cls.portal_employee.safety_dossier_ids
        cls.foreign_dossier = cls.foreign_employee.safety_dossier_ids

        cls.induction_type = cls.env.ref("safety_training_dossier.training_type_company_level")
        cls.course = cls.env["safety.training.course"].create({
            "name": "Company-level induction", "training_type_id": cls.induction_type.id,
            "hours": 8, "assessment_mode": "theory", "theory_pass_mark": 60,
        })

    @classmethod
    def create_session(cls, dossiers, start=datetime(2026, 3, 2, 1, 0), end=datetime(2026, 3, 2, 9, 0), **values):
        return cls.env["safety.training.session"].create({
            "course_id": cls.course.id,
            "date_start": start,
            "date_end": end,
            "trainer_name": "徐明",
            "record_ids": [Command.create({"dossier_id": dossier.id}) for dossier in dossiers],
            **values,
        })

    @classmethod
    def create_record(cls, dossier=None, **values):
        return cls.env["safety.training.record"].create({
            "dossier_id": (dossier or cls.dossier).id,
            "course_id": cls.course.id,
            "date": "2026-03-02",
            **values,
        })
