import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, modules
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

REMINDER_KINDS = [("before", "Before Due"), ("overdue", "Overdue"), ("escalation", "Weekly Escalation")]
OPEN_STATUS_STATES = ("missing", "due_soon", "overdue")
REMINDER_BATCH_SIZE = 200


class SafetyReminder(models.Model):
    """One reminder of one due item (requirement status or certificate review) at one lead time.

    Its unique key makes the reminder crons safe to run twice and to resume: a reminder is
    first stored, then notified (activities and the person's mail), then sent in a digest.
    """

    _name = "safety.reminder"
    _description = "Safety Reminder"
    _order = "id desc"

    key = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Selection(REMINDER_KINDS, required=True, readonly=True)
    lead_days = fields.Integer(readonly=True, help="Days before the due date; 0 for overdue items.")
    # "set null": the reminder outlives its item, so that its key still blocks a second mail and the
    # daily run can close the activities of an item that is gone.
    status_id = fields.Many2one(
        "safety.requirement.status", string="Requirement Status", readonly=True, index=True, ondelete="set null")
    certificate_id = fields.Many2one("safety.certificate", readonly=True, index=True, ondelete="set null")
    dossier_id = fields.Many2one("safety.dossier", string="Person", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    employee_number = fields.Char(related="dossier_id.employee_number")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    subject = fields.Char(string="Due Item", compute="_compute_subject")
    due_date = fields.Date(required=True, readonly=True)
    recipient_user_id = fields.Many2one(
        "res.users", string="Digest Recipient", readonly=True, index=True,
        help="The safety officer whose daily digest lists it, or the manager or administrator it escalates to.")
    manager_user_id = fields.Many2one("res.users", string="Department Manager", readonly=True)
    activity_ids = fields.Many2many("mail.activity", string="Activities", readonly=True)
    notified = fields.Boolean(readonly=True, index=True, help="Activities created and the person mailed.")
    digested = fields.Boolean(readonly=True, index=True, help="Sent in a digest or an escalation mail.")

    _key_uniq = models.Constraint("unique (key)", "A reminder is sent once per item and lead time.")

    @api.depends_context("lang")
    @api.depends("status_id", "certificate_id")
    def _compute_subject(self):
        for reminder in self:
            certificate = reminder.certificate_id
            reminder.subject = reminder.status_id.requirement_id.name if reminder.status_id else self.env._(
                "Review of certificate %(number)s (%(operation)s)",
                number=certificate.number, operation=certificate.operation_id.name)

    # Crons --------------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self):
        """Daily: store the reminders due today, then notify, then send one digest per safety officer.

        Each step resumes from the stored reminders, so a run that stops midway loses nothing
        and a second run sends nothing twice.
        """
        self._close_resolved_activities()
        self._create_due_reminders()
        self._notify_pending()
        self._send_digests()

    @api.model
    def _cron_escalate_overdue(self):
        """Weekly: mail the overdue items to the department managers and the safety administrators."""
        self._create_due_reminders(escalation=True)
        self._notify_pending()
        self._send_digests()

    # Step 0: close -------------------------------------------------------------

    @api.model
    def _close_resolved_activities(self):
        """Mark done the open reminder activities whose item is met, exempt, reviewed or gone."""
        reminders = self.sudo().search([("activity_ids", "!=", False)])
        resolved = reminders.filtered(lambda reminder: not reminder._still_due())
        if resolved:
            resolved.activity_ids.with_context(mail_activity_quick_update=True).action_feedback(
                feedback=self.env._("Resolved: the item is no longer due."))
        return resolved

    def _still_due(self):
        """Return True while the item of this reminder is open with the same due date."""
        self.ensure_one()
        if self.status_id:
            return self.status_id.state in OPEN_STATUS_STATES and self.status_id.due_date == self.due_date
        certificate = self.certificate_id
        if certificate and certificate.active and not certificate.revoked:
            due = min(day for day in (certificate.next_review_date, certificate.valid_until) if day)
            return due == self.due_date
        return False

    # Step 1: store ---------------------------------------------------------------

    @api.model
    def _create_due_reminders(self, escalation=False):
        """Store the reminders that today's date calls for and that do not exist yet; return them."""
        # sudo: the cron reads every person's due items to remind the people responsible for them.
        Reminder = self.sudo()
        vals_list = []
        for company in self.env["res.company"].sudo().search([]):
            today = company._safety_local_today()
            items = self._due_items(company, today, escalation)
            vals_list += [vals for item in items for vals in self._reminder_values(item, today, escalation)]
        existing = set()
        for keys in split_every(1000, [vals["key"] for vals in vals_list]):
            existing.update(Reminder.search([("key", "in", list(keys))]).mapped("key"))
        vals_list = [vals for vals in vals_list if vals["key"] not in existing]
        created = Reminder.browse()
        for batch in split_every(REMINDER_BATCH_SIZE, vals_list):
            created |= Reminder.create(list(batch))
            self._commit_batch(len(batch))
        _logger.info("Safety reminders: %s new", len(created))
        return created

    @api.model
    def _due_items(self, company, today, escalation):
        """Return the open items of ``company`` due within the largest lead time (overdue only for an
        escalation), as dicts."""
        horizon = today if escalation else today + relativedelta(days=company._safety_reminder_leads()[0])
        Status = self.env["safety.requirement.status"].sudo()
        statuses = Status.search([
            ("company_id", "=", company.id), ("state", "in", OPEN_STATUS_STATES),
            ("dossier_id.active", "=", True), ("due_date", "<" if escalation else "<=", horizon)])
        items = [{"model": "status", "record": status, "dossier": status.dossier_id, "due": status.due_date}
                 for status in statuses]
        certificates = self.env["safety.certificate"].sudo().search([
            ("company_id", "=", company.id), ("revoked", "=", False), ("dossier_id.active", "=", True),
            "|", ("next_review_date", "<" if escalation else "<=", horizon),
            ("valid_until", "<" if escalation else "<=", horizon)])
        for certificate in certificates:
            due = min(day for day in (certificate.next_review_date, certificate.valid_until) if day)
            items.append({"model": "certificate", "record": certificate, "dossier": certificate.dossier_id, "due": due})
        return items

    @api.model
    def _reminder_values(self, item, today, escalation):
        """Return the reminder values ``item`` calls for today: none, one, or one per escalation recipient."""
        dossier = item["dossier"]
        department = dossier.department_id
        officer = department._safety_officer() if department else dossier.company_id.safety_officer_user_id
        officer = officer or self._fallback_officer(dossier.company_id)
        manager = self._department_manager(department)
        base = {
            f"{item['model']}_id": item["record"].id, "dossier_id": dossier.id, "company_id": dossier.company_id.id,
            "department_id": department.id, "due_date": item["due"],
            "manager_user_id": manager.id,
        }
        key = f"{item['model']}:{item['record'].id}:{item['due']}"
        if escalation:
            monday = today - relativedelta(days=today.weekday())
            recipients = manager | self._safety_admins(dossier.company_id)
            return [
                dict(base, key=f"{key}:escalation:{monday}:{user.id}", kind="escalation", lead_days=0,
                     recipient_user_id=user.id)
                for user in recipients
            ]
        if item["due"] < today:
            return [dict(base, key=f"{key}:overdue", kind="overdue", lead_days=0, recipient_user_id=officer.id)]
        days_left = (item["due"] - today).days
        lead = min(lead for lead in dossier.company_id._safety_reminder_leads() if days_left <= lead)
        return [dict(base, key=f"{key}:{lead}", kind="before", lead_days=lead, recipient_user_id=officer.id)]

    @api.model
    def _department_manager(self, department):
        """Return the user of the nearest manager of ``department`` or its parents."""
        while department:
            if department.manager_id.user_id:
                return department.manager_id.user_id
            department = department.parent_id
        return self.env["res.users"]

    @api.model
    def _safety_admins(self, company):
        group = self.env.ref("safety_training_dossier.group_safety_admin").sudo()
        return group.all_user_ids.filtered(
            lambda user: not user.share and company in user.company_ids and user.id != 1)

    @api.model
    def _fallback_officer(self, company):
        """Return the company's first safety administrator, for departments and companies that name no officer."""
        return self._safety_admins(company)[:1]

    # Step 2: notify --------------------------------------------------------------

    @api.model
    def _notify_pending(self):
        """Create the activities and the person's mail of the stored reminders not yet notified."""
        pending = self.sudo().search([("notified", "=", False)], order="dossier_id, id")
        by_dossier = pending.grouped("dossier_id")
        for dossiers in split_every(REMINDER_BATCH_SIZE, list(by_dossier)):
            for dossier in dossiers:
                reminders = by_dossier[dossier]
                reminders._create_activities()
                reminders._mail_person()
                reminders.notified = True
            self._commit_batch(len(dossiers))

    def _create_activities(self):
        """Schedule one activity per reminder for its safety officer and one for the department manager.

        The activities of an earlier lead time of the same item are removed first.
        """
        activity_type = self.env.ref("safety_training_dossier.mail_activity_type_safety_reminder")
        reminders = self.filtered(lambda reminder: reminder.kind != "escalation")
        # One search for the earlier reminders of every item in the batch, grouped by item.
        earlier_by_item = self.search([
            ("id", "not in", reminders.ids), ("kind", "!=", "escalation"), "|",
            ("status_id", "in", reminders.status_id.ids), ("certificate_id", "in", reminders.certificate_id.ids),
        ]).grouped(lambda reminder: (reminder.status_id, reminder.certificate_id))
        for reminder in reminders:
            earlier = earlier_by_item.get((reminder.status_id, reminder.certificate_id), self.browse())
            earlier.activity_ids.unlink()
            users = reminder.recipient_user_id | (reminder.manager_user_id or reminder.recipient_user_id)
            summary = reminder._summary()
            activities = self.env["mail.activity"]
            for user in users:
                activities |= reminder.dossier_id.with_context(mail_activity_quick_update=True).activity_schedule(
                    activity_type_id=activity_type.id, user_id=user.id, summary=summary,
                    date_deadline=max(reminder.due_date, reminder.dossier_id.company_id._safety_local_today()))
            reminder.activity_ids = activities

    def _summary(self):
        self.ensure_one()
        if self.kind == "overdue":
            return self.env._("Overdue since %(date)s: %(item)s", date=self.due_date, item=self.subject)
        return self.env._("Due %(date)s: %(item)s", date=self.due_date, item=self.subject)

    def _mail_person(self):
        """Mail the person of these reminders (one dossier) one list of what they must do, when they have
        an address."""
        reminders = self.filtered(lambda reminder: reminder.kind != "escalation")
        dossier = reminders.dossier_id[:1]
        if not dossier or not dossier.work_email:
            return
        env = self._mail_env(False)
        env["safety.reminder"]._send_mail(
            dossier.work_email, "safety_training_dossier.mail_reminder_person",
            env._("Safety training due: %(person)s", person=dossier.name),
            {"dossier": dossier, "reminders": reminders.with_env(env)}, dossier.company_id)

    # Step 3: digests -------------------------------------------------------------

    @api.model
    def _send_digests(self):
        """Send each recipient one mail listing their notified reminders not yet sent."""
        pending = self.sudo().search([("notified", "=", True), ("digested", "=", False)],
                                     order="recipient_user_id, due_date, id")
        for user, reminders in pending.grouped("recipient_user_id").items():
            if user:
                env = self._mail_env(user.partner_id)
                Reminder = env["safety.reminder"]
                escalations = reminders.filtered(lambda reminder: reminder.kind == "escalation").with_env(env)
                digest = reminders.with_env(env) - escalations
                if digest:
                    Reminder._send_mail(
                        user.partner_id, "safety_training_dossier.mail_reminder_digest",
                        env._("Safety training due list: %(count)s items", count=len(digest)),
                        {"user": user, "reminders": digest}, user.company_id)
                if escalations:
                    Reminder._send_mail(
                        user.partner_id, "safety_training_dossier.mail_reminder_escalation",
                        env._("Overdue safety training: %(count)s items", count=len(escalations)),
                        {"user": user, "reminders": escalations}, user.company_id)
            reminders.digested = True
            self._commit_batch(len(reminders))

    @api.model
    def _mail_env(self, partner):
        """Return the environment mails are written in: Simplified Chinese when it is installed, since the
        addon's users are Chinese sites; else the recipient's language."""
        lang = "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else (partner and partner.lang) or "en_US"
        return self.with_context(lang=lang).env

    @api.model
    def _send_mail(self, recipient, template, subject, values, company):
        """Queue one mail rendered from a QWeb ``template`` in this environment's language.

        ``recipient`` is a partner, or an e-mail address for a person without a user.
        """
        body = self.env["ir.qweb"]._render(template, dict(values, company=company))
        is_partner = isinstance(recipient, models.BaseModel)
        self.env["mail.mail"].sudo().create({
            "subject": subject,
            "body_html": body,
            "email_to": False if is_partner else recipient,
            "recipient_ids": [(4, recipient.id)] if is_partner else [],
            "email_from": company.email_formatted or self.env.user.email_formatted,
            "auto_delete": False,
        })

    @api.model
    def _commit_batch(self, done):
        """Commit a finished batch so that a stopped run keeps it; tests run in one transaction."""
        if not modules.module.current_test:
            self.env["ir.cron"]._commit_progress(done)
