from odoo import fields, models
from odoo.exceptions import UserError


class SafetyRequirementStatusExempt(models.TransientModel):
    _name = "safety.requirement.status.exempt"
    _description = "Exempt Requirement Statuses"

    status_ids = fields.Many2many("safety.requirement.status", string="Requirements", required=True)
    reason = fields.Text(
        required=True, help="Why these people need not take this training, e.g. the document that proves it.")

    def action_exempt(self):
        self.ensure_one()
        if not self.status_ids:
            raise UserError(self.env._("Select the requirements to exempt in the due list or on a person's dossier."))
        self.status_ids.action_exempt(self.reason)
        return {"type": "ir.actions.act_window_close"}
