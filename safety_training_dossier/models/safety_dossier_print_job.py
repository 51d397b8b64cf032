import base64
import io
import logging
import zipfile

from odoo import api, fields, models, modules
from odoo.tools.pdf import PdfFileReader, merge_pdf

_logger = logging.getLogger(__name__)

DOSSIER_REPORT = "safety_training_dossier.report_safety_dossier"
TOC_REPORT = "safety_training_dossier.report_safety_dossier_print_toc"
# Dossiers rendered between two commits of the background job.
PRINT_BATCH_SIZE = 20


class SafetyDossierPrintJob(models.Model):
    """Printing of many dossiers as one PDF with a table of contents, or as a zip of one PDF per person.

    Each dossier is rendered alone (wkhtmltopdf builds without patched Qt refuse several
    documents in one run) and kept as a part, so a stopped job resumes with the rest.
    """

    _name = "safety.dossier.print.job"
    _description = "Dossier Print Job"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    output = fields.Selection(
        [("pdf", "One PDF with a Table of Contents"), ("zip", "Zip of One PDF per Person")],
        required=True, default="pdf", readonly=True)
    dossier_ids = fields.Many2many("safety.dossier", string="Dossiers", readonly=True)
    part_ids = fields.One2many("safety.dossier.print.part", "job_id", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="queued", required=True, readonly=True, tracking=True)
    total_count = fields.Integer(compute="_compute_progress", string="Dossiers to Print")
    done_count = fields.Integer(compute="_compute_progress", string="Dossiers Printed")
    attachment_id = fields.Many2one("ir.attachment", string="Result", readonly=True)
    error = fields.Text(readonly=True)

    @api.depends("dossier_ids", "part_ids")
    def _compute_progress(self):
        for job in self:
            job.total_count = len(job.dossier_ids)
            job.done_count = len(job.part_ids)

    def _print_dossiers(self):
        """Return the dossiers in print order: by department, then employee number."""
        return self.dossier_ids.sorted(
            lambda dossier: (dossier.department_id.complete_name or "", dossier.employee_number or "", dossier.id))

    def _process(self, max_batches=None, batch_size=PRINT_BATCH_SIZE, commit=False):
        """Render the dossiers not yet printed, batch by batch, then assemble the result.

        With ``commit`` (the cron, outside tests) each batch is committed, so the job survives
        a restart and resumes. A print the user waits for runs in their request, uncommitted.
        """
        self.ensure_one()
        self.state = "running"
        Report = self.env["ir.actions.report"].sudo()
        printed = set(self.part_ids.dossier_id.ids)
        todo = [dossier for dossier in self._print_dossiers() if dossier.id not in printed]
        batches = [todo[start:start + batch_size] for start in range(0, len(todo), batch_size)]
        for batch in batches[:max_batches]:
            for dossier in batch:
                # The requester's rights: a print job never shows a dossier its requester may not read.
                content, _kind = Report.with_user(self.user_id)._render_qweb_pdf(DOSSIER_REPORT, [dossier.id])
                # sudo: parts are the job's technical storage; users only read them through the job.
                self.env["safety.dossier.print.part"].sudo().create({
                    "job_id": self.id, "dossier_id": dossier.id, "content": base64.b64encode(content),
                    "page_count": len(PdfFileReader(io.BytesIO(content), strict=False).pages),
                })
            if commit and not modules.module.current_test:
                # Keep the rendered batch if the job stops later.
                self.env["ir.cron"]._commit_progress(len(batch))
        if len(self.part_ids) == len(self.dossier_ids):
            self._assemble()
        return self.state == "done"

    def _assemble(self):
        parts = self.part_ids.sorted(lambda part: part._sequence_key())
        if self.output == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for part in parts:
                    archive.writestr(part._file_name(), part._pdf())
            content, suffix, mimetype = buffer.getvalue(), "zip", "application/zip"
        else:
            content = merge_pdf([self._render_toc(parts), *(part._pdf() for part in parts)])
            suffix, mimetype = "pdf", "application/pdf"
        self.attachment_id = self.env["ir.attachment"].create({
            "name": f"{self.name}.{suffix}", "raw": content, "mimetype": mimetype,
            "res_model": self._name, "res_id": self.id,
        })
        self.part_ids.sudo().unlink()
        self.state = "done"
        self.message_post(
            body=self.env._("The dossiers are printed: %(count)s people.", count=len(self.dossier_ids)),
            partner_ids=self.user_id.partner_id.ids, attachment_ids=self.attachment_id.ids)

    def _render_toc(self, parts):
        """Return the table of contents as PDF; rendered twice, because its own length shifts the pages."""
        Report = self.env["ir.actions.report"].sudo()
        toc_pages = 1
        for _attempt in range(2):
            rows, page = [], toc_pages + 1
            for part in parts:
                rows.append({"dossier": part.dossier_id, "page": page, "pages": part.page_count})
                page += part.page_count
            content, _kind = Report._render_qweb_pdf(TOC_REPORT, self.ids, data={"rows_by_job": {self.id: rows}})
            rendered_pages = len(PdfFileReader(io.BytesIO(content), strict=False).pages)
            if rendered_pages == toc_pages:
                break
            toc_pages = rendered_pages
        return content

    def _toc_rows(self, rows_by_job):
        """Return this job's table of contents rows, which _render_toc passes in the report data."""
        rows_by_job = rows_by_job or {}
        return rows_by_job.get(self.id) or rows_by_job.get(str(self.id)) or []

    @api.model
    def _cron_process_jobs(self):
        """Process the queued and running print jobs, oldest first."""
        for job in self.search([("state", "in", ("queued", "running"))], order="id"):
            try:
                job._process(commit=True)
            except Exception as error:  # one failed job must not stop the others
                if not modules.module.current_test:
                    self.env.cr.rollback()
                _logger.exception("Dossier print job %s failed", job.id)
                job.write({"state": "failed", "error": str(error)})
                job.message_post(body=self.env._("Printing failed: %(error)s", error=error),
                                 partner_ids=job.user_id.partner_id.ids)
            if not modules.module.current_test:
                self.env["ir.cron"]._commit_progress()
