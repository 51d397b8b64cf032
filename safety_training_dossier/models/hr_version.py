import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import config

from ..tools.id_crypto import IdCipher, InvalidKeyError, MissingKeyError, load_master_key, mask
from ..tools.id_number import compute_check_character, is_valid_id_number, normalize_id_number

# hr.employee.create_version passes this object in the context: the versions it writes
# take effect on their own date. No RPC client can send it.
NEW_VERSION = object()
# Fields of hr.version that the dossier keeps a stored copy of.
DOSSIER_VERSION_FIELDS = {"department_id", "job_id", "employee_type"}
TRANSFER_FIELDS = ("department_id", "job_id")

ID_DOCUMENT_TYPES = [
    ("resident_id", "Resident ID Card"),
    ("passport", "Passport"),
    ("hmt_residence_permit", "Residence Permit for Hong Kong, Macao and Taiwan Residents"),
    ("foreign_permanent_residence", "Foreign Permanent Residence ID Card"),
    ("other", "Other"),
]
# 17 digits and a digit or X: entered as a resident ID number, so checked as one.
RESIDENT_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
# Digits only (a final X allowed): with no other document type chosen, checked as a resident ID number.
DIGITS_ONLY = re.compile(r"^[0-9]+X?$")
OTHER_DOCUMENT_SHAPE = re.compile(r"^[A-Z0-9()\-]{5,30}$")


class HrVersion(models.Model):
    _inherit = "hr.version"

    employee_type = fields.Selection(
        selection_add=[("dispatched", "Dispatched Worker")],
        # Uninstalling the addon turns dispatched workers back into the HR default.
        ondelete={"dispatched": "set default"},
    )
    # HR's field keeps its name, form and search, but stores no plaintext: it reads and writes the
    # encrypted columns below.
    identification_id = fields.Char(
        compute="_compute_identification_id", inverse="_inverse_identification_id",
        search="_search_identification_id", store=False, tracking=False, copy=False,
        help="The employee's identity document number. The Safety Training addon stores it encrypted; "
             "only HR users read the full number, and search finds it by the exact number.")
    safety_id_document_type = fields.Selection(
        ID_DOCUMENT_TYPES, string="Identity Document Type", groups="hr.group_hr_user")
    safety_id_encrypted = fields.Char(string="Encrypted Identity Number", groups="base.group_system")
    safety_id_hash = fields.Char(string="Identity Number Search Hash", index=True, groups="base.group_system")
    safety_id_last4 = fields.Char(string="Identity Number Last Characters", groups="hr.group_hr_user")
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
        if "identification_id" in vals:
            # The cache keeps the value as typed; read back the normalised, stored number.
            self.invalidate_recordset(["identification_id"])
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

    # Identity numbers ---------------------------------------------------------

    @api.depends("safety_id_encrypted")
    def _compute_identification_id(self):
        # sudo: HR users read the number through this field; the ciphertext itself is for no one.
        encrypted = {version.id: version.sudo().safety_id_encrypted for version in self}
        cipher = self._safety_id_cipher() if any(encrypted.values()) else None
        for version in self:
            value = encrypted[version.id]
            version.identification_id = cipher.decrypt(value) if value else False

    def _inverse_identification_id(self):
        for version in self:
            version._safety_set_id_number(version.identification_id, version.sudo().safety_id_document_type)

    def _search_identification_id(self, operator, value):
        # sudo: the hash and the ciphertext are readable by no user; the result is a list of ids.
        if operator in ("=", "!=") and not value:
            return [("id", "in", self.sudo()._search([("safety_id_encrypted", operator, False)]))]
        if operator not in ("=", "in"):
            raise UserError(self.env._(
                "Identity numbers are stored encrypted: search them by the exact, complete number."))
        values = [value] if operator == "=" else list(value)
        cipher = self._safety_id_cipher()
        hashes = [cipher.search_hash(normalize_id_number(number)) for number in values if number]
        return [("id", "in", self.sudo()._search([("safety_id_hash", "in", hashes)]))]

    def _safety_set_id_number(self, number, document_type=False, check=True):
        """Check, encrypt and store ``number`` on this version; an empty number clears it.

        ``check=False`` stores a number as it is: the install does so for numbers HR already held.
        """
        self.ensure_one()
        values = {"safety_id_encrypted": False, "safety_id_hash": False, "safety_id_last4": False}
        if number:
            if check:
                number, document_type = self._safety_check_id_number(number, document_type)
            else:
                number = normalize_id_number(number)
            cipher = self._safety_id_cipher()
            values = {
                "safety_id_encrypted": cipher.encrypt(number),
                "safety_id_hash": cipher.search_hash(number),
                "safety_id_last4": number[-4:],
            }
        values["safety_id_document_type"] = document_type or False
        # sudo: the encrypted columns are writable by no user; callers checked the user may set the number.
        self.sudo().write(values)

    @api.model
    def _safety_check_id_number(self, number, document_type=False):
        """Return the normalised number and its document type; raise a ValidationError naming the fix.

        A number shaped like a resident ID number is checked as one (GB 11643), whatever the type is.
        """
        number = normalize_id_number(number)
        masked = mask(number)
        typed_as_resident_id = document_type in (False, None, "resident_id") and DIGITS_ONLY.match(number)
        if document_type == "resident_id" or RESIDENT_ID_SHAPE.match(number) or typed_as_resident_id:
            if not RESIDENT_ID_SHAPE.match(number):
                raise ValidationError(self.env._(
                    "The resident ID number %(number)s has %(length)s characters: it needs 17 digits followed "
                    "by a digit or X.", number=masked, length=len(number)))
            if not is_valid_id_number(number):
                raise ValidationError(self.env._(
                    "The resident ID number %(number)s is not valid: its check character should be %(check)s. "
                    "Check the digits against the ID card.",
                    number=masked, check=compute_check_character(number[:17])))
            return number, "resident_id"
        if not OTHER_DOCUMENT_SHAPE.match(number):
            raise ValidationError(self.env._(
                "The identity document number %(number)s (%(length)s characters) is not valid: use 5 to 30 "
                "letters, digits, hyphens or brackets.", number=masked, length=len(number)))
        return number, document_type or "other"

    @api.model
    def _safety_rotate_id_key(self, new_master_key, sample_size=50):
        """Re-encrypt and re-hash every number under ``new_master_key``, then prove it on a sample.

        Returns (numbers re-encrypted, numbers decrypted back). Raises, leaving the transaction to
        be rolled back, when the sample does not decrypt to the original numbers.
        """
        current = self._safety_id_cipher()
        try:
            new = IdCipher(new_master_key)
        except (MissingKeyError, InvalidKeyError) as error:
            raise UserError(self.env._("The new key is not usable: %(error)s", error=error)) from error
        # sudo: rotation is an administrator's command over every person's number.
        versions = self.sudo().with_context(active_test=False).search([("safety_id_encrypted", "!=", False)])
        numbers = {version.id: current.decrypt(version.safety_id_encrypted) for version in versions}
        for version in versions:
            version.write({"safety_id_encrypted": new.encrypt(numbers[version.id]),
                           "safety_id_hash": new.search_hash(numbers[version.id])})
        self.env.flush_all()
        self.env.invalidate_all()
        sample = versions[:sample_size]
        for version in sample:
            if new.decrypt(version.safety_id_encrypted) != numbers[version.id]:
                raise UserError(self.env._("Key rotation failed: a re-encrypted number does not decrypt back."))
        return len(versions), len(sample)

    @api.model
    def _safety_looks_like_resident_id(self, number):
        return bool(RESIDENT_ID_SHAPE.match(normalize_id_number(number or "")))

    @api.model
    def _safety_id_cipher(self):
        """Return the cipher of the configured key; raise a UserError saying how to configure it."""
        try:
            return IdCipher(load_master_key(config))
        except (MissingKeyError, InvalidKeyError) as error:
            raise UserError(self.env._(
                "Identity numbers cannot be read or stored: %(error)s Generate a key with "
                "\"python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'\" "
                "and set it as safety_id_key in the Odoo configuration file, then restart Odoo.",
                error=error)) from error
