"""The demo's "150 ngày đêm" movement shows the seed report's figures."""

from __future__ import annotations

import datetime as dt

from thidua.directory.models import Unit
from thidua.movements import selectors
from thidua.movements.demo import SPECIAL, load_movements_demo
from thidua.movements.models import Movement


def test_demo_special_movement_has_the_seed_figures(db):
    assert Unit.objects.filter(
        kind="district", name="Huyện Lương Sơn"
    ).exists()  # from the admin-units migration
    result = load_movements_demo()
    assert result.movements >= 1
    m = Movement.objects.get(name=SPECIAL)
    summary = selectors.movement_summary(m, dt.date(2022, 12, 31))
    assert summary["indicators_text"] == "11/13 chỉ tiêu đạt và vượt kế hoạch"
    assert summary["tasks_text"] == "11/21 nhiệm vụ hoàn thành, 10/21 đang triển khai"
    assert m.reviews.get().summary.startswith(
        "11/13 chỉ tiêu đạt và vượt kế hoạch; 11/21 nhiệm vụ hoàn thành"
    )
    assert str(load_movements_demo()).startswith("Phong trào mẫu: 0 phong trào")  # loading twice adds nothing
