import json
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SafetyCase

TEST_ADDON = "the test-only addon tests/addons/safety_training_dossier_test, which make test installs"


@tagged("post_install", "-at_install")
class TestMixins(SafetyCase):
    """The retention and chain mixins on a fake model that only the test-only addon defines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "safety.test.document" not in cls.env:
            cls.skipTest(cls, f"needs {TEST_ADDON}")
        cls.tags = cls.env["res.partner.category"].create([{"name": "甲"}, {"name": "乙"}])
        cls.document = cls.env["safety.test.document"].create({
            "dossier_id": cls.dossier.id, "name": "考核", "score": 72.5, "done_on": "2026-03-02",
            "passed": False, "tag_ids": [(6, 0, cls.tags.ids)],
        })

    def verify(self):
        return self.env["safety.chain.entry"]._verify(self.company)

    def test_content_is_canonical_json(self):
        entry = self.document._chain_append("original")
        # Sorted keys, no spaces, dates as ISO text, floats with the field's digits, ids sorted.
        tag1, tag2 = sorted(self.tags.ids)
        expected = (f'{{"done_on":"2026-03-02","dossier_id":{self.dossier.id},"name":"考核","passed":false,'
                    f'"score":"72.5","tag_ids":[{tag1},{tag2}]}}')
        self.assertEqual(entry.content, expected)
        self.assertEqual(entry.res_model, "safety.test.document")
        self.assertEqual(self.document.chain_entry_count, 1)

    def test_empty_values_are_null(self):
        self.document.write({"name": False, "done_on": False})
        content = json.loads(self.document._chain_append("original").content)
        self.assertIsNone(content["name"])
        self.assertIsNone(content["done_on"])

    def test_sql_edit_of_fake_document_is_caught(self):
        entry = self.document._chain_append("original")
        self.assertEqual(self.verify()["state"], "verified")
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE safety_test_document SET done_on = '2026-03-03' WHERE id = %s",
                                self.document.id))
        result = self.verify()
        self.assertEqual(result["state"], "broken")
        self.assertEqual(result["broken_entry"], entry)
        self.assertIn("done_on", result["message"])

    def test_correction_references_original(self):
        original = self.document._chain_append("original")
        self.document.score = 80
        correction = self.document._chain_append("correction", reason="复核")
        self.assertEqual(correction.corrects_entry_id, original)
        self.assertEqual(correction.previous_hash, original.entry_hash)
        self.assertEqual(self.verify()["state"], "verified")

    def test_document_deleted_without_purge_is_caught(self):
        self.document._chain_append("original")
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM safety_test_document WHERE id = %s", self.document.id))
        result = self.verify()
        self.assertEqual(result["state"], "broken")
        self.assertIn("deleted without a purge", result["message"])

    def test_retention_guard_on_fake_model(self):
        self.employee.write({"departure_date": date(2026, 3, 10)})
        self.employee.action_archive()
        # The fake document alone makes the dossier worth keeping only through the dossier's records;
        # give it one so that the dossier is under retention.
        self.create_record(theory_score=80, result="passed").action_confirm()
        with freeze_time(datetime(2029, 3, 10, 12, 0)), self.assertRaisesRegex(UserError, "2029-03-10"):
            self.document.sudo().unlink()
        with freeze_time(datetime(2029, 3, 10, 23, 30)):
            self.document.unlink()
        self.assertFalse(self.document.exists())
