from . import (
    test_certificate,
    test_compliance,
    test_dossier,
    test_kpi,
    test_rectification,
    test_reminder,
    test_report,
    test_security,
    test_session_grid,
    test_training_plan,
    test_training_record,
    test_translations,
)
