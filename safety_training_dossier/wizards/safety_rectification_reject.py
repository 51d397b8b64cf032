from odoo import fields, models


class SafetyRectificationReject(models.TransientModel):
    _name = "safety.rectification.reject"
    _description = "Reject a Rectification Notice"

    rectification_id = fields.Many2one("safety.rectification", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.rectification_id.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
