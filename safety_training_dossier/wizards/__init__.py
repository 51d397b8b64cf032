from . import (
    safety_certificate_review_correct,
    safety_dossier_print,
    safety_ledger_export,
    safety_ledger_import,
    safety_portal_access,
    safety_rectification_reject,
    safety_requirement_status_exempt,
    safety_retention_purge,
    safety_training_plan,
    safety_training_record_reset,
)
