from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Approve a submitted rectification notice when its approver marks the approval activity done."""
        if not self.env.context.get("safety_closing_approval"):
            approval_type = self.env.ref(
                "safety_training_dossier.mail_activity_type_rectification_approval", raise_if_not_found=False)
            notice_ids = [
                activity.res_id for activity in self
                if approval_type and activity.activity_type_id == approval_type
                and activity.res_model == "safety.rectification"
            ]
            notices = self.env["safety.rectification"].browse(notice_ids).filtered(
                lambda notice: notice.state == "submitted")
            if notices:
                notices.action_approve()
                # Approving closed the notice's approval activities, these included.
                remaining = self.exists()
                return super(MailActivity, remaining)._action_done(feedback=feedback, attachment_ids=attachment_ids)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
