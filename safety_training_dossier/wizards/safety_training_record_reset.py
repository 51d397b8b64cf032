from odoo import fields, models


class SafetyTrainingRecordReset(models.TransientModel):
    _name = "safety.training.record.reset"
    _description = "Reset a Confirmed Training Record to Draft"

    record_id = fields.Many2one("safety.training.record", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_reset(self):
        self.ensure_one()
        self.record_id._reset_to_draft(self.reason)
        return {"type": "ir.actions.act_window_close"}
