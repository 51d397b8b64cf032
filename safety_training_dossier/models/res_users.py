from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    safety_password_change_required = fields.Boolean(
        string="Must Change Password", copy=False, groups="base.group_system",
        help="Set when a safety officer hands over a first password: every page that needs a login redirects "
             "to the password change page until the user sets a password of their own.")

    def _change_password(self, new_passwd):
        super()._change_password(new_passwd)
        # sudo: the user changing their own password cannot write this system-only field.
        self.sudo().filtered("safety_password_change_required").safety_password_change_required = False
