from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Only _correct passes this object in the context; RPC sends JSON only, so no client can forge it.
REVIEW_CORRECTION = object()


class SafetyCertificateReview(models.Model):
    _name = "safety.certificate.review"
    _description = "Special Operation Certificate Review"
    _inherit = ["safety.chain.mixin", "safety.retention.mixin"]
    _order = "review_date desc, id desc"
    # Sealed in the chain when the review is recorded; a change is a correction entry.
    _chain_fields = ("certificate_id", "review_date", "training_hours", "outcome", "authority")

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

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        reviews._chain_append("original")
        return reviews

    def write(self, vals):
        if set(self._chain_fields) & vals.keys() \
                and self.env.context.get("safety_review_correction") is not REVIEW_CORRECTION:
            raise UserError(self.env._(
                "Certificate reviews are sealed when they are recorded: %(reviews)s. "
                "A Safety administrator corrects a review with \"Correct Review\", giving a reason.",
                reviews=", ".join(f"{review.certificate_id.number} {review.review_date}" for review in self)))
        return super().write(vals)

    def _correct(self, vals, reason):
        """Write corrected values and seal them as a correction entry; only Safety administrators, with a reason."""
        if not self.env.user.has_group("safety_training_dossier.group_safety_admin"):
            raise AccessError(self.env._("Only a Safety administrator can correct a certificate review."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for correcting the certificate review."))
        self.with_context(safety_review_correction=REVIEW_CORRECTION).write(vals)
        self._chain_append("correction", reason=reason)
        for review in self:
            review.certificate_id.message_post(body=self.env._(
                "Review of %(date)s corrected by %(user)s. Reason: %(reason)s",
                date=review.review_date, user=self.env.user.name, reason=reason))

    def action_open_correct_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "safety.certificate.review.correct",
            "view_mode": "form",
            "target": "new",
            "context": {"default_review_id": self.id},
            "name": self.env._("Correct Review"),
        }
