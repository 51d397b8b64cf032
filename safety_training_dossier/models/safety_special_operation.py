from odoo import fields, models


class SafetySpecialOperation(models.Model):
    _name = "safety.special.operation"
    _description = "Special Operation Item"
    _order = "category_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    category_id = fields.Many2one(
        "safety.special.operation.category", string="Operation Category", required=True, index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("unique (code)", "Another operation item already uses this code.")
