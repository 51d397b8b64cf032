import io
import shutil
import unittest
import zipfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SafetyCase
from .test_report import pdf_pages_text


@tagged("post_install", "-at_install")
@unittest.skipUnless(shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
                     "needs wkhtmltopdf and poppler-utils, which scripts/system_packages.sh installs")
class TestDossierPrint(SafetyCase, HttpCase):
    """Batch printing through wkhtmltopdf; HttpCase because it fetches the report assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.team = cls.env["hr.department"].create({"name": "Electrical Team 1", "parent_id": cls.department.id})
        cls.team_employee = cls.env["hr.employee"].create(
            {"name": "周杰", "employee_number": "E1009", "department_id": cls.team.id})

    def wizard(self, **values):
        return self.env["safety.dossier.print"].with_user(self.officer).create(values)

    def test_one_pdf_with_contents(self):
        action = self.wizard(dossier_ids=[(6, 0, (self.dossier | self.other_dossier).ids)]).action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        job = self.env["safety.dossier.print.job"].search([], limit=1)
        self.assertEqual(job.state, "done")
        self.assertFalse(job.sudo().part_ids, "the rendered parts are dropped once assembled")
        pages = pdf_pages_text(job.attachment_id.raw)
        # Contents on page 1, then 张伟 (E1001) and 王强 (E1002), one page each.
        self.assertEqual(len(pages), 3)
        self.assertIn("E1001", pages[0])
        self.assertIn("王强", pages[0])
        self.assertRegex(pages[0], r"E1001\s+张伟.*\s2\s+1\b")
        self.assertRegex(pages[0], r"E1002\s+王强.*\s3\s+1\b")
        self.assertIn("张伟", pages[1])
        self.assertIn("王强", pages[2])
        self.assertRegex(pages[2], r"\b1\s*/\s*1\b")

    def test_zip_of_one_pdf_per_person(self):
        self.wizard(dossier_ids=[(6, 0, (self.dossier | self.other_dossier).ids)], output="zip").action_print()
        job = self.env["safety.dossier.print.job"].search([], limit=1)
        archive = zipfile.ZipFile(io.BytesIO(job.attachment_id.raw))
        self.assertEqual(sorted(archive.namelist()), ["E1001-张伟.pdf", "E1002-王强.pdf"])
        self.assertIn("王强", pdf_pages_text(archive.read("E1002-王强.pdf"))[0])

    def test_department_includes_sub_departments(self):
        wizard = self.wizard(department_id=self.department.id)
        self.assertEqual(wizard._dossiers(), self.dossier | self.other_dossier | self.team_employee.safety_dossier_ids)
        self.assertEqual(wizard.dossier_count, 3)
        with self.assertRaises(UserError):
            self.wizard().action_print()

    def test_background_job_resumes_and_notifies(self):
        job = self.env["safety.dossier.print.job"].with_user(self.officer).create({
            "name": "Electrical Workshop", "output": "pdf",
            "dossier_ids": [(6, 0, (self.dossier | self.other_dossier | self.team_employee.safety_dossier_ids).ids)]})
        # The first run stops after one batch of two.
        self.assertFalse(job._process(max_batches=1, batch_size=2))
        self.assertEqual((job.state, job.done_count, job.total_count), ("running", 2, 3))
        # The cron's method, called here so that it keeps force_report_rendering: under tests, Odoo
        # returns HTML instead of a PDF without it.
        self.env["safety.dossier.print.job"]._cron_process_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(pdf_pages_text(job.attachment_id.raw)), 4)
        notice = job.message_ids[:1]
        self.assertIn(self.officer.partner_id, notice.partner_ids)
        self.assertEqual(notice.attachment_ids, job.attachment_id)

    def test_print_jobs_are_for_officers_and_private(self):
        with self.assertRaises(AccessError):
            self.env["safety.dossier.print.job"].with_user(self.employee_user).create(
                {"name": "x", "dossier_ids": [(6, 0, self.dossier.ids)]})
        job = self.env["safety.dossier.print.job"].with_user(self.officer).create(
            {"name": "mine", "dossier_ids": [(6, 0, self.dossier.ids)]})
        other_officer = new_test_user(self.env, "other_officer", groups="safety_training_dossier.group_safety_officer")
        self.assertFalse(self.env["safety.dossier.print.job"].with_user(other_officer).search([("id", "=", job.id)]))
        self.assertEqual(self.env["safety.dossier.print.job"].with_user(self.admin).search([("id", "=", job.id)]), job)
