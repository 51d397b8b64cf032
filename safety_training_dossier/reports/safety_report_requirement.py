from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.safety_dossier import EMPLOYEE_TYPES
from ..models.safety_requirement import RECURRENCES
from ..models.safety_requirement_status import STATUS_STATES


class SafetyReportRequirement(models.Model):
    """Training coverage: one row per requirement status that is not exempt, with the person's current
    department, job and employee type."""

    _name = "safety.report.requirement"
    _description = "Safety Training Coverage Analysis"
    _auto = False
    _order = "due_date desc, id"

    dossier_id = fields.Many2one("safety.dossier", string="Person", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    job_id = fields.Many2one("hr.job", readonly=True)
    employee_type = fields.Selection(EMPLOYEE_TYPES, readonly=True)
    onboarding_date = fields.Date(readonly=True)
    requirement_id = fields.Many2one("safety.requirement", readonly=True)
    recurrence = fields.Selection(RECURRENCES, readonly=True)
    period_start = fields.Date(readonly=True)
    due_date = fields.Date(readonly=True)
    state = fields.Selection(STATUS_STATES, readonly=True)
    hours_done = fields.Float(readonly=True, digits=(6, 1))
    hours_required = fields.Float(readonly=True, digits=(6, 1))
    coverage_rate = fields.Float(
        string="Training Coverage (%)", readonly=True, aggregator="avg", digits=(5, 1),
        help="Met requirements out of the requirements shown, exempt ones left out.")
    overdue = fields.Integer(string="Overdue", readonly=True, help="Requirements past their due date, not met.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(view)s AS (
                SELECT status.id,
                       status.dossier_id,
                       dossier.company_id,
                       dossier.department_id,
                       dossier.job_id,
                       dossier.employee_type,
                       dossier.onboarding_date,
                       status.requirement_id,
                       requirement.recurrence,
                       status.period_start,
                       status.due_date,
                       status.state,
                       status.hours_done,
                       status.hours_required,
                       CASE WHEN status.state = %(met)s THEN 100.0 ELSE 0.0 END AS coverage_rate,
                       CASE WHEN status.state = %(overdue)s THEN 1 ELSE 0 END AS overdue
                  FROM safety_requirement_status status
                  JOIN safety_dossier dossier ON dossier.id = status.dossier_id
                  JOIN safety_requirement requirement ON requirement.id = status.requirement_id
                 WHERE status.state != %(exempt)s AND dossier.active
            )
            """,
            view=SQL.identifier(self._table), met="met", overdue="overdue", exempt="exempt",
        ))
