import io
from datetime import date

import openpyxl
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SafetyCase

# Local (Shanghai) today in the cron tests: 2026-06-01, so the snapshot describes May 2026.
NOON_UTC = "2026-06-01 04:00:00"
AS_OF = date(2026, 6, 1)


@tagged("post_install", "-at_install")
class TestKpi(SafetyCase):
    """Each KPI on a small plant computed by hand.

    The plant "KPI Plant" (cut-over 2026-01-01) has, on 2026-06-01:
      Assembly (managed by kpi_manager):
        K1 staff, onboarded 2020: complete; annual retraining met (8 h required); passed 8 h course.
        K2 staff, onboarded 2026-02-01 (after the cut-over): only the company-level induction, passed (8 h);
           an overdue induction requirement. Incomplete twice over.
      Maintenance:
        K3 special operator, onboarded 2019, certificate reviewed on time: complete. Failed a 4 h course,
           passed its re-examination (4 h).
        K4 special operator, onboarded 2019, certificate overdue for review: incomplete.
           Annual retraining missing (not yet due), 8 h required.
        (no number) staff, onboarded 2019: incomplete; one exempt requirement, left out of coverage.
        K6 staff, onboarding 2026-07-01: not on site yet, counted nowhere.
        K7 staff, passed a 4 h course in April, archived since: counted only in the pass rates, which
           cover every assessment of the period.
    By hand: people 5; complete 2 (K1, K3) = 40.0 %; coverage 1 met of 3 = 33.3 %;
    first attempts 4 (K1, K2 and K7 pass, K3 fails) = 75.0 %, final 4 of 4 = 100.0 %;
    certificates 1 on time of 2 = 50.0 %; overdue 1 requirement + 1 certificate = 2;
    hours 8 + 8 + 4 + 4 = 24 / 5 people = 4.8; minimum 8 + 8 = 16 / 5 = 3.2.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The tests build their statuses by hand; the engine's own ones would add items.
        cls.env["safety.requirement"].search([]).active = False
        cls.env["safety.requirement.status"].search([]).unlink()

        cls.plant = cls.env["res.company"].create({"name": "KPI Plant", "safety_cut_over_date": date(2026, 1, 1)})
        cls.plant.partner_id.tz = "Asia/Shanghai"
        cls.kpi_manager = new_test_user(
            cls.env, "kpi_manager", email="kpi_manager@example.com",
            groups="safety_training_dossier.group_safety_department_manager",
            company_id=cls.plant.id, company_ids=[Command.set([cls.plant.id])])
        cls.plant_officer = new_test_user(
            cls.env, "kpi_officer", groups="safety_training_dossier.group_safety_officer",
            company_id=cls.plant.id, company_ids=[Command.set([cls.plant.id])])
        cls.admin.write({"email": "safety_admin@example.com", "company_ids": [Command.link(cls.plant.id)]})
        cls.assembly = cls.env["hr.department"].create({"name": "Assembly", "company_id": cls.plant.id})
        cls.maintenance = cls.env["hr.department"].create({"name": "Maintenance", "company_id": cls.plant.id})
        cls.assembly.manager_id = cls.env["hr.employee"].create({
            "name": "周敏", "employee_number": "KM01", "company_id": cls.plant.id, "user_id": cls.kpi_manager.id})
        # The manager's own dossier is no part of the hand computation.
        cls.assembly.manager_id.safety_dossier_ids.action_archive()

        cls.k1 = cls.person("K1", cls.assembly, date(2020, 1, 1))
        cls.k2 = cls.person("K2", cls.assembly, date(2026, 2, 1))
        cls.k3 = cls.person("K3", cls.maintenance, date(2019, 1, 1), role="special_operator")
        cls.k4 = cls.person("K4", cls.maintenance, date(2019, 1, 1), role="special_operator")
        cls.k5 = cls.person(False, cls.maintenance, date(2019, 1, 1))
        cls.k6 = cls.person("K6", cls.maintenance, date(2026, 7, 1))
        cls.k7 = cls.person("K7", cls.maintenance, date(2019, 1, 1))

        cls.plant_course = cls.env["safety.training.course"].create({
            "name": "Forklift safety", "training_type_id": cls.env.ref(
                "safety_training_dossier.training_type_annual_retraining").id,
            "hours": 4, "assessment_mode": "theory", "theory_pass_mark": 60, "company_id": cls.plant.id,
        })
        cls.confirmed_record(cls.k1, cls.plant_course, date(2026, 3, 2), "passed", hours=8)
        cls.confirmed_record(cls.k2, cls.course, date(2026, 2, 1), "passed")
        failed = cls.confirmed_record(cls.k3, cls.plant_course, date(2026, 4, 1), "failed")
        cls.confirmed_record(cls.k3, cls.plant_course, date(2026, 4, 20), "passed", retake_of_id=failed.id)
        cls.confirmed_record(cls.k7, cls.plant_course, date(2026, 4, 20), "passed")
        cls.k7.employee_id.action_archive()

        operation = cls.env.ref("safety_training_dossier.special_operation_low_voltage")
        for dossier, issue_date in ((cls.k3, date(2024, 1, 10)), (cls.k4, date(2020, 1, 10))):
            cls.env["safety.certificate"].create({
                "dossier_id": dossier.id, "operation_id": operation.id, "number": f"T{dossier.id}",
                "issue_date": issue_date})

        annual = cls.env.ref("safety_training_dossier.requirement_staff_annual_general")
        induction = cls.env.ref("safety_training_dossier.requirement_induction_workshop_general")
        cls.status(cls.k1, annual, "met", 8)
        cls.status(cls.k2, induction, "overdue", 0, period_start=date(2026, 2, 1))
        cls.status(cls.k4, annual, "missing", 8)
        cls.status(cls.k5, annual, "exempt", 8)
        cls.Kpi = cls.env["safety.kpi"]

    @classmethod
    def person(cls, number, department, onboarding_date, role="staff"):
        employee = cls.env["hr.employee"].create({
            "name": f"员工{number or '无'}", "employee_number": number, "company_id": cls.plant.id,
            "department_id": department.id})
        dossier = employee.safety_dossier_ids
        dossier.write({"onboarding_date": onboarding_date, "safety_role": role})
        return dossier

    @classmethod
    def confirmed_record(cls, dossier, course, day, result, **values):
        record = cls.env["safety.training.record"].create({
            "dossier_id": dossier.id, "course_id": course.id, "date": day,
            "theory_score": 90 if result == "passed" else 30, "result": result, **values})
        record.action_confirm()
        return record

    @classmethod
    def status(cls, dossier, requirement, state, hours_required, period_start=date(2026, 1, 1)):
        cls.env["safety.requirement.status"].create({
            "dossier_id": dossier.id, "requirement_id": requirement.id, "company_id": cls.plant.id,
            "department_id": dossier.department_id.id, "period_start": period_start,
            "due_date": date(2026, 12, 31) if state != "overdue" else date(2026, 2, 1),
            "hours_required": hours_required, "state": state,
        })

    def plant_total(self, env=None):
        Kpi = (env or self.env)["safety.kpi"]
        counters = Kpi._compute_counters(self.plant.with_env(Kpi.env), AS_OF)
        return counters, Kpi._sum_counters(counters.values())

    def test_each_kpi_by_hand(self):
        _counters, total = self.plant_total()
        rates = self.Kpi._rates(total)
        self.assertEqual(total["people_count"], 5)
        self.assertEqual(total["complete_count"], 2)
        self.assertEqual(rates["completeness_rate"], 40.0)
        self.assertEqual((total["met_count"], total["required_count"]), (1, 3))
        self.assertEqual(rates["coverage_rate"], 33.3)
        self.assertEqual(total["assessed_count"], 4)
        self.assertEqual(rates["first_pass_rate"], 75.0)
        self.assertEqual(rates["final_pass_rate"], 100.0)
        self.assertEqual(rates["on_time_review_rate"], 50.0)
        self.assertEqual(total["overdue_count"], 2)
        self.assertEqual(rates["hours_per_person"], 4.8)
        self.assertEqual(rates["minimum_hours_per_person"], 3.2)

    def test_counters_by_department(self):
        counters, _total = self.plant_total()
        self.assertEqual(set(counters), {self.assembly.id, self.maintenance.id})
        self.assertEqual(counters[self.assembly.id]["people_count"], 2)
        self.assertEqual(counters[self.assembly.id]["complete_count"], 1)
        self.assertEqual(counters[self.maintenance.id]["people_count"], 3)
        self.assertEqual(counters[self.maintenance.id]["certificate_count"], 2)
        self.assertEqual(counters[self.maintenance.id]["hours_done"], 8)

    @freeze_time(NOON_UTC)
    def test_complete_dossier_filter(self):
        Dossier = self.env["safety.dossier"].with_context(allowed_company_ids=[self.plant.id])
        complete = Dossier.search([("company_id", "=", self.plant.id), ("is_complete", "=", True)])
        self.assertEqual(complete.mapped("employee_number"), ["K1", "K3"])
        self.assertTrue(self.k1.is_complete)
        self.assertFalse(self.k2.is_complete)
        self.assertFalse(self.k4.is_complete)

    @freeze_time(NOON_UTC)
    def test_induction_after_cut_over_makes_dossier_complete(self):
        for level in ("workshop_level", "team_level"):
            course = self.env["safety.training.course"].create({
                "name": level, "hours": 4, "assessment_mode": "none",
                "training_type_id": self.env["safety.training.type"].search(
                    [("induction_level", "=", level)], limit=1).id})
            record = self.env["safety.training.record"].create({
                "dossier_id": self.k2.id, "course_id": course.id, "date": date(2026, 2, 2), "result": "passed"})
            record.action_confirm()
        # Confirming ran the engine, which dropped the hand-made status: make it overdue again.
        self.status(self.k2, self.env.ref("safety_training_dossier.requirement_induction_workshop_general"),
                    "overdue", 0, period_start=date(2026, 2, 1))
        self.k2.invalidate_recordset(["is_complete"])
        self.assertFalse(self.k2.is_complete, "still incomplete while its requirement is overdue")
        self.env["safety.requirement.status"].search([("dossier_id", "=", self.k2.id)]).state = "met"
        self.k2.invalidate_recordset(["is_complete"])
        self.assertTrue(self.k2.is_complete)

    def test_no_people(self):
        empty = self.env["res.company"].create({"name": "Empty Plant"})
        counters = self.Kpi._compute_counters(empty, AS_OF)
        self.assertEqual(counters, {})
        rates = self.Kpi._rates(self.Kpi._sum_counters(counters.values()))
        self.assertEqual(set(rates.values()), {None})
        self.assertEqual(self.Kpi._kpi_state("completeness_rate", None, 98), "none")

    def test_everyone_exempt(self):
        plant = self.env["res.company"].create({"name": "Exempt Plant", "safety_cut_over_date": date(2026, 1, 1)})
        employee = self.env["hr.employee"].create({
            "name": "豁免", "employee_number": "X1", "company_id": plant.id})
        dossier = employee.safety_dossier_ids
        dossier.onboarding_date = date(2019, 1, 1)
        self.env["safety.requirement.status"].create({
            "dossier_id": dossier.id, "requirement_id": self.env.ref(
                "safety_training_dossier.requirement_staff_annual_general").id,
            "company_id": plant.id, "period_start": date(2026, 1, 1), "due_date": date(2026, 12, 31),
            "hours_required": 8, "state": "exempt"})
        rates = self.Kpi._rates(self.Kpi._sum_counters(self.Kpi._compute_counters(plant, AS_OF).values()))
        self.assertIsNone(rates["coverage_rate"])
        self.assertEqual(rates["completeness_rate"], 100.0)
        self.assertEqual(rates["minimum_hours_per_person"], 0.0)

    @freeze_time(NOON_UTC)
    def test_companies_kept_apart(self):
        main_dossiers = self.env["safety.dossier"].search([("company_id", "=", self.company.id)])
        main_dossiers.onboarding_date = date(2019, 1, 1)
        _counters, plant_total = self.plant_total()
        main_total = self.Kpi._sum_counters(self.Kpi._compute_counters(self.company, AS_OF).values())
        self.assertEqual(plant_total["people_count"], 5)
        self.assertEqual(main_total["people_count"], len(main_dossiers))
        data = self.env["safety.kpi"].with_user(self.officer).with_context(
            allowed_company_ids=[self.company.id]).get_dashboard_data()
        people = {card["name"]: card["value"] for card in data["kpis"]}
        self.assertEqual(people["overdue_count"], 0)
        self.assertNotIn("K2", [item["employee_number"] for item in data["overdue_items"]])

    @freeze_time(NOON_UTC)
    def test_manager_sees_only_managed_departments(self):
        env = self.env(user=self.kpi_manager, context={"allowed_company_ids": [self.plant.id]})
        counters, total = self.plant_total(env)
        self.assertEqual(set(counters), {self.assembly.id})
        self.assertEqual(total["people_count"], 2)
        self.assertEqual(total["complete_count"], 1)
        self.assertEqual(total["assessed_count"], 2)
        data = env["safety.kpi"].get_dashboard_data()
        cards = {card["name"]: card for card in data["kpis"]}
        self.assertEqual(cards["completeness_rate"]["value"], 50.0)
        self.assertEqual(cards["on_time_review_rate"]["value"], None)
        self.assertEqual([item["employee_number"] for item in data["overdue_items"]], ["K2"])
        self.assertEqual([row["name"] for row in data["weakest_departments"]], ["Assembly"])
        self.assertEqual(env["safety.report.assessment"].search([]).department_id, self.assembly)
        self.assertEqual(env["safety.report.requirement"].search([]).department_id, self.assembly)

    def test_officer_of_other_company_sees_nothing(self):
        env = self.env(user=self.officer, context={"allowed_company_ids": [self.company.id]})
        self.assertFalse(env["safety.report.assessment"].search([("company_id", "=", self.plant.id)]))
        self.assertFalse(env["safety.report.requirement"].search([("company_id", "=", self.plant.id)]))

    def test_employee_cannot_read_reports(self):
        for model in ("safety.kpi.snapshot", "safety.report.assessment", "safety.report.requirement"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.employee_user).search([])

    @freeze_time(NOON_UTC)
    def test_dashboard_states_against_targets(self):
        self.plant.safety_target_completeness = 42
        env = self.env(user=self.plant_officer, context={"allowed_company_ids": [self.plant.id]})
        cards = {card["name"]: card for card in env["safety.kpi"].get_dashboard_data()["kpis"]}
        self.assertEqual(cards["completeness_rate"]["state"], "warning")
        self.assertEqual(cards["completeness_rate"]["target"], 42)
        self.assertIn("induction level", cards["completeness_rate"]["definition"])
        self.assertEqual(cards["final_pass_rate"]["state"], "good")
        self.assertEqual(cards["coverage_rate"]["state"], "bad")
        self.assertEqual(cards["overdue_count"]["state"], "bad")
        self.assertEqual(cards["hours_per_person"]["state"], "good")
        self.assertEqual(cards["hours_per_person"]["target"], 3.2)

    def test_target_outside_percentage_rejected(self):
        with self.assertRaises(ValidationError):
            self.plant.safety_target_coverage = 120

    def test_weakest_courses(self):
        env = self.env(user=self.plant_officer, context={"allowed_company_ids": [self.plant.id]})
        rows = env["safety.kpi"]._weakest_pass_rates(self.plant, AS_OF, "course_id")
        self.assertEqual([(row["name"], row["assessed"], row["first_pass_rate"]) for row in rows],
                         [("Forklift safety", 3, 66.7), ("Company-level induction", 1, 100.0)])

    def test_counters_query_count(self):
        self.env.invalidate_all()
        plant = self.plant.with_env(self.env)
        with self.assertQueryCount(9):
            self.Kpi._compute_counters(plant, AS_OF)

    @freeze_time(NOON_UTC)
    def run_snapshot_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("safety_training_dossier.ir_cron_safety_kpi_snapshot").method_direct_trigger()

    def test_monthly_snapshot_once(self):
        mails_before = self.env["mail.mail"].search([])
        self.run_snapshot_cron()
        self.run_snapshot_cron()
        snapshots = self.env["safety.kpi.snapshot"].search([("company_id", "=", self.plant.id)])
        self.assertEqual(len(snapshots), 2)
        self.assertEqual(set(snapshots.mapped("month")), {date(2026, 5, 1)})
        self.assertEqual(set(snapshots.mapped("taken_on")), {date(2026, 6, 1)})
        totals = self.Kpi._sum_counters(snapshots.read(["people_count", "complete_count", "overdue_count"]))
        self.assertEqual((totals["people_count"], totals["complete_count"], totals["overdue_count"]), (5, 2, 2))
        maintenance = snapshots.filtered(lambda snapshot: snapshot.department_id == self.maintenance)
        self.assertEqual(maintenance.on_time_review_rate, 50.0)
        mails = self.env["mail.mail"].search([("id", "not in", mails_before.ids), ("subject", "ilike", "KPI Plant")])
        self.assertEqual(len(mails), 1, "one report per company and month, the second run sends nothing")
        self.assertEqual(mails.recipient_ids, self.admin.partner_id)
        self.assertEqual(len(mails.attachment_ids), 2)

    def test_snapshot_unique_per_department_and_month(self):
        values = {"company_id": self.plant.id, "month": date(2026, 5, 1), "taken_on": date(2026, 6, 1)}
        self.env["safety.kpi.snapshot"].create(values)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["safety.kpi.snapshot"].create(values)

    def test_trend_reads_stored_snapshots(self):
        self.run_snapshot_cron()
        # Later data changes no stored month: the trend shows what the rate was then.
        self.env["safety.requirement.status"].search([("dossier_id", "=", self.k2.id)]).state = "met"
        env = self.env(user=self.plant_officer, context={"allowed_company_ids": [self.plant.id]})
        trend = env["safety.kpi"]._trend(self.plant, AS_OF)
        self.assertEqual([(month["month"], month["completeness_rate"], month["overdue_count"]) for month in trend],
                         [("2026-05", 40.0, 2)])

    def test_report_and_workbook(self):
        self.run_snapshot_cron()
        snapshots = self.env["safety.kpi.snapshot"].search([("company_id", "=", self.plant.id)])
        html, _file_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "safety_training_dossier.safety_kpi_report_action", snapshots.ids)
        self.assertIn(b"KPI Plant", html)
        self.assertIn(b"40.0", html)
        sheet = openpyxl.load_workbook(io.BytesIO(snapshots._workbook())).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(rows[-1][1], 5)
        self.assertEqual(rows[-1][2], 40.0)
