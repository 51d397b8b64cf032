from odoo import api, fields, models

# Fields of hr.version that the dossier keeps a stored copy of.
DOSSIER_VERSION_FIELDS = {"department_id", "job_id", "employee_type"}


class HrVersion(models.Model):
    _inherit = "hr.version"

    employee_type = fields.Selection(
        selection_add=[("dispatched", "Dispatched Worker")],
        # Uninstalling the addon turns dispatched workers back into the HR default.
        ondelete={"dispatched": "set default"},
    )

    @api.model_create_multi
    def create(self, vals_list):
        versions = super().create(vals_list)
        versions.employee_id._sync_safety_dossiers()
        return versions

    def write(self, vals):
        result = super().write(vals)
        if DOSSIER_VERSION_FIELDS & vals.keys() or "date_version" in vals:
            self.employee_id._sync_safety_dossiers()
        return result
