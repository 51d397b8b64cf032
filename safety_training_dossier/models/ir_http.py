from urllib.parse import quote

import werkzeug.exceptions

from odoo import models
from odoo.exceptions import AccessError
from odoo.http import request

# The password change page and what it needs: the only login-protected routes a user with a
# first password reaches.
PASSWORD_CHANGE_PATH = "/my/safety/password"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        super()._pre_dispatch(rule, args)
        if rule.endpoint.routing.get("auth") != "user" or not request.env.uid:
            return
        # sudo: the flag is readable by administrators only; this reads the current user's own flag.
        if not request.env.user.sudo().safety_password_change_required:
            return
        if request.httprequest.path == PASSWORD_CHANGE_PATH:
            return
        if rule.endpoint.routing.get("type") == "http":
            werkzeug.exceptions.abort(request.redirect(password_change_url(request.httprequest.full_path)))
        raise AccessError(request.env._("Change your first password before you continue."))


def password_change_url(next_path):
    """Return the password change page's URL that leads back to ``next_path`` (a path on this site)."""
    return f"{PASSWORD_CHANGE_PATH}?redirect={quote(next_path.rstrip('?'), safe='')}"


def is_local_path(url):
    """Return True when ``url`` is a path on this site, so that redirecting to it cannot leave the site."""
    return bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url
