from odoo import api, fields, models
from odoo.exceptions import ValidationError

ASSESSMENT_MODES = [
    ("none", "No Assessment"),
    ("theory", "Theory"),
    ("practical", "Practical"),
    ("both", "Theory and Practical"),
]


class SafetyTrainingCourse(models.Model):
    _name = "safety.training.course"
    _description = "Safety Training Course"
    _inherit = ["mail.thread"]
    _order = "training_type_id, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    training_type_id = fields.Many2one("safety.training.type", required=True, tracking=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    hours = fields.Float(string="Training Hours", required=True, default=1.0, tracking=True)
    validity_months = fields.Integer(help="Months the training stays valid; 0 means it does not expire.")
    assessment_mode = fields.Selection(ASSESSMENT_MODES, required=True, default="theory", tracking=True)
    theory_pass_mark = fields.Float(default=60.0)
    practical_scored = fields.Boolean(
        string="Practical Scored 0-100", help="When unset, the practical rating is passed or failed.")
    practical_pass_mark = fields.Float(default=60.0)
    is_mandatory = fields.Boolean(
        string="Mandatory", default=True,
        help="An unexcused absence from a session of a mandatory course opens a rectification notice.")
    outline = fields.Html(translate=True)
    material_ids = fields.Many2many("ir.attachment", string="Materials")
    active = fields.Boolean(default=True)

    @api.constrains("hours", "validity_months", "theory_pass_mark", "practical_pass_mark")
    def _check_figures(self):
        for course in self:
            if course.hours <= 0:
                raise ValidationError(self.env._(
                    "Course %(course)s: training hours must be greater than 0, not %(hours)s.",
                    course=course.name, hours=course.hours))
            if course.validity_months < 0:
                raise ValidationError(self.env._(
                    "Course %(course)s: validity must be 0 or more months, not %(months)s.",
                    course=course.name, months=course.validity_months))
            for mark in (course.theory_pass_mark, course.practical_pass_mark):
                if not 0 <= mark <= 100:
                    raise ValidationError(self.env._(
                        "Course %(course)s: a pass mark must be between 0 and 100, not %(mark)s.",
                        course=course.name, mark=mark))

    def _needs_theory(self):
        return self.assessment_mode in ("theory", "both")

    def _needs_practical(self):
        return self.assessment_mode in ("practical", "both")
