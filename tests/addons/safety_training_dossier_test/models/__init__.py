from . import safety_test_document
