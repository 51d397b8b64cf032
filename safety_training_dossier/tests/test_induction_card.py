from odoo.tests import tagged

from .common import SafetyCase


@tagged("post_install", "-at_install")
class TestInductionCard(SafetyCase):
    def test_card_shows_each_level(self):
        first = self.create_record(theory_score=55, result="failed", date="2026-03-01")
        first.action_confirm()
        retake = self.create_record(theory_score=85, result="passed", date="2026-03-05", trainer_name="徐明")
        retake.action_confirm()
        levels = self.dossier._get_induction_card_levels()
        self.assertEqual([level["label"] for level in levels], ["Company Level", "Workshop Level", "Team Level"])
        # The passed retake, not the failed first attempt; the other levels are not recorded.
        self.assertEqual(levels[0]["record"], retake)
        self.assertFalse(levels[1]["record"])
        self.assertFalse(levels[2]["record"])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "safety_training_dossier.report_safety_induction_card", self.dossier.ids)[0].decode()
        for text in ("Three-Level Safety Induction Card", "张伟", "E1001", "Company-level induction", "2026-03-05",
                     "徐明", "85.0", "Trainee Signature"):
            self.assertIn(text, html)
