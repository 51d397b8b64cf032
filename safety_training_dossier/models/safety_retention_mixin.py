from odoo import api, models
from odoo.exceptions import UserError


class SafetyRetentionMixin(models.AbstractModel):
    """Refuse to delete documents of a dossier before the dossier's retention end.

    A model returns the dossiers its documents belong to from ``_retention_dossiers``
    and may narrow the protected documents in ``_retention_protected``. The check runs
    for every caller, ``sudo()`` and RPC included; only uninstalling skips it, and
    uninstalling has its own guard.
    """

    _name = "safety.retention.mixin"
    _description = "Retention Period Mixin"

    def _retention_dossiers(self):
        """Return the dossiers whose retention period covers these documents."""
        return self.dossier_id

    def _retention_protected(self):
        """Return the documents among these that the retention period protects."""
        return self

    @api.ondelete(at_uninstall=False)
    def _unlink_except_under_retention(self):
        dossiers = self._retention_protected()._retention_dossiers()
        retained = dossiers.filtered(lambda dossier: dossier._is_under_retention())
        if retained:
            raise UserError(retained._retention_message())
