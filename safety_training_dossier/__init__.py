import logging

from odoo.tools import SQL

from . import controllers, models, reports, wizards
from .tools.id_crypto import mask

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Set the cut-over date to today, create each company's retention policies and chain head, then
    create the dossiers of the existing employees in one batch.

    With the cut-over at the install date, people hired earlier do not all show as
    overdue for their induction the day the addon is installed.
    """
    for company in env["res.company"].search([("safety_cut_over_date", "=", False)]):
        company.safety_cut_over_date = company._safety_local_today()
    companies = env["res.company"].search([])
    env["safety.retention.policy"]._create_missing(companies)
    env["safety.chain.head"]._create_missing(companies)
    env["safety.dossier"]._create_missing_dossiers()
    _encrypt_hr_identification_numbers(env)


def _encrypt_hr_identification_numbers(env):
    """Move HR's plaintext identification numbers into the encrypted columns, then erase the plaintext.

    The column hr_version.identification_id stays (Odoo drops no column), emptied; the tracking
    values that copied the numbers are masked. Without a configured key the install stops here
    with the reason, unless there is nothing to encrypt.
    """
    env.cr.execute("SELECT id, identification_id FROM hr_version WHERE identification_id IS NOT NULL "
                   "AND identification_id != ''")
    rows = env.cr.fetchall()
    Version = env["hr.version"].sudo()
    for version_id, number in rows:
        version = Version.browse(version_id)
        document_type = "resident_id" if version._safety_looks_like_resident_id(number) else "other"
        version._safety_set_id_number(number, document_type, check=False)
    env.cr.execute("UPDATE hr_version SET identification_id = NULL WHERE identification_id IS NOT NULL")
    fields = env["ir.model.fields"].sudo().search(
        [("model", "in", ("hr.version", "hr.employee")), ("name", "=", "identification_id")])
    trackings = env["mail.tracking.value"].sudo().search([("field_id", "in", fields.ids)])
    for tracking in trackings:
        tracking.write({
            "old_value_char": mask(tracking.old_value_char) or False,
            "new_value_char": mask(tracking.new_value_char) or False,
        })
    if rows or trackings:
        _logger.info("Encrypted %s HR identification numbers and masked %s tracking values", len(rows), len(trackings))


def uninstall_hook(env):
    """Refuse to uninstall while unexported dossiers are under retention, then write the decrypted
    identity numbers back into HR's column, so that uninstalling loses none."""
    env["safety.dossier"]._check_uninstall_allowed()
    env.cr.execute("SELECT id, safety_id_encrypted FROM hr_version WHERE safety_id_encrypted IS NOT NULL")
    rows = env.cr.fetchall()
    if not rows:
        return
    cipher = env["hr.version"]._safety_id_cipher()
    for version_id, ciphertext in rows:
        env.cr.execute(SQL("UPDATE hr_version SET identification_id = %s WHERE id = %s",
                           cipher.decrypt(ciphertext), version_id))
    _logger.info("Wrote %s decrypted identification numbers back into hr_version", len(rows))
