from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .safety_dossier import EMPLOYEE_TYPES, SAFETY_ROLES
from .safety_dossier_event import EVENT_KINDS

RECURRENCES = [
    ("once", "Once per Trigger"),
    ("calendar_year", "Every Calendar Year"),
    ("months", "Every N Months"),
]
TIER_SCOPES = [("all", "All Companies"), ("general", "General Tier Only"), ("high_risk", "High-Risk Tier Only")]


class SafetyRequirement(models.Model):
    """A legal or internal training rule: who must do what, when, and on which legal basis.

    A change in the law is a new rule with its own valid from / valid to dates, so the
    periods of the old rule keep the figures that applied then.
    """

    _name = "safety.requirement"
    _description = "Safety Training Requirement"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", help="Empty: the rule applies to every company.")
    legal_basis = fields.Text(translate=True, tracking=True)
    valid_from = fields.Date(tracking=True)
    valid_to = fields.Date(tracking=True)

    # Who
    tier_scope = fields.Selection(TIER_SCOPES, required=True, default="all", tracking=True)
    safety_role = fields.Selection(SAFETY_ROLES, tracking=True, help="Empty: every safety role.")
    employee_type = fields.Selection(EMPLOYEE_TYPES, tracking=True, help="Empty: every employee type.")
    job_ids = fields.Many2many("hr.job", string="Jobs", help="Empty: every job.")
    job_risk_class = fields.Selection(
        [("a", "A: High-Risk Post"), ("b", "B: Regular Post"), ("c", "C: Auxiliary Post")],
        help="Empty: every risk class.")
    department_ids = fields.Many2many(
        "hr.department", string="Departments", help="Empty: every department. Sub-departments are included.")

    # What
    training_type_ids = fields.Many2many("safety.training.type", string="Training Types")
    course_ids = fields.Many2many("safety.training.course", string="Courses")
    hours_required = fields.Float(
        string="Hours Required", tracking=True,
        help="0 means one passed record of a matching type or course is enough.")

    # When
    trigger = fields.Selection(
        EVENT_KINDS, tracking=True, help="Event that opens the requirement; empty for periodic requirements.")
    transfer_scope = fields.Selection(
        [("workshop", "Only When the Workshop Changes"), ("any", "Any Transfer or Return")], default="any",
        help="For transfer and return triggers.")
    recurrence = fields.Selection(RECURRENCES, required=True, default="once", tracking=True)
    interval_months = fields.Integer(default=12)
    deadline_days = fields.Integer(
        tracking=True, help="Days after the triggering event by which the training is due; 0: before work starts.")
    lookback_days = fields.Integer(
        default=30, help="Training done this many days before the event still counts (pre-job training).")

    @api.constrains("recurrence", "trigger", "interval_months", "deadline_days", "hours_required", "valid_from",
                    "valid_to", "training_type_ids", "course_ids")
    def _check_rule(self):
        for rule in self:
            if rule.recurrence == "once" and not rule.trigger:
                raise ValidationError(self.env._(
                    "Requirement %(rule)s happens once per trigger: choose the trigger that opens it.", rule=rule.name))
            if rule.recurrence == "months" and rule.interval_months <= 0:
                raise ValidationError(self.env._(
                    "Requirement %(rule)s: the interval must be 1 month or more, not %(months)s.",
                    rule=rule.name, months=rule.interval_months))
            if rule.deadline_days < 0 or rule.hours_required < 0:
                raise ValidationError(self.env._(
                    "Requirement %(rule)s: the deadline and the hours cannot be negative.", rule=rule.name))
            if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
                raise ValidationError(self.env._(
                    "Requirement %(rule)s: valid to (%(valid_to)s) is before valid from (%(valid_from)s).",
                    rule=rule.name, valid_to=rule.valid_to, valid_from=rule.valid_from))
            if not rule.training_type_ids and not rule.course_ids:
                raise ValidationError(self.env._(
                    "Requirement %(rule)s: choose the training types or courses that satisfy it.", rule=rule.name))

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._schedule_full_recompute()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self._schedule_full_recompute()
        return result

    def _schedule_full_recompute(self):
        """Have the nightly pass recompute every dossier now: a rule change can concern anyone."""
        self.env["safety.dossier"].sudo().search([]).write({"compliance_computed_on": False})
        cron = self.env.ref("safety_training_dossier.ir_cron_safety_compliance", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _applies_to(self, dossier):
        """Return True when this rule concerns the person of ``dossier`` (the rule's "who")."""
        self.ensure_one()
        return self._criteria_match(self._criteria(), dossier._person_facts())

    def _criteria(self):
        """Return the rule's "who" as plain values, so the engine tests thousands of people cheaply."""
        self.ensure_one()
        return {
            "company_id": self.company_id.id, "tier_scope": self.tier_scope, "safety_role": self.safety_role,
            "employee_type": self.employee_type, "job_ids": set(self.job_ids.ids),
            "job_risk_class": self.job_risk_class, "department_ids": set(self.department_ids.ids),
        }

    @api.model
    def _criteria_match(self, criteria, facts):
        """Return True when a person's ``facts`` (see safety.dossier._person_facts) meet ``criteria``."""
        return all((
            not criteria["company_id"] or criteria["company_id"] == facts["company_id"],
            criteria["tier_scope"] == "all" or (criteria["tier_scope"] == "high_risk") == facts["high_risk"],
            not criteria["safety_role"] or criteria["safety_role"] == facts["safety_role"],
            not criteria["employee_type"] or criteria["employee_type"] == facts["employee_type"],
            not criteria["job_ids"] or facts["job_id"] in criteria["job_ids"],
            not criteria["job_risk_class"] or criteria["job_risk_class"] == facts["job_risk_class"],
            not criteria["department_ids"] or bool(criteria["department_ids"] & facts["department_path"]),
        ))

    def _is_satisfied_by(self, record):
        self.ensure_one()
        return record.training_type_id in self.training_type_ids or record.course_id in self.course_ids

    def _engine_values(self):
        """Return the rule as plain values for the compliance engine, which applies it to thousands of people."""
        self.ensure_one()
        return {
            "id": self.id, "criteria": self._criteria(),
            "type_ids": set(self.training_type_ids.ids), "course_ids": set(self.course_ids.ids),
            "recurrence": self.recurrence, "trigger": self.trigger, "transfer_scope": self.transfer_scope,
            "safety_role": self.safety_role, "valid_from": self.valid_from, "valid_to": self.valid_to,
            "hours_required": self.hours_required, "interval_months": self.interval_months,
            "deadline_days": self.deadline_days, "lookback_days": self.lookback_days,
        }

    @api.model
    def _in_force_on(self, rule, day):
        """Return True when ``rule`` (see _engine_values) is valid on ``day``."""
        return (not rule["valid_from"] or rule["valid_from"] <= day) \
            and (not rule["valid_to"] or day <= rule["valid_to"])

    @api.model
    def _periods(self, rule, person, events, records, company):
        """Return the (period start, due date, window start, window end) tuples ``rule`` opens for a person.

        ``rule`` comes from _engine_values, ``person`` and ``company`` from the engine
        (safety.dossier._person_rows and _company_values). ``events`` are the person's
        event rows and ``records`` the TrainingRow tuples of the records that satisfy
        the rule, both oldest first. Only "months" rules read ``records``.
        Nothing opens before the company's cut-over date.
        """
        cut_over = company["cut_over"]
        today = company["today"]
        periods = []
        if rule["recurrence"] == "once":
            for event in events:
                if event["kind"] != rule["trigger"] or (cut_over and event["date"] < cut_over):
                    continue
                if event["kind"] in ("transfer", "return_to_work") and rule["transfer_scope"] == "workshop" \
                        and event["scope"] != "workshop":
                    continue
                if event["kind"] == "appointment" and rule["safety_role"] \
                        and event["safety_role"] != rule["safety_role"]:
                    continue
                if not self._in_force_on(rule, event["date"]):
                    continue
                due = event["date"] + timedelta(days=rule["deadline_days"])
                periods.append((event["date"], due, event["date"] - timedelta(days=rule["lookback_days"]), None))
        elif rule["recurrence"] == "calendar_year":
            start = today.replace(month=1, day=1)
            end = today.replace(month=12, day=31)
            if (not cut_over or cut_over <= end) and self._in_force_on(rule, end):
                periods.append((max(start, cut_over or start), end, start, end))
        elif rule["recurrence"] == "months":
            # The last satisfying training (or the onboarding) starts the period; the next is due N months later.
            base = max([record.date for record in records], default=None) or person["onboarding_date"]
            if base:
                if cut_over and base < cut_over:
                    base = cut_over
                due = base + relativedelta(months=rule["interval_months"])
                if self._in_force_on(rule, due):
                    periods.append((base, due, base, None))
        return periods
