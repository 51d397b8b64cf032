from odoo import fields, models


class SafetySpecialOperationCategory(models.Model):
    _name = "safety.special.operation.category"
    _description = "Special Operation Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    operation_ids = fields.One2many("safety.special.operation", "category_id", string="Operation Items")

    _code_uniq = models.Constraint("unique (code)", "Another operation category already uses this code.")
