from odoo import api, fields, models
from odoo.exceptions import UserError

from .hr_version import NEW_VERSION

# Employee fields whose change must be copied onto the dossier.
DOSSIER_EMPLOYEE_FIELDS = {"name", "active", "user_id", "work_email", "company_id", "employee_number",
                           "department_id", "job_id", "employee_type", "departure_date"}


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    employee_number = fields.Char(
        groups="hr.group_hr_user",
        copy=False,
        index=True,
        tracking=True,
        help="Employee number (工号) printed on the dossier; unique within a company.",
    )
    safety_dossier_ids = fields.One2many(
        "safety.dossier", "employee_id", string="Safety Dossiers", groups="hr.group_hr_user")
    safety_dossier_count = fields.Integer(
        compute="_compute_safety_dossier_count", groups="hr.group_hr_user")

    _employee_number_company_uniq = models.Constraint(
        "unique (employee_number, company_id)",
        "Another employee of this company already has this employee number.",
    )

    def _compute_safety_dossier_count(self):
        # No sudo: an HR user without safety rights counts only the dossiers they may open.
        counts = dict(self.env["safety.dossier"].with_context(active_test=False)._read_group(
            [("employee_id", "in", self.ids)], ["employee_id"], ["__count"]))
        for employee in self:
            employee.safety_dossier_count = counts.get(employee, 0)

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        self.env["safety.dossier"]._create_for_employees(employees)
        return employees

    def write(self, vals):
        result = super().write(vals)
        if "identification_id" in vals:
            # The value as typed stays in the employee's cache; the version stored it normalised.
            self.invalidate_recordset(["identification_id"])
        if DOSSIER_EMPLOYEE_FIELDS & vals.keys():
            self._sync_safety_dossiers()
        return result

    def create_version(self, values):
        # Marks the copy-then-write of HR's "new version" so that a transfer takes the version's date.
        return super(HrEmployee, self.with_context(safety_new_version=NEW_VERSION)).create_version(values)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_safety_records(self):
        # Deleting the employee deletes the dossier in SQL, past the dossier's own retention check.
        # sudo: HR users delete employees without holding safety rights; only the retention end is read.
        dossiers = self.env["safety.dossier"].sudo().with_context(active_test=False).search(
            [("employee_id", "in", self.ids)])
        retained = dossiers._retention_protected().filtered(lambda dossier: dossier._is_under_retention())
        if retained:
            raise UserError(retained._retention_message())

    def action_open_safety_dossier(self):
        self.ensure_one()
        dossier = self.safety_dossier_ids[:1]
        return {
            "type": "ir.actions.act_window",
            "res_model": "safety.dossier",
            "view_mode": "form",
            "res_id": dossier.id,
            "name": self.env._("Safety Dossier"),
        }

    def _is_authorised_for(self, operation):
        """Return True when the employee has a current certificate for ``operation`` (a special operation item).

        Other modules ask this before assigning someone to a special operation.
        """
        self.ensure_one()
        # sudo: any module may call this, and the boolean it returns reveals no certificate data.
        dossier = self.sudo().safety_dossier_ids[:1]
        return bool(dossier) and dossier._is_authorised_for(operation)

    def _sync_safety_dossiers(self):
        """Copy name, number, company, department, job and type onto each dossier."""
        self.env["safety.dossier"]._sync_from_employees(self)
