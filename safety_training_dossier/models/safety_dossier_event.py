from odoo import api, fields, models

from .safety_dossier import SAFETY_ROLES

EVENT_KINDS = [
    ("hire", "Hire"),
    ("transfer", "Transfer"),
    ("return_to_work", "Return After a Long Absence"),
    ("appointment", "Appointment to a Safety Role"),
    ("four_new", "New Process/Technology/Material/Equipment"),
]
TRANSFER_SCOPES = [("workshop", "Another Workshop"), ("team", "Another Team")]


class SafetyDossierEvent(models.Model):
    _name = "safety.dossier.event"
    _description = "Safety Dossier Event"
    _order = "date desc, id desc"

    dossier_id = fields.Many2one("safety.dossier", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="dossier_id.company_id", store=True, index=True)
    kind = fields.Selection(EVENT_KINDS, required=True)
    date = fields.Date(required=True, help="Effective local date of the change.")
    scope = fields.Selection(
        TRANSFER_SCOPES, help="For transfers and returns: which levels of the induction must be redone.")
    safety_role = fields.Selection(SAFETY_ROLES, help="For appointments: the role the person was appointed to.")
    description = fields.Char()

    _dossier_kind_date_uniq = models.Constraint(
        "unique (dossier_id, kind, date)", "A dossier has at most one event of a kind per day.")

    @api.model
    def _record(self, vals_list):
        """Create the events of ``vals_list``, widening the scope of an event that exists that day.

        A second change on the same day, or a second run of a hook, adds no event.
        """
        # sudo: events are written by HR and role changes made by users without safety rights.
        Event = self.sudo()
        existing = Event.search([
            ("dossier_id", "in", [vals["dossier_id"] for vals in vals_list]),
            ("date", "in", [vals["date"] for vals in vals_list]),
        ])
        by_key = {(event.dossier_id.id, event.kind, event.date): event for event in existing}
        to_create = []
        for vals in vals_list:
            key = (vals["dossier_id"], vals["kind"], fields.Date.to_date(vals["date"]))
            event = by_key.get(key)
            if not event:
                to_create.append(vals)
            elif vals.get("scope") == "workshop" and event.scope != "workshop":
                event.scope = "workshop"
        events = Event.create(to_create)
        (events | existing).dossier_id._recompute_compliance()
        return events
