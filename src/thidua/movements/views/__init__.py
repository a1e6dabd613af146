"""Web pages of movements (Vietnamese): list, launch form, the at-a-glance
movement page (with htmx inline entry of indicator values and task status),
registration, pledges, scoring sheets, ranking and "Đề nghị khen thưởng",
reviews, XLSX import/export and the plan download.

Views parse and call services; services check the permission again. An
object the user may not see is a 404 like one that does not exist. One
module per part of the app (the single file had grown past 800 lines);
``urls.py`` reads every view from here under the same names.
"""

from thidua.movements.views.common import parse_date
from thidua.movements.views.movement import (
    approve,
    detail,
    export,
    import_indicators,
    import_template,
    index,
    indicator_value,
    launch,
    plan_add,
    plan_download,
    ratings,
    register,
    review_add,
    task_status,
)
from thidua.movements.views.pledges import pledge_create, pledge_detail, pledge_docx
from thidua.movements.views.scoring import scheme_create, scheme_detail

__all__ = [
    "approve",
    "detail",
    "export",
    "import_indicators",
    "import_template",
    "index",
    "indicator_value",
    "launch",
    "parse_date",
    "plan_add",
    "plan_download",
    "pledge_create",
    "pledge_detail",
    "pledge_docx",
    "ratings",
    "register",
    "review_add",
    "scheme_create",
    "scheme_detail",
    "task_status",
]
