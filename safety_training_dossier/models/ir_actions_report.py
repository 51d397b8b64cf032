import io

from odoo import models

from ..tools.pdf_pages import stamp_page_numbers

# Reports rendered one record at a time and numbered "x / y" per record.
PER_PERSON_REPORTS = {
    "safety_training_dossier.report_safety_dossier",
    "safety_training_dossier.report_safety_induction_card",
    "safety_training_dossier.report_safety_rectification",
    "safety_training_dossier.report_safety_training_session",
    "safety_training_dossier.report_safety_sign_in_sheet",
    "safety_training_dossier.report_safety_chain_verification",
}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Render each dossier alone and stamp its page numbers.

        Rendering one record per wkhtmltopdf call works on builds without patched
        Qt, which refuse several documents in one run and ignore HTML footers.
        """
        report = self._get_report(report_ref)
        if report.report_name not in PER_PERSON_REPORTS or not res_ids:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        collected_streams = {}
        for res_id in dict.fromkeys(res_ids):
            streams = super()._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), res_ids=[res_id])
            stream_data = streams[res_id]
            stream_data["stream"] = io.BytesIO(stamp_page_numbers(stream_data["stream"].getvalue()))
            collected_streams[res_id] = stream_data
        return collected_streams
