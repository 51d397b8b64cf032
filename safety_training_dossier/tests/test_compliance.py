from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SafetyCase

# 23:30 UTC on 30 June is already 1 July in Shanghai; noon UTC is the same day there.
LATE_UTC = "2026-06-30 23:30:00"
NOON_UTC = "2026-07-01 12:00:00"
TODAY = date(2026, 7, 1)


@tagged("post_install", "-at_install")
class TestCompliance(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.safety_cut_over_date = date(2020, 1, 1)
        cls.company.safety_high_risk_tier = False
        cls.workshop = cls.env["hr.department"].create({"name": "Casting Workshop", "safety_level": "workshop"})
        cls.team_a = cls.env["hr.department"].create(
            {"name": "Team A", "safety_level": "team", "parent_id": cls.workshop.id})
        cls.team_b = cls.env["hr.department"].create(
            {"name": "Team B", "safety_level": "team", "parent_id": cls.workshop.id})
        cls.other_workshop = cls.env["hr.department"].create({"name": "Forging Workshop", "safety_level": "workshop"})
        cls.type_company = cls.env.ref("safety_training_dossier.training_type_company_level")
        cls.type_workshop = cls.env.ref("safety_training_dossier.training_type_workshop_level")
        cls.type_team = cls.env.ref("safety_training_dossier.training_type_team_level")
        cls.type_annual = cls.env.ref("safety_training_dossier.training_type_annual_retraining")
        cls.courses = {
            training_type: cls.env["safety.training.course"].create({
                "name": training_type.name, "training_type_id": training_type.id, "hours": 8,
                "assessment_mode": "none"})
            for training_type in (cls.type_company, cls.type_workshop, cls.type_team, cls.type_annual)
        }

    def hire(self, name, onboarding, department=None):
        employee = self.env["hr.employee"].create({
            "name": name, "department_id": (department or self.team_a).id, "contract_date_start": onboarding})
        return employee, employee.safety_dossier_ids

    def train(self, dossier, training_type, day, hours=8):
        record = self.env["safety.training.record"].create({
            "dossier_id": dossier.id, "course_id": self.courses[training_type].id, "date": day, "hours": hours,
            "result": "passed"})
        record.action_confirm()
        return record

    def statuses(self, dossier, code=None):
        statuses = dossier.requirement_status_ids
        if code:
            statuses = statuses.filtered(lambda status: status.requirement_id.code == code)
        return statuses

    def codes(self, dossier, prefix):
        return sorted(status.requirement_id.code for status in dossier.requirement_status_ids
                      if status.requirement_id.code.startswith(prefix))

    @freeze_time(NOON_UTC)
    def test_hire_opens_three_level_induction(self):
        _employee, dossier = self.hire("新工", "2026-07-10")
        self.assertEqual(self.codes(dossier, "induction"),
                         ["induction_company_general", "induction_team_general", "induction_workshop_general"])
        company_status = self.statuses(dossier, "induction_company_general")
        self.assertEqual(company_status.due_date, date(2026, 7, 10))
        self.assertEqual(company_status.hours_required, 8)
        self.assertEqual(company_status.state, "due_soon")
        self.assertEqual(dossier.next_due_date, date(2026, 7, 10))

    @freeze_time(NOON_UTC)
    def test_induction_hours_boundary(self):
        _employee, dossier = self.hire("学时", "2026-07-10")
        self.train(dossier, self.type_company, "2026-07-09", hours=7.5)
        self.assertEqual(self.statuses(dossier, "induction_company_general").state, "due_soon")
        self.train(dossier, self.type_company, "2026-07-10", hours=0.5)
        status = self.statuses(dossier, "induction_company_general")
        self.assertEqual(status.state, "met")
        self.assertEqual(status.hours_done, 8.0)
        self.assertEqual(len(status.record_ids), 2)

    def test_due_state_boundaries(self):
        # Onboarding day = due day. Expected states, counted by hand from local today 2026-07-01.
        cases = [
            ("2026-06-30", "overdue"),   # the day before today
            ("2026-07-01", "due_soon"),  # today: due, not yet overdue
            ("2026-07-31", "due_soon"),  # today + 30 days
            ("2026-08-01", "missing"),   # today + 31 days
        ]
        for now in (LATE_UTC, NOON_UTC):
            with freeze_time(now):
                for onboarding, expected in cases:
                    with self.subTest(now=now, onboarding=onboarding):
                        _employee, dossier = self.hire(f"边界{now}{onboarding}", onboarding)
                        self.assertEqual(self.statuses(dossier, "induction_team_general").state, expected)
                        self.assertEqual(dossier.compliance_state, expected)

    @freeze_time(NOON_UTC)
    def test_high_risk_tier_minimum(self):
        self.company.safety_high_risk_tier = "hazardous_chemicals"
        _employee, dossier = self.hire("危化", "2026-07-10")
        self.assertEqual(self.codes(dossier, "induction"),
                         ["induction_company_high_risk", "induction_team_high_risk", "induction_workshop_high_risk"])
        self.assertEqual(sum(self.statuses(dossier).filtered(
            lambda status: status.requirement_id.code.startswith("induction")).mapped("hours_required")), 72)

    @freeze_time(NOON_UTC)
    def test_cut_over_date(self):
        self.company.safety_cut_over_date = date(2026, 7, 5)
        _employee, before = self.hire("早", "2026-07-04")
        _employee, on_day = self.hire("当天", "2026-07-05")
        self.assertFalse(self.codes(before, "induction"))
        self.assertEqual(len(self.codes(on_day, "induction")), 3)

    @freeze_time(NOON_UTC)
    def test_in_place_transfer_to_other_workshop(self):
        employee, dossier = self.hire("调岗", "2024-01-01")
        employee.write({"department_id": self.other_workshop.id})
        transfer = dossier.event_ids.filtered(lambda event: event.kind == "transfer")
        self.assertEqual((transfer.date, transfer.scope), (TODAY, "workshop"))
        self.assertEqual(self.codes(dossier, "transfer"), ["transfer_team", "transfer_workshop"])
        self.assertEqual(self.statuses(dossier, "transfer_team").due_date, TODAY)

    @freeze_time(NOON_UTC)
    def test_transfer_within_workshop_is_team_only(self):
        employee, dossier = self.hire("换组", "2024-01-01")
        employee.write({"department_id": self.team_b.id})
        self.assertEqual(self.codes(dossier, "transfer"), ["transfer_team"])

    @freeze_time(NOON_UTC)
    def test_reorganisation_opens_nothing(self):
        employee, dossier = self.hire("改组", "2024-01-01")
        employee.version_id.safety_no_retraining = True
        employee.write({"department_id": self.other_workshop.id})
        self.assertFalse(dossier.event_ids.filtered(lambda event: event.kind == "transfer"))
        self.assertEqual(dossier.department_id, self.other_workshop)

    @freeze_time(NOON_UTC)
    def test_new_version_transfer_takes_its_date(self):
        employee, dossier = self.hire("新版本", "2024-01-01")
        employee.version_id.date_version = "2024-01-01"
        employee.create_version({"date_version": "2026-08-01", "department_id": self.other_workshop.id})
        transfer = dossier.event_ids.filtered(lambda event: event.kind == "transfer")
        self.assertEqual(transfer.date, date(2026, 8, 1))
        self.assertEqual(self.statuses(dossier, "transfer_workshop").due_date, date(2026, 8, 1))
        # The dossier still shows the department in force today.
        self.assertEqual(dossier.department_id, self.team_a)
        # On the version's date the nightly pass moves the dossier, with no write on the employee.
        with freeze_time("2026-08-01 12:00:00"), self.enter_registry_test_mode():
            self.env.ref("safety_training_dossier.ir_cron_safety_compliance").method_direct_trigger()
        self.assertEqual(dossier.department_id, self.other_workshop)
        self.assertEqual(dossier.event_ids.filtered(lambda event: event.kind == "transfer"), transfer)

    @freeze_time(NOON_UTC)
    def test_return_after_eleven_or_twelve_months(self):
        for departure, expected in (("2025-08-01", False), ("2025-07-01", True)):
            with self.subTest(departure=departure):
                _employee, dossier = self.hire(f"复岗{departure}", "2020-01-01")
                dossier.sudo().write({"last_departure_date": departure})
                dossier.write({"return_date": "2026-07-01"})
                returned = dossier.event_ids.filtered(lambda event: event.kind == "return_to_work")
                self.assertEqual(bool(returned), expected)
                self.assertEqual(bool(self.codes(dossier, "return")), expected)

    @freeze_time(NOON_UTC)
    def test_unarchive_after_long_absence(self):
        employee, dossier = self.hire("离职", "2020-01-01")
        employee.write({"departure_date": "2025-06-30"})
        employee.action_archive()
        self.assertEqual(dossier.last_departure_date, date(2025, 6, 30))
        employee.action_unarchive()
        self.assertEqual(dossier.return_date, TODAY)
        self.assertEqual(self.codes(dossier, "return"), ["return_team", "return_workshop"])

    @freeze_time(NOON_UTC)
    def test_appointment_opens_initial_training(self):
        _employee, dossier = self.hire("安全主任", "2020-01-01", department=self.workshop)
        dossier.write({"safety_role": "safety_manager", "role_appointment_date": "2026-03-01"})
        status = self.statuses(dossier, "manager_initial_general")
        self.assertEqual(status.due_date, date(2026, 8, 28))  # 2026-03-01 + 180 days
        self.assertEqual(status.hours_required, 32)

    @freeze_time(NOON_UTC)
    def test_role_change_switches_annual_rule(self):
        _employee, dossier = self.hire("转岗电工", "2020-01-01")
        self.assertEqual(self.codes(dossier, "staff_annual"), ["staff_annual_general"])
        # No appointment opens for a special operator, but the role selects another annual rule.
        dossier.write({"safety_role": "special_operator"})
        self.assertEqual(self.codes(dossier, "operator_annual"), ["operator_annual_general"])
        self.assertEqual(self.codes(dossier, "staff_annual"), [])

    @freeze_time("2028-07-01 12:00:00")
    def test_annual_hours_in_leap_year(self):
        _employee, dossier = self.hire("年度", "2020-01-01")
        self.train(dossier, self.type_annual, "2027-12-31", hours=8)  # last year: does not count
        self.train(dossier, self.type_annual, "2028-02-29", hours=4)
        status = self.statuses(dossier, "staff_annual_general")
        self.assertEqual((status.period_start, status.due_date), (date(2028, 1, 1), date(2028, 12, 31)))
        self.assertEqual(status.hours_done, 4)
        self.assertEqual(status.state, "missing")
        self.train(dossier, self.type_annual, "2028-12-31", hours=4)
        self.assertEqual(self.statuses(dossier, "staff_annual_general").state, "met")

    @freeze_time(NOON_UTC)
    def test_authorised_for_operation(self):
        operation = self.env.ref("safety_training_dossier.special_operation_low_voltage")
        self.assertFalse(self.dossier._is_authorised_for(operation), self.dossier.certificate_ids.mapped("number"))
        certificate = self.env["safety.certificate"].create({
            "dossier_id": self.dossier.id, "operation_id": operation.id, "number": "T-AUTH",
            "issue_date": "2025-01-01"})
        self.assertTrue(self.dossier._is_authorised_for(operation))
        certificate.revoked = True
        self.assertFalse(self.dossier._is_authorised_for(operation))

    @freeze_time(NOON_UTC)
    def test_recompute_queries_do_not_grow(self):
        """Queries grow with the rows the ORM writes (100 per INSERT), never with the people."""
        counts = []
        for size in (10, 100):
            employees = self.env["hr.employee"].create([
                {"name": f"批{size}-{index}", "department_id": self.team_a.id, "contract_date_start": "2026-07-10"}
                for index in range(size)])
            dossiers = employees.safety_dossier_ids
            dossiers.requirement_status_ids.unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            dossiers._recompute_compliance()
            counts.append(self.env.cr.sql_log_count - before)
        # Each person has 4 statuses (3 induction levels, annual retraining): 40 rows take one
        # INSERT, 400 rows take four. Counted by hand: 3 more queries, whatever else changes.
        self.assertEqual(counts[1] - counts[0], 3)

    @freeze_time(NOON_UTC)
    def test_recompute_query_count(self):
        employees = self.env["hr.employee"].create([
            {"name": f"计数{index}", "department_id": self.team_a.id, "contract_date_start": "2026-07-10"}
            for index in range(10)])
        dossiers = employees.safety_dossier_ids
        dossiers.requirement_status_ids.unlink()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(16):
            dossiers._recompute_compliance()
        self.env.invalidate_all()
        # Nothing changed: the statuses are not read back, and nothing is written. Counted by
        # hand: 3 queries fewer (the statuses read, their INSERT, the dossiers' UPDATE).
        with self.assertQueryCount(13):
            dossiers._recompute_compliance()

    @freeze_time(NOON_UTC)
    def test_exempt_status_stays_exempt(self):
        _employee, dossier = self.hire("免训", "2026-07-10")
        self.assertTrue(dossier.compliance_digest)
        self.assertEqual(dossier.compliance_state, "due_soon")
        # Open: the three induction levels and this year's retraining. Exempt them all.
        induction = dossier.requirement_status_ids.filtered(lambda status: status.state != "met")
        self.assertEqual(len(induction), 4)
        induction.action_exempt("持有效的外单位安全教育证明")
        # The dossier leaves the exempt statuses out at once.
        self.assertEqual(dossier.compliance_state, "compliant")
        self.assertFalse(dossier.next_due_date)
        self.assertTrue(dossier.compliance_digest)

        # Unchanged statuses are not read back: the engine keeps the dossier as it is.
        dossier._recompute_compliance()
        self.assertEqual(set(induction.mapped("state")), {"exempt"})
        self.assertEqual(dossier.compliance_state, "compliant")

        # A status written outside the engine clears the fingerprint, so the engine reads them back.
        induction[0].write({"exempt_reason": "持有效的外单位三级安全教育证明"})
        self.assertFalse(dossier.compliance_digest)
        dossier._recompute_compliance()
        self.assertEqual(set(induction.mapped("state")), {"exempt"})
        self.assertEqual(dossier.compliance_state, "compliant")
        self.assertTrue(dossier.compliance_digest)

    @freeze_time(NOON_UTC)
    def test_exempt_wizard_logs_and_cancels(self):
        _employee, dossier = self.hire("外单位", "2026-07-10")
        team = self.statuses(dossier, "induction_team_general")
        self.assertEqual(team.state, "due_soon")
        wizard = self.env["safety.requirement.status.exempt"].with_user(self.officer).create({
            "status_ids": [Command.set(team.ids)], "reason": "  外单位三级安全教育证明 2026-05  "})
        wizard.action_exempt()
        self.assertEqual(team.state, "exempt")
        self.assertEqual(team.exempt_reason, "外单位三级安全教育证明 2026-05")
        self.assertIn("外单位三级安全教育证明 2026-05", dossier.message_ids[0].body)
        # The other induction levels are still due on 2026-07-10.
        self.assertEqual(dossier.compliance_state, "due_soon")

        html = self.env["ir.actions.report"]._render_qweb_html(
            "safety_training_dossier.report_safety_dossier", dossier.ids)[0].decode()
        self.assertIn("外单位三级安全教育证明 2026-05", html)

        team.with_user(self.officer).action_cancel_exemption()
        self.assertEqual(team.state, "due_soon")
        self.assertFalse(team.exempt_reason)
        self.assertIn(self.officer.name, dossier.message_ids[0].body)

    @freeze_time(NOON_UTC)
    def test_exempt_rejects_bad_input(self):
        _employee, dossier = self.hire("无理由", "2026-07-10")
        team = self.statuses(dossier, "induction_team_general").with_user(self.officer)
        for reason in ("", "   ", False):
            with self.subTest(reason=reason), self.assertRaisesRegex(UserError, "reason for the exemption"):
                team.action_exempt(reason)
        with self.assertRaisesRegex(UserError, "Not exempt: .*无理由"):
            team.action_cancel_exemption()
        self.train(dossier, self.type_team, "2026-07-01")
        self.assertEqual(team.state, "met")
        with self.assertRaisesRegex(UserError, "Already met or exempt: .*无理由"):
            team.action_exempt("证明")
        self.assertEqual(team.state, "met")

    @freeze_time(NOON_UTC)
    def test_officer_cannot_edit_status(self):
        _employee, dossier = self.hire("直改", "2026-06-20")
        status = self.statuses(dossier, "induction_team_general").with_user(self.officer)
        self.assertEqual(status.state, "overdue")
        for values in ({"state": "exempt"}, {"state": "met"}, {"due_date": "2030-01-01"},
                       {"exempt_reason": "口头同意"}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "use Exempt or Cancel Exemption"):
                status.write(values)
        self.assertEqual(status.state, "overdue")
        self.assertEqual(status.due_date, date(2026, 6, 20))
        wizard = self.env["safety.requirement.status.exempt"].with_user(self.officer).create({"reason": "证明"})
        with self.assertRaisesRegex(UserError, "Select the requirements to exempt"):
            wizard.action_exempt()
        with self.assertRaisesRegex(UserError, "reason for the exemption"):
            status.action_exempt(123)

    @freeze_time(NOON_UTC)
    def test_employee_cannot_exempt(self):
        self.employee.write({"contract_date_start": "2026-07-10"})
        status = self.dossier.requirement_status_ids.filtered(lambda status: status.state != "met")[:1]
        self.assertTrue(status)
        for user in (self.employee_user, self.hr_user, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["safety.requirement.status.exempt"].with_user(user).create({
                        "status_ids": [Command.set(status.ids)], "reason": "自己免训"})
                with self.assertRaises(AccessError):
                    status.with_user(user).action_exempt("自己免训")
                with self.assertRaises(AccessError):
                    status.with_user(user).action_cancel_exemption()
        self.assertNotEqual(status.state, "exempt")

    @freeze_time(NOON_UTC)
    def test_status_edited_outside_engine_is_set_back(self):
        _employee, dossier = self.hire("改期", "2026-07-10")
        status = self.statuses(dossier, "induction_team_general")
        status.write({"due_date": "2026-12-31", "state": "missing"})
        self.assertFalse(dossier.compliance_digest)
        dossier._recompute_compliance()
        self.assertEqual(status.due_date, date(2026, 7, 10))
        self.assertEqual(status.state, "due_soon")

    @freeze_time(NOON_UTC)
    def test_new_record_changes_the_fingerprint(self):
        _employee, dossier = self.hire("指纹", "2026-07-10")
        before = dossier.compliance_digest
        self.train(dossier, self.type_company, "2026-07-09")
        self.assertNotEqual(dossier.compliance_digest, before)
        self.assertEqual(self.statuses(dossier, "induction_company_general").state, "met")

    @freeze_time(NOON_UTC)
    def test_nightly_cron_is_idempotent(self):
        _employee, dossier = self.hire("夜间", "2026-07-10")
        cron = self.env.ref("safety_training_dossier.ir_cron_safety_compliance")
        self.env["safety.dossier"].search([]).write({"compliance_computed_on": False})
        # The cron runs on its own cursor, which must share the test transaction.
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        first = dossier.requirement_status_ids
        self.assertTrue(first)
        self.assertEqual(dossier.compliance_computed_on, TODAY)
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(dossier.requirement_status_ids, first)

    @freeze_time(NOON_UTC)
    def test_employee_sees_own_statuses_only(self):
        self.employee.write({"contract_date_start": "2026-07-10"})
        self.other_employee.write({"contract_date_start": "2026-07-10"})
        (self.dossier | self.other_dossier)._create_for_employees(self.employee | self.other_employee)
        self.env["safety.dossier.event"]._record([
            {"dossier_id": dossier.id, "kind": "hire", "date": "2026-07-10"}
            for dossier in self.dossier | self.other_dossier])
        Status = self.env["safety.requirement.status"]
        mine = Status.with_user(self.employee_user).search([])
        self.assertTrue(mine)
        self.assertEqual(mine.dossier_id, self.dossier)
        self.assertEqual(Status.with_user(self.officer).search_count(
            [("dossier_id", "in", (self.dossier | self.other_dossier).ids)]),
            Status.search_count([("dossier_id", "in", (self.dossier | self.other_dossier).ids)]))

    @freeze_time(NOON_UTC)
    def test_four_new_change_opens_training(self):
        _employee, in_workshop = self.hire("四新甲", "2020-01-01", department=self.team_b)
        _employee, elsewhere = self.hire("四新乙", "2020-01-01", department=self.other_workshop)
        change = self.env["safety.four.new.change"].with_user(self.officer).create({
            "name": "Robotic welding cell", "kind": "equipment", "date": "2026-07-15",
            "department_ids": [(6, 0, self.workshop.ids)]})
        self.assertEqual(change.dossier_count, 1)
        change.action_open_training()
        status = self.statuses(in_workshop, "four_new")
        self.assertEqual((status.due_date, status.state), (date(2026, 7, 15), "due_soon"))
        self.assertFalse(self.statuses(elsewhere, "four_new"))
        with self.assertRaisesRegex(UserError, "already open"):
            change.action_open_training()

    def test_four_new_change_without_people(self):
        change = self.env["safety.four.new.change"].create(
            {"name": "Solvent", "kind": "material", "date": "2026-07-15"})
        with self.assertRaisesRegex(UserError, "No person is in the departments or jobs"):
            change.action_open_training()

    @freeze_time(NOON_UTC)
    def test_employee_cannot_change_compliance_data(self):
        _employee, dossier = self.hire("权限", "2026-07-10")
        status = dossier.requirement_status_ids[:1]
        with self.assertRaises(AccessError):
            status.with_user(self.employee_user).write({"state": "met"})
        with self.assertRaises(AccessError):
            dossier.event_ids.with_user(self.employee_user).read(["kind"])
        with self.assertRaises(AccessError):
            self.env["safety.four.new.change"].with_user(self.employee_user).create(
                {"name": "Forklift", "kind": "equipment", "date": "2026-07-15"})
        with self.assertRaises(AccessError):
            self.env["safety.requirement"].with_user(self.employee_user).create({
                "name": "Own rule", "code": "own", "recurrence": "calendar_year",
                "training_type_ids": [(6, 0, self.type_annual.ids)]})
        with self.assertRaises(AccessError):
            self.env["safety.dossier.event"].with_user(self.portal_user).search([("dossier_id", "=", dossier.id)])
