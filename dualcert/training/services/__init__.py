"""Every write of the training stage (see the modules for the rules of each)."""

from dualcert.training.services.attendance import (
    AttendanceSummary,
    attendance_mark,
    attendance_record,
    session_add,
)
from dualcert.training.services.curriculum import (
    CoverageRow,
    curriculum_coverage,
    curriculum_gaps,
    curriculum_total_hours,
    module_add,
    module_remove,
    module_update,
)
from dualcert.training.services.enrollment import (
    AdmitReport,
    enrollment_admit,
    enrollment_admit_all,
    enrollment_apply,
    enrollment_apply_self,
    enrollment_drop,
    enrollment_eligibility,
)
from dualcert.training.services.projects import (
    MOVES,
    Move,
    may_create_project,
    project_approve,
    project_close,
    project_create,
    project_finish_training,
    project_move,
    project_moves_for,
    project_open_enrollment,
    project_return_to_draft,
    project_start_training,
)

__all__ = [
    "MOVES", "AdmitReport", "AttendanceSummary", "CoverageRow", "Move", "attendance_mark",
    "attendance_record", "curriculum_coverage", "curriculum_gaps", "curriculum_total_hours",
    "enrollment_admit",
    "enrollment_admit_all", "enrollment_apply", "enrollment_apply_self", "enrollment_drop",
    "enrollment_eligibility", "may_create_project", "module_add", "module_remove",
    "module_update", "project_approve",
    "project_close", "project_create", "project_finish_training", "project_move",
    "project_moves_for", "project_open_enrollment", "project_return_to_draft",
    "project_start_training", "session_add",
]
