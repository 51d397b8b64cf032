from odoo import fields, models


class SafetyLedgerCourseAlias(models.Model):
    """A training content text of imported ledgers and the course it stands for."""

    _name = "safety.ledger.course.alias"
    _description = "Ledger Course Alias"
    _order = "label"

    label = fields.Char(
        required=True, help="Training content as ledgers write it, lowercase and without spaces.")
    course_id = fields.Many2one("safety.training.course", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    _label_company_uniq = models.Constraint(
        "unique (label, company_id)", "This training content is already mapped to a course.")
