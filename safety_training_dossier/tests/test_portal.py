from unittest.mock import patch

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SafetyCase

FIRST_PASSWORD = "First-Pass-2026"
PASSWORD_GENERATOR = "odoo.addons.safety_training_dossier.models.safety_dossier.generate_first_password"


@tagged("post_install", "-at_install")
class TestPortalDossier(SafetyCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.record = cls.create_record(cls.portal_dossier, theory_score=40, result="failed")
        cls.record.action_confirm()
        cls.certificate = cls.env["safety.certificate"].create({
            "dossier_id": cls.portal_dossier.id,
            "operation_id": cls.env.ref("safety_training_dossier.special_operation_low_voltage").id,
            "number": "T-PORTAL-1", "issue_date": "2024-01-01",
        })
        cls.other_record = cls.create_record(cls.other_dossier, theory_score=90, result="passed")

    def test_dossier_page_shows_own_data(self):
        self.authenticate("portal_worker", "portal_worker")
        response = self.url_open("/my/safety")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/safety/dossier/{self.portal_dossier.id}"))
        page = response.text
        self.assertIn("刘洋", page)
        self.assertIn("Company-level induction", page)
        self.assertIn("T-PORTAL-1", page)
        self.assertIn("days left", page)
        notice = self.portal_dossier.rectification_ids
        self.assertTrue(notice)
        self.assertIn(notice.name, page)
        self.assertNotIn("王强", page)

    def test_home_lists_safety_dossier(self):
        self.authenticate("portal_worker", "portal_worker")
        self.assertIn("/my/safety", self.url_open("/my").text)

    def test_own_pdf_downloads(self):
        self.authenticate("portal_worker", "portal_worker")
        response = self.url_open(f"/my/safety/dossier/{self.portal_dossier.id}/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # Tests render reports as HTML unless forced; the content is the person's dossier.
        self.assertIn("刘洋", response.text)

    def test_other_dossier_by_id_refused(self):
        for login in ("portal_worker", "worker_user"):
            self.authenticate(login, login)
            other_page = f"/my/safety/dossier/{self.other_dossier.id}"
            for path in (other_page, f"{other_page}/pdf"):
                with self.subTest(login=login, path=path):
                    response = self.url_open(path)
                    self.assertEqual(response.status_code, 403)
                    self.assertNotIn("王强", response.text)
            missing = self.url_open("/my/safety/dossier/999999999")
            self.assertEqual(missing.status_code, 404)

    def test_internal_employee_reads_own_dossier(self):
        self.authenticate("worker_user", "worker_user")
        response = self.url_open("/my/safety")
        self.assertTrue(response.url.endswith(f"/my/safety/dossier/{self.dossier.id}"))
        self.assertIn("张伟", response.text)

    def test_user_without_dossier_sees_message(self):
        new_test_user(self.env, "portal_nobody", groups="base.group_portal")
        self.authenticate("portal_nobody", "portal_nobody")
        response = self.url_open("/my/safety")
        self.assertEqual(response.status_code, 200)
        self.assertIn("linked to no safety training dossier", response.text)

    def test_portal_user_reaches_no_backend_data(self):
        self.authenticate("portal_worker", "portal_worker")

        def search_read(model):
            return self.url_open("/web/dataset/call_kw", json={
                "jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"model": model, "method": "search_read", "args": [[]], "kwargs": {"fields": ["id"]}},
            }).json()

        for model in ("hr.employee", "hr.employee.public", "safety.reminder", "safety.portal.access"):
            with self.subTest(model=model):
                self.assertIn("error", search_read(model))
        dossiers = search_read("safety.dossier")["result"]
        self.assertEqual([row["id"] for row in dossiers], self.portal_dossier.ids)
        records = search_read("safety.training.record")["result"]
        self.assertEqual([row["id"] for row in records], self.record.ids)
        notices = search_read("safety.rectification")["result"]
        self.assertEqual([row["id"] for row in notices], self.portal_dossier.rectification_ids.ids)


@tagged("post_install", "-at_install")
class TestPortalAccessGrant(SafetyCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = cls.env["hr.employee"].create({
            "name": "陈杰", "employee_number": "W3001", "department_id": cls.other_department.id,
        })
        cls.worker_dossier = cls.worker.safety_dossier_ids

    def grant(self, dossiers):
        with patch(PASSWORD_GENERATOR, return_value=FIRST_PASSWORD):
            action = dossiers.with_user(self.officer).action_grant_portal_access()
        return self.env["safety.portal.access"].browse(action["res_id"]).line_ids

    def test_grant_without_email_uses_employee_number(self):
        line = self.grant(self.worker_dossier)
        self.assertEqual((line.result, line.login, line.first_password), ("password", "W3001", FIRST_PASSWORD))
        user = self.worker_dossier.portal_user_id
        self.assertEqual(user.login, "W3001")
        self.assertTrue(user._is_portal())
        self.assertTrue(user.safety_password_change_required)
        self.assertIn("W3001", self.worker_dossier.message_ids[0].body)
        self.assertNotIn(FIRST_PASSWORD, self.worker_dossier.message_ids[0].body)

    def test_grant_falls_back_to_mobile(self):
        self.worker.write({"employee_number": False, "mobile_phone": "138 0013 8000"})
        line = self.grant(self.worker_dossier)
        self.assertEqual((line.result, line.login), ("password", "13800138000"))

    def test_grant_with_email_sends_invitation(self):
        self.worker.work_email = "chenjie@example.com"
        line = self.grant(self.worker_dossier)
        self.assertEqual(line.result, "invitation")
        user = self.worker_dossier.portal_user_id
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "chenjie@example.com")
        self.assertFalse(line.first_password)
        self.assertFalse(user.safety_password_change_required)
        self.assertTrue(self.env["mail.mail"].search(
            ["|", ("email_to", "ilike", "chenjie@example.com"), ("recipient_ids", "in", user.partner_id.ids)]))

    def test_grant_skips_people_it_cannot_serve(self):
        taken = self.env["hr.employee"].create({"name": "马超", "employee_number": "portal_worker"})
        nothing = self.env["hr.employee"].create({"name": "朱婷"})
        dossiers = self.dossier | self.portal_dossier | taken.safety_dossier_ids | nothing.safety_dossier_ids
        lines = self.grant(dossiers)
        self.assertEqual(lines.mapped("result"), ["skipped"] * 4)
        notes = dict(zip(lines.dossier_id.mapped("name"), lines.mapped("note"), strict=True))
        self.assertIn("backend user", notes["张伟"])
        self.assertIn("Already has portal access", notes["刘洋"])
        self.assertIn("belongs to another user", notes["马超"])
        self.assertIn("no e-mail", notes["朱婷"])
        self.assertFalse(taken.safety_dossier_ids.portal_user_id)

    def test_bulk_grant_for_department(self):
        second = self.env["hr.employee"].create({
            "name": "周涛", "employee_number": "W3002", "department_id": self.other_department.id})
        wizard = self.env["safety.portal.access"].with_user(self.officer).create(
            {"department_id": self.other_department.id})
        with patch(PASSWORD_GENERATOR, return_value=FIRST_PASSWORD):
            wizard.action_grant()
        results = {line.dossier_id.name: (line.result, line.login) for line in wizard.line_ids}
        self.assertEqual(results["陈杰"], ("password", "W3001"))
        self.assertEqual(results["周涛"], ("password", "W3002"))
        self.assertEqual(results["刘洋"][0], "skipped")
        self.assertTrue(second.safety_dossier_ids.portal_user_id)
        self.assertFalse(self.dossier.portal_user_id)

    def test_only_officer_grants(self):
        with self.assertRaises(AccessError):
            self.worker_dossier.with_user(self.employee_user).action_grant_portal_access()

    def test_first_login_forces_password_change(self):
        self.grant(self.worker_dossier)
        self.authenticate("W3001", FIRST_PASSWORD)
        response = self.url_open("/my/safety")
        self.assertIn("/my/safety/password", response.url)
        self.assertIn("first password", response.text)
        rpc = self.url_open("/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "safety.dossier", "method": "search_read", "args": [[]], "kwargs": {}}}).json()
        self.assertIn("Change your first password", rpc["error"]["data"]["message"])

        csrf = http.Request.csrf_token(self)
        wrong = self.url_open("/my/safety/password", data={
            "csrf_token": csrf, "old": "wrong", "new1": "Own-Pass-2026!", "new2": "Own-Pass-2026!"})
        self.assertIn("o_safety_password_error", wrong.text)
        self.assertTrue(self.worker_dossier.portal_user_id.safety_password_change_required)
        mismatch = self.url_open("/my/safety/password", data={
            "csrf_token": csrf, "old": FIRST_PASSWORD, "new1": "Own-Pass-2026!", "new2": "Other-2026!"})
        self.assertIn("o_safety_password_error", mismatch.text)

        done = self.url_open("/my/safety/password", data={
            "csrf_token": csrf, "old": FIRST_PASSWORD, "new1": "Own-Pass-2026!", "new2": "Own-Pass-2026!",
            "redirect": "//evil.example.com/x"})
        self.assertTrue(done.url.endswith(f"/my/safety/dossier/{self.worker_dossier.id}"))
        self.assertFalse(self.worker_dossier.portal_user_id.safety_password_change_required)
        self.authenticate("W3001", "Own-Pass-2026!")
        self.assertIn("陈杰", self.url_open("/my/safety").text)
