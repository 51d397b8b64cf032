from odoo import Command, fields, models
from odoo.exceptions import UserError


class SafetyPortalAccess(models.TransientModel):
    """Grant portal access to people, with or without an e-mail address, and list what each one got."""

    _name = "safety.portal.access"
    _description = "Grant Portal Access to Safety Dossiers"

    department_id = fields.Many2one(
        "hr.department", help="Grant access to every person of this department and its sub-departments.")
    dossier_ids = fields.Many2many(
        "safety.dossier", string="People", default=lambda self: self._default_dossier_ids())
    line_ids = fields.One2many("safety.portal.access.line", "access_id", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft", required=True)

    def _default_dossier_ids(self):
        if self.env.context.get("active_model") == "safety.dossier":
            return [Command.set(self.env.context.get("active_ids") or [])]
        return []

    def action_grant(self):
        """Grant access to the chosen people and show the logins and first passwords."""
        self.ensure_one()
        if not self.env.user.has_group("safety_training_dossier.group_safety_officer"):
            raise UserError(self.env._("Only a safety officer can grant portal access to dossiers."))
        dossiers = self.dossier_ids
        if self.department_id:
            dossiers |= self.env["safety.dossier"].search([("department_id", "child_of", self.department_id.id)])
        if not dossiers:
            raise UserError(self.env._("Choose the people or a department to grant portal access to."))
        self.line_ids = [Command.create(values) for values in dossiers.sorted()._grant_portal_access()]
        self.state = "done"
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Portal Access"),
        }


class SafetyPortalAccessLine(models.TransientModel):
    _name = "safety.portal.access.line"
    _description = "Portal Access Granted to One Person"
    _order = "id"

    access_id = fields.Many2one("safety.portal.access", required=True, ondelete="cascade")
    dossier_id = fields.Many2one("safety.dossier", string="Person", required=True, ondelete="cascade")
    employee_number = fields.Char(related="dossier_id.employee_number")
    result = fields.Selection(
        [("password", "First Password"), ("invitation", "Invitation E-mailed"), ("skipped", "Not Granted")],
        required=True)
    login = fields.Char()
    first_password = fields.Char(help="Hand it to the person; they must change it at their first login.")
    note = fields.Char()

