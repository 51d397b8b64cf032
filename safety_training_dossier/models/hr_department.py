from odoo import fields, models

DEPARTMENT_LEVELS = [("workshop", "Workshop"), ("team", "Team"), ("office", "Office")]


class HrDepartment(models.Model):
    _inherit = "hr.department"

    safety_level = fields.Selection(
        DEPARTMENT_LEVELS, string="Safety Level",
        help="Decides what a transfer requires: another workshop redoes workshop- and team-level training, "
             "another team of the same workshop redoes team-level training.")

    def _safety_workshop(self):
        """Return the nearest ancestor (itself included) whose level is workshop, or itself when none is."""
        self.ensure_one()
        department = self
        while department:
            if department.safety_level == "workshop":
                return department
            department = department.parent_id
        return self
