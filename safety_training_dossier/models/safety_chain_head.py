from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.chain_hash import GENESIS_HASH


class SafetyChainHead(models.Model):
    _name = "safety.chain.head"
    _description = "Tamper-Evident Chain Head"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    sequence = fields.Integer(
        readonly=True, help="Sequence number of the company's last chain entry; 0 before the first.")
    entry_hash = fields.Char(readonly=True, default=GENESIS_HASH, help="SHA-256 hash of the last chain entry.")
    entry_id = fields.Many2one("safety.chain.entry", readonly=True, ondelete="restrict")
    recorded_at = fields.Datetime(readonly=True, help="When the last chain entry was recorded.")

    _company_uniq = models.Constraint("unique (company_id)", "A company has exactly one chain head.")

    @api.model
    def _create_missing(self, companies):
        """Create the chain heads of ``companies`` that have none."""
        existing = self.sudo().search([("company_id", "in", companies.ids)]).company_id
        return self.sudo().create([{"company_id": company.id} for company in companies - existing])

    @api.model
    def _lock_for(self, company):
        """Return the company's chain head, locked until the transaction ends.

        Two transactions that append to one company's chain wait for each other here, so
        they never take the same previous hash. Under Odoo's REPEATABLE READ isolation the
        second one then fails with a serialization error, and Odoo retries its request.
        """
        head = self.sudo().search([("company_id", "=", company.id)])
        if not head:
            # NOTE: heads are created at install and with each company, so this path is rare. Two
            # first appends racing here meet the unique constraint, and the second fails instead of waiting.
            head = self._create_missing(company)
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT id FROM safety_chain_head WHERE id = %s FOR UPDATE", head.id))
        head.invalidate_recordset()
        return head
