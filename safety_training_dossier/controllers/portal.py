import werkzeug.exceptions

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError
from odoo.fields import Domain
from odoo.http import request, route

from ..models.ir_http import PASSWORD_CHANGE_PATH, is_local_path
from ..models.safety_rectification import OPEN_STATES

DOSSIER_REPORT = "safety_training_dossier.safety_dossier_report_action"


class SafetyPortal(CustomerPortal):
    """The person's own safety training dossier under /my/safety, and the first password change."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "safety_dossier_count" in counters:
            values["safety_dossier_count"] = request.env["safety.dossier"].search_count(_own_dossier_domain())
        return values

    @route("/my/safety", type="http", auth="user", website=True)
    def my_safety_dossier(self, **kwargs):
        dossier = request.env["safety.dossier"].search(_own_dossier_domain(), limit=1)
        if not dossier:
            values = self._prepare_portal_layout_values()
            values["page_name"] = "safety_dossier"
            return request.render("safety_training_dossier.portal_my_safety_no_dossier", values)
        return request.redirect(f"/my/safety/dossier/{dossier.id}")

    @route("/my/safety/dossier/<int:dossier_id>", type="http", auth="user", website=True)
    def my_safety_dossier_page(self, dossier_id, **kwargs):
        dossier = self._check_dossier_access(dossier_id)
        values = self._prepare_portal_layout_values()
        values.update(self._safety_dossier_values(dossier))
        return request.render("safety_training_dossier.portal_my_safety_dossier", values)

    @route("/my/safety/dossier/<int:dossier_id>/pdf", type="http", auth="user", website=True)
    def my_safety_dossier_pdf(self, dossier_id, **kwargs):
        dossier = self._check_dossier_access(dossier_id)
        # The check above passed, so the report may render the dossier as superuser, as Odoo's portal does.
        return self._show_report(dossier.sudo(), "pdf", DOSSIER_REPORT, download=True)

    @route(PASSWORD_CHANGE_PATH, type="http", auth="user", website=True, methods=["GET", "POST"])
    def my_safety_password(self, redirect="/my/safety", **post):
        values = self._prepare_portal_layout_values()
        values["page_name"] = "safety_password"
        # sudo: the flag is readable by administrators only; this reads the current user's own flag.
        values["required"] = request.env.user.sudo().safety_password_change_required
        values["redirect"] = redirect if is_local_path(redirect) else "/my/safety"
        if request.httprequest.method == "POST":
            result = self._update_password(
                post.get("old", "").strip(), post.get("new1", "").strip(), post.get("new2", "").strip())
            if result.get("success"):
                return request.redirect(redirect if is_local_path(redirect) else "/my/safety")
            values["error"] = _error_message(result.get("errors", {}).get("password"))
        return request.render("safety_training_dossier.portal_my_safety_password", values)

    def _check_dossier_access(self, dossier_id):
        """Return the dossier as the current user reads it; 404 when it does not exist, 403 when not theirs."""
        try:
            self._document_check_access("safety.dossier", dossier_id)
        except MissingError as error:
            raise werkzeug.exceptions.NotFound() from error
        except AccessError as error:
            raise werkzeug.exceptions.Forbidden() from error
        return request.env["safety.dossier"].browse(dossier_id)

    def _safety_dossier_values(self, dossier):
        """Return what the dossier page shows, read with the user's own rights."""
        env = request.env
        # sudo: portal users cannot read the company's partner, where the time zone is set.
        company = dossier.company_id.sudo()
        today = company._safety_local_today()
        certificates = dossier.certificate_ids.sorted(
            lambda certificate: (certificate.operation_id.name, certificate.id))
        return {
            "page_name": "safety_dossier",
            "dossier": dossier,
            "today": today,
            "tz": company.partner_id.tz or "Asia/Shanghai",
            # sudo: portal users cannot read departments and jobs; only the names of their own are shown.
            "department_name": dossier.sudo().department_id.name or "",
            "job_name": dossier.sudo().job_id.name or "",
            "statuses": dossier.requirement_status_ids.sorted(
                lambda status: (status.state in ("met", "exempt"), status.due_date, status.id)),
            "records": dossier.training_record_ids.sorted(lambda record: (record.date, record.id), reverse=True),
            "certificates": certificates,
            "countdowns": {certificate.id: _countdown(env, certificate, today) for certificate in certificates},
            "rectifications": dossier.rectification_ids.filtered(lambda notice: notice.state in OPEN_STATES),
            "pdf_url": f"/my/safety/dossier/{dossier.id}/pdf",
        }


def _own_dossier_domain():
    """Return the domain of the current user's own dossiers, as a portal or as an internal user."""
    uid = request.env.uid
    return Domain("portal_user_id", "=", uid) | Domain("user_id", "=", uid)


def _countdown(env, certificate, today):
    """Return the days until the certificate's next deadline (review or expiry) as a short sentence."""
    deadlines = [date for date in (certificate.next_review_date, certificate.valid_until) if date]
    if not deadlines:
        return ""
    days = (min(deadlines) - today).days
    if days < 0:
        return env._("%(days)s days overdue", days=-days)
    if days == 0:
        return env._("Due today")
    return env._("%(days)s days left", days=days)


def _error_message(error):
    """Return the text of an error that the portal's password change returns as a string or a dict."""
    if isinstance(error, dict):
        return " ".join(str(message) for message in error.values())
    return str(error or "")
