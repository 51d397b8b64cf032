from odoo import fields, models

from ..tools.local_dates import local_today

# 《生产经营单位安全培训规定》 names these industries as high-risk; their hour minima are higher.
HIGH_RISK_TIERS = [
    ("coal_mine", "Coal Mine"),
    ("non_coal_mine", "Non-Coal Mine"),
    ("hazardous_chemicals", "Hazardous Chemicals"),
    ("fireworks", "Fireworks and Firecrackers"),
    ("metal_smelting", "Metal Smelting"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    safety_high_risk_tier = fields.Selection(
        HIGH_RISK_TIERS, string="High-Risk Industry Tier",
        help="Empty for the general tier. A high-risk tier switches the legal hour minima.")
    safety_cut_over_date = fields.Date(
        string="Safety Cut-Over Date",
        help="Requirements open only for events from this date on; earlier records are legacy history.")
    safety_return_months = fields.Integer(
        string="Long Absence (Months)", default=12,
        help="Months away from the post after which a returning person redoes workshop- and team-level training.")
    safety_due_soon_days = fields.Integer(
        string="Due Soon (Days)", default=30, help="Days before a due date from which a requirement shows as due soon.")

    def write(self, vals):
        result = super().write(vals)
        if {"safety_high_risk_tier", "safety_cut_over_date", "safety_due_soon_days"} & vals.keys():
            self.env["safety.requirement"]._schedule_full_recompute()
        return result

    def _safety_local_today(self):
        """Return the company's local date: Odoo runs in UTC, PRC deadlines count local days.

        The time zone is the company partner's, Asia/Shanghai when it has none.
        """
        company = self[:1] or self.env.company
        return local_today(company.partner_id.tz)
