from odoo import fields, models


class SafetyTestDocument(models.Model):
    """A document of a dossier that only uses the retention and chain mixins, for their tests."""

    _name = "safety.test.document"
    _description = "Safety Test Document"
    _inherit = ["safety.chain.mixin", "safety.retention.mixin"]
    _chain_fields = ("dossier_id", "name", "score", "done_on", "passed", "tag_ids")

    dossier_id = fields.Many2one("safety.dossier", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True)
    name = fields.Char()
    score = fields.Float(digits=(5, 1))
    done_on = fields.Date()
    passed = fields.Boolean()
    tag_ids = fields.Many2many("res.partner.category")
