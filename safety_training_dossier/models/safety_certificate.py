from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

# 《特种作业人员安全技术培训考核管理规定》(令第30号): a certificate is valid 6 years
# and reviewed every 3 years (every 6 after 10 continuous years without violation).
VALIDITY_YEARS = 6
REVIEW_INTERVALS = (3, 6)
# The dossier shows "review due" this many days ahead; the order lets holders
# apply within 60 days before the due date.
REVIEW_DUE_DAYS = 60
# 令第30号: the 6-year review interval needs 10 continuous years on the operation without violation;
# 6 months or more off the post requires a practical re-exam before returning.
EXTENDED_INTERVAL_YEARS = 10
OFF_POST_REEXAM_MONTHS = 6

CERTIFICATE_STATUSES = [
    ("valid", "Valid"),
    ("review_due", "Review Due"),
    ("review_overdue", "Review Overdue"),
    ("expired", "Expired"),
    ("invalid", "Invalid"),
]


class SafetyCertificate(models.Model):
    _name = "safety.certificate"
    _description = "Special Operation Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin", "safety.retention.mixin"]
    _order = "next_review_date, id"
    _rec_name = "number"

    dossier_id = fields.Many2one(
        "safety.dossier", string="Holder", required=True, index=True, ondelete="restrict", tracking=True)
    employee_number = fields.Char(related="dossier_id.employee_number")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    department_id = fields.Many2one(related="dossier_id.department_id", store=True)
    operation_id = fields.Many2one(
        "safety.special.operation", string="Operation Item", required=True, tracking=True)
    category_id = fields.Many2one(related="operation_id.category_id", string="Operation Category", store=True)
    number = fields.Char(string="Certificate Number", required=True, tracking=True)
    issuing_authority = fields.Char(tracking=True)
    issue_date = fields.Date(string="First Issue Date", required=True, tracking=True)
    valid_until = fields.Date(
        compute="_compute_valid_until", store=True, readonly=False, required=True, precompute=True, tracking=True)
    review_interval_years = fields.Integer(
        string="Review Interval (Years)", default=3, required=True, tracking=True,
        help="3 years; 6 years for holders with 10 or more continuous years without a violation.")
    review_ids = fields.One2many("safety.certificate.review", "certificate_id", string="Reviews")
    last_review_date = fields.Date(compute="_compute_review_dates", store=True)
    next_review_date = fields.Date(compute="_compute_review_dates", store=True, index=True)
    continuous_since = fields.Date(
        tracking=True, help="Start of the holder's continuous work on this operation; with 10 years and no "
                            "violation the review interval may be 6 years.")
    has_violation = fields.Boolean(
        string="Violation Recorded", tracking=True,
        help="A safety violation during the validity rules out the 6-year review interval.")
    practical_reexam_required = fields.Boolean(
        compute="_compute_practical_reexam_required",
        help="Set when the holder has been off the post for 6 months or more: a practical re-exam comes first.")
    off_post_since = fields.Date(
        tracking=True,
        help="First day away from the special operation post; 6 months away requires a practical re-exam.")
    revoked = fields.Boolean(tracking=True, help="Set when the authority revoked or cancelled the certificate.")
    revoked_reason = fields.Char(tracking=True)
    status = fields.Selection(
        CERTIFICATE_STATUSES, compute="_compute_status", search="_search_status",
        help="Computed from the stored dates against the company's local today.")
    active = fields.Boolean(default=True)

    _number_company_uniq = models.Constraint(
        "unique (number, operation_id, company_id)",
        "This certificate number is already recorded for this operation item.")

    @api.depends("issue_date")
    def _compute_valid_until(self):
        for certificate in self:
            if certificate.issue_date and not certificate.valid_until:
                certificate.valid_until = certificate.issue_date + relativedelta(years=VALIDITY_YEARS)

    @api.depends("issue_date", "valid_until", "review_interval_years", "review_ids.review_date", "review_ids.outcome")
    def _compute_review_dates(self):
        for certificate in self:
            passed = certificate.review_ids.filtered(lambda review: review.outcome == "passed")
            certificate.last_review_date = max(passed.mapped("review_date"), default=False)
            base = certificate.last_review_date or certificate.issue_date
            if not base:
                certificate.next_review_date = False
                continue
            next_review = base + relativedelta(years=certificate.review_interval_years)
            certificate.next_review_date = min(next_review, certificate.valid_until or next_review)

    @api.depends("off_post_since")
    def _compute_practical_reexam_required(self):
        today = self.env.company._safety_local_today()
        for certificate in self:
            certificate.practical_reexam_required = bool(
                certificate.off_post_since
                and certificate.off_post_since + relativedelta(months=OFF_POST_REEXAM_MONTHS) <= today)

    @api.depends("revoked", "valid_until", "next_review_date")
    def _compute_status(self):
        today = self.env.company._safety_local_today()
        due_limit = today + relativedelta(days=REVIEW_DUE_DAYS)
        for certificate in self:
            if certificate.revoked:
                certificate.status = "invalid"
            elif certificate.valid_until and certificate.valid_until < today:
                certificate.status = "expired"
            elif certificate.next_review_date and certificate.next_review_date < today:
                certificate.status = "review_overdue"
            elif ((certificate.next_review_date and certificate.next_review_date <= due_limit)
                  or (certificate.valid_until and certificate.valid_until <= due_limit)):
                certificate.status = "review_due"
            else:
                certificate.status = "valid"

    def _search_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = Domain.OR(self._status_domain(status) for status in value)
        return ~domain if operator == "not in" else domain

    @api.model
    def _status_domain(self, status):
        """Return the domain of the certificates whose computed status is ``status``."""
        today = self.env.company._safety_local_today()
        due_limit = today + relativedelta(days=REVIEW_DUE_DAYS)
        current = Domain("revoked", "=", False) & Domain("valid_until", ">=", today)
        not_overdue = Domain("next_review_date", "=", False) | Domain("next_review_date", ">=", today)
        due_soon = Domain("next_review_date", "<=", due_limit) | Domain("valid_until", "<=", due_limit)
        domains = {
            "invalid": Domain("revoked", "=", True),
            "expired": Domain("revoked", "=", False) & Domain("valid_until", "<", today),
            "review_overdue": current & Domain("next_review_date", "<", today),
            "review_due": current & not_overdue & due_soon,
            "valid": current & not_overdue & ~due_soon,
        }
        return domains[status]

    @api.constrains("review_interval_years", "continuous_since", "has_violation")
    def _check_extended_interval(self):
        today = self.env.company._safety_local_today()
        for certificate in self.filtered(lambda certificate: certificate.review_interval_years == 6):
            ten_years = certificate.continuous_since and \
                certificate.continuous_since + relativedelta(years=EXTENDED_INTERVAL_YEARS) <= today
            if certificate.has_violation or not ten_years:
                raise ValidationError(self.env._(
                    "Certificate %(number)s: a 6-year review interval needs 10 continuous years on the operation "
                    "(since %(since)s) and no violation. Set the continuous-work date, or keep 3 years.",
                    number=certificate.number, since=certificate.continuous_since or "-"))

    @api.constrains("issue_date", "valid_until", "review_interval_years")
    def _check_dates(self):
        for certificate in self:
            if certificate.valid_until <= certificate.issue_date:
                raise ValidationError(self.env._(
                    "Certificate %(number)s: valid until (%(valid_until)s) must be after the first issue date "
                    "(%(issue_date)s).",
                    number=certificate.number, valid_until=certificate.valid_until, issue_date=certificate.issue_date))
            if certificate.review_interval_years not in REVIEW_INTERVALS:
                raise ValidationError(self.env._(
                    "Certificate %(number)s: the review interval is 3 or 6 years, not %(years)s.",
                    number=certificate.number, years=certificate.review_interval_years))
