from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.safety_training_session import SIGN_IN_SCOPE
from .common import SafetyCase

PASSWORD_GENERATOR = "odoo.addons.safety_training_dossier.models.safety_dossier.generate_first_password"


@tagged("post_install", "-at_install")
class TestWorkerTour(SafetyCase, HttpCase):

    def test_worker_without_email_signs_in_by_qr(self):
        """陈杰 has no e-mail: the officer grants access, he logs in with his 工号 in Chromium,
        changes the first password, signs in through the QR link and finds the training in his dossier."""
        worker = self.env["hr.employee"].create({
            "name": "陈杰", "employee_number": "W3001", "department_id": self.other_department.id})
        dossier = worker.safety_dossier_ids
        with patch(PASSWORD_GENERATOR, return_value="First-Pass-2026"):
            dossier.with_user(self.officer).action_grant_portal_access()
        course = self.env["safety.training.course"].create({
            "name": "Forklift safety", "training_type_id": self.induction_type.id, "hours": 2,
            "assessment_mode": "none"})
        start = fields.Datetime.now() - timedelta(minutes=5)
        session = self.create_session(dossier, start=start, end=start + timedelta(hours=2), course_id=course.id)
        token = session._sign_in_token(SIGN_IN_SCOPE)

        self.start_tour(f"/web/login?redirect=/safety/sign-in/{token}", "safety_worker_qr_sign_in")

        record = session.record_ids
        self.assertEqual((record.attendance, record.source), ("present", "qr"))
        self.assertTrue(record.signed_in_at)
        self.assertFalse(dossier.portal_user_id.safety_password_change_required)
