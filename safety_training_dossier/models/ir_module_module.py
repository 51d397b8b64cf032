from odoo import models

MODULE = "safety_training_dossier"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def button_uninstall(self):
        # Checked before any module is marked for removal, so the user sees why at once. The
        # uninstall hook checks again for paths that skip this button.
        modules = self | self.downstream_dependencies()
        if MODULE in modules.mapped("name"):
            self.env["safety.dossier"]._check_uninstall_allowed()
        return super().button_uninstall()
