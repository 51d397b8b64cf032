from odoo import api, fields, models


class SafetyCertificateReviewCorrect(models.TransientModel):
    _name = "safety.certificate.review.correct"
    _description = "Correct a Sealed Certificate Review"

    review_id = fields.Many2one("safety.certificate.review", required=True, ondelete="cascade")
    # Each field starts from the review's value; precompute fills the ones the wizard's caller left out.
    review_date = fields.Date(
        compute="_compute_from_review", store=True, readonly=False, precompute=True, required=True)
    training_hours = fields.Float(
        compute="_compute_from_review", store=True, readonly=False, precompute=True, digits=(6, 1))
    outcome = fields.Selection(
        [("passed", "Passed"), ("failed", "Failed")], compute="_compute_from_review", store=True, readonly=False,
        precompute=True, required=True)
    authority = fields.Char(
        string="Reviewing Authority", compute="_compute_from_review", store=True, readonly=False,
        precompute=True)
    reason = fields.Text(required=True)

    @api.depends("review_id")
    def _compute_from_review(self):
        for wizard in self:
            review = wizard.review_id
            wizard.review_date = review.review_date
            wizard.training_hours = review.training_hours
            wizard.outcome = review.outcome
            wizard.authority = review.authority

    def action_correct(self):
        self.ensure_one()
        self.review_id._correct({
            "review_date": self.review_date, "training_hours": self.training_hours,
            "outcome": self.outcome, "authority": self.authority,
        }, self.reason)
        return {"type": "ir.actions.act_window_close"}
