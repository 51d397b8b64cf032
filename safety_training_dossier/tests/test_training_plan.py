import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SafetyCase


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 04:00:00")
class TestTrainingPlan(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Status = cls.env["safety.requirement.status"]
        # The tests build the statuses by hand; the engine's own ones would add lines.
        Status.search([]).unlink()
        cls.annual = cls.env.ref("safety_training_dossier.requirement_staff_annual_general")
        cls.drill = cls.env["safety.requirement"].create({
            "name": "Emergency drill every 12 months", "code": "DRILL_TEST", "recurrence": "months",
            "interval_months": 12, "hours_required": 2, "training_type_ids": [(4, cls.induction_type.id)]})

        def status(dossier, rule, start, due, state):
            return {"dossier_id": dossier.id, "requirement_id": rule.id, "company_id": dossier.company_id.id,
                    "department_id": dossier.department_id.id, "period_start": start, "due_date": due,
                    "hours_required": 20, "state": state}
        Status.create([
            # This year's annual retraining, met or not, recurs next year: month 0.
            status(cls.dossier, cls.annual, date(2026, 1, 1), date(2026, 12, 31), "met"),
            status(cls.other_dossier, cls.annual, date(2026, 1, 1), date(2026, 12, 31), "missing"),
            # A drill due in March next year; an exempt one does not count.
            status(cls.dossier, cls.drill, date(2026, 3, 15), date(2027, 3, 15), "missing"),
            status(cls.other_dossier, cls.drill, date(2026, 3, 20), date(2027, 3, 20), "exempt"),
            # Another company's status stays out of this company's plan.
            status(cls.foreign_dossier, cls.annual, date(2026, 1, 1), date(2026, 12, 31), "missing"),
        ])
        operation = cls.env["safety.special.operation"].search([], limit=1)
        cls.env["safety.certificate"].create({
            "dossier_id": cls.portal_dossier.id, "operation_id": operation.id, "number": "T777",
            "issue_date": date(2024, 5, 10)})
        cls.operation = operation

    def test_default_year_is_next_local_year(self):
        self.assertEqual(self.env["safety.training.plan"].create({}).year, 2027)

    def test_lines_per_department_training_and_month(self):
        plan = self.env["safety.training.plan"].with_user(self.officer).create({"year": 2027})
        plan.action_compute()
        lines = {(line.department_id, line.label, line.month): line.headcount for line in plan.line_ids}
        self.assertEqual(lines, {
            (self.department, self.annual.name, "0"): 2,
            (self.department, "Emergency drill every 12 months", "3"): 1,
            (self.other_department, f"Certificate review: {self.operation.name}", "5"): 1,
        })
        # Computing again replaces the lines instead of adding to them.
        plan.action_compute()
        self.assertEqual(len(plan.line_ids), 3)

    def test_workbook_export(self):
        plan = self.env["safety.training.plan"].with_user(self.officer).create({"year": 2027})
        action = plan.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search([("res_model", "=", plan._name), ("res_id", "=", plan.id)])
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Department", "Training", "Any Month", "January"))
        self.assertEqual(rows[0][-1], "Total")
        by_training = {row[1]: row for row in rows[1:]}
        drill = by_training["Emergency drill every 12 months"]
        self.assertEqual(drill[0], "Electrical Workshop")
        self.assertEqual(drill[2 + 3], 1, "March column")
        self.assertEqual(drill[-1], 1)
        self.assertEqual(by_training[self.annual.name][2], 2)

    def test_empty_plan_and_bad_year_rejected(self):
        with self.assertRaises(UserError) as error:
            self.env["safety.training.plan"].create({"year": 2040}).action_export()
        self.assertIn("2040", str(error.exception))
        with self.assertRaises(ValidationError):
            self.env["safety.training.plan"].create({"year": 1999})

    def test_plan_is_for_safety_officers(self):
        with self.assertRaises(AccessError):
            self.env["safety.training.plan"].with_user(self.employee_user).create({"year": 2027})
