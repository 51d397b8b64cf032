import hashlib
import logging
from collections import defaultdict, namedtuple
from datetime import timedelta
from operator import attrgetter

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models, modules
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import split_every

from ..tools.first_password import generate_first_password
from ..tools.id_crypto import mask
from .hr_version import ID_DOCUMENT_TYPES
from .safety_kpi import COMPLETE_DOSSIER_DEFINITION
from .safety_requirement_status import COMPLIANCE_ENGINE
from .safety_retention_policy import DOSSIER_KINDS

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

COMPLIANCE_STATES = [
    ("overdue", "Overdue"),
    ("due_soon", "Due Soon"),
    ("missing", "Missing"),
    ("compliant", "Compliant"),
]
# Worst first: a dossier takes the worst state of its open requirement statuses.
STATUS_SEVERITY = ["overdue", "due_soon", "missing"]
# Roles whose appointment opens the initial safety qualification training.
APPOINTED_ROLES = ("principal", "safety_manager")
CREDITED_ATTENDANCE = ("present", "late")
# Status fields the engine reads back to find what changed.
STATUS_ENGINE_FIELDS = ("dossier_id", "requirement_id", "period_start", "due_date", "hours_done", "hours_required",
                        "state", "company_id", "department_id", "job_id", "window_start", "window_end")
# Dossiers per batch of the nightly compliance pass.
COMPLIANCE_BATCH_SIZE = 500

CERTIFICATE_STATES = [
    ("none", "No Certificate"),
    ("valid", "Valid"),
    ("review_due", "Review Due"),
    ("review_overdue", "Review Overdue"),
    ("expired", "Expired"),
]
# Worst first: the dossier shows the worst state of its certificates.
CERTIFICATE_STATE_SEVERITY = ["expired", "review_overdue", "review_due", "valid"]
# One record as the compliance engine reads it: a batch reads thousands, so a tuple, not a dict.
TrainingRow = namedtuple("TrainingRow", ["date", "training_type_id", "course_id", "hours"])


def read_rows(model, domain, fnames):
    """Return the rows of ``model`` that match ``domain`` as dicts of plain values, ordered by id.

    Values are as ``search_read(load=None)`` returns them (ids for many-to-one fields, False
    for NULL) except that empty numbers stay False. One ``_read_group`` gathers each field into
    an array, so no record and no cache entry is built per row.
    """
    fnames = ["id", *fnames]
    [columns] = model._read_group(domain, [], [f"{fname}:array_agg" for fname in fnames])
    return [
        {fname: False if value is None else value for fname, value in zip(fnames, values, strict=True)}
        for values in zip(*columns, strict=True)
    ]


def group_rows(rows, key):
    """Return ``rows`` in lists by their value of ``key``, in their order."""
    groups = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


class SafetyDossier(models.Model):
    _name = "safety.dossier"
    _description = "Safety Training Dossier"
    _inherit = ["mail.thread", "mail.activity.mixin", "safety.retention.mixin"]
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
    work_email = fields.Char(readonly=True, help="The employee's work e-mail, copied from HR; reminders go there.")
    # Two computes and inverses, not one shared: Odoo leaves the unwritten field of a shared pair
    # empty during the write, which would erase the number when only the type changes.
    id_document_type = fields.Selection(
        ID_DOCUMENT_TYPES, string="Identity Document Type", compute="_compute_id_document_type",
        inverse="_inverse_id_document_type")
    id_number = fields.Char(
        string="Identity Number", compute="_compute_id_number", inverse="_inverse_id_number",
        search="_search_id_number",
        help="Shown masked (last 4 characters). Stored encrypted on the employee's current HR version; "
             "type the full number to change it.")
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
    not_authorised = fields.Boolean(
        string="Not Authorised", compute="_compute_certificate_state", search="_search_not_authorised",
        help="Set when a certificate of the person is expired, invalid or overdue for review: the person "
             "must not do that operation.")

    requirement_status_ids = fields.One2many("safety.requirement.status", "dossier_id", string="Requirements")
    rectification_ids = fields.One2many("safety.rectification", "dossier_id", string="Rectification Notices")
    rectification_count = fields.Integer(compute="_compute_counts")
    event_ids = fields.One2many("safety.dossier.event", "dossier_id", string="Events")
    compliance_state = fields.Selection(
        COMPLIANCE_STATES, readonly=True, index=True, default="compliant",
        help="Worst state of the person's requirements, written by the compliance engine.")
    next_due_date = fields.Date(readonly=True, index=True, help="Earliest due date of a requirement not yet met.")
    compliance_computed_on = fields.Date(
        readonly=True, index=True,
        help="Local date of the last compliance computation; the nightly pass resumes from it.")
    compliance_digest = fields.Char(
        readonly=True, copy=False,
        help="Fingerprint of the requirement statuses the compliance engine last computed. While the next "
             "computation gives the same fingerprint, the engine does not read the statuses back.")
    last_departure_date = fields.Date(
        readonly=True, help="Last departure date HR recorded; kept when HR clears it on the person's return.")
    retention_kind = fields.Selection(
        DOSSIER_KINDS, compute="_compute_retention", store=True,
        help="Special operation dossier when the person holds or held a special operation certificate "
             "or is a special operator.")
    retention_until = fields.Date(
        string="Retention Period", compute="_compute_retention", store=True, index=True,
        help="Last day the dossier must be kept (保存期限). Empty while the person works here. Nobody can delete "
             "the dossier, its records or its certificates until the day after.")
    anonymised = fields.Boolean(
        readonly=True, copy=False, help="Set when a purge removed the person's name and contacts after retention.")
    is_complete = fields.Boolean(
        string="Complete Dossier", compute="_compute_is_complete", search="_search_is_complete",
        help=COMPLETE_DOSSIER_DEFINITION)

    _employee_uniq = models.Constraint(
        "unique (employee_id)", "An employee has exactly one safety training dossier.")

    @api.depends("active", "departure_date", "last_departure_date", "safety_role", "company_id",
                 "certificate_ids.valid_until")
    def _compute_retention(self):
        years = self.env["safety.retention.policy"]._years_by_company(self.company_id)
        certificates = self.env["safety.certificate"].sudo().with_context(active_test=False).search(
            [("dossier_id", "in", self.ids)])
        for dossier in self:
            ends = certificates.filtered(lambda certificate, dossier=dossier: certificate.dossier_id == dossier).mapped(
                "valid_until")
            dossier.retention_kind = "special_operation" if ends or dossier.safety_role == "special_operator" \
                else "general"
            departure = dossier.departure_date or dossier.last_departure_date
            if dossier.active or not departure:
                # Still employed, or archived without a departure date: no end yet.
                dossier.retention_until = False
                continue
            company_id = dossier.company_id.id
            retention_ends = [departure + relativedelta(years=years[company_id, "general"])]
            retention_ends += [end + relativedelta(years=years[company_id, "special_operation"]) for end in ends]
            dossier.retention_until = max(retention_ends)

    @api.depends("training_record_ids", "certificate_ids", "rectification_ids")
    def _compute_counts(self):
        record_counts = dict(self.env["safety.training.record"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]))
        certificate_counts = dict(self.env["safety.certificate"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]))
        rectification_counts = dict(self.env["safety.rectification"]._read_group(
            [("dossier_id", "in", self.ids)], ["dossier_id"], ["__count"]))
        for dossier in self:
            dossier.training_record_count = record_counts.get(dossier, 0)
            dossier.certificate_count = certificate_counts.get(dossier, 0)
            dossier.rectification_count = rectification_counts.get(dossier, 0)

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
            dossier.not_authorised = bool(certificate_states & {"expired", "review_overdue"}) or any(
                certificate.status == "invalid" for certificate in certificates_by_dossier.get(dossier, []))

    def _search_certificate_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        requested = set(value)
        if operator == "not in":
            requested = {state for state, _label in CERTIFICATE_STATES} - requested
        Certificate = self.env["safety.certificate"]
        domains = []
        # A dossier is in a state when it has a certificate in that state and none in a worse one.
        for index, state in enumerate(CERTIFICATE_STATE_SEVERITY):
            if state not in requested:
                continue
            domain = Domain("certificate_ids", "any", Certificate._status_domain(state))
            for worse in CERTIFICATE_STATE_SEVERITY[:index]:
                domain &= Domain("certificate_ids", "not any", Certificate._status_domain(worse))
            domains.append(domain)
        if "none" in requested:
            domains.append(Domain("certificate_ids", "not any", Domain("status", "!=", "invalid")))
        return Domain.OR(domains) if domains else Domain.FALSE

    def _search_not_authorised(self, operator, value):
        if operator != "in":
            return NotImplemented
        Certificate = self.env["safety.certificate"]
        unauthorised = Domain("certificate_ids", "any", Domain.OR(
            Certificate._status_domain(status) for status in ("expired", "review_overdue", "invalid")))
        return unauthorised if True in value else ~unauthorised

    def _compute_is_complete(self):
        complete = self.browse()
        for company in self.company_id:
            today = company._safety_local_today()
            complete |= self.search(
                Domain("id", "in", self.ids) & self.env["safety.kpi"]._complete_dossier_domain(company, today))
        for dossier in self:
            dossier.is_complete = dossier in complete

    def _search_is_complete(self, operator, value):
        if operator != "in":
            return NotImplemented
        Kpi = self.env["safety.kpi"]
        # Each company has its own local today and cut-over date.
        complete = Domain.OR(
            Kpi._complete_dossier_domain(company, company._safety_local_today()) for company in self.env.companies)
        return complete if True in value else ~complete

    def _retention_dossiers(self):
        return self

    def _retention_protected(self):
        # A dossier without records or certificates (an employee created by mistake) contains nothing to keep.
        return self.filtered(lambda dossier: dossier.sudo().with_context(active_test=False).training_record_ids
                             or dossier.sudo().with_context(active_test=False).certificate_ids)

    def _is_under_retention(self):
        """Return True while the dossier must be kept: no retention end yet, or the end is today or later."""
        self.ensure_one()
        return not self.retention_until or self.company_id._safety_local_today() <= self.retention_until

    def _retention_message(self):
        """Return why these dossiers (under retention) and their documents cannot be deleted yet."""
        lines = []
        for dossier in self:
            if dossier.retention_until:
                lines.append(self.env._(
                    "The safety training dossier of %(person)s must be kept until %(date)s (retention period). "
                    "Its dossier, training records and certificates can be deleted from the day after, "
                    "through the retention purge.",
                    person=dossier.name, date=dossier.retention_until))
            else:
                lines.append(self.env._(
                    "The safety training dossier of %(person)s must be kept while the person works here and for "
                    "the retention period after the departure. Archive the employee with a departure date; the "
                    "retention purge deletes the dossier once that period has passed.",
                    person=dossier.name))
        return "\n".join(lines)

    @api.model
    def _retained_without_export(self):
        """Return the dossiers under retention that no export archive covers."""
        dossiers = self.sudo().with_context(active_test=False).search([])
        retained = dossiers._retention_protected().filtered(lambda dossier: dossier._is_under_retention())
        exported = self.env["safety.retention.log"].sudo().with_context(active_test=False).search(
            [("kind", "=", "export")]).dossier_ids
        return retained - exported

    @api.model
    def _check_uninstall_allowed(self):
        """Raise unless every dossier under retention is in an export archive: uninstalling deletes them all."""
        missing = self._retained_without_export()
        if missing:
            raise UserError(self.env._(
                "%(count)s safety training dossiers are under their retention period and were never exported, "
                "for example %(names)s. Uninstalling would delete them. Select them under Safety Training → "
                "Dossiers and run Export Dossier Archive first.",
                count=len(missing), names=", ".join(missing[:5].mapped("name"))))

    def action_export_archive(self):
        """Export these dossiers (PDF and workbook each) into a zip attached to an export log, and open it."""
        log = self.env["safety.retention.log"]._log("export", self.with_context(active_test=False))
        return log._action_open()

    def _recompute_retention(self):
        """Recompute the retention end of these dossiers, after a retention policy changed."""
        for fname in ("retention_kind", "retention_until"):
            self.env.add_to_compute(self._fields[fname], self)
        self.env.flush_all()

    def action_open_training_records(self):
        self.ensure_one()
        return self._action_for_this_dossier("safety_training_dossier.safety_training_record_action")

    # Identity numbers: the full number lives encrypted on the HR version; the dossier shows it masked.

    @api.depends("employee_id.version_id.safety_id_document_type")
    def _compute_id_document_type(self):
        # sudo: the dossier's readers (the person, a manager, a safety officer) cannot read HR versions.
        for dossier in self:
            dossier.id_document_type = dossier.sudo().employee_id.version_id.safety_id_document_type

    def _inverse_id_document_type(self):
        for dossier in self:
            # sudo: safety officers set the type without HR rights; the ORM checked they may write the dossier.
            dossier.sudo().employee_id.version_id.safety_id_document_type = dossier.id_document_type

    @api.depends("employee_id.version_id.safety_id_last4")
    def _compute_id_number(self):
        # sudo: as for the document type.
        for dossier in self:
            dossier.id_number = mask(dossier.sudo().employee_id.version_id.safety_id_last4) or False

    def _inverse_id_number(self):
        for dossier in self:
            if dossier.id_number and "*" in dossier.id_number:
                # The masked value came back unchanged from a form: keep the stored number.
                continue
            # sudo: safety officers set the number without HR rights; the ORM still checked they may
            # write the dossier.
            dossier.sudo().employee_id.version_id._safety_set_id_number(dossier.id_number, dossier.id_document_type)
            dossier.message_post(body=self.env._("Identity number changed by %(user)s.", user=self.env.user.name))

    def _search_id_number(self, operator, value):
        # sudo: the dossier's readers cannot read HR versions; only matching employee ids come back.
        versions = self.env["hr.version"].sudo().search([("identification_id", operator, value)])
        return [("employee_id", "in", versions.employee_id.ids)]

    def action_reveal_id_number(self):
        """Show the full identity number to a Safety administrator, and log who saw whose number."""
        self.ensure_one()
        if not self.env.user.has_group("safety_training_dossier.group_safety_admin"):
            raise AccessError(self.env._("Only a Safety administrator can reveal a full identity number."))
        # sudo: the Safety administrator may lack HR rights; the access check is the group above.
        number = self.sudo().employee_id.version_id.identification_id
        if not number:
            raise UserError(self.env._("%(person)s has no identity number recorded.", person=self.name))
        self.message_post(body=self.env._("Full identity number revealed to %(user)s.", user=self.env.user.name))
        _logger.info("Identity number of dossier %s revealed to user %s", self.id, self.env.uid)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": self.name, "message": number, "sticky": True, "type": "warning"},
        }

    def action_open_rectifications(self):
        return self._action_for_this_dossier("safety_training_dossier.safety_rectification_action")

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

    def _get_induction_card_levels(self):
        """Return the three induction levels of the card, each with its latest passed, confirmed record."""
        self.ensure_one()
        labels = dict(self.env["safety.training.type"]._fields["induction_level"]._description_selection(self.env))
        passed = self.training_record_ids.filtered(
            lambda record: record.state == "confirmed" and record.result == "passed"
            and record.training_type_id.induction_level).sorted(lambda record: (record.date, record.id))
        levels = []
        for level in ("company_level", "workshop_level", "team_level"):
            records = passed.filtered(lambda record, level=level: record.training_type_id.induction_level == level)
            levels.append({"label": labels[level], "record": records[-1:]})
        return levels

    def action_print_induction_card(self):
        self.ensure_one()
        return self.env.ref("safety_training_dossier.safety_induction_card_report_action").report_action(self)
    def _get_report_base_filename(self):
        """Name the dossier PDF that the portal serves as the backend's Print Dossier names it."""
        self.ensure_one()
        return f"{self.employee_number or self.id}-{self.name}"

    def action_grant_portal_access(self):
        """Grant this person portal access in one step and show the login and first password."""
        wizard = self.env["safety.portal.access"].create({"dossier_ids": [Command.set(self.ids)]})
        return wizard.action_grant()

    def _grant_portal_access(self):
        """Create a portal login for each of these people and return one result line (dict) per person.

        With a work e-mail, Odoo's portal invitation is e-mailed. Without one, the login is the employee
        number (工号), else the work mobile number, with a random first password that the user must
        change at the first login. People with a backend user or a portal login are skipped.
        """
        lines = []
        portal_group = self.env.ref("base.group_portal")
        for dossier in self:
            line = {"dossier_id": dossier.id, "result": "skipped"}
            lines.append(line)
            if dossier.user_id:
                line["note"] = self.env._("Has a backend user (%(login)s) and reads the dossier there.",
                                          login=dossier.user_id.login)
                continue
            if dossier.portal_user_id:
                line["note"] = self.env._("Already has portal access (login %(login)s).",
                                          login=dossier.portal_user_id.login)
                continue
            # sudo: safety officers have no HR rights, and reading the contact data and creating the user
            # needs them; the officer's right to write this dossier was checked by the caller's access.
            employee = dossier.sudo().employee_id
            if employee.work_email:
                user, note = dossier._invite_portal_user(employee)
                line.update(result="invitation" if user else "skipped", login=user.login or False, note=note)
            else:
                login = (employee.employee_number or "").strip() or (employee.mobile_phone or "").replace(" ", "")
                if not login:
                    line["note"] = self.env._(
                        "Has no e-mail, employee number or work mobile number to log in with. Enter one in HR.")
                    continue
                if self.env["res.users"].sudo().with_context(active_test=False).search_count(
                        [("login", "=", login)], limit=1):
                    line["note"] = self.env._("The login %(login)s belongs to another user.", login=login)
                    continue
                password = generate_first_password()
                # sudo: safety officers cannot create users; the user gets the portal group only.
                user = self.env["res.users"].sudo().with_context(no_reset_password=True).create({
                    "name": dossier.name,
                    "login": login,
                    "password": password,
                    "partner_id": employee.work_contact_id.id or False,
                    "company_id": dossier.company_id.id,
                    "company_ids": [Command.set(dossier.company_id.ids)],
                    "group_ids": [Command.set(portal_group.ids)],
                    "lang": self.env.lang,
                    "tz": dossier.company_id.partner_id.tz or "Asia/Shanghai",
                    "safety_password_change_required": True,
                })
                line.update(result="password", login=login, first_password=password)
            if line["result"] != "skipped":
                dossier.portal_user_id = user
                dossier.message_post(body=self.env._(
                    "Portal access granted by %(user)s; login %(login)s.", user=self.env.user.name, login=user.login))
                _logger.info("Portal access for dossier %s: user %s (%s)", dossier.id, user.id, line["result"])
        return lines

    def _invite_portal_user(self, employee):
        """Send Odoo's portal invitation to the employee's work e-mail; return ``(user, note)``."""
        self.ensure_one()
        partner = employee.work_contact_id
        try:
            with self.env.cr.savepoint():
                # sudo: the portal wizard needs user-management rights that safety officers lack.
                wizard = self.env["portal.wizard"].sudo().create({"partner_ids": [Command.set(partner.ids)]})
                wizard_user = wizard.user_ids.filtered(lambda line: line.partner_id == partner)
                wizard_user.email = employee.work_email
                wizard_user.action_grant_access()
        except UserError as error:
            return self.env["res.users"], str(error)
        user = partner.with_context(active_test=False).user_ids[:1]
        return user, self.env._("Invitation sent to %(email)s.", email=employee.work_email)

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
            # Every record of the level is printed (a transfer or a return repeats a level).
            induction.extend({"level": levels[level], "record": record} for record in level_records)
            if not level_records:
                induction.append({"level": levels[level], "record": level_records})
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
            "rectifications": self.rectification_ids.filtered(lambda notice: notice.state != "cancelled").sorted(
                lambda notice: (notice.record_id.date, notice.id)),
            # Printed with their reasons, so that an inspector can tell why a requirement without training is not due.
            "exemptions": self.requirement_status_ids.filtered(lambda status: status.state == "exempt").sorted(
                lambda status: (status.due_date, status.id)),
            "print_date": self.company_id._safety_local_today(),
            # The person's entries in the tamper-evident chain, checked when the PDF is printed.
            "integrity": self.env["safety.chain.entry"]._verify(self.company_id, dossier=self),
        }

    def write(self, vals):
        result = super().write(vals)
        if {"id_number", "id_document_type"} & vals.keys():
            # The written value stays in the cache during the write: read the masked number back.
            self.invalidate_recordset(["id_number", "id_document_type"])
        if {"safety_role", "role_appointment_date"} & vals.keys():
            self._record_appointments()
            # Another role selects other rules, whether or not its appointment opens a training.
            self._recompute_compliance()
        if "return_date" in vals:
            self._record_returns()
        return result

    # Compliance engine ----------------------------------------------------

    def _record_appointments(self):
        events = [
            {"dossier_id": dossier.id, "kind": "appointment", "date": dossier.role_appointment_date,
             "safety_role": dossier.safety_role}
            for dossier in self
            if dossier.safety_role in APPOINTED_ROLES and dossier.role_appointment_date
        ]
        if events:
            self.env["safety.dossier.event"]._record(events)

    def _record_returns(self):
        """Open return-to-work retraining when the absence since the last departure is long enough."""
        events = []
        for dossier in self.filtered(lambda dossier: dossier.return_date and dossier.last_departure_date):
            months = dossier.company_id.safety_return_months
            if dossier.return_date >= dossier.last_departure_date + relativedelta(months=months):
                events.append({"dossier_id": dossier.id, "kind": "return_to_work", "date": dossier.return_date,
                               "scope": "workshop"})
        if events:
            self.env["safety.dossier.event"]._record(events)

    @api.model
    def _compliance_engine(self):
        """Return what the batches of one compliance pass share: the rules as plain values, the
        settings of each company, and the rules that match each set of person facts.

        The nightly pass reads the rules, and each company's local today, once for all its
        batches. A rule changed meanwhile schedules another pass
        (safety.requirement._schedule_full_recompute), and a dossier computed with the day
        before is computed again by the next run.
        """
        # sudo: the engine applies every rule, whichever user's change triggered it. Archived rules
        # stay out even when that change was made in a view that shows archived records.
        requirements = self.env["safety.requirement"].sudo().with_context(active_test=True).search([])
        return {
            # Plain dicts, not records: the engine tests thousands of people and records against each rule.
            "rules": [rule._engine_values() for rule in requirements],
            "companies": {},
            # Rules by the facts they select people by: people with the same facts match the same rules.
            "matching_rules": {},
        }

    def _recompute_compliance(self, engine=None):
        """Write the requirement statuses and the compliance state of these dossiers.

        Queries are per batch, not per person: people, events and records are read once
        for all the dossiers as plain values, and the writes are grouped by their values.
        Every status is computed again, but the stored ones are read back only for people
        whose computed statuses differ from the fingerprint kept on their dossier
        (compliance_digest). ``engine`` (see _compliance_engine) carries the rules from
        one batch to the next; without it, they are read for this call.
        """
        # sudo: the engine writes every person's statuses, and the user whose change
        # triggered it may lack safety rights.
        dossiers = self.sudo().with_context(active_test=False)
        # Reading the people also leaves out the dossiers deleted since, as exists() would.
        people = dossiers._person_rows()
        if not people:
            return
        engine = engine or self._compliance_engine()
        dossiers = dossiers.browse([person["id"] for person in people])
        # With this context, status writes keep the dossiers' fingerprints (see safety.requirement.status).
        Status = self.env["safety.requirement.status"].sudo().with_context(
            active_test=False, safety_compliance_engine=COMPLIANCE_ENGINE)
        companies = self._company_values(engine, {person["company_id"] for person in people})
        # Nothing opens before a company's cut-over date, so older events are not read.
        events = read_rows(
            self.env["safety.dossier.event"].sudo(),
            Domain("dossier_id", "in", dossiers.ids) & Domain.OR(
                Domain("company_id", "=", company_id) & (
                    Domain("date", ">=", company["cut_over"]) if company["cut_over"] else Domain.TRUE)
                for company_id, company in companies.items()),
            ["dossier_id", "kind", "date", "scope", "safety_role"])
        events.sort(key=lambda row: (row["date"], row["id"]))
        context = {
            "rules": engine["rules"],
            "companies": companies,
            "events": group_rows(events, "dossier_id"),
            "matching_rules": engine["matching_rules"],
            "to_create": [],
            "to_write": defaultdict(list),
            "dossiers_to_write": defaultdict(list),
            "kept": set(),
        }
        plans = [self._plan_periods(person, context) for person in people]
        context["records"] = self._satisfying_record_rows({
            person["id"]: plan for person, plan in zip(people, plans, strict=True)})
        # People whose statuses may differ from the stored ones, with their computed statuses.
        changed = []
        for person, plan in zip(people, plans, strict=True):
            statuses = self._period_statuses(person, plan, context)
            digest = self._status_digest(person, statuses)
            if digest == person["compliance_digest"]:
                # Same statuses as at the last computation, so the stored ones and the dossier's state are right.
                today = companies[person["company_id"]]["today"]
                if person["compliance_computed_on"] != today:
                    context["dossiers_to_write"][(("compliance_computed_on", today),)].append(person["id"])
            else:
                changed.append((person, statuses, digest))
        existing = read_rows(
            Status, [("dossier_id", "in", [person["id"] for person, _statuses, _digest in changed])],
            list(STATUS_ENGINE_FIELDS)) if changed else []
        context["existing"] = {
            (row["dossier_id"], row["requirement_id"], row["period_start"]): row for row in existing}
        for person, statuses, digest in changed:
            self._queue_status_changes(person, statuses, digest, context)
        # One write per distinct change: a nightly pass mostly moves many statuses to the same state.
        for values, status_ids in context["to_write"].items():
            Status.browse(status_ids).write(dict(values))
        # A met or exempt status is history: it stays even when its rule no longer applies.
        Status.browse([
            row["id"] for row in existing
            if row["id"] not in context["kept"] and row["state"] not in ("met", "exempt")
        ]).unlink()
        Status.create(context["to_create"])
        # No field the engine writes is tracked, so these writes skip mail tracking.
        quiet_dossiers = dossiers.with_context(tracking_disable=True)
        for values, dossier_ids in context["dossiers_to_write"].items():
            quiet_dossiers.browse(dossier_ids).write(dict(values))
        self.env.flush_all()

    def _person_rows(self):
        """Return these dossiers as dicts of plain values, with the facts that requirements select people by."""
        facts_names = ("company_id", "safety_role", "employee_type", "job_id", "department_id")
        value_names = (
            "id", "onboarding_date", "compliance_state", "next_due_date", "compliance_computed_on", "compliance_digest")
        # Grouped by the facts: people of one team and job share a group, and one facts dict.
        groups = self._read_group(
            [("id", "in", self.ids)], [*facts_names, "active"], [f"{name}:array_agg" for name in value_names])
        companies = self.env["res.company"].union(*(group[0] for group in groups))
        jobs = self.env["hr.job"].union(*(group[3] for group in groups))
        departments = self.env["hr.department"].union(*(group[4] for group in groups))
        high_risk = {company.id: bool(company.safety_high_risk_tier) for company in companies}
        risk_classes = {job.id: job.safety_risk_class for job in jobs}
        department_paths = {
            department.id: {int(part) for part in (department.parent_path or "").split("/") if part}
            for department in departments
        }

        rows_by_id = {}
        for company, safety_role, employee_type, job, department, active, *columns in groups:
            key = (company.id, safety_role, employee_type, job.id, department.id)
            facts = {
                "company_id": company.id,
                "high_risk": high_risk[company.id],
                "safety_role": safety_role,
                "employee_type": employee_type,
                "job_id": job.id,
                "job_risk_class": risk_classes.get(job.id, False),
                "department_path": department_paths.get(department.id, set()),
            }
            for values in zip(*columns, strict=True):
                row = {name: False if value is None else value for name, value in zip(value_names, values, strict=True)}
                row.update(active=active, company_id=company.id, department_id=department.id, job_id=job.id,
                           facts=facts, facts_key=key)
                rows_by_id[row["id"]] = row
        # In the order of ``self``, which sets the order of new statuses. A deleted dossier has no row.
        return [rows_by_id[dossier_id] for dossier_id in self.ids if dossier_id in rows_by_id]

    def _person_facts(self):
        """Return what requirements select people by, as plain values."""
        self.ensure_one()
        return self.with_context(active_test=False)._person_rows()[0]["facts"]

    @api.model
    def _company_values(self, engine, company_ids):
        """Return the local today and the compliance settings of each company, by company id.

        They are read once per ``engine`` (see _compliance_engine).
        """
        for company in self.env["res.company"].browse(set(company_ids) - engine["companies"].keys()):
            today = company._safety_local_today()
            engine["companies"][company.id] = {
                "today": today,
                "cut_over": company.safety_cut_over_date,
                "due_soon_limit": today + timedelta(days=company.safety_due_soon_days),
            }
        return {company_id: engine["companies"][company_id] for company_id in company_ids}

    @api.model
    def _satisfying_record_rows(self, plans):
        """Return the confirmed, passed and attended records that can count for ``plans``, as TrainingRow
        tuples by dossier id.

        ``plans`` maps dossier ids to their plan (see _plan_periods). Only records of the
        plan's training types and courses, from its first window on, are read. Each
        person's rows are sorted by date, then by id.
        """
        # Read from the first of the month: fewer distinct dates keep the query short, and the
        # windows leave out the extra days.
        buckets = defaultdict(lambda: {"dossier_ids": [], "type_ids": set(), "course_ids": set()})
        for dossier_id, plan in plans.items():
            since = plan["records_since"]
            if since is None:
                continue
            bucket = buckets[since and since.replace(day=1)]
            bucket["dossier_ids"].append(dossier_id)
            for rule, _periods in plan["rules"]:
                bucket["type_ids"] |= rule["type_ids"]
                bucket["course_ids"] |= rule["course_ids"]
        if not buckets:
            return {}
        people = Domain.OR(
            Domain("dossier_id", "in", bucket["dossier_ids"])
            & (Domain("date", ">=", month) if month else Domain.TRUE)
            & (Domain("training_type_id", "in", list(bucket["type_ids"]))
               | Domain("course_id", "in", list(bucket["course_ids"])))
            for month, bucket in buckets.items())
        groups = self.env["safety.training.record"].sudo()._read_group(
            people & Domain([("state", "=", "confirmed"), ("attendance", "in", CREDITED_ATTENDANCE),
                             ("result", "=", "passed")]),
            ["dossier_id"], ["date:array_agg", "training_type_id:array_agg", "course_id:array_agg", "hours:array_agg"])
        # The arrays come ordered by record id, and the sort is stable: same-day records stay in id order.
        return {
            dossier.id: sorted(map(TrainingRow, dates, type_ids, course_ids, hours), key=attrgetter("date"))
            for dossier, dates, type_ids, course_ids, hours in groups
        }

    @api.model
    def _plan_periods(self, person, context):
        """Return the rules that concern one person (a row of _person_rows), with the periods that
        need no records, and the first date a record can count from.

        The plan is a dict. Its ``rules`` are (rule, periods) pairs, where periods is None for
        a "months" rule because its periods depend on the records. Its ``records_since`` is
        the first day of any window, False when every record is needed, and None when none is.
        """
        plan = {"rules": [], "records_since": None}
        if not person["active"]:
            return plan
        Requirement = self.env["safety.requirement"]
        company = context["companies"][person["company_id"]]
        events = context["events"].get(person["id"], [])
        event_kinds = {event["kind"] for event in events}
        rules = context["matching_rules"].get(person["facts_key"])
        if rules is None:
            rules = [
                rule for rule in context["rules"] if Requirement._criteria_match(rule["criteria"], person["facts"])
            ]
            context["matching_rules"][person["facts_key"]] = rules
        window_starts = []
        for rule in rules:
            if rule["recurrence"] == "months":
                plan["rules"].append((rule, None))
                continue
            # A rule opened by an event opens nothing for a person without such an event.
            if rule["recurrence"] == "once" and rule["trigger"] not in event_kinds:
                continue
            periods = Requirement._periods(rule, person, events, None, company)
            if periods:
                plan["rules"].append((rule, periods))
                window_starts.extend(period[2] for period in periods)
        if any(periods is None for _rule, periods in plan["rules"]):
            plan["records_since"] = False
        elif window_starts:
            plan["records_since"] = min(window_starts)
        return plan

    @api.model
    def _period_statuses(self, person, plan, context):
        """Return the statuses of one person (a row of _person_rows) from the plan of _plan_periods,
        as (rule, period start, due date, hours done, state, window start, window end) tuples.

        The state is the computed one: _queue_status_changes keeps an exempt status exempt.
        """
        company = context["companies"][person["company_id"]]
        today = company["today"]
        Requirement = self.env["safety.requirement"]
        person_records = context["records"].get(person["id"], [])
        statuses = []
        for rule, planned in plan["rules"]:
            rule_records = self._rule_records(rule, person_records)
            periods = Requirement._periods(rule, person, [], rule_records, company) if planned is None else planned
            for start, due, window_start, window_end in periods:
                window_records = [
                    row for row in rule_records
                    if row.date >= window_start and (not window_end or row.date <= window_end)
                ]
                # NULL hours count as 0, as the ORM reads them.
                hours = sum(row.hours or 0.0 for row in window_records)
                done = bool(window_records) and hours >= rule["hours_required"]
                if rule["recurrence"] == "months" and today > due:
                    done = False
                if done:
                    state = "met"
                elif today > due:
                    state = "overdue"
                elif due <= company["due_soon_limit"]:
                    state = "due_soon"
                else:
                    state = "missing"
                statuses.append((rule, start, due, hours, state, window_start, window_end))
        return statuses

    @api.model
    def _status_digest(self, person, statuses):
        """Return the fingerprint of the ``statuses`` (see _period_statuses) computed for ``person``."""
        # Dates go in as day numbers, which turn into text faster than date objects.
        values = (
            person["company_id"], person["department_id"], person["job_id"],
            [(rule["id"], start.toordinal(), due.toordinal(), hours, rule["hours_required"], state,
              window_start.toordinal(), window_end and window_end.toordinal())
             for rule, start, due, hours, state, window_start, window_end in statuses],
        )
        return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()

    @api.model
    def _queue_status_changes(self, person, statuses, digest, context):
        """Queue the creations and updates that make one person's stored statuses the computed
        ``statuses`` (see _period_statuses), and the dossier's compliance state."""
        today = context["companies"][person["company_id"]]["today"]
        open_states = []
        next_due = False
        for rule, start, due, hours, computed_state, window_start, window_end in statuses:
            status = context["existing"].get((person["id"], rule["id"], start))
            state = "exempt" if status and status["state"] == "exempt" else computed_state
            values = {
                "dossier_id": person["id"], "requirement_id": rule["id"], "period_start": start, "due_date": due,
                "hours_done": hours, "hours_required": rule["hours_required"], "state": state,
                "company_id": person["company_id"], "department_id": person["department_id"],
                "job_id": person["job_id"], "window_start": window_start, "window_end": window_end or False,
            }
            if status:
                context["kept"].add(status["id"])
                changed = tuple((name, value) for name, value in values.items() if status[name] != value)
                if changed:
                    context["to_write"][changed].append(status["id"])
            else:
                context["to_create"].append(values)
            if state not in ("met", "exempt"):
                open_states.append(state)
                next_due = min(next_due, due) if next_due else due
        compliance = next((state for state in STATUS_SEVERITY if state in open_states), "compliant")
        values = {
            "compliance_state": compliance, "next_due_date": next_due, "compliance_computed_on": today,
            "compliance_digest": digest,
        }
        if any(person[name] != value for name, value in values.items()):
            context["dossiers_to_write"][tuple(values.items())].append(person["id"])

    @api.model
    def _rule_records(self, rule, records):
        """Return the ``records`` (TrainingRow tuples) of a type or course that satisfies ``rule``."""
        return [
            row for row in records
            if row.training_type_id in rule["type_ids"] or row.course_id in rule["course_ids"]
        ]

    @api.model
    def _cron_recompute_compliance(self):
        """Refresh the HR copies and recompute every dossier once per local day, in committed batches.

        A run that stops midway resumes with the dossiers not yet computed today.
        """
        Dossier = self.sudo()
        today = self.env.company._safety_local_today()
        dossiers = Dossier.search(
            ["|", ("compliance_computed_on", "=", False), ("compliance_computed_on", "<", today)],
            order="compliance_computed_on asc nulls first, id")
        _logger.info("Compliance pass: %s dossiers to compute", len(dossiers))
        if not modules.module.current_test:
            self.env["ir.cron"]._commit_progress(remaining=len(dossiers))
        engine = self._compliance_engine()
        for batch in split_every(COMPLIANCE_BATCH_SIZE, dossiers.ids, Dossier.browse):
            # A future-dated HR version becomes current without a write: copy it onto the dossier here.
            self._sync_from_employees(batch.employee_id)
            batch._recompute_compliance(engine)
            # Commit each batch so that a stopped run keeps its progress; tests run in one transaction.
            if not modules.module.current_test and not self.env["ir.cron"]._commit_progress(len(batch)):
                break
        _logger.info("Compliance pass done")

    def _is_authorised_for(self, operation):
        """Return True when the person has a certificate for ``operation`` that is neither expired,
        invalid nor overdue for review."""
        self.ensure_one()
        certificates = self.sudo().certificate_ids.filtered(lambda certificate: certificate.operation_id == operation)
        return any(certificate.status in ("valid", "review_due") for certificate in certificates)

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
            "work_email": employee.work_email or False,
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
            self.env["safety.dossier.event"]._record([
                {"dossier_id": dossier.id, "kind": "hire", "date": dossier.onboarding_date}
                for dossier in dossiers if dossier.onboarding_date
            ])
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
        dossiers = self.sudo().with_context(active_test=False).search(
            [("employee_id", "in", employees.ids), ("anonymised", "=", False)])
        changed_dossiers = self.browse()
        for dossier in dossiers:
            vals = self._values_from_employee(dossier.employee_id.with_context(active_test=False))
            changed = {
                name: value for name, value in vals.items()
                if dossier._fields[name].convert_to_write(dossier[name], dossier) != value
            }
            if changed.get("departure_date"):
                changed["last_departure_date"] = changed["departure_date"]
            if changed.get("active") and not dossier.active and dossier.last_departure_date:
                # HR clears the departure date when the person comes back: that day is the return.
                changed["return_date"] = dossier.company_id._safety_local_today()
            if changed:
                dossier.write(changed)
                changed_dossiers |= dossier
        changed_dossiers._recompute_compliance()
