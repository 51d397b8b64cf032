from odoo import fields, models

INDUCTION_LEVELS = [
    ("company_level", "Company Level"),
    ("workshop_level", "Workshop Level"),
    ("team_level", "Team Level"),
]

TRAINING_CATEGORIES = [
    ("induction", "Three-Level Safety Induction"),
    ("annual_retraining", "Annual Retraining"),
    ("transfer", "Transfer Retraining"),
    ("return_to_work", "Return-to-Work Retraining"),
    ("four_new", "New Process/Technology/Material/Equipment Training"),
    ("special_operation", "Special Operation Training"),
    ("emergency_drill", "Emergency Drill"),
    ("contractor_induction", "Contractor Induction"),
    ("other", "Other"),
]


class SafetyTrainingType(models.Model):
    _name = "safety.training.type"
    _description = "Safety Training Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    category = fields.Selection(TRAINING_CATEGORIES, required=True, default="other")
    induction_level = fields.Selection(
        INDUCTION_LEVELS, help="Level of the three-level safety induction this type belongs to.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _code_uniq = models.Constraint("unique (code)", "Another training type already uses this code.")
