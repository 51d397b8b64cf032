from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SafetyCertificateReview(models.Model):
    _name = "safety.certificate.review"
    _description = "Special Operation Certificate Review"
    _order = "review_date desc, id desc"

    certificate_id = fields.Many2one("safety.certificate", required=True, index=True, ondelete="cascade")
    dossier_id = fields.Many2one(related="certificate_id.dossier_id", store=True)
    company_id = fields.Many2one(related="certificate_id.company_id", store=True)
    review_date = fields.Date(required=True)
    training_hours = fields.Float(digits=(6, 1), help="Hours of review training; the legal minimum is 8.")
    outcome = fields.Selection([("passed", "Passed"), ("failed", "Failed")], required=True, default="passed")
    authority = fields.Char(string="Reviewing Authority")
    note = fields.Char()

    @api.constrains("review_date", "training_hours")
    def _check_review(self):
        for review in self:
            if review.training_hours < 0:
                raise ValidationError(self.env._(
                    "Review training hours cannot be negative (%(hours)s).", hours=review.training_hours))
            if review.review_date < review.certificate_id.issue_date:
                raise ValidationError(self.env._(
                    "Certificate %(number)s: the review date %(review_date)s is before the first issue date "
                    "%(issue_date)s.",
                    number=review.certificate_id.number, review_date=review.review_date,
                    issue_date=review.certificate_id.issue_date))
