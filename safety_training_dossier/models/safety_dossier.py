import logging

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

# Dossier labels for Odoo's employee types; the addon's own wording, HR's stays as is.
EMPLOYEE_TYPES = [
    ("employee", "Regular Employee"),
    ("worker", "Production Worker"),
    ("student", "Intern"),
    ("trainee", "Apprentice/Trainee"),
    ("contractor", "Contractor"),
    ("freelance", "Temporary Worker"),
    ("dispatched", "Dispatched Worker"),
]

SAFETY_ROLES = [
    ("principal", "Principal Person in Charge"),
    ("safety_manager", "Safety Management Staff"),
    ("special_operator", "Special Operator"),
    ("staff", "Staff Member"),
]

CERTIFICATE_STATES = [
    ("none", "No Certificate"),
    ("valid", "Valid"),
    ("review_due", "Review Due"),
    ("review_overdue", "Review Overdue"),
    ("expired", "Expired"),
]
# Worst first: the dossier shows the worst state of its certificates.
CERTIFICATE_STATE_SEVERITY = ["expired", "review_overdue", "review_due", "valid"]


class SafetyDossier(models.Model):
    _name = "safety.dossier"
    _description = "Safety Training Dossier"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "employee_number, name, id"
    _rec_names_search = ["name", "employee_number"]

    # Copies of HR data, written by _sync_from_employees (non-HR users cannot read hr.employee).
    name = fields.Char(required=True, readonly=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, readonly=True, index=True, ondelete="cascade")
    employee_number = fields.Char(readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    department_id = fields.Many2one("hr.department", readonly=True, index=True, tracking=True)
    job_id = fields.Many2one("hr.job", readonly=True, tracking=True)
    employee_type = fields.Selection(EMPLOYEE_TYPES, readonly=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", readonly=True, index=True, help="The employee's internal user, copied from HR.")
    portal_user_id = fields.Many2one(
        "res.users", index=True, copy=False, tracking=True,
        domain=[("share", "=", True)], help="Portal login through which the person reads this dossier.")
    active = fields.Boolean(default=True, readonly=True)
    departure_date = fields.Date(readonly=True, tracking=True)

    safety_role = fields.Selection(SAFETY_ROLES, required=True, default="staff", tracking=True)
    role_appointment_date = fields.Date(tracking=True)
    onboarding_date = fields.Date(
        tracking=True, help="First day on site; the three-level safety induction is due before it.")
    return_date = fields.Date(tracking=True, help="Day the person came back after a long absence from the post.")

    training_record_ids = fields.One2many("safety.training.record", "dossier_id")
    certificate_ids = fields.One2many("safety.certificate", "dossier_id")
    training_record_count = fields.Integer(compute="_compute_counts")
    certificate_count = fields.Integer(compute="_compute_counts")
    hours_this_year = fields.Float(
        compute="_compute_hours_this_year", digits=(6, 1),
        help="Hours of confirmed training records dated in the current local calendar year.")
    certificate_state = fields.Selection(
        CERTIFICATE_STATES, compute="_compute_certificate_state", search="_search_certificate_state",
        help="Worst state among the person's active special operation certificates.")
    color = fields.Integer(compute="_compute_certificate_state")

    _employee_uniq = models.Constraint(
        "unique (employee_id)", "An employee has exactly one safety training dossier.")

    @api.depends("training_record_ids", "certificate_ids")
    def _compute_counts(self):
        record_counts = dict(self.env["safety.training.record"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]))
        certificate_counts = dict(self.env["safety.certificate"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]))
        for dossier in self:
            dossier.training_record_count = record_counts.get(dossier, 0)
            dossier.certificate_count = certificate_counts.get(dossier, 0)

    @api.depends("training_record_ids.hours", "training_record_ids.state", "training_record_ids.date")
    def _compute_hours_this_year(self):
        today = self.env.company._safety_local_today()
        hours = dict(self.env["safety.training.record"]._read_group(
            [("dossier_id", "in", self.ids), ("state", "=", "confirmed"),
             ("date", ">=", today.replace(month=1, day=1)), ("date", "<=", today.replace(month=12, day=31))],
            ["dossier_id"], ["hours:sum"]))
        for dossier in self:
            dossier.hours_this_year = hours.get(dossier, 0.0)

    @api.depends("certificate_ids.valid_until", "certificate_ids.next_review_date", "certificate_ids.revoked")
    def _compute_certificate_state(self):
        states = self.env["safety.certificate"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["id:array_agg"])
        certificates_by_dossier = {
            dossier: self.env["safety.certificate"].browse(ids) for dossier, ids in states}
        kanban_colors = {"none": 0, "valid": 10, "review_due": 2, "review_overdue": 1, "expired": 1}
        for dossier in self:
            certificate_states = set(certificates_by_dossier.get(dossier, self.env["safety.certificate"])
                                     .filtered(lambda c: c.status != "invalid").mapped("status"))
            state = next((s for s in CERTIFICATE_STATE_SEVERITY if s in certificate_states), "none")
            dossier.certificate_state = state
            dossier.color = kanban_colors[state]

    def _search_certificate_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        wanted = set(value)
        if operator == "not in":
            wanted = {state for state, _label in CERTIFICATE_STATES} - wanted
        Certificate = self.env["safety.certificate"]
        domains = []
        # A dossier is in a state when it has a certificate in that state and none in a worse one.
        for index, state in enumerate(CERTIFICATE_STATE_SEVERITY):
            if state not in wanted:
                continue
            domain = Domain("certificate_ids", "any", Certificate._status_domain(state))
            for worse in CERTIFICATE_STATE_SEVERITY[:index]:
                domain &= Domain("certificate_ids", "not any", Certificate._status_domain(worse))
            domains.append(domain)
        if "none" in wanted:
            domains.append(Domain("certificate_ids", "not any", Domain("status", "!=", "invalid")))
        return Domain.OR(domains) if domains else Domain.FALSE

    def action_open_training_records(self):
        self.ensure_one()
        return self._action_for_this_dossier("safety_training_dossier.safety_training_record_action")

    def action_open_certificates(self):
        self.ensure_one()
        return self._action_for_this_dossier("safety_training_dossier.safety_certificate_action")

    def _action_for_this_dossier(self, action_xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("dossier_id", "=", self.id)]
        action["context"] = {"default_dossier_id": self.id}
        return action

    def action_print_dossier(self):
        self.ensure_one()
        return self.env.ref("safety_training_dossier.safety_dossier_report_action").report_action(self)

    def _get_report_sections(self):
        """Return the rows of the dossier PDF, grouped by section."""
        self.ensure_one()
        records = self.training_record_ids.filtered(lambda record: record.state == "confirmed").sorted(
            lambda record: (record.date, record.id))
        levels = dict(self.env["safety.training.type"]._fields["induction_level"]._description_selection(self.env))
        induction = []
        for level in ("company_level", "workshop_level", "team_level"):
            level_records = records.filtered(
                lambda record, level=level: record.training_type_id.induction_level == level)
            passed = level_records.filtered(lambda record: record.result == "passed")
            induction.append({"level": levels[level], "record": (passed or level_records)[-1:]})
        attendance_labels = dict(
            self.env["safety.training.record"]._fields["attendance"]._description_selection(self.env))
        anomalies = []
        for record in records:
            if record.attendance != "present":
                anomalies.append({"record": record, "kind": attendance_labels[record.attendance]})
            if record.result == "failed":
                anomalies.append({"record": record, "kind": self.env._("Failed assessment")})
            if record.is_makeup:
                anomalies.append({"record": record, "kind": self.env._("Make-up training")})
        return {
            "induction": induction,
            "history": records,
            "assessments": records.filtered(
                lambda record: record.course_id.assessment_mode != "none" and record.result in ("passed", "failed")),
            "certificates": self.certificate_ids.sorted(lambda certificate: (certificate.issue_date, certificate.id)),
            "anomalies": anomalies,
            "print_date": self.company_id._safety_local_today(),
        }

    # HR synchronisation ---------------------------------------------------

    @api.model
    def _current_version(self, employee):
        """Return the version in force on the company's local today.

        Computed here instead of read from ``current_version_id``, which HR
        recomputes only after the version that changed it is saved.
        """
        today = employee.company_id._safety_local_today()
        versions = employee.version_ids.sorted("date_version")
        return versions.filtered(lambda version: version.date_version <= today)[-1:] or versions[:1]

    @api.model
    def _values_from_employee(self, employee):
        version = self._current_version(employee)
        return {
            "name": employee.name,
            "employee_number": employee.employee_number or False,
            "company_id": employee.company_id.id,
            "department_id": version.department_id.id,
            "job_id": version.job_id.id,
            "employee_type": version.employee_type,
            "user_id": employee.user_id.id,
            "active": employee.active,
            "departure_date": version.departure_date,
        }

    @api.model
    def _create_for_employees(self, employees):
        """Create the missing dossiers of ``employees`` in one batch and return them."""
        # sudo: HR users create employees without holding safety rights.
        employees = employees.sudo().with_context(active_test=False)
        existing = self.sudo().with_context(active_test=False).search(
            [("employee_id", "in", employees.ids)]).employee_id
        missing = employees - existing
        vals_list = []
        today = self.env.company._safety_local_today()
        for employee in missing:
            vals = self._values_from_employee(employee)
            vals["employee_id"] = employee.id
            version = self._current_version(employee)
            vals["onboarding_date"] = version.contract_date_start or today
            vals_list.append(vals)
        dossiers = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(vals_list)
        if dossiers:
            _logger.info("Created %s safety training dossiers", len(dossiers))
        return dossiers

    @api.model
    def _create_missing_dossiers(self):
        """Create the dossiers of every employee who has none, a thousand per batch."""
        employees = self.env["hr.employee"].sudo().with_context(active_test=False).search(
            [("safety_dossier_ids", "=", False)])
        dossiers = self.browse()
        for batch in split_every(1000, employees.ids, employees.browse):
            dossiers |= self._create_for_employees(batch)
        return dossiers

    @api.model
    def _sync_from_employees(self, employees):
        """Write the HR copies on the dossiers of ``employees`` where they changed."""
        # sudo: the HR change is made by an HR user, who may lack safety rights.
        dossiers = self.sudo().with_context(active_test=False).search([("employee_id", "in", employees.ids)])
        for dossier in dossiers:
            vals = self._values_from_employee(dossier.employee_id.with_context(active_test=False))
            changed = {
                name: value for name, value in vals.items()
                if dossier._fields[name].convert_to_write(dossier[name], dossier) != value
            }
            if changed:
                dossier.write(changed)
