"""Forms of the directory pages: they only parse and validate what was typed.

Writing is the services' job (``directory.services``); a form never saves.
Dates are typed as dd/mm/yyyy (a plain text box, not ``<input type=date>``,
whose format follows the browser's language and shows 08/04/2022 on an
English-language laptop). Units are chosen by code from a queryset already
narrowed to the user's scope, so a unit outside it is "not found", exactly
like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from thidua.directory.enums import Gender, UnitKind
from thidua.directory.models import Unit

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class VnDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy)."""

    widget = forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "size": 10},
    )
    default_error_messages = {"invalid": "Ngày phải có dạng ngày/tháng/năm, ví dụ 04/08/2022."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        super().__init__(**kwargs)


class UnitCodeField(forms.ModelChoiceField):
    """A unit chosen by its code; the queryset is the user's scope.

    A select with 14,000 communes is unusable, so the widget is a text box
    whose suggestions (a ``<datalist>``) are loaded by htmx as the user types."""

    default_error_messages = {
        "invalid_choice": "Không tìm thấy đơn vị có mã này trong phạm vi bạn được phép.",
    }

    def __init__(self, queryset: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} — {obj.name}"


class PeopleFilterForm(forms.Form):
    """The people list's search and filters; invalid input simply filters nothing."""

    q = forms.CharField(
        label="Tìm theo tên",
        required=False,
        max_length=120,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Gõ tên, có dấu hoặc không dấu…", "autocomplete": "off"}
        ),
    )
    unit = UnitCodeField(Unit.objects.none(), label="Đơn vị", required=False)
    sub = forms.BooleanField(label="Gồm cả đơn vị trực thuộc", required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs["placeholder"] = "Mã hoặc tên đơn vị"


class PersonForm(forms.Form):
    """Particulars of a person, for creating and editing.

    ``identity_number`` is removed by the view for users who may not see it,
    so they can neither read nor overwrite it."""

    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = VnDateField(label="Ngày sinh", required=False)
    position = forms.CharField(label="Chức vụ", max_length=255, required=False)
    identity_number = forms.CharField(
        label="Số định danh cá nhân",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, show_identity: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_identity:
            del self.fields["identity_number"]


class PersonEditForm(PersonForm):
    """Editing carries the version the user loaded: a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonCreateForm(PersonForm):
    unit = UnitCodeField(Unit.objects.none(), label="Đơn vị")
    start_date = VnDateField(label="Công tác tại đơn vị từ ngày", required=False)

    field_order = ["full_name", "gender", "birth_date", "unit", "position", "start_date", "identity_number"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PersonMoveForm(forms.Form):
    """Transfer to another unit (quá trình công tác gets a new line)."""

    unit = UnitCodeField(Unit.objects.none(), label="Chuyển đến đơn vị")
    on = VnDateField(label="Từ ngày")
    position = forms.CharField(label="Chức vụ mới", max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class UnitEditForm(forms.Form):
    code = forms.CharField(label="Mã đơn vị", max_length=40)
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    kind = forms.ChoiceField(label="Loại", choices=UnitKind.choices)
    admin_code = forms.CharField(label="Mã hành chính (TCTK)", max_length=10, required=False)
    valid_from = VnDateField(label="Hiệu lực từ", required=False)
    valid_to = VnDateField(label="Hiệu lực đến", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
        return data
