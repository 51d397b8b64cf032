from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import ledger

LEDGER_KINDS = [("training", "Training Ledger"), ("certificate", "Certificate Ledger"), ("roster", "Roster")]
# Every field a ledger column can fill; a mapping must name one its kind of ledger reads.
MAPPED_FIELDS = [
    ("name", "Name"), ("employee_number", "Employee Number"), ("id_number", "Identity Number"),
    ("department", "Department"), ("job", "Job"), ("date", "Training Date"), ("course", "Training Content"),
    ("hours", "Hours"), ("trainer", "Trainer"), ("attendance", "Attendance"), ("theory_score", "Theory Score"),
    ("practical_rating", "Practical Rating"), ("result", "Assessment Result"),
    ("certificate_number", "Certificate Number"), ("operation", "Operation Item"),
    ("issuing_authority", "Issuing Authority"), ("issue_date", "First Issue Date"), ("valid_until", "Valid Until"),
    ("review_date", "Review Date"), ("employee_type", "Employee Type"), ("onboarding_date", "Onboarding Date"),
]


class SafetyLedgerColumnMapping(models.Model):
    """A column title of a company's own ledgers and the field it fills, on top of the built-in synonyms."""

    _name = "safety.ledger.column.mapping"
    _description = "Ledger Column Mapping"
    _order = "kind, header"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    kind = fields.Selection(LEDGER_KINDS, required=True, default="training")
    header = fields.Char(
        string="Column Title", required=True, help="The title as the ledger writes it, e.g. 安全学习科目.")
    field_name = fields.Selection(MAPPED_FIELDS, string="Fills", required=True)

    _header_uniq = models.Constraint(
        "unique (company_id, kind, header)", "This column title already has a mapping for this kind of ledger.")

    @api.constrains("kind", "field_name", "header")
    def _check_field_fits_kind(self):
        for mapping in self:
            if mapping.field_name not in ledger.KIND_FIELDS[mapping.kind]:
                labels = dict(self._fields["field_name"]._description_selection(self.env))
                kinds = dict(self._fields["kind"]._description_selection(self.env))
                raise ValidationError(self.env._(
                    "Column \"%(header)s\": a %(kind)s has no %(field)s column. Choose a field this kind of "
                    "ledger reads.", header=mapping.header, kind=kinds[mapping.kind], field=labels[mapping.field_name]))
            if not ledger.normalize_header(mapping.header):
                raise ValidationError(self.env._("Enter the column title as the ledger writes it."))

    @api.model
    def _overrides(self, company, kind):
        """Return {column title: field} of the company's saved mappings for ``kind``."""
        return {mapping.header: mapping.field_name
                for mapping in self.search([("company_id", "=", company.id), ("kind", "=", kind)])}
