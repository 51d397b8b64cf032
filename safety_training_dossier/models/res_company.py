from odoo import models

from ..tools.local_dates import local_today


class ResCompany(models.Model):
    _inherit = "res.company"

    def _safety_local_today(self):
        """Return the company's local date: Odoo runs in UTC, PRC deadlines count local days.

        The time zone is the company partner's, Asia/Shanghai when it has none.
        """
        company = self[:1] or self.env.company
        return local_today(company.partner_id.tz)
