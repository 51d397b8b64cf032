from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    safety_officer_user_id = fields.Many2one(
        "res.users", string="Responsible Safety Officer",
        help="Receives the reminders and the daily digest of departments that name no safety officer of their own.")
    safety_reminder_lead_days = fields.Char(
        string="Reminder Lead Times (Days)", default="90,30,7",
        help="Days before a due date on which reminders go out, separated by commas.")
    safety_rectification_days = fields.Integer(
        string="Rectification Deadline (Days)", default=30,
        help="Days a person has to pass the retraining of a rectification notice.")
    safety_max_failed_attempts = fields.Integer(
        string="Failed Attempts Before Escalation", default=3,
        help="Failed attempts on one rectification notice after which it goes to the safety administrator.")

    safety_target_completeness = fields.Float(
        string="Target: Dossier Completeness Rate (%)", default=98.0,
        help="The dashboard shows the dossier completeness rate green at or above this percentage.")
    safety_target_coverage = fields.Float(
        string="Target: Training Coverage (%)", default=95.0,
        help="The dashboard shows the training coverage green at or above this percentage.")
    safety_target_pass_rate = fields.Float(
        string="Target: Pass Rate (%)", default=90.0,
        help="The dashboard shows both pass rates green at or above this percentage.")
    safety_target_on_time_review = fields.Float(
        string="Target: On-Time Review Rate (%)", default=100.0,
        help="The dashboard shows the on-time review rate green at or above this percentage.")

    @api.constrains("safety_reminder_lead_days", "safety_rectification_days", "safety_max_failed_attempts")
    def _check_safety_loop_settings(self):
        for company in self:
            company._safety_reminder_leads()
            if company.safety_rectification_days <= 0:
                raise ValidationError(self.env._(
                    "%(company)s: the rectification deadline must be 1 day or more, not %(days)s.",
                    company=company.name, days=company.safety_rectification_days))
            if company.safety_max_failed_attempts <= 0:
                raise ValidationError(self.env._(
                    "%(company)s: the failed attempts before escalation must be 1 or more, not %(attempts)s.",
                    company=company.name, attempts=company.safety_max_failed_attempts))

    @api.constrains("safety_target_completeness", "safety_target_coverage", "safety_target_pass_rate",
                    "safety_target_on_time_review")
    def _check_safety_targets(self):
        for company in self:
            for name in ("safety_target_completeness", "safety_target_coverage", "safety_target_pass_rate",
                         "safety_target_on_time_review"):
                if not 0 <= company[name] <= 100:
                    raise ValidationError(self.env._(
                        "%(company)s: the target \"%(target)s\" must be a percentage from 0 to 100, not %(value)s.",
                        company=company.name, target=company._fields[name].get_description(self.env)["string"],
                        value=company[name]))

    def _safety_reminder_leads(self):
        """Return the reminder lead times in days, largest first; raise a clear error on a bad setting."""
        self.ensure_one()
        text = (self.safety_reminder_lead_days or "").replace("，", ",")
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts or not all(part.isdigit() and 0 < int(part) <= 366 for part in parts):
            raise ValidationError(self.env._(
                "%(company)s: reminder lead times \"%(value)s\" are not valid. "
                "Write whole days from 1 to 366 separated by commas, such as 90,30,7.",
                company=self.name, value=self.safety_reminder_lead_days or ""))
        return sorted({int(part) for part in parts}, reverse=True)

    safety_retention_policy_ids = fields.One2many(
        "safety.retention.policy", "company_id", string="Retention Policies")

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["safety.retention.policy"]._create_missing(companies)
        self.env["safety.chain.head"]._create_missing(companies)
        return companies

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
