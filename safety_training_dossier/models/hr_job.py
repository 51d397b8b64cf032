from odoo import fields, models


class HrJob(models.Model):
    _inherit = "hr.job"

    safety_risk_class = fields.Selection(
        [("a", "A: High-Risk Post"), ("b", "B: Regular Post"), ("c", "C: Auxiliary Post")],
        string="Safety Risk Class", default="b")
