import os
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .. import _encrypt_hr_identification_numbers, uninstall_hook
from ..tools.id_crypto import IdCipher, generate_key
from .common import SafetyCase

NUMBER = "110101198503120017"
MASKED = "**************0017"
LOWER_X = "11010119900307205x"  # check character X, typed in lowercase


@tagged("post_install", "-at_install")
class TestIdStore(SafetyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_employee = cls.employee.with_user(cls.hr_user)
        cls.hr_employee.identification_id = NUMBER

    def plaintext_rows(self, table, number=NUMBER):
        """Return the rows of ``table`` with ``number`` in any text column."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND data_type IN ('character varying', 'text', 'jsonb')", table))
        columns = [row[0] for row in self.env.cr.fetchall()]
        self.assertTrue(columns, table)
        condition = SQL(" OR ").join(
            SQL("%s::text LIKE %s", SQL.identifier(column), f"%{number}%") for column in columns)
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE %s", SQL.identifier(table), condition))
        return self.env.cr.fetchall()

    def test_hr_field_holds_no_plaintext(self):
        # With tracking on, as in the HR app: HR's field tracked the old and new numbers.
        self.hr_employee.with_context(tracking_disable=False).identification_id = "310115199007071236"
        self.hr_employee.with_context(tracking_disable=False).identification_id = NUMBER
        for number in (NUMBER, "310115199007071236"):
            for table in ("hr_version", "hr_employee", "safety_dossier", "mail_tracking_value", "mail_message"):
                self.assertEqual(self.plaintext_rows(table, number), [], table)
        version = self.employee.version_id
        self.env.cr.execute(SQL("SELECT identification_id, safety_id_encrypted FROM hr_version WHERE id = %s",
                                version.id))
        plain_column, ciphertext = self.env.cr.fetchone()
        self.assertIsNone(plain_column)
        self.assertTrue(ciphertext.startswith("v1:"))

    def test_hr_officer_reads_and_searches_the_full_number(self):
        self.assertEqual(self.hr_employee.identification_id, NUMBER)
        Employee = self.env["hr.employee"].with_user(self.hr_user)
        self.assertEqual(Employee.search([("identification_id", "=", NUMBER)]), self.employee)
        self.assertEqual(Employee.search([("identification_id", "in", [NUMBER, "x"])]), self.employee)
        self.assertFalse(Employee.search([("identification_id", "=", "110101198503120025")]))
        self.assertIn(self.employee, Employee.search([("identification_id", "!=", False)]))
        with self.assertRaises(UserError):
            Employee.search([("identification_id", "ilike", "1101")])

    def test_lowercase_x_is_stored_as_upper_case(self):
        self.hr_employee.identification_id = LOWER_X
        self.assertEqual(self.hr_employee.identification_id, LOWER_X.upper())
        self.assertEqual(self.dossier.id_number, "**************205X")
        self.assertEqual(self.dossier.id_document_type, "resident_id")

    def test_bad_numbers_are_rejected_masked(self):
        cases = {
            "110101198503120018": "check character should be 7",  # wrong check character
            "11010119850312001": "17 characters",
            "ab": "2 characters",
            "E1234567!": "9 characters",
        }
        for number, expected in cases.items():
            with self.subTest(number=number), self.assertRaises(ValidationError) as error:
                self.hr_employee.identification_id = number
            self.assertIn(expected, str(error.exception))
            if len(number) > 4:
                self.assertNotIn(number, str(error.exception))
        # A passport number passes with its own shape.
        self.dossier.with_user(self.officer).write({"id_document_type": "passport", "id_number": "E12345678"})
        self.assertEqual(self.hr_employee.identification_id, "E12345678")
        self.assertEqual(self.dossier.id_document_type, "passport")

    def test_dossier_shows_the_number_masked_to_everyone(self):
        for user in (self.officer, self.admin, self.employee_user):
            dossier = self.dossier.with_user(user)
            self.assertEqual(dossier.id_number, MASKED)
            self.assertEqual(dossier.read(["id_number"])[0]["id_number"], MASKED)
            self.assertEqual(dossier.search_read([("id", "=", dossier.id)], ["id_number"])[0]["id_number"], MASKED)
        exported = self.dossier.with_user(self.officer).export_data(["name", "id_number"])["datas"]
        self.assertEqual(exported, [["张伟", MASKED]])
        # Only HR users read HR's field; the others get an access error, not the number.
        with self.assertRaises(AccessError):
            self.employee.version_id.with_user(self.officer).read(["identification_id"])
        with self.assertRaises(AccessError):
            self.env["hr.version"].with_user(self.officer).search_read([], ["identification_id"])
        with self.assertRaises(AccessError):
            self.env["hr.employee"].with_user(self.employee_user).search_read(
                [("id", "=", self.employee.id)], ["identification_id"])

    def test_dossier_search_by_exact_number(self):
        Dossier = self.env["safety.dossier"].with_user(self.officer)
        self.assertEqual(Dossier.search([("id_number", "=", NUMBER)]), self.dossier)
        self.assertFalse(Dossier.search([("id_number", "=", "310115199007071236")]))

    def test_officer_sets_the_number_on_the_dossier(self):
        dossier = self.other_dossier.with_user(self.officer)
        dossier.id_number = "310115199007071236"
        self.assertEqual(self.other_employee.identification_id, "310115199007071236")
        self.assertEqual(dossier.id_number, "**************1236")
        # The masked value sent back by a form keeps the stored number.
        dossier.write({"id_number": "**************1236"})
        self.assertEqual(self.other_employee.identification_id, "310115199007071236")
        self.assertEqual(self.plaintext_rows("mail_message", "310115199007071236"), [])
        dossier.id_number = False
        self.assertFalse(self.other_employee.identification_id)

    def test_reveal_is_for_administrators_and_logged(self):
        with self.assertRaises(AccessError):
            self.dossier.with_user(self.officer).action_reveal_id_number()
        action = self.dossier.with_user(self.admin).action_reveal_id_number()
        self.assertEqual(action["params"]["message"], NUMBER)
        log = self.dossier.message_ids[:1]
        self.assertIn("revealed to", log.body)
        self.assertIn(self.admin.name, log.body)
        self.assertNotIn(NUMBER, log.body)
        with self.assertRaises(UserError):
            self.other_dossier.with_user(self.admin).action_reveal_id_number()

    def test_printed_dossier_is_masked(self):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "safety_training_dossier.report_safety_dossier", self.dossier.ids)[0].decode()
        self.assertIn(MASKED, html)
        self.assertNotIn(NUMBER, html)

    def test_missing_key_gives_the_fix(self):
        with patch.dict(os.environ, {"SAFETY_ID_KEY": ""}), self.assertRaises(UserError) as error:
            self.env.invalidate_all()
            self.employee.version_id.identification_id  # noqa: B018
        self.assertIn("safety_id_key", str(error.exception))

    def test_install_moves_plaintext_and_uninstall_restores_it(self):
        version = self.other_employee.version_id
        self.env.cr.execute(SQL("UPDATE hr_version SET identification_id = %s WHERE id = %s",
                                "310115199007071236", version.id))
        field = self.env["ir.model.fields"]._get("hr.version", "identification_id")
        tracking = self.env["mail.tracking.value"].create({
            "field_id": field.id, "mail_message_id": self.other_employee.message_post(body="HR change").id,
            "old_value_char": "", "new_value_char": "310115199007071236"})
        _encrypt_hr_identification_numbers(self.env)
        self.env.invalidate_all()
        self.assertEqual(self.plaintext_rows("hr_version", "310115199007071236"), [])
        self.assertEqual(self.plaintext_rows("mail_tracking_value", "310115199007071236"), [])
        self.assertEqual(tracking.new_value_char, "**************1236")
        self.assertEqual(self.other_employee.identification_id, "310115199007071236")
        # Uninstalling writes every number back into HR's column.
        uninstall_hook(self.env)
        self.env.cr.execute(SQL("SELECT identification_id FROM hr_version WHERE id IN %s",
                                (version.id, self.employee.version_id.id)))
        self.assertEqual(sorted(row[0] for row in self.env.cr.fetchall()), [NUMBER, "310115199007071236"])

    def test_key_rotation_reencrypts_and_keeps_search(self):
        new_key = generate_key()
        version = self.employee.version_id.sudo()
        old_ciphertext = version.safety_id_encrypted
        rotated, checked = self.env["hr.version"]._safety_rotate_id_key(new_key)
        self.assertGreaterEqual(rotated, 1)
        self.assertEqual(checked, rotated)
        self.assertNotEqual(version.safety_id_encrypted, old_ciphertext)
        self.assertEqual(IdCipher(new_key).decrypt(version.safety_id_encrypted), NUMBER)
        with patch.dict(os.environ, {"SAFETY_ID_KEY": new_key}):
            self.env.invalidate_all()
            self.assertEqual(self.hr_employee.identification_id, NUMBER)
            self.assertEqual(self.env["hr.employee"].search([("identification_id", "=", NUMBER)]), self.employee)
        with self.assertRaises(UserError):
            self.env["hr.version"]._safety_rotate_id_key("not-a-key")

    def test_type_and_number_change_independently(self):
        dossier = self.dossier.with_user(self.officer)
        dossier.write({"id_document_type": "other"})
        self.assertEqual(self.hr_employee.identification_id, NUMBER, "changing the type keeps the number")
        self.assertEqual(dossier.id_document_type, "other")
        dossier.write({"id_number": MASKED})
        self.assertEqual(dossier.id_document_type, "other", "the masked number sent back keeps the type")
        self.assertEqual(self.hr_employee.identification_id, NUMBER)

    def test_full_width_and_mistyped_resident_numbers(self):
        full_width = "".join(chr(ord(char) + 0xFEE0) for char in "310115199007071236")
        self.hr_employee.identification_id = full_width
        self.assertEqual(self.hr_employee.identification_id, "310115199007071236")
        # A digit too many or too few is a mistyped resident ID number, not an "other" document.
        for number in ("3101151990070712361", "31011519900707123", "12345"):
            with self.subTest(number=number), self.assertRaises(ValidationError) as error:
                self.hr_employee.identification_id = number
            self.assertIn(f"{len(number)} characters", str(error.exception))
        # With another document type chosen, digits only are allowed.
        self.dossier.write({"id_document_type": "foreign_permanent_residence", "id_number": "123456789012345"})
        self.assertEqual(self.hr_employee.identification_id, "123456789012345")
