from odoo import api, fields, models
from odoo.exceptions import ValidationError

DOSSIER_KINDS = [
    ("special_operation", "Special Operation Dossier"),
    ("general", "Other Dossier"),
]
# 《特种作业人员安全技术培训考核管理规定》: special operation dossiers are kept 3 years after the
# certificate ends; 《生产经营单位安全培训规定》: other training dossiers 1 year after departure.
LEGAL_MINIMUM_YEARS = {"special_operation": 3, "general": 1}
DEFAULT_YEARS = {"special_operation": 3, "general": 3}


class SafetyRetentionPolicy(models.Model):
    _name = "safety.retention.policy"
    _description = "Dossier Retention Policy"
    _order = "company_id, dossier_kind"
    _rec_name = "dossier_kind"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    dossier_kind = fields.Selection(DOSSIER_KINDS, required=True, readonly=True)
    years = fields.Integer(
        string="Kept (Years)", required=True,
        help="Years a dossier of this kind is kept after its start event: the end of the last special operation "
             "certificate, or the person's departure. Not less than the legal minimum.")
    legal_minimum_years = fields.Integer(string="Legal Minimum (Years)", compute="_compute_legal")
    start_event = fields.Selection(
        [("certificate_end", "End of the Last Certificate"), ("departure", "Departure")],
        compute="_compute_legal")
    legal_basis = fields.Text(compute="_compute_legal")

    _company_kind_uniq = models.Constraint(
        "unique (company_id, dossier_kind)", "A company has one retention policy per dossier kind.")

    @api.depends("dossier_kind")
    def _compute_legal(self):
        for policy in self:
            policy.legal_minimum_years = LEGAL_MINIMUM_YEARS.get(policy.dossier_kind, 0)
            policy.start_event = "certificate_end" if policy.dossier_kind == "special_operation" else "departure"
            if policy.dossier_kind == "special_operation":
                policy.legal_basis = self.env._(
                    "《特种作业人员安全技术培训考核管理规定》: kept at least 3 years after the certificate ends. "
                    "《个人信息保护法》 Art. 19: kept no longer than its purpose needs.")
            else:
                policy.legal_basis = self.env._(
                    "《生产经营单位安全培训规定》: kept at least 1 year after the person leaves. "
                    "《个人信息保护法》 Art. 19: kept no longer than its purpose needs.")

    @api.constrains("years", "dossier_kind")
    def _check_years(self):
        for policy in self:
            if policy.years < LEGAL_MINIMUM_YEARS[policy.dossier_kind]:
                raise ValidationError(self.env._(
                    "%(company)s: %(kind)s must be kept at least %(minimum)s years by law, not %(years)s.",
                    company=policy.company_id.name, kind=policy._kind_label(),
                    minimum=LEGAL_MINIMUM_YEARS[policy.dossier_kind], years=policy.years))

    def write(self, vals):
        result = super().write(vals)
        if "years" in vals:
            dossiers = self.env["safety.dossier"].sudo().with_context(active_test=False).search(
                [("company_id", "in", self.company_id.ids)])
            dossiers._recompute_retention()
        return result

    def _kind_label(self):
        return dict(self._fields["dossier_kind"]._description_selection(self.env))[self.dossier_kind]

    @api.model
    def _create_missing(self, companies):
        """Create the default policies of ``companies`` that have none."""
        existing = {(policy.company_id.id, policy.dossier_kind) for policy in self.sudo().search(
            [("company_id", "in", companies.ids)])}
        return self.sudo().create([
            {"company_id": company.id, "dossier_kind": kind, "years": DEFAULT_YEARS[kind]}
            for company in companies for kind in DEFAULT_YEARS if (company.id, kind) not in existing
        ])

    @api.model
    def _years_by_company(self, companies):
        """Return the kept years by (company id, dossier kind); defaults where a policy is missing."""
        years = {(company.id, kind): default for company in companies for kind, default in DEFAULT_YEARS.items()}
        for policy in self.sudo().search([("company_id", "in", companies.ids)]):
            years[policy.company_id.id, policy.dossier_kind] = policy.years
        return years
