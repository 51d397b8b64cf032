from . import safety_training_record_reset
