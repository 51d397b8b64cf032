from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestTrainingRecord(SafetyCase):

    def test_present_attendee_needs_hours(self):
        with self.assertRaisesRegex(ValidationError, "张伟"):
            self.create_record(attendance="present", hours=0)
        record = self.create_record(attendance="late", hours=0.5)
        self.assertEqual(record.hours, 0.5)

    def test_absent_attendee_gets_zero_hours(self):
        record = self.create_record(attendance="absent")
        self.assertEqual(record.hours, 0.0)
        self.assertEqual(record._suggested_result(), "not_assessed")
        with self.assertRaisesRegex(ValidationError, "0 hours"):
            self.create_record(attendance="excused", hours=2, date="2026-03-03")

    def test_hours_default_from_session(self):
        session = self.create_session(self.dossier, hours=3.5)
        self.assertEqual(session.record_ids.hours, 3.5)
        session.record_ids.attendance = "absent"
        self.assertEqual(session.record_ids.hours, 0.0)

    def test_hours_per_local_day_boundary(self):
        self.create_record(hours=16)
        self.create_record(hours=8)  # 24 hours on one day is the maximum
        with self.assertRaisesRegex(ValidationError, "maximum per day is 24"):
            self.create_record(hours=0.5)
        # Another person, and another day, have their own 24 hours.
        self.create_record(self.other_dossier, hours=24)
        self.create_record(hours=24, date="2026-03-03")

    def test_hours_per_day_counts_session_local_date(self):
        # 2026-03-02 23:30 UTC is 2026-03-03 07:30 in Shanghai.
        session = self.create_session(
            self.dossier, start=datetime(2026, 3, 2, 23, 30), end=datetime(2026, 3, 3, 1, 30), hours=2)
        self.assertEqual(session.record_ids.date, date(2026, 3, 3))
        self.create_record(hours=22, date="2026-03-03")
        with self.assertRaisesRegex(ValidationError, "2026-03-03"):
            self.create_record(hours=1, date="2026-03-03")

    def test_score_boundaries(self):
        for score in (0, 100, 59.5):
            with self.subTest(score=score):
                self.create_record(theory_score=score, hours=1)
        for score in (-0.1, 100.1):
            with self.subTest(score=score), self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                self.create_record(theory_score=score, hours=1)
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.create_record(practical_score=101, hours=1)

    def test_suggested_result_from_scores(self):
        cases = [
            ("theory", {"theory_score": 60}, "passed"),
            ("theory", {"theory_score": 59.9}, "failed"),
            ("theory", {}, "pending"),
            ("none", {}, "passed"),
            ("both", {"theory_score": 90, "practical_rating": "failed"}, "failed"),
            ("both", {"theory_score": 90, "practical_rating": "passed"}, "passed"),
            ("both", {"theory_score": 90}, "pending"),
        ]
        for mode, values, expected in cases:
            with self.subTest(mode=mode, values=values):
                self.course.assessment_mode = mode
                record = self.env["safety.training.record"].new({
                    "dossier_id": self.dossier.id, "course_id": self.course.id, "date": "2026-03-02", **values})
                self.assertEqual(record._suggested_result(), expected)

    def test_confirm_requires_result(self):
        record = self.create_record()
        with self.assertRaisesRegex(UserError, "enter the assessment result"):
            record.action_confirm()
        self.assertEqual(record.state, "draft")

    def test_confirm_rejects_pass_below_mark(self):
        record = self.create_record(theory_score=59, result="passed")
        with self.assertRaisesRegex(UserError, "below the pass marks"):
            record.action_confirm()

    def test_confirmed_record_is_locked(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        self.assertEqual(record.state, "confirmed")
        self.assertEqual(record.confirmed_by_id, self.env.user)
        for user_record in (record, record.sudo(), record.with_user(self.officer), record.with_user(self.admin)):
            with self.subTest(user=user_record.env.user.login), self.assertRaisesRegex(UserError, "locked"):
                user_record.write({"theory_score": 95})
        with self.assertRaisesRegex(UserError, "locked"):
            record.sudo().write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.sudo().unlink()
        self.assertEqual(record.theory_score, 80)

    def test_context_key_from_rpc_does_not_unlock(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        # A client can send any JSON value in the context, never the module's sentinel object.
        with self.assertRaisesRegex(UserError, "locked"):
            record.with_context(safety_reset_to_draft=True).sudo().write({"theory_score": 10})

    def test_reset_to_draft_by_admin_with_reason(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        wizard = self.env["safety.training.record.reset"].with_user(self.admin).create(
            {"record_id": record.id, "reason": "Score typed wrong: 85 on the paper sheet"})
        wizard.action_reset()
        self.assertEqual(record.state, "draft")
        self.assertIn("Score typed wrong", record.message_ids[:1].body)
        record.write({"theory_score": 85})
        self.assertEqual(record.theory_score, 85)

    def test_reset_to_draft_refused_to_officer(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        with self.assertRaises(AccessError):
            self.env["safety.training.record.reset"].with_user(self.officer).create(
                {"record_id": record.id, "reason": "no"})
        with self.assertRaises(AccessError):
            record.with_user(self.officer)._reset_to_draft("no")
        self.assertEqual(record.state, "confirmed")

    def test_reset_needs_reason(self):
        record = self.create_record(theory_score=80, result="passed")
        record.action_confirm()
        with self.assertRaisesRegex(UserError, "reason"):
            record.with_user(self.admin)._reset_to_draft("   ")

    def test_retake_counts_attempts(self):
        first = self.create_record(theory_score=40, result="failed")
        first.action_confirm()
        second = self.create_record(theory_score=70, result="passed", retake_of_id=first.id, date="2026-03-09")
        third = self.create_record(theory_score=70, result="passed", retake_of_id=second.id, date="2026-03-16")
        self.assertEqual((first.attempt, second.attempt, third.attempt), (1, 2, 3))

    def test_session_confirm_locks_records(self):
        session = self.create_session(self.dossier | self.other_dossier)
        session.record_ids.write({"theory_score": 75, "result": "passed"})
        session.action_confirm()
        self.assertEqual(session.state, "done")
        self.assertEqual(set(session.record_ids.mapped("state")), {"confirmed"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            session.unlink()

    def test_session_without_attendees_cannot_confirm(self):
        session = self.create_session(self.env["safety.dossier"])
        with self.assertRaisesRegex(UserError, "no attendees"):
            session.action_confirm()
