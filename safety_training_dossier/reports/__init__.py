from . import safety_report_assessment, safety_report_requirement
