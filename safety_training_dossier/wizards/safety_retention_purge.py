import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.safety_training_record import PURGE

_logger = logging.getLogger(__name__)


class SafetyRetentionPurge(models.TransientModel):
    _name = "safety.retention.purge"
    _description = "Purge Dossiers Past Their Retention Period"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    today = fields.Date(string="Local Today", compute="_compute_today")
    mode = fields.Selection(
        [("delete", "Delete"), ("anonymise", "Anonymise")], required=True, default="delete",
        help="Delete: the dossier, its records, certificates and notices are deleted. Anonymise: the person's "
             "name, employee number and contacts are removed, and the training facts stay for statistics.")
    dossier_ids = fields.Many2many(
        "safety.dossier", string="Dossiers Past Retention", compute="_compute_dossier_ids", store=True,
        readonly=False, context={"active_test": False},
        help="Dossiers of people who left, whose retention period ended before today.")

    @api.depends("company_id")
    def _compute_today(self):
        for wizard in self:
            wizard.today = wizard.company_id._safety_local_today()

    @api.depends("company_id")
    def _compute_dossier_ids(self):
        for wizard in self:
            wizard.dossier_ids = self.env["safety.dossier"].with_context(active_test=False).search(
                [("company_id", "=", wizard.company_id.id),
                 ("retention_until", "<", wizard.company_id._safety_local_today())])

    def action_purge(self):
        """Export the selected dossiers into a zip, then delete or anonymise them, and log the purge."""
        self.ensure_one()
        Log = self.env["safety.retention.log"]
        Log._check_admin()
        dossiers = self.dossier_ids.with_context(active_test=False)
        if not dossiers:
            raise UserError(self.env._("No dossier is past its retention period: there is nothing to purge."))
        anonymised = dossiers.filtered("anonymised")
        if anonymised and self.mode == "anonymise":
            raise UserError(self.env._("These dossiers are already anonymised: %(names)s.",
                                       names=", ".join(anonymised.mapped("name"))))
        retained = dossiers.filtered(lambda dossier: dossier._is_under_retention())
        if retained:
            raise UserError(retained._retention_message())
        log = Log._log("purge", dossiers, mode=self.mode)
        if self.mode == "delete":
            self._delete(dossiers)
        else:
            self._anonymise(dossiers)
        return log._action_open()

    @api.model
    def _delete(self, dossiers):
        """Seal a purge entry for each chained document, then delete the dossiers and what they hold."""
        # sudo: the Safety administrator may lack rights on notices and statuses; the retention
        # check above and in each model's delete guard still applies.
        dossiers = dossiers.sudo().with_context(active_test=False, safety_purge=PURGE)
        records = dossiers.training_record_ids
        reviews = dossiers.certificate_ids.review_ids
        records._chain_append("purge")
        reviews._chain_append("purge")
        dossiers.rectification_ids.unlink()
        records.unlink()
        reviews.unlink()
        dossiers.certificate_ids.unlink()
        count = len(dossiers)
        dossiers.unlink()
        _logger.info("Retention purge deleted %s dossiers", count)

    @api.model
    def _anonymise(self, dossiers):
        """Remove the person's name, number and contacts and the chatter; the chained facts stay."""
        for dossier in dossiers.sudo().with_context(active_test=False):
            dossier.message_ids.unlink()
            dossier.write({
                "name": self.env._("Anonymised dossier %(id)s", id=dossier.id),
                "employee_number": False, "user_id": False, "work_email": False, "portal_user_id": False,
                "anonymised": True,
            })
        _logger.info("Retention purge anonymised %s dossiers", len(dossiers))
