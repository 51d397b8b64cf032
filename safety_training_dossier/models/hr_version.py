from odoo import api, fields, models

# hr.employee.create_version passes this object in the context: the versions it writes
# take effect on their own date. No RPC client can send it.
NEW_VERSION = object()
# Fields of hr.version that the dossier keeps a stored copy of.
DOSSIER_VERSION_FIELDS = {"department_id", "job_id", "employee_type"}
TRANSFER_FIELDS = ("department_id", "job_id")


class HrVersion(models.Model):
    _inherit = "hr.version"

    employee_type = fields.Selection(
        selection_add=[("dispatched", "Dispatched Worker")],
        # Uninstalling the addon turns dispatched workers back into the HR default.
        ondelete={"dispatched": "set default"},
    )
    safety_no_retraining = fields.Boolean(
        string="Reorganisation, No Safety Retraining", groups="hr.group_hr_user",
        help="Set before changing the job or department of this version when the change is a reorganisation "
             "that requires no transfer retraining.")

    @api.model_create_multi
    def create(self, vals_list):
        versions = super().create(vals_list)
        versions.employee_id._sync_safety_dossiers()
        versions._open_transfers_from_previous_version()
        return versions

    def write(self, vals):
        tracked = [name for name in TRANSFER_FIELDS if name in vals]
        before = {version: {name: version[name] for name in tracked} for version in self} if tracked else {}
        result = super().write(vals)
        if DOSSIER_VERSION_FIELDS & vals.keys() or "date_version" in vals:
            self.employee_id._sync_safety_dossiers()
        if tracked:
            self._open_transfers(before)
        return result

    def _open_transfers_from_previous_version(self):
        """Open transfer retraining for created versions whose job or department differs from the one before."""
        before = {}
        for version in self.filtered("employee_id"):
            previous = version.employee_id.version_ids.filtered(
                lambda other, version=version: other.date_version < version.date_version
            ).sorted("date_version")[-1:]
            if previous:
                before[version] = {name: previous[name] for name in TRANSFER_FIELDS}
        self._open_transfers(before)

    def _open_transfers(self, before):
        """Record a transfer event for each version whose job or department changed.

        A new version takes effect on its own date, an in-place edit of the current version
        on the company's local today. Edits of past versions correct history and open nothing.
        """
        # sudo: HR users change versions; the dossier and its events are safety data.
        Dossier = self.env["safety.dossier"].sudo().with_context(active_test=False)
        dossiers = Dossier.search([("employee_id", "in", [version.employee_id.id for version in before])])
        dossier_by_employee = {dossier.employee_id: dossier for dossier in dossiers}
        events = []
        for version, old in before.items():
            dossier = dossier_by_employee.get(version.employee_id)
            if not dossier or version.sudo().safety_no_retraining:
                continue
            scope = self._transfer_scope(old, version)
            if not scope:
                continue
            today = version.employee_id.company_id._safety_local_today()
            if self.env.context.get("safety_new_version") is NEW_VERSION:
                effective = version.date_version
            elif version == Dossier._current_version(version.employee_id):
                effective = today
            elif version.date_version > today:
                effective = version.date_version
            else:
                continue
            events.append({"dossier_id": dossier.id, "kind": "transfer", "date": effective, "scope": scope,
                           "description": version.department_id.name or version.job_id.name})
        if events:
            self.env["safety.dossier.event"]._record(events)

    @api.model
    def _transfer_scope(self, old, version):
        """Return "workshop", "team" or False for a change from ``old`` values to ``version``."""
        old_department = old.get("department_id", version.department_id)
        old_job = old.get("job_id", version.job_id)
        if old_department != version.department_id:
            if not old_department:
                return False  # a first department completes missing HR data, so it is no transfer
            if not version.department_id:
                return "workshop"
            if old_department._safety_workshop() != version.department_id._safety_workshop():
                return "workshop"
            return "team"
        if old_job != version.job_id and old_job:
            # 调整工作岗位: a new post within the same team still redoes workshop- and team-level training.
            return "workshop"
        return False
