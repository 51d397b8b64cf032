from odoo import api, fields, models
from odoo.exceptions import UserError

# Only the compliance engine passes this object in the context, so that its status writes keep
# the dossiers' fingerprints. RPC can only send JSON, so no client can forge it.
COMPLIANCE_ENGINE = object()
# Exempt and Cancel Exemption pass this object in the context to write a status; RPC cannot send it.
EXEMPTION = object()

STATUS_STATES = [
    ("overdue", "Overdue"),
    ("due_soon", "Due Soon"),
    ("missing", "Missing"),
    ("met", "Met"),
    ("exempt", "Exempted"),
]


class SafetyRequirementStatus(models.Model):
    """One person's standing against one requirement for one period, written by the compliance engine."""

    _name = "safety.requirement.status"
    _description = "Safety Requirement Status"
    _order = "due_date, id"

    dossier_id = fields.Many2one("safety.dossier", string="Person", required=True, index=True, ondelete="cascade")
    employee_number = fields.Char(related="dossier_id.employee_number")
    company_id = fields.Many2one("res.company", required=True, index=True)
    department_id = fields.Many2one("hr.department", index=True)
    job_id = fields.Many2one("hr.job")
    requirement_id = fields.Many2one("safety.requirement", required=True, index=True, ondelete="cascade")
    legal_basis = fields.Text(related="requirement_id.legal_basis")
    period_start = fields.Date(required=True)
    due_date = fields.Date(required=True, index=True)
    hours_done = fields.Float(digits=(6, 1))
    hours_required = fields.Float(digits=(6, 1))
    state = fields.Selection(STATUS_STATES, required=True, index=True)
    exempt_reason = fields.Char(help="Set by a safety officer; the engine keeps an exempt status exempt.")
    window_start = fields.Date(help="Training from this date on counts for the period.")
    window_end = fields.Date(help="Training up to this date counts; empty: no end.")
    record_ids = fields.Many2many(
        "safety.training.record", string="Satisfying Records", compute="_compute_record_ids")

    _period_uniq = models.Constraint(
        "unique (dossier_id, requirement_id, period_start)",
        "A person has one status per requirement and period.")

    @api.depends("dossier_id.name", "requirement_id.name", "due_date")
    def _compute_display_name(self):
        for status in self:
            status.display_name = " / ".join(
                part for part in (status.dossier_id.name, status.requirement_id.name, str(status.due_date or ""))
                if part)

    def _compute_record_ids(self):
        for status in self:
            rule = status.requirement_id
            status.record_ids = status.dossier_id.training_record_ids.filtered(
                lambda record, status=status, rule=rule:
                    record.state == "confirmed" and record.result == "passed" and rule._is_satisfied_by(record)
                    and record.date >= status.window_start
                    and (not status.window_end or record.date <= status.window_end))

    @api.model_create_multi
    def create(self, vals_list):
        statuses = super().create(vals_list)
        statuses._forget_compliance_digest()
        return statuses

    def write(self, vals):
        self.check_access("write")
        context = self.env.context
        if not (self.env.su or context.get("safety_compliance_engine") is COMPLIANCE_ENGINE
                or context.get("safety_status_exemption") is EXEMPTION):
            raise UserError(self.env._(
                "Requirement statuses are computed by the compliance engine and cannot be edited. To change "
                "whether a requirement counts for a person, use Exempt or Cancel Exemption on it."))
        # Before and after: a status moved to another person changes both dossiers.
        self._forget_compliance_digest()
        result = super().write(vals)
        if "dossier_id" in vals:
            self._forget_compliance_digest()
        return result

    def unlink(self):
        self._forget_compliance_digest()
        return super().unlink()

    def action_exempt(self, reason):
        """Exempt these open statuses with ``reason`` and log it on each dossier. The engine keeps them exempt."""
        self.check_access("write")
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(self.env._(
                "Give the reason for the exemption, for example the document that proves the training."))
        closed = self.filtered(lambda status: status.state in ("met", "exempt"))
        if closed:
            raise UserError(self.env._(
                "Only requirements that are not met yet can be exempted. Already met or exempt: %(statuses)s.",
                statuses=", ".join(closed.mapped("display_name"))))
        self.with_context(safety_status_exemption=EXEMPTION).write({"state": "exempt", "exempt_reason": reason})
        for status in self:
            status.dossier_id.message_post(body=self.env._(
                "Exempted from %(requirement)s (due %(due)s) by %(user)s. Reason: %(reason)s",
                requirement=status.requirement_id.name, due=status.due_date, user=self.env.user.name,
                reason=reason))
        # The dossier's state and next due date leave the exempt statuses out at once.
        self.dossier_id._recompute_compliance()

    def action_cancel_exemption(self):
        """Hand these exempt statuses back to the engine, which computes their state again, and log it."""
        self.check_access("write")
        not_exempt = self.filtered(lambda status: status.state != "exempt")
        if not_exempt:
            raise UserError(self.env._(
                "Only exempt requirements can have their exemption cancelled. Not exempt: %(statuses)s.",
                statuses=", ".join(not_exempt.mapped("display_name"))))
        # Any open state will do: the engine writes the computed one right after.
        self.with_context(safety_status_exemption=EXEMPTION).write({"state": "missing", "exempt_reason": False})
        for status in self:
            status.dossier_id.message_post(body=self.env._(
                "Exemption from %(requirement)s (due %(due)s) cancelled by %(user)s.",
                requirement=status.requirement_id.name, due=status.due_date, user=self.env.user.name))
        self.dossier_id._recompute_compliance()

    def _forget_compliance_digest(self):
        """Clear the fingerprint on the dossiers of these statuses, which were changed outside the
        compliance engine, so that its next computation reads them back row by row.

        The engine itself writes with COMPLIANCE_ENGINE in the context and keeps the fingerprint.
        """
        # NOTE: a status changed by SQL, outside the ORM, keeps its dossier's fingerprint. The engine
        # sets it right only when that person's computed statuses next change.
        if self.env.context.get("safety_compliance_engine") is COMPLIANCE_ENGINE:
            return
        # sudo: the fingerprint is the engine's, and the user who changed a status may not write dossiers.
        dossiers = self.sudo().dossier_id.filtered("compliance_digest")
        if dossiers:
            dossiers.write({"compliance_digest": False})
