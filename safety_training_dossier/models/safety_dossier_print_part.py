import base64

from odoo import fields, models


class SafetyDossierPrintPart(models.Model):
    """One rendered dossier of a print job, kept until the job assembles its result."""

    _name = "safety.dossier.print.part"
    _description = "Dossier Print Job Part"

    job_id = fields.Many2one("safety.dossier.print.job", required=True, index=True, ondelete="cascade")
    dossier_id = fields.Many2one("safety.dossier", required=True, ondelete="cascade")
    content = fields.Binary(attachment=False, required=True)
    page_count = fields.Integer(required=True)

    _job_dossier_uniq = models.Constraint(
        "unique (job_id, dossier_id)", "A print job renders each dossier once.")

    def _pdf(self):
        return base64.b64decode(self.content)

    def _sequence_key(self):
        dossier = self.dossier_id
        return dossier.department_id.complete_name or "", dossier.employee_number or "", dossier.id

    def _file_name(self):
        """Return the file name of this dossier in a zip: employee number and name."""
        dossier = self.dossier_id
        safe_name = "".join(char for char in dossier.name if char not in '\\/:*?"<>|')
        return f"{dossier.employee_number or dossier.id}-{safe_name}.pdf"
