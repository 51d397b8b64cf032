import hashlib
import json
from datetime import datetime

import psycopg2
from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import SafetyCase

GENESIS = "0" * 64


def hash_by_hand(entry, previous_hash):
    """Return the SHA-256 of an entry as the chain defines it, built here without the addon's helpers."""
    header = {
        "company_id": entry.company_id.id, "corrects_sequence": entry.corrects_entry_id.sequence or None,
        "kind": entry.kind, "reason": entry.reason or None, "recorded_at": entry.recorded_at.isoformat(),
        "res_id": entry.res_id, "res_model": entry.res_model, "sequence": entry.sequence,
        "user_id": entry.user_id.id or None,
    }
    payload = json.dumps({"content": json.loads(entry.content), "header": header, "previous_hash": previous_hash},
                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@tagged("post_install", "-at_install")
class TestChain(SafetyCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["safety.chain.entry"]
        cls.operation = cls.env.ref("safety_training_dossier.special_operation_low_voltage")

    def confirmed_record(self, dossier=None, score=80):
        record = self.create_record(dossier, theory_score=score, result="passed")
        record.action_confirm()
        return record

    def entries_of(self, record):
        return self.Entry.search([("res_model", "=", record._name), ("res_id", "=", record.id)], order="sequence")

    def verify(self, **values):
        verification = self.env["safety.chain.verification"].create({"company_id": self.company.id, **values})
        verification.action_verify()
        return verification

    def test_confirm_appends_linked_entry(self):
        head = self.env["safety.chain.head"].search([("company_id", "=", self.company.id)])
        before_sequence, before_hash = head.sequence, head.entry_hash
        first = self.confirmed_record()
        second = self.confirmed_record(self.other_dossier, score=90)
        [entry1], [entry2] = self.entries_of(first), self.entries_of(second)
        self.assertEqual((entry1.sequence, entry2.sequence), (before_sequence + 1, before_sequence + 2))
        self.assertEqual(entry1.kind, "original")
        self.assertEqual(entry1.dossier_id, self.dossier)
        self.assertEqual(entry1.previous_hash, before_hash)
        self.assertEqual(entry2.previous_hash, entry1.entry_hash)
        self.assertEqual(entry1.entry_hash, hash_by_hand(entry1, before_hash))
        self.assertEqual(entry2.entry_hash, hash_by_hand(entry2, entry1.entry_hash))
        content = json.loads(entry1.content)
        self.assertEqual(content["theory_score"], "80.0")
        self.assertEqual(content["date"], "2026-03-02")
        self.assertEqual(content["state"], "confirmed")
        self.assertEqual(content["dossier_id"], self.dossier.id)
        head.invalidate_recordset()
        self.assertEqual((head.sequence, head.entry_hash), (entry2.sequence, entry2.entry_hash))

    def test_draft_record_is_not_sealed(self):
        record = self.create_record(theory_score=80, result="passed")
        self.assertFalse(self.entries_of(record))

    def test_clean_chain_verifies(self):
        self.confirmed_record()
        verification = self.verify()
        self.assertEqual(verification.state, "verified", verification.message)
        self.assertFalse(verification.broken_entry_id)
        self.assertEqual(verification.head_hash, self.Entry.search(
            [("company_id", "=", self.company.id)], order="sequence desc", limit=1).entry_hash)

    def test_sql_edit_of_confirmed_score_is_caught(self):
        self.confirmed_record(self.other_dossier)
        record = self.confirmed_record(score=55 + 25)
        self.confirmed_record(self.other_dossier, score=70)
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE safety_training_record SET theory_score = 95 WHERE id = %s", record.id))
        verification = self.verify()
        self.assertEqual(verification.state, "broken")
        self.assertEqual(verification.broken_entry_id, self.entries_of(record))
        self.assertIn("theory_score", verification.message)

    def test_edited_entry_is_first_broken_link(self):
        first, second = self.confirmed_record(), self.confirmed_record(self.other_dossier)
        entry1, entry2 = self.entries_of(first), self.entries_of(second)
        self.env.flush_all()
        for entry in (entry2, entry1):
            self.env.cr.execute(SQL(
                "UPDATE safety_chain_entry SET content = replace(content, '\"80.0\"', '\"99.0\"') WHERE id = %s",
                entry.id))
        verification = self.verify()
        self.assertEqual(verification.state, "broken")
        self.assertEqual(verification.broken_entry_id, entry1)
        self.assertIn("was changed after it was recorded", verification.message)

    def test_rehashed_entry_breaks_next_link(self):
        first, _second = self.confirmed_record(), self.confirmed_record(self.other_dossier)
        entry1 = self.entries_of(first)
        # A forger who rewrites one entry and its hash still breaks the link to the next entry.
        forged_content = entry1.content.replace('"80.0"', '"99.0"')
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE safety_training_record SET theory_score = 99 WHERE id = %s", first.id))
        self.env.cr.execute(SQL("UPDATE safety_chain_entry SET content = %s WHERE id = %s", forged_content, entry1.id))
        entry1.invalidate_recordset()
        self.env.cr.execute(SQL("UPDATE safety_chain_entry SET entry_hash = %s WHERE id = %s",
                                hash_by_hand(entry1, entry1.previous_hash), entry1.id))
        verification = self.verify()
        self.assertEqual(verification.state, "broken")
        self.assertEqual(verification.broken_sequence, entry1.sequence + 1)
        self.assertIn("does not link", verification.message)

    def test_deleted_entry_is_missing(self):
        first, _second = self.confirmed_record(), self.confirmed_record(self.other_dossier)
        entry1 = self.entries_of(first)
        sequence = entry1.sequence
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM safety_chain_entry WHERE id = %s", entry1.id))
        verification = self.verify()
        self.assertEqual(verification.state, "broken")
        self.assertIn(f"Entry {sequence} is missing", verification.message)

    def test_paper_anchor_mismatch_is_caught(self):
        record = self.confirmed_record()
        entry = self.entries_of(record)
        self.assertEqual(self.verify(paper_sequence=entry.sequence, paper_hash=entry.entry_hash).state, "verified")
        rewritten = self.verify(paper_sequence=entry.sequence, paper_hash="ab" * 32)
        self.assertEqual(rewritten.state, "broken")
        self.assertIn("rewritten", rewritten.message)

    def test_reset_and_reconfirm_append_corrections(self):
        record = self.confirmed_record()
        original = self.entries_of(record)
        wizard = self.env["safety.training.record.reset"].with_user(self.admin).create(
            {"record_id": record.id, "reason": "Score typed wrong: 85 on the paper sheet"})
        wizard.action_reset()
        record.write({"theory_score": 85})
        record.action_confirm()
        original_entry, reset, correction = self.entries_of(record)
        self.assertEqual(original_entry, original)
        self.assertEqual(json.loads(original.content)["theory_score"], "80.0")
        self.assertEqual((reset.kind, reset.corrects_entry_id, reset.reason),
                         ("reset", original, "Score typed wrong: 85 on the paper sheet"))
        self.assertEqual(reset.user_id, self.admin)
        self.assertEqual((correction.kind, correction.corrects_entry_id), ("correction", original))
        self.assertEqual(json.loads(correction.content)["theory_score"], "85.0")
        self.assertEqual(self.verify().state, "verified")

    def test_reset_of_draft_is_refused(self):
        record = self.create_record(theory_score=80, result="passed")
        with self.assertRaisesRegex(UserError, "Only confirmed"):
            record.with_user(self.admin)._reset_to_draft("typo")
        self.assertFalse(self.entries_of(record))

    def test_entries_cannot_be_changed_or_deleted(self):
        entry = self.entries_of(self.confirmed_record())
        for user_entry in (entry.sudo(), entry.with_user(self.admin)):
            with self.subTest(user=user_entry.env.user.login), self.assertRaisesRegex(UserError, "cannot be changed"):
                user_entry.write({"content": "{}"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        with self.assertRaises(AccessError):
            entry.with_user(self.admin).unlink()
        with self.assertRaisesRegex(UserError, "appended"):
            self.Entry.sudo().create({"company_id": self.company.id, "sequence": 999, "res_model": "x",
                                      "res_id": 1, "kind": "original"})

    def test_entry_access_by_role(self):
        entry = self.entries_of(self.confirmed_record())
        self.assertEqual(entry.with_user(self.officer).entry_hash, entry.entry_hash)
        for user in (self.employee_user, self.hr_user, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                entry.with_user(user).read(["entry_hash"])
        with self.assertRaises(AccessError):
            self.env["safety.chain.verification"].with_user(self.employee_user).create({"company_id": self.company.id})

    def test_chains_are_per_company(self):
        self.confirmed_record()
        foreign = self.confirmed_record(self.foreign_dossier)
        entry = self.entries_of(foreign)
        self.assertEqual(entry.company_id, self.other_company)
        foreign_head = self.env["safety.chain.head"].search([("company_id", "=", self.other_company.id)])
        self.assertEqual(entry.sequence, foreign_head.sequence)
        with self.assertRaises(AccessError):
            entry.with_user(self.officer).read(["entry_hash"])

    def test_head_row_lock_blocks_second_connection(self):
        head = self.env["safety.chain.head"]._lock_for(self.company)
        # The head was committed at install, so another connection finds the row and must wait for the lock.
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other_cursor, \
                mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.LockNotAvailable):
            other_cursor.execute("SELECT id FROM safety_chain_head WHERE id = %s FOR UPDATE NOWAIT", [head.id])

    def test_review_is_sealed_and_corrected_by_admin(self):
        certificate = self.env["safety.certificate"].create({
            "dossier_id": self.dossier.id, "operation_id": self.operation.id, "number": "T1",
            "issue_date": "2024-01-01",
        })
        review = self.env["safety.certificate.review"].create(
            {"certificate_id": certificate.id, "review_date": "2027-01-01", "training_hours": 8})
        original = self.entries_of(review)
        self.assertEqual(original.kind, "original")
        self.assertEqual(json.loads(original.content)["training_hours"], "8.0")
        for user_review in (review.sudo(), review.with_user(self.officer)):
            with self.subTest(user=user_review.env.user.login), self.assertRaisesRegex(UserError, "sealed"):
                user_review.write({"training_hours": 16})
        review.with_user(self.officer).write({"note": "filed"})
        with self.assertRaises(AccessError):
            review.with_user(self.officer)._correct({"training_hours": 16}, "typo")
        with self.assertRaisesRegex(UserError, "reason"):
            review.with_user(self.admin)._correct({"training_hours": 16}, " ")
        self.env["safety.certificate.review.correct"].with_user(self.admin).create(
            {"review_id": review.id, "training_hours": 12, "reason": "12 h on the authority's form"}).action_correct()
        self.assertEqual(review.training_hours, 12)
        _original, correction = self.entries_of(review)
        self.assertEqual((correction.kind, correction.corrects_entry_id), ("correction", original))
        self.assertEqual(self.verify().state, "verified")

    def test_dossier_report_states_verification(self):
        record = self.confirmed_record()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "safety_training_dossier.report_safety_dossier", self.dossier.ids)[0].decode()
        head = self.env["safety.chain.head"].search([("company_id", "=", self.company.id)])
        self.assertIn("Entries checked: 1. No broken link.", html)
        self.assertIn(head.entry_hash, html)
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE safety_training_record SET result = 'failed' WHERE id = %s", record.id))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "safety_training_dossier.report_safety_dossier", self.dossier.ids)[0].decode()
        self.assertIn("Not verified", html)
        self.assertIn("result", html)


@tagged("post_install", "-at_install")
class TestChainAnchor(SafetyCase):

    def run_anchor_cron(self):
        cron = self.env.ref("safety_training_dossier.ir_cron_safety_chain_anchor")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()

    def anchors(self):
        return self.env["safety.chain.verification"].search(
            [("company_id", "=", self.company.id), ("kind", "=", "monthly")])

    def test_monthly_anchor_once_per_local_month(self):
        self.create_record(theory_score=80, result="passed").action_confirm()
        cases = [
            # (UTC now, local month of the anchor): 23:30 UTC on 30 June is already 1 July in China.
            (datetime(2026, 6, 30, 12, 0), "2026-06-01"),
            (datetime(2026, 6, 30, 23, 30), "2026-07-01"),
            (datetime(2026, 7, 1, 12, 0), "2026-07-01"),
        ]
        for now, month in cases:
            with self.subTest(now=now), freeze_time(now):
                self.run_anchor_cron()
                self.assertEqual(self.anchors()[:1].anchor_month.isoformat(), month)
        self.assertEqual(len(self.anchors()), 2)
        anchor = self.anchors()[:1]
        self.assertEqual(anchor.state, "verified", anchor.message)
        head = self.env["safety.chain.head"].search([("company_id", "=", self.company.id)])
        self.assertEqual((anchor.head_sequence, anchor.head_hash), (head.sequence, head.entry_hash))
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "safety.chain.verification"), ("res_id", "=", anchor.id)])
        self.assertEqual(len(attachment), 1)
        self.assertIn(head.entry_hash.encode(), attachment.raw)
        self.assertIn(self.admin, anchor.activity_ids.user_id)
