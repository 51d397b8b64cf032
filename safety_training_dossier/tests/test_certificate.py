from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SafetyCase

# 23:30 UTC on 30 June is already 1 July in Shanghai: every date below counts from 1 July.
NOW_UTC = "2026-06-30 23:30:00"
LOCAL_TODAY = date(2026, 7, 1)


@tagged("post_install", "-at_install")
class TestCertificate(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.env.ref("safety_training_dossier.special_operation_low_voltage")

    def create_certificate(self, issue_date, dossier=None, **values):
        return self.env["safety.certificate"].create({
            "dossier_id": (dossier or self.dossier).id, "operation_id": self.operation.id,
            "number": values.pop("number", f"T{issue_date}"), "issue_date": issue_date, **values,
        })

    def test_validity_and_review_defaults(self):
        certificate = self.create_certificate(date(2024, 3, 5), continuous_since=date(2010, 1, 1))
        self.assertEqual(certificate.valid_until, date(2030, 3, 5))
        self.assertEqual(certificate.next_review_date, date(2027, 3, 5))
        certificate.review_interval_years = 6
        self.assertEqual(certificate.next_review_date, date(2030, 3, 5))

    @freeze_time(NOW_UTC)
    def test_six_year_interval_needs_ten_years_without_violation(self):
        # Local today is 2026-07-01: continuous since 2016-07-01 is exactly 10 years.
        certificate = self.create_certificate(date(2024, 1, 1), continuous_since=date(2016, 7, 1),
                                              review_interval_years=6)
        self.assertEqual(certificate.next_review_date, date(2030, 1, 1))
        with self.assertRaisesRegex(ValidationError, "10 continuous years"):
            self.create_certificate(date(2024, 1, 2), continuous_since=date(2016, 7, 2), review_interval_years=6)
        with self.assertRaisesRegex(ValidationError, "no violation"):
            certificate.has_violation = True
        with self.assertRaisesRegex(ValidationError, "10 continuous years"):
            self.create_certificate(date(2024, 1, 3), review_interval_years=6)

    @freeze_time(NOW_UTC)
    def test_off_post_six_months_requires_reexam(self):
        cases = [(date(2026, 1, 1), True), (date(2026, 1, 2), False)]  # 6 months before local 2026-07-01
        for off_post_since, expected in cases:
            with self.subTest(off_post_since=off_post_since):
                certificate = self.create_certificate(date(2025, 1, 1), number=f"OFF{off_post_since}",
                                                      off_post_since=off_post_since)
                self.assertEqual(certificate.practical_reexam_required, expected)

    @freeze_time(NOW_UTC)
    def test_not_authorised_flag(self):
        operation = self.operation
        self.create_certificate(date(2026, 1, 1), number="OK")
        self.assertFalse(self.dossier.not_authorised)
        self.assertTrue(self.employee._is_authorised_for(operation))
        self.create_certificate(date(2023, 6, 1), dossier=self.other_dossier, number="LATE")
        self.assertTrue(self.other_dossier.not_authorised)
        self.assertFalse(self.other_employee._is_authorised_for(operation))
        flagged = self.env["safety.dossier"].search([("not_authorised", "=", True)])
        self.assertIn(self.other_dossier, flagged)
        self.assertNotIn(self.dossier, flagged)
        self.assertFalse(self.portal_employee._is_authorised_for(operation))

    def test_passed_review_moves_next_review(self):
        certificate = self.create_certificate(date(2020, 3, 5))
        self.env["safety.certificate.review"].create(
            {"certificate_id": certificate.id, "review_date": date(2023, 2, 20), "training_hours": 8})
        self.assertEqual(certificate.last_review_date, date(2023, 2, 20))
        # Capped by the end of validity: the renewal review is due then.
        self.assertEqual(certificate.next_review_date, date(2026, 2, 20))
        self.env["safety.certificate.review"].create({
            "certificate_id": certificate.id, "review_date": date(2025, 1, 1),
            "training_hours": 8, "outcome": "failed"})
        self.assertEqual(certificate.last_review_date, date(2023, 2, 20))

    @freeze_time(NOW_UTC)
    def test_status_boundaries_on_local_today(self):
        three_years = relativedelta(years=3)
        cases = [
            # next review = issue date + 3 years
            (LOCAL_TODAY - three_years + relativedelta(days=61), "valid"),
            (LOCAL_TODAY - three_years + relativedelta(days=60), "review_due"),
            (LOCAL_TODAY - three_years, "review_due"),
            (LOCAL_TODAY - three_years - relativedelta(days=1), "review_overdue"),
        ]
        for issue_date, expected in cases:
            with self.subTest(issue_date=issue_date):
                certificate = self.create_certificate(issue_date)
                self.assertEqual(certificate.status, expected)
                self.assertIn(certificate, self.env["safety.certificate"].search([("status", "=", expected)]))

    @freeze_time(NOW_UTC)
    def test_expired_and_revoked(self):
        expired = self.create_certificate(date(2019, 1, 1), valid_until=LOCAL_TODAY - relativedelta(days=1))
        last_day = self.create_certificate(date(2020, 7, 1), valid_until=LOCAL_TODAY, review_interval_years=6,
                                           continuous_since=date(2010, 1, 1), number="last-day")
        revoked = self.create_certificate(date(2025, 1, 1), revoked=True, revoked_reason="违章作业")
        self.assertEqual(expired.status, "expired")
        self.assertEqual(last_day.status, "review_due")
        self.assertEqual(revoked.status, "invalid")
        found = self.env["safety.certificate"].search([("status", "in", ["expired", "invalid"])])
        self.assertEqual(found & (expired | last_day | revoked), expired | revoked)

    @freeze_time(NOW_UTC)
    def test_dossier_shows_worst_state(self):
        self.create_certificate(date(2026, 1, 1), number="fine")
        self.assertEqual(self.dossier.certificate_state, "valid")
        self.create_certificate(date(2023, 6, 1), number="overdue")
        self.assertEqual(self.dossier.certificate_state, "review_overdue")
        self.assertEqual(self.other_dossier.certificate_state, "none")
        Dossier = self.env["safety.dossier"]
        self.assertIn(self.dossier, Dossier.search([("certificate_state", "=", "review_overdue")]))
        self.assertNotIn(self.dossier, Dossier.search([("certificate_state", "=", "valid")]))
        self.assertIn(self.other_dossier, Dossier.search([("certificate_state", "=", "none")]))

    def test_invalid_dates_rejected(self):
        with self.assertRaisesRegex(ValidationError, "must be after the first issue date"):
            self.create_certificate(date(2024, 1, 1), valid_until=date(2024, 1, 1))
        with self.assertRaisesRegex(ValidationError, "3 or 6 years"):
            self.create_certificate(date(2024, 1, 1), review_interval_years=4)
        certificate = self.create_certificate(date(2024, 1, 1))
        with self.assertRaisesRegex(ValidationError, "before the first issue date"):
            self.env["safety.certificate.review"].create(
                {"certificate_id": certificate.id, "review_date": date(2023, 12, 31)})
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.env["safety.certificate.review"].create(
                {"certificate_id": certificate.id, "review_date": date(2025, 1, 1), "training_hours": -1})
