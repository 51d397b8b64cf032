from odoo import api, fields, models

DEPARTMENT_LEVELS = [("workshop", "Workshop"), ("team", "Team"), ("office", "Office")]


class HrDepartment(models.Model):
    _inherit = "hr.department"

    safety_level = fields.Selection(
        DEPARTMENT_LEVELS, string="Safety Level",
        help="Decides what a transfer requires: another workshop redoes workshop- and team-level training, "
             "another team of the same workshop redoes team-level training.")

    safety_officer_user_id = fields.Many2one(
        "res.users", string="Responsible Safety Officer",
        help="Receives the reminders of this department and its sub-departments; empty: the parent's, "
             "then the company's.")
    # Stored so that record rules filter on it as a path domain (rule domains are cached per user).
    safety_manager_user_ids = fields.Many2many(
        "res.users", "safety_department_manager_user_rel", "department_id", "user_id",
        string="Managing Users", compute="_compute_safety_manager_user_ids", store=True, recursive=True,
        compute_sudo=True, help="Users of the managers of this department and of its parent departments.")

    @api.depends("manager_id.user_id", "parent_id.safety_manager_user_ids")
    def _compute_safety_manager_user_ids(self):
        for department in self:
            department.safety_manager_user_ids = department.manager_id.user_id | \
                department.parent_id.safety_manager_user_ids

    def _safety_officer(self):
        """Return the safety officer responsible for this department: its own, a parent's, or the company's."""
        self.ensure_one()
        department = self
        while department:
            if department.safety_officer_user_id:
                return department.safety_officer_user_id
            department = department.parent_id
        return self.company_id.safety_officer_user_id

    def _safety_workshop(self):
        """Return the nearest ancestor (itself included) whose level is workshop, or itself when none is."""
        self.ensure_one()
        department = self
        while department:
            if department.safety_level == "workshop":
                return department
            department = department.parent_id
        return self
