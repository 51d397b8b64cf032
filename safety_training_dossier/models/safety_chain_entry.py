import json
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.chain_hash import GENESIS_HASH, canonical_json, entry_hash
from ..tools.local_dates import local_time_text

_logger = logging.getLogger(__name__)

# Only safety.chain.mixin._chain_append passes this object in the context; RPC sends JSON only.
CHAIN_APPEND = object()

ENTRY_KINDS = [
    ("original", "Original"),
    ("reset", "Withdrawn for Correction"),
    ("correction", "Correction"),
    ("purge", "Purged"),
]


class SafetyChainEntry(models.Model):
    _name = "safety.chain.entry"
    _description = "Tamper-Evident Chain Entry"
    _order = "company_id, sequence desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    sequence = fields.Integer(required=True, readonly=True, help="Position in the company's chain, from 1.")
    res_model = fields.Char(string="Document Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", required=True, readonly=True,
                                      index=True)
    dossier_id = fields.Many2one("safety.dossier", string="Person", readonly=True, index=True, ondelete="set null")
    kind = fields.Selection(ENTRY_KINDS, required=True, readonly=True)
    corrects_entry_id = fields.Many2one(
        "safety.chain.entry", string="Corrects Entry", readonly=True, ondelete="restrict",
        help="The original entry that this withdrawal, correction or purge supersedes.")
    content = fields.Text(readonly=True, help="The document's hashed values as canonical JSON.")
    reason = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded By", readonly=True)
    recorded_at = fields.Datetime(readonly=True)
    previous_hash = fields.Char(readonly=True)
    entry_hash = fields.Char(readonly=True, index=True)

    _company_sequence_uniq = models.Constraint(
        "unique (company_id, sequence)", "Two chain entries of a company cannot have the same sequence.")

    @api.depends("sequence", "res_model", "res_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = f"#{entry.sequence} {entry.res_model},{entry.res_id}"

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("safety_chain_append") is not CHAIN_APPEND:
            raise UserError(self.env._("Chain entries are appended by the documents they seal, never created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        raise UserError(self.env._("Chain entries cannot be changed. A change is a new correction entry."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Chain entries cannot be deleted: the chain would no longer verify."))

    def _header(self):
        """Return the entry's hashed fields other than its content and its previous hash."""
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "sequence": self.sequence,
            "res_model": self.res_model,
            "res_id": self.res_id,
            "kind": self.kind,
            "corrects_sequence": self.corrects_entry_id.sequence or None,
            "reason": self.reason or None,
            "user_id": self.user_id.id or None,
            "recorded_at": self.recorded_at,
        }

    def _computed_hash(self):
        """Return the hash of the entry as stored now; it differs from ``entry_hash`` after any edit."""
        self.ensure_one()
        return entry_hash(self._header(), json.loads(self.content or "{}"), self.previous_hash)

    @api.model
    def _verify(self, company, dossier=None):
        """Check the company's chain, or only the entries of ``dossier``, and return the first broken link.

        A link is broken when an entry is missing from the sequence, its previous hash is
        not the hash of the entry before it, its own hash does not match its stored values,
        or the document it seals no longer contains the sealed values (a direct SQL edit).
        Returns a dict: ``state`` (verified or broken), ``entries`` (count checked),
        ``broken_entry`` (an entry or an empty recordset), ``message``, and the head's
        ``head_sequence``, ``head_hash`` and ``head_recorded_at``.
        """
        self.env.flush_all()
        # Read the values in the database now, not the ones this transaction cached before an edit.
        self.env.invalidate_all()
        Entry = self.sudo().with_context(active_test=False)
        domain = [("company_id", "=", company.id)]
        if dossier:
            domain.append(("dossier_id", "=", dossier.id))
        entries = Entry.search(domain, order="sequence")
        problems = []  # (sequence, entry, message)

        if dossier:
            before = Entry.search([("company_id", "=", company.id),
                                   ("sequence", "in", [sequence - 1 for sequence in entries.mapped("sequence")])])
            hashes = {entry.sequence: entry.entry_hash for entry in before}
            hashes[0] = GENESIS_HASH
        else:
            hashes = {0: GENESIS_HASH}
        expected_sequence = 1
        for entry in entries:
            problem = None
            if not dossier and entry.sequence != expected_sequence:
                problem = self.env._(
                    "Entry %(expected)s is missing: the chain jumps to entry %(sequence)s.",
                    expected=expected_sequence, sequence=entry.sequence)
            elif entry.sequence - 1 not in hashes:
                problem = self.env._("Entry %(expected)s is missing.", expected=entry.sequence - 1)
            elif entry.previous_hash != hashes[entry.sequence - 1]:
                problem = self.env._(
                    "Entry %(sequence)s does not link to entry %(previous)s: its previous hash differs.",
                    sequence=entry.sequence, previous=entry.sequence - 1)
            elif entry._computed_hash() != entry.entry_hash:
                problem = self.env._(
                    "Entry %(sequence)s was changed after it was recorded: its hash no longer matches its values.",
                    sequence=entry.sequence)
            if problem:
                problems.append((entry.sequence, entry, problem))
                break
            hashes[entry.sequence] = entry.entry_hash
            expected_sequence = entry.sequence + 1

        problems.extend(self._verify_documents(entries))
        head = self.env["safety.chain.head"].sudo().search([("company_id", "=", company.id)])
        if not dossier and not problems and (head.sequence or 0) != len(entries):
            problems.append((len(entries), entries[-1:], self.env._(
                "The chain head points to entry %(head)s, but the chain ends at entry %(last)s.",
                head=head.sequence or 0, last=len(entries))))
        elif not dossier and not problems and entries and head.entry_hash != entries[-1].entry_hash:
            problems.append((len(entries), entries[-1], self.env._(
                "The chain head's hash differs from the hash of entry %(last)s.", last=len(entries))))

        problems.sort(key=lambda problem: problem[0])
        first = problems[0] if problems else None
        return {
            "state": "broken" if first else "verified",
            "entries": len(entries),
            "broken_entry": first[1] if first else Entry,
            "message": first[2] if first else self.env._(
                "Entries checked: %(count)s. No broken link.", count=len(entries)),
            "head_sequence": head.sequence or 0,
            "head_hash": head.entry_hash or GENESIS_HASH,
            "head_recorded_at": head.recorded_at,
            "head_recorded_local": local_time_text(head.recorded_at, company.partner_id.tz),
        }

    @api.model
    def _verify_documents(self, entries):
        """Return a problem for each document whose current values differ from its last entry."""
        last_by_document = {}
        for entry in entries:
            last_by_document[(entry.res_model, entry.res_id)] = entry
        problems = []
        by_model = {}
        for (model, res_id), entry in last_by_document.items():
            by_model.setdefault(model, {})[res_id] = entry
        for model, entry_by_id in by_model.items():
            if model not in self.env:
                continue
            documents = self.env[model].sudo().with_context(active_test=False).browse(list(entry_by_id)).exists()
            for res_id, entry in entry_by_id.items():
                document = documents.browse(res_id)
                if entry.kind == "purge":
                    continue
                if document not in documents:
                    problems.append((entry.sequence, entry, self.env._(
                        "The document sealed by entry %(sequence)s (%(model)s %(id)s) was deleted without a purge.",
                        sequence=entry.sequence, model=model, id=res_id)))
                    continue
                if entry.kind == "reset":
                    # Withdrawn for correction: the draft may change until it is confirmed again.
                    continue
                sealed = json.loads(entry.content or "{}")
                current = json.loads(canonical_json(document._chain_content()))
                changed = sorted(name for name in set(sealed) | set(current) if sealed.get(name) != current.get(name))
                if changed:
                    problems.append((entry.sequence, entry, self.env._(
                        "%(model)s %(id)s no longer matches entry %(sequence)s: %(fields)s changed without a "
                        "correction entry.",
                        model=model, id=res_id, sequence=entry.sequence, fields=", ".join(changed))))
        return problems
