from odoo import fields, models


class SafetyRequirementStatusExempt(models.TransientModel):
    _name = "safety.requirement.status.exempt"
    _description = "Exempt Requirement Statuses"

    status_ids = fields.Many2many("safety.requirement.status", string="Requirements", required=True)
    reason = fields.Text(
        required=True, help="Why these people need not take this training, e.g. the document that proves it.")

    def action_exempt(self):
        self.ensure_one()
        self.status_ids.action_exempt(self.reason)
        return {"type": "ir.actions.act_window_close"}
