import base64
import io
import logging
import zipfile

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

DOSSIER_REPORT_XMLID = "safety_training_dossier.safety_dossier_report_action"


class SafetyRetentionLog(models.Model):
    """One export or purge of dossiers, with the zip archive taken before anything was deleted."""

    _name = "safety.retention.log"
    _description = "Dossier Export and Purge Log"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection([("export", "Export"), ("purge", "Purge")], required=True, readonly=True)
    mode = fields.Selection(
        [("delete", "Delete"), ("anonymise", "Anonymise")], readonly=True,
        help="What the purge did with each dossier after exporting it.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Done By", required=True, readonly=True)
    done_at = fields.Datetime(string="Done On", required=True, readonly=True)
    dossier_count = fields.Integer(string="Dossiers", readonly=True)
    dossier_ids = fields.Many2many(
        "safety.dossier", string="Exported Dossiers", readonly=True, context={"active_test": False},
        help="The exported dossiers still in the database; a purge empties this list.")
    dossier_references = fields.Text(
        readonly=True, help="Dossier ids and employee numbers, kept after the dossiers are deleted.")
    attachment_id = fields.Many2one("ir.attachment", string="Archive", readonly=True)
    attachment_data = fields.Binary(related="attachment_id.datas", string="Archive File")
    attachment_name = fields.Char(related="attachment_id.name", string="Archive Name")

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "name": self.name,
        }

    @api.model
    def _check_admin(self):
        if not self.env.user.has_group("safety_training_dossier.group_safety_admin"):
            raise AccessError(self.env._("Only a Safety administrator can export or purge dossiers."))

    @api.model
    def _log(self, kind, dossiers, mode=False):
        """Export ``dossiers`` into a zip attachment and return the log of that export or purge."""
        self._check_admin()
        company = dossiers.company_id[:1] or self.env.company
        now = fields.Datetime.now()
        name = self.env._("%(kind)s of %(count)s dossiers, %(date)s",
                          kind=dict(self._fields["kind"]._description_selection(self.env))[kind],
                          count=len(dossiers), date=company._safety_local_today())
        # sudo: the log is read-only for every user; only exports and purges write it.
        log = self.sudo().create({
            "name": name, "kind": kind, "mode": mode, "company_id": company.id, "user_id": self.env.uid,
            "done_at": now, "dossier_count": len(dossiers), "dossier_ids": [(6, 0, dossiers.ids)],
            "dossier_references": "\n".join(
                f"{dossier.id} {dossier.employee_number or ''}".strip() for dossier in dossiers),
        })
        archive = self._archive(dossiers)
        attachment = self.env["ir.attachment"].sudo().create({
            "name": f"safety-dossiers-{kind}-{now:%Y%m%d-%H%M%S}.zip", "datas": base64.b64encode(archive),
            "res_model": self._name, "res_id": log.id, "mimetype": "application/zip",
        })
        log.attachment_id = attachment
        _logger.info("Dossier %s by user %s: %s dossiers (%s), log %s", kind, self.env.uid, len(dossiers),
                     mode or "kept", log.id)
        return log

    @api.model
    def _archive(self, dossiers):
        """Return a zip with the PDF and the workbook of each dossier, in a folder per person."""
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for dossier in dossiers:
                folder = f"{dossier.employee_number or dossier.id}-{dossier.name}"
                # One dossier per call: wkhtmltopdf builds without patched Qt print one document per run.
                content, file_type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                    DOSSIER_REPORT_XMLID, dossier.ids)
                archive.writestr(f"{folder}/{folder}.{file_type}", content)
                archive.writestr(f"{folder}/{folder}.xlsx", self._workbook(dossier))
        return output.getvalue()

    @api.model
    def _workbook(self, dossier):
        """Return the dossier's records, certificates and reviews as an .xlsx workbook, one sheet each."""
        dossier = dossier.sudo().with_context(active_test=False)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        sheets = [
            (self.env._("Training Records"), self.env["safety.training.record"], dossier.training_record_ids.sorted(
                lambda record: (record.date, record.id)),
             ["date", "course_id", "training_type_id", "hours", "trainer_name", "attendance", "theory_score",
              "practical_rating", "practical_score", "result", "attempt", "state", "confirmed_date"]),
            (self.env._("Certificates"), self.env["safety.certificate"], dossier.certificate_ids,
             ["operation_id", "number", "issuing_authority", "issue_date", "valid_until", "next_review_date",
              "revoked"]),
            (self.env._("Certificate Reviews"), self.env["safety.certificate.review"],
             dossier.certificate_ids.review_ids,
             ["certificate_id", "review_date", "training_hours", "outcome", "authority"]),
        ]
        for title, model, records, fnames in sheets:
            sheet = workbook.add_worksheet(title)
            labels = model.fields_get(fnames, ["string"])
            sheet.write_row(0, 0, [labels[fname]["string"] for fname in fnames], bold)
            for row, record in enumerate(records, start=1):
                sheet.write_row(row, 0, [self._cell(record, fname) for fname in fnames])
        workbook.close()
        return output.getvalue()

    @api.model
    def _cell(self, record, fname):
        field = record._fields[fname]
        value = record[fname]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "")
        if field.type == "date":
            return fields.Date.to_string(value) if value else ""
        if field.type == "datetime":
            return fields.Datetime.to_string(value) if value else ""
        if value is False and field.type != "boolean":
            return ""
        return value
