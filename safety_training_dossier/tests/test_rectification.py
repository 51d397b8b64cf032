from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SafetyCase

# 2026-03-10 20:00 in Shanghai.
NOON_UTC = "2026-03-10 12:00:00"


@tagged("post_install", "-at_install")
class TestRectification(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_user = new_test_user(
            cls.env, "workshop_manager", groups="safety_training_dossier.group_safety_department_manager")
        cls.other_manager_user = new_test_user(
            cls.env, "welding_manager", groups="safety_training_dossier.group_safety_department_manager")
        cls.manager_employee = cls.env["hr.employee"].create(
            {"name": "陈刚", "employee_number": "M0001", "user_id": cls.manager_user.id})
        cls.other_manager_employee = cls.env["hr.employee"].create(
            {"name": "孙丽", "employee_number": "M0002", "user_id": cls.other_manager_user.id})
        cls.department.manager_id = cls.manager_employee
        cls.other_department.manager_id = cls.other_manager_employee
        cls.team = cls.env["hr.department"].create({"name": "Electrical Team 1", "parent_id": cls.department.id})
        cls.company.safety_officer_user_id = cls.officer

    def confirm_failed(self, dossier=None, **values):
        record = self.create_record(dossier, theory_score=40, result="failed", **values)
        record.with_user(self.officer).action_confirm()
        return record

    def notice_of(self, record):
        return self.env["safety.rectification"].search([("record_id", "=", record.id)])

    @freeze_time(NOON_UTC)
    def test_failed_record_opens_one_notice(self):
        record = self.confirm_failed()
        notice = self.notice_of(record)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.cause, "failed")
        self.assertEqual(notice.course_id, self.course)
        self.assertEqual(notice.dossier_id, self.dossier)
        self.assertEqual(notice.state, "draft")
        self.assertEqual(notice.responsible_user_id, self.officer)
        # Record of 2026-03-02, local today 2026-03-10: 30 days from today.
        self.assertEqual(notice.deadline, date(2026, 4, 9))
        self.assertTrue(notice.name.startswith("ZG2026-"))
        # A second pass over the same record opens nothing more.
        self.env["safety.rectification"]._open_for_records(record)
        self.assertEqual(len(self.notice_of(record)), 1)

    @freeze_time(NOON_UTC)
    def test_absence_opens_a_notice_only_for_mandatory_training(self):
        absent = self.create_record(attendance="absent", result="not_assessed")
        absent.action_confirm()
        self.assertEqual(self.notice_of(absent).cause, "absent")
        excused = self.create_record(self.other_dossier, attendance="excused", result="not_assessed")
        excused.action_confirm()
        self.assertFalse(self.notice_of(excused))
        self.course.is_mandatory = False
        optional = self.create_record(self.portal_dossier, attendance="absent", result="not_assessed")
        optional.action_confirm()
        self.assertFalse(self.notice_of(optional))

    @freeze_time(NOON_UTC)
    def test_passing_records_open_nothing(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        self.assertFalse(self.notice_of(record))

    @freeze_time(NOON_UTC)
    def test_manager_approves_and_a_passing_retake_closes(self):
        notice = self.notice_of(self.confirm_failed())
        notice.with_user(self.officer).action_submit()
        self.assertEqual(notice.state, "submitted")
        approval = notice.activity_ids.filtered(lambda activity: activity.user_id == self.manager_user)
        self.assertEqual(len(approval), 1)
        self.assertEqual(approval.date_deadline, notice.deadline)

        notice.with_user(self.manager_user).action_approve()
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.approved_by_id, self.manager_user)
        self.assertFalse(notice.activity_ids)

        action = notice.with_user(self.officer).action_schedule_retake()
        retake = self.env["safety.training.record"].browse(action["res_id"])
        self.assertEqual(retake.rectification_id, notice)
        self.assertEqual(retake.attempt, 2)
        retake.write({"theory_score": 75, "result": "passed"})
        retake.with_user(self.officer).action_confirm()
        self.assertEqual(notice.state, "closed")
        self.assertEqual(notice.closing_record_id, retake)
        self.assertEqual(notice.closed_date, date(2026, 3, 10))
        # The dossier PDF shows the chain: failed record, notice, retake.
        sections = self.dossier._get_report_sections()
        self.assertEqual(sections["rectifications"], notice)
        self.assertEqual(notice.retake_ids, retake)

    @freeze_time(NOON_UTC)
    def test_later_pass_closes_unlinked_notice(self):
        notice = self.notice_of(self.confirm_failed())
        later = self.create_record(theory_score=90, result="passed", date="2026-03-09")
        later.action_confirm()
        self.assertEqual(notice.state, "closed")
        self.assertEqual(later.rectification_id, notice)

    @freeze_time(NOON_UTC)
    def test_failed_retakes_escalate_after_the_configured_attempts(self):
        self.company.safety_max_failed_attempts = 2
        notice = self.notice_of(self.confirm_failed())
        notice.action_submit()
        notice.with_user(self.manager_user).action_approve()
        for expected_state in ("in_retraining", "escalated"):
            retake = self.env["safety.training.record"].browse(notice.action_schedule_retake()["res_id"])
            retake.write({"theory_score": 30, "result": "failed"})
            retake.action_confirm()
            self.assertEqual(notice.state, expected_state)
            self.assertFalse(self.notice_of(retake), "a failed retake counts on its notice, it opens none")
        self.assertEqual(notice.failed_attempts, 2)
        self.assertEqual(notice.escalation_reason, "attempts")
        self.assertIn(self.admin, notice.activity_ids.user_id)

    @freeze_time(NOON_UTC)
    def test_reject_needs_reason(self):
        notice = self.notice_of(self.confirm_failed())
        notice.action_submit()
        with self.assertRaises(UserError):
            notice.with_user(self.manager_user).action_reject("  ")
        wizard = self.env["safety.rectification.reject"].with_user(self.manager_user).create(
            {"rectification_id": notice.id, "reason": "Deadline too short for night shift"})
        wizard.action_reject()
        self.assertEqual(notice.state, "rejected")
        self.assertEqual(notice.reject_reason, "Deadline too short for night shift")
        self.assertIn(self.officer, notice.activity_ids.user_id)
        notice.with_user(self.officer).action_submit()
        self.assertEqual(notice.state, "submitted")
        self.assertFalse(notice.reject_reason)

    @freeze_time(NOON_UTC)
    def test_only_the_department_manager_approves(self):
        notice = self.notice_of(self.confirm_failed())
        notice.action_submit()
        with self.assertRaises(AccessError):
            notice.with_user(self.other_manager_user).action_approve()
        with self.assertRaises(AccessError):
            notice.with_user(self.employee_user).action_approve()
        with self.assertRaises(UserError):
            notice.with_user(self.manager_user).action_submit()
        self.assertEqual(notice.state, "submitted")

    @freeze_time(NOON_UTC)
    def test_status_changes_only_through_the_workflow(self):
        notice = self.notice_of(self.confirm_failed())
        with self.assertRaises(UserError):
            notice.with_user(self.officer).write({"state": "closed"})
        with self.assertRaises(UserError):
            notice.sudo().write({"state": "approved"})
        with self.assertRaises(AccessError):
            notice.with_user(self.manager_user).write({"deadline": "2026-12-31"})
        self.assertEqual(notice.state, "draft")

    def test_deadline_escalation_on_the_local_day_after(self):
        with freeze_time(NOON_UTC):
            notice = self.notice_of(self.confirm_failed())
        cron = self.env.ref("safety_training_dossier.ir_cron_safety_rectification_deadline")
        # 16:00 UTC on 2026-04-09 is midnight of 2026-04-10 in Shanghai, the day after the deadline.
        for now, expected in (("2026-04-09 12:00:00", "draft"), ("2026-04-09 15:59:00", "draft"),
                              ("2026-04-09 16:00:00", "escalated")):
            with freeze_time(now), self.enter_registry_test_mode():
                cron.method_direct_trigger()
            self.assertEqual(notice.state, expected, now)
        self.assertEqual(notice.escalation_reason, "deadline")

    @freeze_time(NOON_UTC)
    def test_manager_reads_the_managed_departments_only(self):
        team_employee = self.env["hr.employee"].create(
            {"name": "周杰", "employee_number": "E2001", "department_id": self.team.id})
        team_dossier = team_employee.safety_dossier_ids
        Dossier = self.env["safety.dossier"].with_user(self.manager_user)
        visible = Dossier.search([])
        self.assertIn(self.dossier, visible)
        self.assertIn(team_dossier, visible, "sub-departments are included")
        self.assertNotIn(self.portal_dossier, visible)
        self.assertNotIn(self.foreign_dossier, visible)
        with self.assertRaises(AccessError):
            self.portal_dossier.with_user(self.manager_user).read(["name"])
        # The rule follows the person: a transfer out of the department hides the dossier.
        team_employee.department_id = self.other_department
        self.assertNotIn(team_dossier, Dossier.search([]))
        self.assertIn(team_dossier, self.env["safety.dossier"].with_user(self.other_manager_user).search([]))
        # A change of manager moves the rights with no other step. The flush stands for the end of
        # the request that saves the department: a search does not flush the rule's path fields.
        self.department.manager_id = self.other_manager_employee
        self.env.flush_all()
        self.assertNotIn(self.dossier, Dossier.search([]))

    @freeze_time(NOON_UTC)
    def test_manager_reads_department_notices_only(self):
        own = self.notice_of(self.confirm_failed())
        other = self.notice_of(self.confirm_failed(self.portal_dossier))
        Rectification = self.env["safety.rectification"].with_user(self.manager_user)
        self.assertEqual(Rectification.search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.manager_user).read(["name"])
        records = self.env["safety.training.record"].with_user(self.manager_user).search([])
        self.assertEqual(records.dossier_id, self.dossier)
        # The person reads their own notice, not another's.
        self.assertEqual(self.env["safety.rectification"].with_user(self.employee_user).search([]), own)

    @freeze_time(NOON_UTC)
    def test_cancel_is_for_officers_and_early_states(self):
        notice = self.notice_of(self.confirm_failed())
        with self.assertRaises(AccessError):
            notice.with_user(self.manager_user).action_cancel()
        notice.with_user(self.officer).action_cancel()
        self.assertEqual(notice.state, "cancelled")
        with self.assertRaises(UserError):
            notice.action_submit()

    def test_company_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.company.safety_rectification_days = 0
        with self.assertRaises(ValidationError):
            self.company.safety_max_failed_attempts = 0

    @freeze_time(NOON_UTC)
    def test_notice_and_session_archive_print(self):
        session = self.create_session(self.dossier | self.other_dossier, location="一号培训室")
        session.record_ids.filtered(lambda record: record.dossier_id == self.dossier).write(
            {"theory_score": 40, "result": "failed", "signed_in_at": "2026-03-02 00:55:00"})
        session.record_ids.filtered(lambda record: record.dossier_id == self.other_dossier).write(
            {"theory_score": 90, "result": "passed"})
        session.photo_ids = self.env["ir.attachment"].create({
            "name": "roster.png", "mimetype": "image/png",
            # A 1x1 transparent PNG.
            "datas": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
        })
        session.action_confirm()
        notice = self.notice_of(session.record_ids.filtered(lambda record: record.dossier_id == self.dossier))
        Report = self.env["ir.actions.report"].with_context(tz="Asia/Shanghai")
        html = Report._render_qweb_html("safety_training_dossier.report_safety_rectification", notice.ids)[0].decode()
        for text in (notice.name, "张伟", "E1001", "Company-level induction", "2026-04-09", "40.0"):
            self.assertIn(text, html)
        archive = "safety_training_dossier.report_safety_training_session"
        html = Report._render_qweb_html(archive, session.ids)[0].decode()
        for text in (session.name, "一号培训室", "徐明", "张伟", "王强", "E1002", "90.0", "data:image/png;base64"):
            self.assertIn(text, html)
        # 00:55 UTC prints as 08:55 in the printing user's time zone.
        self.assertIn("08:55", html)

    @freeze_time(NOON_UTC)
    def test_marking_the_approval_activity_done_approves(self):
        notice = self.notice_of(self.confirm_failed())
        notice.action_submit()
        activity = notice.activity_ids
        with self.assertRaises(AccessError):
            activity.with_user(self.other_manager_user).sudo(False).action_feedback(feedback="ok")
        activity.with_user(self.manager_user).action_feedback(feedback="同意")
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.approved_by_id, self.manager_user)
        self.assertFalse(notice.activity_ids)
