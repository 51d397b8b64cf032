from datetime import timedelta, timezone

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.safety_training_session import KIOSK_SCOPE, SIGN_IN_SCOPE
from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestSignIn(SafetyCase, HttpCase):
    """QR sign-in and kiosk sign-in, with every refusal, against a session that is open now."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.training = cls.open_session(cls.portal_dossier | cls.dossier)
        cls.portal_employee.sudo().write({"barcode": "B1003", "pin": "4321"})
        cls.other_employee.sudo().write({"barcode": "B1002", "pin": "1111"})

    @classmethod
    def open_session(cls, dossiers, minutes_since_start=5, **values):
        start = cls.now - timedelta(minutes=minutes_since_start)
        # One hour each, so that the many sessions of one day stay under the 24-hour daily maximum.
        return cls.create_session(dossiers, start=start, end=start + timedelta(hours=2), **{"hours": 1, **values})

    def qr_path(self, session=None, **kwargs):
        return f"/safety/sign-in/{(session or self.training)._sign_in_token(SIGN_IN_SCOPE, **kwargs)}"

    def kiosk_path(self, session=None, **kwargs):
        return f"/safety/kiosk/{(session or self.training)._sign_in_token(KIOSK_SCOPE, **kwargs)}"

    def post(self, path, **data):
        return self.url_open(path, data={"csrf_token": http.Request.csrf_token(self), **data})

    def record_of(self, dossier, session=None):
        return (session or self.training).record_ids.filtered(lambda record: record.dossier_id == dossier)

    # QR sign-in ------------------------------------------------------------

    def test_token_is_signed_and_long(self):
        session_id, expiry, signature = self.training._sign_in_token(SIGN_IN_SCOPE).split(".")
        self.assertEqual(int(session_id), self.training.id)
        self.assertEqual(int(expiry), int(self.training.date_end.replace(tzinfo=timezone.utc).timestamp()))
        self.assertGreaterEqual(len(signature) * 4, 128)
        self.assertNotEqual(signature, self.training._sign_in_token(KIOSK_SCOPE).split(".")[2])

    def test_anonymous_scan_asks_for_login(self):
        response = self.url_open(self.qr_path(), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login?redirect=/safety/sign-in/", response.headers["Location"])

    def test_qr_sign_in_records_presence_once(self):
        self.authenticate("portal_worker", "portal_worker")
        page = self.url_open(self.qr_path())
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_safety_sign_in_button", page.text)
        self.assertIn("刘洋", page.text)

        done = self.post(self.qr_path())
        self.assertEqual(done.status_code, 200)
        self.assertIn("you are signed in", done.text)
        record = self.record_of(self.portal_dossier)
        self.assertEqual((record.attendance, record.source), ("present", "qr"))
        self.assertTrue(self.now <= record.signed_in_at <= fields.Datetime.now())
        first_time = record.signed_in_at

        again = self.post(self.qr_path())
        self.assertEqual(again.status_code, 200)
        self.assertIn("already signed in", again.text)
        self.assertEqual(record.signed_in_at, first_time)
        self.assertEqual(len(self.record_of(self.portal_dossier)), 1)
        self.assertFalse(self.record_of(self.dossier).signed_in_at, "one sign-in signs in its own user only")
        self.assertIn("you signed in at", self.url_open(self.qr_path()).text.lower())

    def test_late_sign_in_is_flagged(self):
        session = self.open_session(self.portal_dossier, minutes_since_start=30, sign_in_grace_minutes=10)
        self.authenticate("portal_worker", "portal_worker")
        self.assertIn("marked late", self.post(self.qr_path(session)).text)
        record = self.record_of(self.portal_dossier, session)
        # The safety officer sees the sign-in time and the late flag.
        officer_view = record.with_user(self.officer).read(["attendance", "signed_in_at", "source"])[0]
        self.assertEqual(officer_view["attendance"], "late")
        self.assertTrue(officer_view["signed_in_at"])

    def test_internal_employee_signs_in(self):
        self.authenticate("worker_user", "worker_user")
        self.post(self.qr_path())
        self.assertTrue(self.record_of(self.dossier).signed_in_at)

    def test_walk_in_when_allowed(self):
        session = self.open_session(self.dossier, allow_walk_ins=True)
        self.authenticate("portal_worker", "portal_worker")
        self.assertIn("you are signed in", self.post(self.qr_path(session)).text)
        record = self.record_of(self.portal_dossier, session)
        self.assertEqual((record.attendance, record.source, record.hours), ("present", "qr", session.hours))

    def test_qr_refusals(self):
        tampered = self.qr_path()[:-4] + ("0000" if not self.qr_path().endswith("0000") else "1111")
        not_invited = self.open_session(self.dossier)
        cancelled = self.open_session(self.portal_dossier)
        cancelled.action_cancel()
        confirmed = self.open_session(self.portal_dossier)
        confirmed.record_ids.write({"theory_score": 80, "result": "passed"})
        confirmed.action_confirm()
        early = self.create_session(self.portal_dossier, start=self.now + timedelta(hours=2),
                                    end=self.now + timedelta(hours=4), sign_in_open_minutes=30, hours=1)
        ended = self.create_session(self.portal_dossier, start=self.now - timedelta(hours=4),
                                    end=self.now - timedelta(hours=1), hours=1)
        foreign = self.env["safety.training.session"].create({
            "course_id": self.course.id, "company_id": self.other_company.id,
            "date_start": self.now - timedelta(minutes=5), "date_end": self.now + timedelta(hours=1),
            "allow_walk_ins": True, "hours": 1})
        cases = [
            ("invalid signature", tampered, 404, "invalid"),
            ("garbage token", "/safety/sign-in/abc", 404, "invalid"),
            ("kiosk token", self.kiosk_path().replace("/safety/kiosk/", "/safety/sign-in/"), 404, "invalid"),
            ("expired token", self.qr_path(expires_at=self.now - timedelta(minutes=1)), 403, "expired"),
            ("before the window", self.qr_path(early), 403, "opens at"),
            ("after the window", self.qr_path(ended, expires_at=self.now + timedelta(hours=1)), 403, "closed at"),
            ("not invited", self.qr_path(not_invited), 403, "not on the attendee list"),
            ("cancelled", self.qr_path(cancelled), 403, "cancelled"),
            ("confirmed", self.qr_path(confirmed), 403, "attendance is confirmed"),
            ("other company", self.qr_path(foreign), 403, "linked to no safety training dossier"),
        ]
        self.authenticate("portal_worker", "portal_worker")
        for name, path, status, message in cases:
            with self.subTest(name):
                for response in (self.url_open(path), self.post(path)):
                    self.assertEqual(response.status_code, status)
                    self.assertIn(message, response.text)
        self.assertFalse(self.record_of(self.portal_dossier, not_invited))
        self.assertFalse(self.record_of(self.portal_dossier, early).signed_in_at)
        self.assertFalse(self.record_of(self.portal_dossier, ended).signed_in_at)

    def test_user_without_dossier_refused(self):
        new_test_user(self.env, "portal_nobody", groups="base.group_portal")
        self.authenticate("portal_nobody", "portal_nobody")
        response = self.post(self.qr_path())
        self.assertEqual(response.status_code, 403)
        self.assertIn("linked to no safety training dossier", response.text)

    def test_new_key_revokes_old_links(self):
        old_path = self.qr_path()
        self.training.with_user(self.officer).action_renew_sign_in_key()
        self.authenticate("portal_worker", "portal_worker")
        self.assertEqual(self.url_open(old_path).status_code, 404)
        self.assertEqual(self.url_open(self.qr_path()).status_code, 200)

    def test_officer_sees_qr_code_and_links(self):
        session = self.training.with_user(self.officer)
        self.assertTrue(session.sign_in_qr)
        self.assertIn("/safety/sign-in/", session.sign_in_url)
        self.assertIn("/safety/kiosk/", session.kiosk_url)

    # Kiosk -----------------------------------------------------------------

    def test_kiosk_signs_in_by_badge_and_pin(self):
        self.authenticate(None, None)
        page = self.url_open(self.kiosk_path())
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="badge"', page.text)

        done = self.post(self.kiosk_path(), badge="B1003", pin="4321")
        self.assertIn("o_safety_kiosk_done", done.text)
        self.assertIn("刘洋", done.text)
        # Nobody else's data: not the other attendee, not the employee number or the badge.
        for other in ("张伟", "E1003", "B1003", "E1001"):
            self.assertNotIn(other, done.text)
        record = self.record_of(self.portal_dossier)
        self.assertEqual((record.attendance, record.source), ("present", "kiosk"))

        again = self.post(self.kiosk_path(), badge="B1003", pin="4321")
        self.assertIn("already signed in", again.text)

    def test_kiosk_refusals(self):
        self.authenticate(None, None)
        cancelled = self.open_session(self.portal_dossier)
        cancelled.action_cancel()
        cases = [
            ("wrong PIN", self.kiosk_path(), {"badge": "B1003", "pin": "0000"}, "Badge or PIN is incorrect"),
            ("unknown badge", self.kiosk_path(), {"badge": "NOPE", "pin": "4321"}, "Badge or PIN is incorrect"),
            ("empty PIN", self.kiosk_path(), {"badge": "B1003", "pin": ""}, "Badge or PIN is incorrect"),
            ("not invited", self.kiosk_path(), {"badge": "B1002", "pin": "1111"}, "not on the attendee list"),
        ]
        for name, path, data, message in cases:
            with self.subTest(name):
                response = self.post(path, **data)
                self.assertIn(message, response.text)
                self.assertNotIn("o_safety_kiosk_done", response.text)
        for name, path, status, message in [
            ("expired", self.kiosk_path(expires_at=self.now - timedelta(minutes=1)), 403, "expired"),
            ("cancelled", self.kiosk_path(cancelled), 403, "cancelled"),
            ("QR token", self.qr_path().replace("/safety/sign-in/", "/safety/kiosk/"), 404, "invalid"),
        ]:
            with self.subTest(name):
                response = self.post(path, badge="B1003", pin="4321")
                self.assertEqual(response.status_code, status)
                self.assertIn(message, response.text)
        self.assertFalse(self.record_of(self.portal_dossier).signed_in_at)
