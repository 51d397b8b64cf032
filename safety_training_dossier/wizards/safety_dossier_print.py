from odoo import api, fields, models
from odoo.exceptions import UserError

# Up to this many dossiers print while the user waits; more go to the background job.
SYNC_PRINT_LIMIT = 20


class SafetyDossierPrint(models.TransientModel):
    _name = "safety.dossier.print"
    _description = "Print Several Dossiers"

    dossier_ids = fields.Many2many("safety.dossier", string="Dossiers")
    department_id = fields.Many2one(
        "hr.department", string="Department", help="Adds the dossiers of this department and its sub-departments.")
    output = fields.Selection(
        [("pdf", "One PDF with a Table of Contents"), ("zip", "Zip of One PDF per Person")],
        required=True, default="pdf")
    dossier_count = fields.Integer(compute="_compute_dossier_count", string="Dossiers to Print")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "safety.dossier" and self.env.context.get("active_ids"):
            values["dossier_ids"] = [(6, 0, self.env.context["active_ids"])]
        return values

    @api.depends("dossier_ids", "department_id")
    def _compute_dossier_count(self):
        for wizard in self:
            wizard.dossier_count = len(wizard._dossiers())

    def _dossiers(self):
        dossiers = self.dossier_ids
        if self.department_id:
            dossiers |= self.env["safety.dossier"].search([("department_id", "child_of", self.department_id.id)])
        return dossiers

    def action_print(self):
        """Print now when the batch is small; otherwise queue a background job and open its form."""
        self.ensure_one()
        dossiers = self._dossiers()
        if not dossiers:
            raise UserError(self.env._("Select dossiers or a department to print."))
        name = self.env._("Dossiers %(date)s", date=fields.Date.to_string(self.env.company._safety_local_today()))
        if self.department_id:
            name = f"{name} {self.department_id.name}"
        job = self.env["safety.dossier.print.job"].create(
            {"name": name, "output": self.output, "dossier_ids": [(6, 0, dossiers.ids)]})
        if len(dossiers) <= SYNC_PRINT_LIMIT:
            job._process()
            return {"type": "ir.actions.act_url", "url": f"/web/content/{job.attachment_id.id}?download=true",
                    "target": "self"}
        self.env.ref("safety_training_dossier.ir_cron_safety_dossier_print")._trigger()
        return {
            "type": "ir.actions.act_window",
            "res_model": job._name,
            "res_id": job.id,
            "view_mode": "form",
            "target": "current",
        }
