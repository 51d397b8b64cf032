from odoo import fields, models
from odoo.tools import float_repr

from ..tools.chain_hash import canonical_json, entry_hash
from .safety_chain_entry import CHAIN_APPEND


class SafetyChainMixin(models.AbstractModel):
    """Seal documents in their company's tamper-evident hash chain.

    A model lists the fields to seal in ``_chain_fields`` and has ``company_id`` and
    ``dossier_id`` fields. Each call of ``_chain_append`` adds one entry per document:
    the canonical JSON of those fields, hashed with SHA-256 together with the entry's
    header and the previous entry's hash. Verification then finds documents edited
    behind the ORM and entries edited in the chain itself.
    """

    _name = "safety.chain.mixin"
    _description = "Tamper-Evident Chain Mixin"
    _chain_fields = ()

    chain_entry_count = fields.Integer(string="Chain Entries", compute="_compute_chain_entry_count")

    def _compute_chain_entry_count(self):
        counts = dict(self.env["safety.chain.entry"].sudo()._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]))
        for document in self:
            document.chain_entry_count = counts.get(document.id, 0)

    def _chain_content(self):
        """Return the sealed values of this document as JSON-ready plain values."""
        self.ensure_one()
        content = {}
        for name in self._chain_fields:
            field = self._fields[name]
            value = self[name]
            if field.type == "many2one":
                value = value.id or None
            elif field.type in ("many2many", "one2many"):
                value = sorted(value.ids)
            elif field.type == "float":
                # Text with the field's digits: the float read back from the database compares equal.
                digits = field.get_digits(self.env)
                value = float_repr(value, digits[1]) if digits else repr(value)
            elif field.type != "boolean" and value is False:
                value = None
            content[name] = value
        return content

    def _chain_original_entries(self):
        """Return the first entry of each of these documents, by document id."""
        entries = self.env["safety.chain.entry"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("kind", "=", "original")],
            order="sequence desc")
        return {entry.res_id: entry for entry in entries}

    def _chain_last_entries(self):
        """Return the last entry of each of these documents, by document id."""
        entries = self.env["safety.chain.entry"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], order="sequence")
        return {entry.res_id: entry for entry in entries}

    def _chain_append(self, kind, reason=False):
        """Append one entry of ``kind`` per document to its company's chain and return the entries.

        Withdrawals, corrections and purges reference the document's original entry; a
        purge seals no content, because the document is about to be deleted.
        """
        Entry = self.env["safety.chain.entry"].sudo().with_context(safety_chain_append=CHAIN_APPEND)
        created = Entry
        originals = self._chain_original_entries() if kind != "original" else {}
        for company in self.company_id:
            documents = self.filtered(lambda document, company=company: document.company_id == company)
            head = self.env["safety.chain.head"]._lock_for(company)
            sequence, previous_hash = head.sequence, head.entry_hash
            recorded_at = fields.Datetime.now()
            vals_list = []
            for document in documents:
                sequence += 1
                original = originals.get(document.id)
                content = {} if kind == "purge" else document._chain_content()
                header = {
                    "company_id": company.id,
                    "sequence": sequence,
                    "res_model": self._name,
                    "res_id": document.id,
                    "kind": kind,
                    "corrects_sequence": original.sequence if original else None,
                    "reason": reason or None,
                    "user_id": self.env.uid,
                    "recorded_at": recorded_at,
                }
                new_hash = entry_hash(header, content, previous_hash)
                vals_list.append({
                    "company_id": company.id,
                    "sequence": sequence,
                    "res_model": self._name,
                    "res_id": document.id,
                    "dossier_id": document.dossier_id.id,
                    "kind": kind,
                    "corrects_entry_id": original.id if original else False,
                    "content": canonical_json(content),
                    "reason": reason or False,
                    "user_id": self.env.uid,
                    "recorded_at": recorded_at,
                    "previous_hash": previous_hash,
                    "entry_hash": new_hash,
                })
                previous_hash = new_hash
            entries = Entry.create(vals_list)
            head.sudo().write({
                "sequence": sequence, "entry_hash": previous_hash, "entry_id": entries[-1:].id,
                "recorded_at": recorded_at,
            })
            created |= entries
        return created

    def action_open_chain_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("safety_training_dossier.safety_chain_entry_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        return action
