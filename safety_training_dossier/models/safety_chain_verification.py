import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.local_dates import local_time_text

_logger = logging.getLogger(__name__)

REPORT_XMLID = "safety_training_dossier.safety_chain_verification_report_action"


class SafetyChainVerification(models.Model):
    """One check of a company's tamper-evident chain, printed as a PDF.

    The monthly anchor is a check taken by a job on the first run of each month: its PDF
    prints the chain head's hash and date for the Safety administrator to sign and file, so
    that a chain rewritten as a whole in the database no longer matches the paper.
    """

    _name = "safety.chain.verification"
    _description = "Tamper-Evident Chain Verification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "checked_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(
        [("manual", "Verification"), ("monthly", "Monthly Anchor")], required=True, default="manual", readonly=True)
    anchor_month = fields.Date(readonly=True, help="First day of the month this anchor was taken for.")
    state = fields.Selection(
        [("draft", "Not Run"), ("verified", "Verified"), ("broken", "Broken")], default="draft", required=True,
        readonly=True, tracking=True)
    checked_at = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Checked By", readonly=True)
    entries_checked = fields.Integer(readonly=True)
    broken_entry_id = fields.Many2one("safety.chain.entry", string="First Broken Entry", readonly=True)
    broken_sequence = fields.Integer(related="broken_entry_id.sequence", string="First Broken Link")
    message = fields.Text(string="Result", readonly=True)
    head_sequence = fields.Integer(string="Chain Head Entry", readonly=True)
    head_hash = fields.Char(string="Chain Head Hash", readonly=True)
    head_recorded_at = fields.Datetime(string="Chain Head Date", readonly=True)
    paper_sequence = fields.Integer(
        string="Filed Anchor Entry", help="Entry number printed on a signed monthly anchor, to compare with the chain.")
    paper_hash = fields.Char(
        string="Filed Anchor Hash", help="Hash printed on that signed monthly anchor; the check fails when it differs.")

    _company_month_uniq = models.Constraint(
        "unique (company_id, anchor_month)", "A company has one monthly chain anchor per month.")

    @api.depends("company_id", "kind", "anchor_month", "checked_at")
    def _compute_name(self):
        for verification in self:
            when = verification.anchor_month.strftime("%Y-%m") if verification.anchor_month else (
                fields.Date.to_string(verification.checked_at.date()) if verification.checked_at else "")
            verification.name = " ".join(part for part in (verification.company_id.name, when) if part)

    def _local_time_text(self, utc_datetime):
        """Return ``utc_datetime`` as text in the company's time zone, for the PDF."""
        return local_time_text(utc_datetime, self.company_id.partner_id.tz)

    def action_verify(self):
        """Check the company's chain, store the result and return to the form."""
        self.ensure_one()
        if not self.env.user.has_group("safety_training_dossier.group_safety_officer"):
            raise AccessError(self.env._("Only safety officers and administrators can verify the chain."))
        self._run()
        return True

    def action_print(self):
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("Run the verification before printing it."))
        return self.env.ref(REPORT_XMLID).report_action(self)

    def _run(self):
        Entry = self.env["safety.chain.entry"]
        for verification in self:
            result = Entry._verify(verification.company_id)
            state, message, broken = result["state"], result["message"], result["broken_entry"]
            if verification.paper_sequence or verification.paper_hash:
                paper_problem = verification._paper_problem()
                if paper_problem and state == "verified":
                    state, message = "broken", paper_problem
            # sudo: the result fields are read-only for users; only this check writes them.
            verification.sudo().write({
                "state": state,
                "message": message,
                "broken_entry_id": broken.id,
                "entries_checked": result["entries"],
                "head_sequence": result["head_sequence"],
                "head_hash": result["head_hash"],
                "head_recorded_at": result["head_recorded_at"],
                "checked_at": fields.Datetime.now(),
                "user_id": self.env.uid,
            })
            _logger.info("Chain of company %s checked: %s, %s entries", verification.company_id.id, state,
                         result["entries"])

    def _paper_problem(self):
        """Return why the filed paper anchor does not match the chain, or False when it matches."""
        self.ensure_one()
        entry = self.env["safety.chain.entry"].sudo().search(
            [("company_id", "=", self.company_id.id), ("sequence", "=", self.paper_sequence)])
        if not entry:
            return self.env._("Entry %(sequence)s of the filed anchor is not in the chain.",
                              sequence=self.paper_sequence)
        if entry.entry_hash != (self.paper_hash or "").strip().lower():
            return self.env._(
                "Entry %(sequence)s has another hash than the filed anchor: the chain was rewritten after it was "
                "signed.", sequence=self.paper_sequence)
        return False

    @api.model
    def _cron_anchor_chain_heads(self):
        """Take each company's monthly chain anchor once per local month and ask its administrators to sign it.

        Runs daily. A company that already has this month's anchor is skipped, so a second
        run adds nothing. A day the server was down is caught up the next day.
        """
        # sudo: the job checks every company's chain, for any user that runs it.
        Verification = self.sudo()
        heads = self.env["safety.chain.head"].sudo().search([("sequence", ">", 0)])
        for company in heads.company_id:
            month = company._safety_local_today().replace(day=1)
            if Verification.search_count([("company_id", "=", company.id), ("anchor_month", "=", month)], limit=1):
                continue
            anchor = Verification.create({"company_id": company.id, "kind": "monthly", "anchor_month": month})
            anchor._run()
            anchor._attach_pdf()
            anchor._ask_administrators_to_sign()
            _logger.info("Monthly chain anchor of %s for %s: %s", company.name, month, anchor.state)

    def _attach_pdf(self):
        self.ensure_one()
        content, file_type = self.env["ir.actions.report"]._render_qweb_pdf(REPORT_XMLID, self.ids)
        attachment = self.env["ir.attachment"].sudo().create({
            "name": f"{self.name}.{file_type}", "datas": base64.b64encode(content),
            "res_model": self._name, "res_id": self.id,
        })
        self.message_post(attachment_ids=attachment.ids, body=self.env._("Chain anchor printed."))

    def _ask_administrators_to_sign(self):
        self.ensure_one()
        admins = self.env.ref("safety_training_dossier.group_safety_admin").sudo().all_user_ids.filtered(
            lambda user: self.company_id in user.company_ids and user.active and not user.share)
        for admin in admins:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=admin.id,
                summary=self.env._("Sign and file the monthly chain anchor"),
                note=self.env._("Print the attached PDF, sign it and file it with the safety records."))
