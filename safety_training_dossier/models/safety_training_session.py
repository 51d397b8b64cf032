import base64
import io
import logging
import secrets
import time
from datetime import timedelta, timezone

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, consteq, format_datetime
from odoo.tools.misc import hmac

from .safety_training_record import DEFER_DAY_CHECK

_logger = logging.getLogger(__name__)

# Context used when the attendee grid writes its lines: one chatter entry per
# attendee would make saving 30 lines cost 30 times the queries of saving one.
GRID_CONTEXT = {"mail_notrack": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
                "safety_defer_day_check": DEFER_DAY_CHECK}
# HMAC scopes of the two signed links: a QR sign-in link does not open the kiosk, nor the reverse.
SIGN_IN_SCOPE = "safety_training_dossier.sign_in"
KIOSK_SCOPE = "safety_training_dossier.kiosk"
SIGN_IN_SOURCES = ("qr", "kiosk")


class SignInError(UserError):
    """A sign-in the rules reject; its message is shown to the person who tried, with HTTP ``status``."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.status = status


class SafetyTrainingSession(models.Model):
    _name = "safety.training.session"
    _description = "Safety Training Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    course_id = fields.Many2one("safety.training.course", required=True, tracking=True)
    training_type_id = fields.Many2one(related="course_id.training_type_id", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_start = fields.Datetime(string="Start", required=True, tracking=True)
    date_end = fields.Datetime(string="End", required=True, tracking=True)
    hours = fields.Float(
        string="Training Hours", compute="_compute_hours", store=True, readonly=False, tracking=True,
        help="Hours credited to each attendee who is present or late.")
    location = fields.Char(tracking=True)
    trainer_name = fields.Char(string="Trainer", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, tracking=True, copy=False)
    record_ids = fields.One2many("safety.training.record", "session_id", string="Attendees", copy=False)
    attendee_count = fields.Integer(compute="_compute_attendee_count")
    note = fields.Html()
    photo_ids = fields.Many2many(
        "ir.attachment", "safety_training_session_photo_rel", "session_id", "attachment_id",
        string="Photos and Sign-in Sheet", help="Photos of the session and scans of the signed sheet; images are "
                                                "printed in the session archive.")

    sign_in_key = fields.Char(
        copy=False, readonly=True, groups="safety_training_dossier.group_safety_officer",
        default=lambda self: secrets.token_urlsafe(32),
        help="Random value signed into the session's sign-in links; a new key revokes the links printed before.")
    sign_in_open_minutes = fields.Integer(
        string="Sign-in Opens (Minutes Before Start)", default=30, tracking=True,
        help="Minutes before the start from which attendees can sign in. Sign-in closes at the end of the session.")
    sign_in_grace_minutes = fields.Integer(
        string="Late After (Minutes)", default=10, tracking=True,
        help="Minutes after the start after which a sign-in is marked late.")
    allow_walk_ins = fields.Boolean(
        string="Allow Walk-ins", tracking=True,
        help="People who are not on the attendee list can sign in; the sign-in adds them to it.")
    sign_in_url = fields.Char(
        string="Sign-in Link", compute="_compute_sign_in_links", groups="safety_training_dossier.group_safety_officer",
        help="Link in the QR code: it opens the sign-in page, which asks for a login. It expires at the end of "
             "the session.")
    sign_in_qr = fields.Binary(
        string="Sign-in QR Code", compute="_compute_sign_in_links",
        groups="safety_training_dossier.group_safety_officer")
    kiosk_url = fields.Char(
        string="Kiosk Link", compute="_compute_sign_in_links", groups="safety_training_dossier.group_safety_officer",
        help="Page for a shared tablet, where people sign in with their badge and PIN; needs no login. "
             "It expires at the end of the session.")

    @api.depends("course_id")
    def _compute_hours(self):
        for session in self:
            session.hours = session.course_id.hours

    @api.depends("sign_in_key", "date_end")
    def _compute_sign_in_links(self):
        for session in self:
            if not session.id or not session.date_end:
                session.sign_in_url = session.kiosk_url = session.sign_in_qr = False
                continue
            base_url = session.get_base_url()
            session.sign_in_url = f"{base_url}/safety/sign-in/{session._sign_in_token(SIGN_IN_SCOPE)}"
            session.kiosk_url = f"{base_url}/safety/kiosk/{session._sign_in_token(KIOSK_SCOPE)}"
            session.sign_in_qr = base64.b64encode(_qr_png(session.sign_in_url))

    def action_print_archive(self):
        self.ensure_one()
        return self.env.ref("safety_training_dossier.safety_training_session_report_action").report_action(self)

    def _archive_photos(self):
        """Return the image attachments printed in the session archive."""
        return self.photo_ids.filtered(lambda attachment: (attachment.mimetype or "").startswith("image/"))

    def _compute_attendee_count(self):
        counts = dict(self.env["safety.training.record"]._read_group(
            [("session_id", "in", self.ids)], ["session_id"], ["__count"]))
        for session in self:
            session.attendee_count = counts.get(session, 0)

    @api.constrains("date_start", "date_end", "hours")
    def _check_dates_and_hours(self):
        for session in self:
            if session.date_end < session.date_start:
                raise ValidationError(self.env._(
                    "Session %(session)s ends (%(end)s) before it starts (%(start)s). "
                    "Set an end at or after the start.",
                    session=session.name, end=format_datetime(self.env, session.date_end),
                    start=format_datetime(self.env, session.date_start)))
            if session.hours <= 0:
                raise ValidationError(self.env._(
                    "Session %(session)s: training hours must be greater than 0, not %(hours)s.",
                    session=session.name, hours=session.hours))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("safety.training.session") or "/"
        grid_vals = [vals.pop("record_ids", None) for vals in vals_list]
        sessions = super().create(vals_list)
        for session, record_commands in zip(sessions, grid_vals, strict=True):
            if record_commands:
                session.with_context(**GRID_CONTEXT).write({"record_ids": record_commands})
        return sessions

    def write(self, vals):
        record_commands = vals.pop("record_ids", None)
        result = super().write(vals) if vals else True
        if record_commands is not None:
            if any(session.state != "draft" for session in self):
                raise UserError(self.env._("Attendees can only be changed while the session is a draft."))
            super(SafetyTrainingSession, self.with_context(**GRID_CONTEXT)).write({"record_ids": record_commands})
            # The grid defers this check line by line; run it once for every line now.
            self.record_ids._check_hours_per_day()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        for session in self:
            if session.record_ids.filtered(lambda record: record.state == "confirmed"):
                raise UserError(self.env._(
                    "Session %(session)s contains confirmed training records, which belong to the attendees' "
                    "dossiers, so it cannot be deleted.", session=session.name))

    def action_confirm(self):
        """Confirm every attendee's record, which locks it, and close the session."""
        for session in self:
            if session.state != "draft":
                raise UserError(self.env._("Session %(session)s is not a draft.", session=session.name))
            if not session.record_ids:
                raise UserError(self.env._(
                    "Session %(session)s has no attendees. Add attendees before confirming it.",
                    session=session.name))
        self.record_ids.filtered(lambda record: record.state == "draft").action_confirm()
        self.state = "done"

    def action_cancel(self):
        for session in self:
            if session.state != "draft":
                raise UserError(self.env._("Only a draft session can be cancelled; %(session)s is not.",
                                           session=session.name))
        self.state = "cancelled"

    def action_print_sign_in_sheet(self):
        self.ensure_one()
        return self.env.ref("safety_training_dossier.safety_training_session_sign_in_sheet_action").report_action(self)

    def action_renew_sign_in_key(self):
        """Replace the sign-in key, so that the QR codes and kiosk links given out before stop working."""
        for session in self:
            session.sign_in_key = secrets.token_urlsafe(32)
            session.message_post(body=self.env._(
                "New sign-in QR code by %(user)s; the codes printed before no longer work.", user=self.env.user.name))

    def action_open_kiosk(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.kiosk_url, "target": "new"}

    def action_reset_to_draft(self):
        for session in self:
            if session.state != "cancelled":
                raise UserError(self.env._("Only a cancelled session can return to draft; %(session)s is not.",
                                           session=session.name))
        self.state = "draft"

    # Sign-in ---------------------------------------------------------------

    def _sign_in_token(self, scope, expires_at=None):
        """Return the signed link token of this session: ``<session id>.<expiry>.<HMAC-SHA256>``.

        The expiry is a UTC Unix timestamp, the end of the session unless ``expires_at`` is given. The
        HMAC (256 bits) is keyed with the database secret and covers the session id, the expiry and the
        session's sign-in key, so a token cannot be forged, moved to another session or extended.
        """
        self.ensure_one()
        # Odoo stores naive UTC datetimes.
        expiry = int((expires_at or self.date_end).replace(tzinfo=timezone.utc).timestamp())
        return f"{self.id}.{expiry}.{self._sign_in_signature(scope, expiry)}"

    def _sign_in_signature(self, scope, expiry):
        # sudo: the database secret and the sign-in key are readable by no user who signs in.
        session = self.sudo()
        return hmac(session.env, scope, f"{session.id}.{expiry}.{session.sign_in_key or ''}")

    @api.model
    def _from_sign_in_token(self, token, scope):
        """Return the session (sudo) that ``token`` was signed for, or raise SignInError.

        A token with a wrong signature or for no existing session is invalid; a correct one past its
        expiry is expired. The caller then checks the session's own sign-in window.
        """
        invalid = SignInError(self.env._(
            "This sign-in link is invalid. Scan the QR code of the session again, or ask the safety officer "
            "for a new one."), status=404)
        parts = (token or "").split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise invalid
        session_id, expiry, signature = int(parts[0]), int(parts[1]), parts[2]
        # sudo: the person signing in may not read sessions they are not on yet; the signature proves the link.
        session = self.sudo().browse(session_id).exists()
        if not session or not consteq(signature, session._sign_in_signature(scope, expiry)):
            raise invalid
        if time.time() > expiry:
            raise SignInError(self.env._(
                "This sign-in link of session %(session)s has expired. Ask the safety officer for the current "
                "QR code.", session=session.name))
        return session

    def _check_sign_in_open(self, now):
        """Raise SignInError unless attendees can sign in to this session at ``now`` (naive UTC)."""
        self.ensure_one()
        if self.state == "cancelled":
            raise SignInError(self.env._("Session %(session)s was cancelled: there is nothing to sign in to.",
                                         session=self.name))
        if self.state == "done":
            raise SignInError(self.env._(
                "Session %(session)s is closed: its attendance is confirmed. Ask the safety officer.",
                session=self.name))
        opens_at = self.date_start - timedelta(minutes=max(self.sign_in_open_minutes, 0))
        tz = self.company_id.partner_id.tz or "Asia/Shanghai"
        if now < opens_at:
            raise SignInError(self.env._(
                "Sign-in to session %(session)s opens at %(time)s. Scan the code again then.",
                session=self.name, time=format_datetime(self.env, opens_at, tz=tz, dt_format="short")))
        if now > self.date_end:
            raise SignInError(self.env._(
                "Sign-in to session %(session)s closed at %(time)s, when the session ended.",
                session=self.name, time=format_datetime(self.env, self.date_end, tz=tz, dt_format="short")))

    def _attendee_record(self, dossier):
        """Return the record of ``dossier`` in this session (empty for a walk-in), or raise SignInError
        when the person may not sign in to it."""
        self.ensure_one()
        if dossier.company_id != self.company_id or not dossier.active:
            raise SignInError(self.env._(
                "%(person)s is not invited to session %(session)s.", person=dossier.name, session=self.name))
        record = self.record_ids.filtered(lambda record: record.dossier_id == dossier)[:1]
        if not record and not self.allow_walk_ins:
            raise SignInError(self.env._(
                "%(person)s is not on the attendee list of session %(session)s, which takes no walk-ins. "
                "Ask the safety officer to add you.", person=dossier.name, session=self.name))
        return record

    def _sign_in(self, dossier, source, now=None):
        """Record that the person of ``dossier`` is here, and return ``(record, first_time)``.

        Raises SignInError when the session is not open or the person is not invited (unless the session
        allows walk-ins). A second sign-in changes nothing and returns ``first_time`` False.
        """
        self.ensure_one()
        assert source in SIGN_IN_SOURCES
        now = now or fields.Datetime.now()
        # sudo: the person signs in without rights on sessions or records; the caller checked who they are.
        session = self.sudo()
        # Sign-ins of one session wait for each other, so a double tap cannot add a walk-in twice.
        self.env.cr.execute(SQL("SELECT id FROM safety_training_session WHERE id = %s FOR UPDATE", session.id))
        session.invalidate_recordset()
        session._check_sign_in_open(now)
        record = session._attendee_record(dossier)
        if record.signed_in_at:
            return record, False
        late = now > session.date_start + timedelta(minutes=max(session.sign_in_grace_minutes, 0))
        values = {"signed_in_at": now, "attendance": "late" if late else "present", "source": source}
        Record = self.env["safety.training.record"].sudo().with_context(mail_create_nosubscribe=True)
        if record:
            record.write(values)
        else:
            record = Record.create({"session_id": session.id, "dossier_id": dossier.id, **values})
        _logger.info("Sign-in to session %s: dossier %s, record %s, source %s, late %s",
                     session.id, dossier.id, record.id, source, late)
        return record, True


def _qr_png(value):
    """Return a PNG image of ``value`` as a QR code."""
    image = qrcode.make(value, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
