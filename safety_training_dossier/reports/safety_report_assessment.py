from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.safety_dossier import EMPLOYEE_TYPES


class SafetyReportAssessment(models.Model):
    """Pass rates: one row per assessed first attempt (a confirmed record that is no re-examination, passed or
    failed) with the outcome of its chain of re-examinations."""

    _name = "safety.report.assessment"
    _description = "Safety Assessment Analysis"
    _auto = False
    _order = "date desc, id"

    dossier_id = fields.Many2one("safety.dossier", string="Person", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    job_id = fields.Many2one("hr.job", readonly=True)
    employee_type = fields.Selection(EMPLOYEE_TYPES, readonly=True)
    course_id = fields.Many2one("safety.training.course", readonly=True)
    training_type_id = fields.Many2one("safety.training.type", readonly=True)
    date = fields.Date(string="First Attempt", readonly=True)
    attempt_count = fields.Integer(
        string="Attempts", readonly=True, help="Confirmed attempts: the first one and its re-examinations.")
    first_passed = fields.Integer(string="Passed at First Attempt", readonly=True)
    final_passed = fields.Integer(string="Passed Finally", readonly=True)
    first_pass_rate = fields.Float(
        string="Pass Rate, First Attempt (%)", readonly=True, aggregator="avg", digits=(5, 1),
        help="Assessed first attempts that passed, out of the assessed first attempts shown.")
    final_pass_rate = fields.Float(
        string="Pass Rate, Final (%)", readonly=True, aggregator="avg", digits=(5, 1),
        help="Assessed first attempts that passed at the first attempt or at a re-examination.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # A re-examination points to the record it takes again (retake_of_id); the recursive part
        # follows these links from each first attempt to every later attempt.
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(view)s AS (
                WITH RECURSIVE chain (record_id, first_id) AS (
                    SELECT id, id FROM safety_training_record WHERE retake_of_id IS NULL
                     UNION ALL
                    SELECT retake.id, chain.first_id
                      FROM safety_training_record retake
                      JOIN chain ON retake.retake_of_id = chain.record_id
                )
                SELECT first.id,
                       first.dossier_id,
                       first.company_id,
                       dossier.department_id,
                       dossier.job_id,
                       dossier.employee_type,
                       first.course_id,
                       first.training_type_id,
                       first.date,
                       COUNT(attempt.id) FILTER (WHERE attempt.state = %(confirmed)s) AS attempt_count,
                       CASE WHEN first.result = %(passed)s THEN 1 ELSE 0 END AS first_passed,
                       CASE WHEN BOOL_OR(attempt.state = %(confirmed)s AND attempt.result = %(passed)s)
                            THEN 1 ELSE 0 END AS final_passed,
                       CASE WHEN first.result = %(passed)s THEN 100.0 ELSE 0.0 END AS first_pass_rate,
                       CASE WHEN BOOL_OR(attempt.state = %(confirmed)s AND attempt.result = %(passed)s)
                            THEN 100.0 ELSE 0.0 END AS final_pass_rate
                  FROM safety_training_record first
                  JOIN safety_dossier dossier ON dossier.id = first.dossier_id
                  JOIN chain ON chain.first_id = first.id
                  JOIN safety_training_record attempt ON attempt.id = chain.record_id
                 WHERE first.retake_of_id IS NULL
                   AND first.state = %(confirmed)s
                   AND first.result IN %(assessed)s
                 GROUP BY first.id, dossier.department_id, dossier.job_id, dossier.employee_type
            )
            """,
            view=SQL.identifier(self._table), confirmed="confirmed", passed="passed", assessed=("passed", "failed"),
        ))
