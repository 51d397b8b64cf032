import io
from datetime import datetime, time

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

EXPORT_KINDS = [("training", "Training Ledger"), ("certificate", "Certificate Ledger"), ("due_list", "Due List")]
# Rows above the table: the title and the line with the company, period and print date.
TITLE_ROWS = 2


class SafetyLedgerExport(models.TransientModel):
    """Export a ledger as a workbook laid out for printing, with identity numbers masked."""

    _name = "safety.ledger.export"
    _description = "Ledger Export"

    kind = fields.Selection(EXPORT_KINDS, required=True, default="training")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    department_id = fields.Many2one("hr.department", help="Empty: every department. Sub-departments are included.")
    date_from = fields.Date(default=lambda self: self._default_date_from())
    date_to = fields.Date(default=lambda self: self.env.company._safety_local_today())

    @api.model
    def _default_date_from(self):
        return self.env.company._safety_local_today().replace(month=1, day=1)

    @api.constrains("kind", "date_from", "date_to")
    def _check_period(self):
        for wizard in self.filtered(lambda wizard: wizard.kind == "training"):
            if not wizard.date_from or not wizard.date_to:
                raise ValidationError(self.env._("A training ledger needs the first and the last day of the period."))
            if wizard.date_to < wizard.date_from:
                raise ValidationError(self.env._(
                    "The period ends (%(end)s) before it starts (%(start)s).",
                    end=wizard.date_to, start=wizard.date_from))

    def action_export(self):
        """Build the workbook and download it."""
        self.ensure_one()
        title, columns, rows = getattr(self, f"_{self.kind}_table")()
        if not rows:
            raise UserError(self.env._("There is nothing to export for this selection. Widen the period or the "
                                       "department."))
        attachment = self.env["ir.attachment"].create({
            "name": f"{title}.xlsx", "raw": self._workbook(title, columns, rows),
            "res_model": self._name, "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    # Tables: (title, [(column title, width)], rows of plain values) -----------------------

    def _scope(self, path="dossier_id."):
        domain = Domain(f"{path}company_id", "=", self.company_id.id)
        if self.department_id:
            domain &= Domain(f"{path}department_id", "child_of", self.department_id.id)
        return domain

    def _person_columns(self):
        return [(self.env._("Employee Number"), 12), (self.env._("Name"), 12),
                (self.env._("Identity Number"), 21), (self.env._("Department"), 16)]

    @staticmethod
    def _person_cells(dossier):
        return [dossier.employee_number or "", dossier.name, dossier.id_number or "", dossier.department_id.name or ""]

    def _label(self, record, field_name):
        return dict(record._fields[field_name]._description_selection(self.env)).get(record[field_name], "")

    def _training_table(self):
        records = self.env["safety.training.record"].search(
            self._scope() & Domain("state", "=", "confirmed") & Domain("date", ">=", self.date_from)
            & Domain("date", "<=", self.date_to), order="date, id")
        columns = [*self._person_columns(), (self.env._("Training Date"), 12), (self.env._("Training Type"), 16),
                   (self.env._("Training Content"), 24), (self.env._("Hours"), 7), (self.env._("Trainer"), 10),
                   (self.env._("Attendance"), 8), (self.env._("Theory Score"), 8),
                   (self.env._("Assessment Result"), 10), (self.env._("Attempt"), 6)]
        rows = [[*self._person_cells(record.dossier_id), record.date, record.training_type_id.name or "",
                 record.course_id.name, record.hours, record.trainer_name or "", self._label(record, "attendance"),
                 record.theory_score if record.course_id._needs_theory() else "", self._label(record, "result"),
                 record.attempt] for record in records]
        title = self.env._("Safety training ledger %(start)s to %(end)s", start=self.date_from, end=self.date_to)
        return title, columns, rows

    def _certificate_table(self):
        certificates = self.env["safety.certificate"].search(
            self._scope() & Domain("active", "=", True), order="next_review_date, id")
        columns = [*self._person_columns(), (self.env._("Operation Category"), 14), (self.env._("Operation Item"), 18),
                   (self.env._("Certificate Number"), 20), (self.env._("Issuing Authority"), 18),
                   (self.env._("First Issue Date"), 12), (self.env._("Valid Until"), 12),
                   (self.env._("Last Review"), 12), (self.env._("Next Review"), 12), (self.env._("Status"), 10)]
        rows = [[*self._person_cells(certificate.dossier_id), certificate.category_id.name or "",
                 certificate.operation_id.name, certificate.number, certificate.issuing_authority or "",
                 certificate.issue_date, certificate.valid_until, certificate.last_review_date or "",
                 certificate.next_review_date or "", self._label(certificate, "status")]
                for certificate in certificates]
        return self.env._("Special operation certificate ledger"), columns, rows

    def _due_list_table(self):
        statuses = self.env["safety.requirement.status"].search(
            self._scope() & Domain("state", "in", ("overdue", "due_soon", "missing"))
            & Domain("dossier_id.active", "=", True), order="due_date, id")
        columns = [*self._person_columns(), (self.env._("Job"), 14), (self.env._("Requirement"), 30),
                   (self.env._("Due Date"), 12), (self.env._("Hours Done"), 8), (self.env._("Hours Required"), 8),
                   (self.env._("Status"), 10)]
        rows = [[*self._person_cells(status.dossier_id), status.job_id.name or "", status.requirement_id.name,
                 status.due_date, status.hours_done, status.hours_required, self._label(status, "state")]
                for status in statuses]
        return self.env._("Safety training due list"), columns, rows

    # Workbook ---------------------------------------------------------------------------

    def _workbook(self, title, columns, rows):
        """Return the .xlsx bytes: title, headers on every printed page, frozen panes, widths, A4 landscape."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(title[:31])
        title_format = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
        header_format = workbook.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True,
                                             "valign": "vcenter", "align": "center"})
        cell_format = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
        date_format = workbook.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"})
        last_column = len(columns) - 1
        sheet.merge_range(0, 0, 0, last_column, title, title_format)
        today = self.company_id._safety_local_today()
        sheet.merge_range(1, 0, 1, last_column, self.env._(
            "%(company)s, printed on %(date)s", company=self.company_id.name, date=today))
        for index, (label, width) in enumerate(columns):
            sheet.write(TITLE_ROWS, index, label, header_format)
            sheet.set_column(index, index, width)
        for row_index, row in enumerate(rows, start=TITLE_ROWS + 1):
            for column_index, value in enumerate(row):
                if hasattr(value, "isoformat"):
                    sheet.write_datetime(row_index, column_index, _as_datetime(value), date_format)
                else:
                    sheet.write(row_index, column_index, value, cell_format)
        sheet.freeze_panes(TITLE_ROWS + 1, 2)
        sheet.repeat_rows(TITLE_ROWS)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_footer("&C&P / &N")
        workbook.close()
        return output.getvalue()


def _as_datetime(day):
    """Return the date ``day`` as a midnight datetime, which xlsxwriter writes as an Excel date."""
    return datetime.combine(day, time.min)
