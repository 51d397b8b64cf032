from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SafetyCase

# Local (Shanghai) today in these tests: 2026-06-01.
TODAY = date(2026, 6, 1)
NOON_UTC = "2026-06-01 04:00:00"
LATE_UTC = "2026-05-31 23:30:00"


@tagged("post_install", "-at_install")
class TestReminder(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_user = new_test_user(
            cls.env, "reminder_manager", email="manager@example.com",
            groups="safety_training_dossier.group_safety_department_manager")
        cls.department.manager_id = cls.env["hr.employee"].create(
            {"name": "陈刚", "employee_number": "M0001", "user_id": cls.manager_user.id})
        cls.officer.email = "officer@example.com"
        cls.company.safety_officer_user_id = cls.officer
        cls.employee.work_email = "zhangwei@example.com"
        cls.other_employee.work_email = False
        cls.requirement = cls.env.ref("safety_training_dossier.requirement_staff_annual_general")
        # The tests build their statuses by hand; the engine's own ones would add items.
        cls.env["safety.requirement.status"].search([]).unlink()
        cls.Reminder = cls.env["safety.reminder"]

    def add_status(self, due, dossier=None, state="missing"):
        dossier = dossier or self.dossier
        return self.env["safety.requirement.status"].create({
            "dossier_id": dossier.id, "requirement_id": self.requirement.id, "company_id": dossier.company_id.id,
            "department_id": dossier.department_id.id, "period_start": date(2026, 1, 1), "due_date": due,
            "hours_required": 20, "state": state,
        })

    def run_cron(self, xmlid="safety_training_dossier.ir_cron_safety_reminders"):
        with self.enter_registry_test_mode():
            self.env.ref(xmlid).method_direct_trigger()

    def reminder_mails(self):
        return self.env["mail.mail"].search([("id", "not in", self.existing_mails.ids)], order="id")

    def setUp(self):
        super().setUp()
        self.existing_mails = self.env["mail.mail"].search([])

    def test_lead_time_boundaries(self):
        # Lead times 90 / 30 / 7: a status due in exactly 30 days gets the 30-day reminder,
        # in 31 days the 90-day one, in 91 days none, yesterday the overdue one.
        cases = {date(2026, 7, 1): "30", date(2026, 7, 2): "90", date(2026, 8, 30): "90",
                 date(2026, 8, 31): None, date(2026, 6, 8): "7", date(2026, 6, 1): "7",
                 date(2026, 5, 31): "overdue"}
        statuses = {due: self.add_status(due, dossier) for (due, dossier) in zip(cases, [
            self.dossier, self.other_dossier, self.portal_dossier,
            *self.env["hr.employee"].create([
                {"name": f"工人{index}", "employee_number": f"W{index}", "department_id": self.department.id}
                for index in range(4)]).safety_dossier_ids], strict=True)}
        for now in (NOON_UTC, LATE_UTC):
            with freeze_time(now):
                self.Reminder.search([]).unlink()
                self.Reminder._create_due_reminders()
            for due, expected in cases.items():
                reminder = self.Reminder.search([("status_id", "=", statuses[due].id)])
                if expected is None:
                    self.assertFalse(reminder, due)
                elif expected == "overdue":
                    self.assertEqual((reminder.kind, reminder.lead_days), ("overdue", 0), due)
                else:
                    self.assertEqual((reminder.kind, reminder.lead_days), ("before", int(expected)), due)

    @freeze_time(NOON_UTC)
    def test_second_daily_run_sends_nothing(self):
        status = self.add_status(date(2026, 6, 20))
        self.add_status(date(2026, 6, 25), self.other_dossier)
        self.run_cron()
        reminders = self.Reminder.search([])
        self.assertEqual(len(reminders), 2)
        self.assertTrue(all(reminders.mapped("notified")) and all(reminders.mapped("digested")))
        mine = reminders.filtered(lambda reminder: reminder.status_id == status)
        self.assertEqual(mine.key, f"status:{status.id}:2026-06-20:30")
        self.assertEqual(mine.activity_ids.user_id, self.officer | self.manager_user)
        self.assertEqual(set(mine.activity_ids.mapped("res_id")), {self.dossier.id})
        mails = self.reminder_mails()
        # One digest for the officer listing both people, one mail to the person with an address.
        digest = mails.filtered(lambda mail: mail.recipient_ids == self.officer.partner_id)
        self.assertEqual(len(digest), 1)
        self.assertIn("张伟", digest.body_html)
        self.assertIn("王强", digest.body_html)
        self.assertIn("2026-06-20", digest.body_html)
        person = mails.filtered(lambda mail: mail.email_to == "zhangwei@example.com")
        self.assertEqual(len(person), 1)
        self.assertIn(self.requirement.name, person.body_html)
        self.assertEqual(len(mails), 2, "王强 has no address: no mail to him")

        activities = self.env["mail.activity"].search([("res_model", "=", "safety.dossier")])
        self.run_cron()
        self.assertEqual(self.Reminder.search([]), reminders)
        self.assertEqual(self.reminder_mails(), mails)
        self.assertEqual(self.env["mail.activity"].search([("res_model", "=", "safety.dossier")]), activities)

    def test_next_lead_time_replaces_the_activity(self):
        with freeze_time(NOON_UTC):
            status = self.add_status(date(2026, 6, 20))
            self.run_cron()
        first = self.Reminder.search([]).activity_ids
        with freeze_time("2026-06-14 04:00:00"):
            self.run_cron()
        later = self.Reminder.search([("lead_days", "=", 7)])
        self.assertEqual(later.status_id, status)
        self.assertFalse(first.exists())
        self.assertEqual(len(later.activity_ids), 2)

    @freeze_time(NOON_UTC)
    def test_stopped_run_resumes_without_duplicates(self):
        self.add_status(date(2026, 6, 20))
        # The first run stopped after storing its reminders.
        stored = self.Reminder._create_due_reminders()
        self.assertFalse(stored.notified)
        self.assertFalse(self.reminder_mails())
        self.run_cron()
        self.assertEqual(self.Reminder.search([]), stored)
        self.assertTrue(stored.notified and stored.digested)
        self.assertEqual(len(stored.activity_ids), 2)
        self.assertEqual(len(self.reminder_mails()), 2)
        # A run stopped after the activities but before the digest sends only the digest.
        status = self.add_status(date(2026, 6, 22), self.other_dossier)
        stored = self.Reminder._create_due_reminders()
        self.Reminder._notify_pending()
        mails = self.reminder_mails()
        self.run_cron()
        self.assertEqual(stored.status_id, status)
        self.assertEqual(len(stored.activity_ids), 2)
        new = self.reminder_mails() - mails
        self.assertEqual(new.recipient_ids, self.officer.partner_id)
        self.assertEqual(len(new), 1)

    @freeze_time(NOON_UTC)
    def test_duplicate_key_rejected(self):
        self.add_status(date(2026, 6, 20))
        reminder = self.Reminder._create_due_reminders()
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.Reminder.create({
                "key": reminder.key, "kind": "before", "dossier_id": self.dossier.id,
                "company_id": self.company.id, "due_date": date(2026, 6, 20)})

    def test_weekly_escalation_once_per_week(self):
        with freeze_time(NOON_UTC):  # a Monday
            self.add_status(date(2026, 5, 20), state="overdue")
            self.add_status(date(2026, 6, 20), self.other_dossier)
            self.run_cron("safety_training_dossier.ir_cron_safety_escalation")
            self.run_cron("safety_training_dossier.ir_cron_safety_escalation")
        # The administrators: this test's one and Odoo's admin, whom the addon puts in the group.
        admins = self.admin | self.env.ref("base.user_admin")
        escalations = self.Reminder.search([("kind", "=", "escalation")])
        self.assertEqual(escalations.recipient_user_id, self.manager_user | admins)
        self.assertEqual(len(escalations), 3, "only the overdue item, once per recipient")
        mails = self.reminder_mails()
        self.assertEqual(mails.recipient_ids, (self.manager_user | admins).partner_id)
        self.assertEqual(len(mails), 3)
        with freeze_time("2026-06-05 04:00:00"):  # same week
            self.run_cron("safety_training_dossier.ir_cron_safety_escalation")
        self.assertEqual(self.Reminder.search([("kind", "=", "escalation")]), escalations)
        with freeze_time("2026-06-08 04:00:00"):  # next Monday
            self.run_cron("safety_training_dossier.ir_cron_safety_escalation")
        self.assertEqual(len(self.Reminder.search([("kind", "=", "escalation")])), 6)

    @freeze_time(NOON_UTC)
    def test_certificate_review_is_reminded(self):
        operation = self.env["safety.special.operation"].search([], limit=1)
        certificate = self.env["safety.certificate"].create({
            "dossier_id": self.dossier.id, "operation_id": operation.id, "number": "T123",
            "issue_date": date(2023, 6, 10)})
        self.assertEqual(certificate.next_review_date, date(2026, 6, 10))
        self.run_cron()
        reminder = self.Reminder.search([("certificate_id", "=", certificate.id)])
        self.assertEqual((reminder.kind, reminder.lead_days), ("before", 30))
        self.assertIn("T123", reminder.subject)

    def test_department_without_manager_reminds_the_officer_once(self):
        self.department.manager_id = False
        with freeze_time(NOON_UTC):
            self.add_status(date(2026, 6, 20))
            self.run_cron()
        self.assertEqual(self.Reminder.search([]).activity_ids.user_id, self.officer)

    def test_bad_lead_times_rejected(self):
        for value in ("90,abc", "0", "", "400"):
            with self.assertRaises(ValidationError) as error:
                self.company.safety_reminder_lead_days = value
            self.assertIn("90,30,7", str(error.exception))
        self.company.safety_reminder_lead_days = "60， 14"
        self.assertEqual(self.company._safety_reminder_leads(), [60, 14])

    def test_met_or_deleted_item_closes_its_activities(self):
        with freeze_time(NOON_UTC):
            met = self.add_status(date(2026, 6, 20))
            gone = self.add_status(date(2026, 6, 22), self.other_dossier)
            self.run_cron()
        activities = self.Reminder.search([]).activity_ids
        self.assertEqual(len(activities), 4)
        met.state = "met"
        gone.unlink()
        with freeze_time("2026-06-02 04:00:00"):
            self.run_cron()
        # Odoo keeps a done activity, archived.
        self.assertFalse(activities.filtered("active"))
        self.assertTrue(all(activities.mapped("date_done")))
        # The reminders stay, so their keys still block a second mail.
        self.assertEqual(len(self.Reminder.search([])), 2)

    @freeze_time(NOON_UTC)
    def test_reminders_are_for_safety_officers(self):
        self.add_status(date(2026, 6, 20))
        reminder = self.Reminder._create_due_reminders()
        self.assertEqual(self.Reminder.with_user(self.officer).search([]), reminder)
        for user in (self.employee_user, self.manager_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                reminder.with_user(user).read(["key"])
