import shutil
import subprocess
import tempfile
import unicodedata
import unittest

from odoo.tests import HttpCase, tagged

from .common import SafetyCase

REPORT = "safety_training_dossier.report_safety_dossier"


def pdf_pages_text(pdf_content):
    """Return the text of each page of ``pdf_content``, extracted with poppler's pdftotext."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
        pdf_file.write(pdf_content)
        pdf_file.flush()
        text = subprocess.run(["pdftotext", "-layout", pdf_file.name, "-"],
                              check=True, capture_output=True, text=True).stdout
    # Noto CJK maps some ideographs to Kangxi radicals (日 as U+2F47) in the PDF; NFKC folds them back.
    text = unicodedata.normalize("NFKC", text)
    # pdftotext ends every page with a form feed.
    return text.split("\f")[:-1]


@tagged("post_install", "-at_install")
@unittest.skipUnless(shutil.which("pdftotext") and shutil.which("wkhtmltopdf"),
                     "needs wkhtmltopdf and poppler-utils, which scripts/system_packages.sh installs")
class TestDossierReport(SafetyCase, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server, which
    must share the test transaction, or the request waits on its locks forever."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.course.write({
            "name": "年度安全再培训",
            "training_type_id": cls.env.ref("safety_training_dossier.training_type_annual_retraining").id,
        })
        for index in range(40):
            record = cls.create_record(date=f"2025-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
                                       theory_score=70 + index % 30, result="passed", hours=1,
                                       trainer_name="马超", note=f"第{index + 1}次")
            record.action_confirm()
        cls.create_record(date="2026-01-15", attendance="absent", result="not_assessed").action_confirm()
        cls.env["safety.certificate"].create({
            "dossier_id": cls.dossier.id,
            "operation_id": cls.env.ref("safety_training_dossier.special_operation_low_voltage").id,
            "number": "T110101198503120011", "issuing_authority": "北京市应急管理局", "issue_date": "2024-01-01",
        })

    def render(self, dossiers):
        return self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, dossiers.ids)

    def test_three_page_dossier_with_page_numbers(self):
        pdf, kind = self.render(self.dossier)
        self.assertEqual(kind, "pdf")
        pages = pdf_pages_text(pdf)
        self.assertEqual(len(pages), 3)
        self.assertIn("张伟", pages[0])
        self.assertIn("E1001", pages[0])
        for number, page in enumerate(pages, start=1):
            with self.subTest(page=number):
                # pdftotext may drop the spaces around the slash of the stamp "x / y".
                self.assertRegex(page, rf"\b{number}\s*/\s*3\b")
                self.assertIn("年度安全再培训", page)
        self.assertIn("T110101198503120011", "".join(pages))

    def test_each_dossier_numbered_on_its_own(self):
        self.create_record(self.other_dossier, theory_score=80, result="passed").action_confirm()
        pdf, _kind = self.render(self.dossier | self.other_dossier)
        pages = pdf_pages_text(pdf)
        self.assertEqual(len(pages), 4)
        self.assertRegex(pages[2], r"\b3\s*/\s*3\b")
        self.assertRegex(pages[3], r"\b1\s*/\s*1\b")
        self.assertIn("王强", pages[3])
