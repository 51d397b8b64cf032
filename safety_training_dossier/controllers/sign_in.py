import logging
from urllib.parse import quote

from odoo import fields
from odoo.http import Controller, request, route
from odoo.tools import consteq, format_datetime

from ..models.ir_http import password_change_url
from ..models.safety_training_session import KIOSK_SCOPE, SIGN_IN_SCOPE, SignInError

_logger = logging.getLogger(__name__)


class SafetySignIn(Controller):
    """Sign-in to a training session: by the QR code's link after a login, or at a kiosk by badge and PIN."""

    @route("/safety/sign-in/<string:token>", type="http", auth="public", website=True, methods=["GET"])
    def sign_in_page(self, token, **kwargs):
        if request.env.user._is_public():
            return request.redirect(f"/web/login?redirect={quote(request.httprequest.path)}")
        # sudo: the flag is readable by administrators only; this reads the current user's own flag.
        if request.env.user.sudo().safety_password_change_required:
            return request.redirect(password_change_url(request.httprequest.path))
        try:
            session = request.env["safety.training.session"]._from_sign_in_token(token, SIGN_IN_SCOPE)
            session._check_sign_in_open(fields.Datetime.now())
            dossier = _own_dossier(session)
            record = session._attendee_record(dossier)
        except SignInError as error:
            return _render_rejection(error)
        return request.render("safety_training_dossier.sign_in_page", {
            **_session_values(session), "dossier": dossier, "record": record, "token": token,
            "signed_in_at": _local_time(session, record.signed_in_at),
        })

    @route("/safety/sign-in/<string:token>", type="http", auth="user", website=True, methods=["POST"])
    def sign_in(self, token, **kwargs):
        try:
            session = request.env["safety.training.session"]._from_sign_in_token(token, SIGN_IN_SCOPE)
            dossier = _own_dossier(session)
            record, first_time = session._sign_in(dossier, "qr")
        except SignInError as error:
            return _render_rejection(error)
        return request.render("safety_training_dossier.sign_in_done", {
            **_session_values(session), "dossier": dossier, "record": record, "first_time": first_time,
            "signed_in_at": _local_time(session, record.signed_in_at),
        })

    @route("/safety/kiosk/<string:token>", type="http", auth="public", website=True, methods=["GET", "POST"])
    def kiosk(self, token, badge="", pin="", **kwargs):
        """Kiosk page for a shared tablet: no login, and it shows no one's data but the name of who signed in."""
        try:
            session = request.env["safety.training.session"]._from_sign_in_token(token, KIOSK_SCOPE)
            session._check_sign_in_open(fields.Datetime.now())
        except SignInError as error:
            return _render_rejection(error)
        values = {**_session_values(session), "token": token}
        if request.httprequest.method == "POST":
            try:
                dossier = _kiosk_dossier(session, badge.strip(), pin.strip())
                record, first_time = session._sign_in(dossier, "kiosk")
            except SignInError as error:
                _logger.info("Kiosk sign-in to session %s rejected: %s", session.id, error)
                values["error"] = str(error)
            else:
                values.update(person_name=dossier.name, first_time=first_time, late=record.attendance == "late")
        return request.render("safety_training_dossier.sign_in_kiosk", values)


def _own_dossier(session):
    """Return the current user's dossier in the session's company (sudo), or raise SignInError."""
    uid = request.env.uid
    # sudo: an internal employee without safety rights finds their own dossier by this exact domain.
    dossier = request.env["safety.dossier"].sudo().search([
        ("company_id", "=", session.company_id.id), "|", ("portal_user_id", "=", uid), ("user_id", "=", uid),
    ], limit=1)
    if not dossier:
        raise SignInError(request.env._(
            "Your login %(login)s is linked to no safety training dossier of %(company)s. Ask the safety officer.",
            login=request.env.user.login, company=session.company_id.name))
    return dossier


def _kiosk_dossier(session, badge, pin):
    """Return the dossier (sudo) of the employee with this badge and PIN, or raise SignInError.

    A wrong badge and a wrong PIN get the same message, so the kiosk does not tell which badges exist.
    """
    wrong = SignInError(request.env._("Badge or PIN is incorrect. Try again, or ask the safety officer."))
    if not badge or not pin:
        raise wrong
    # sudo: the kiosk has no user; badge and PIN are HR fields, read here only to check them.
    employee = request.env["hr.employee"].sudo().search(
        [("barcode", "=", badge), ("company_id", "=", session.company_id.id)], limit=1)
    if not employee or not employee.pin or not consteq(employee.pin, pin):
        _logger.info("Kiosk sign-in to session %s: wrong badge or PIN", session.id)
        raise wrong
    dossier = employee.safety_dossier_ids[:1]
    if not dossier:
        raise SignInError(request.env._("%(person)s has no safety training dossier. Ask the safety officer.",
                                        person=employee.name))
    return dossier


def _session_values(session):
    """Return what every sign-in page shows about the session: course, place and local times."""
    tz = session.company_id.partner_id.tz or "Asia/Shanghai"
    return {
        "session": session,
        "date_start": format_datetime(request.env, session.date_start, tz=tz, dt_format="short"),
        "date_end": format_datetime(request.env, session.date_end, tz=tz, dt_format="short"),
    }


def _local_time(session, value):
    if not value:
        return ""
    tz = session.company_id.partner_id.tz or "Asia/Shanghai"
    return format_datetime(request.env, value, tz=tz, dt_format="short")


def _render_rejection(error):
    """Render the page that explains why the sign-in was rejected, with the error's HTTP status."""
    # The path is left out of the log: it contains the signed token.
    _logger.info("Sign-in rejected for user %s: %s", request.env.uid, error)
    return request.render("safety_training_dossier.sign_in_refused", {"message": str(error)}, status=error.status)
