"""Forms of the dossier pages: they parse what was typed; the services write
(and check the permission, the state and the version again). Units and people
are picked inside the user's scope; dates are dd/mm/yyyy text boxes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from thidua.awards.enums import Occasion, RecipientKind
from thidua.awards.forms import PersonPickField, RecipientFormMixin
from thidua.awards.models import AwardType
from thidua.directory.forms import UnitCodeField, VnDateField
from thidua.directory.models import Person, Unit
from thidua.nominations.models import AttachmentKind, DossierState

_TEXT = {"autocomplete": "off"}


def _year(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1945,
        max_value=2200,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
    )


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=1000,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
    )


class DossierFilterForm(forms.Form):
    """The list's search and filters; invalid input simply filters nothing."""

    q = forms.CharField(label="Tìm", required=False, max_length=120)
    trang_thai = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("", "Tất cả"), *DossierState.choices]
    )
    nam = _year("Năm thành tích", required=False)
    unit = UnitCodeField(Unit.objects.none(), label="Đơn vị", required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs["placeholder"] = "Mã hoặc tên đơn vị"


class LetterFields(forms.Form):
    """The proposal letter (tờ trình) and the unit council's vote."""

    title = forms.CharField(label="Trích yếu", max_length=500, widget=forms.TextInput(attrs={"size": 60}))
    occasion = forms.ChoiceField(label="Loại khen thưởng", choices=Occasion.choices, initial=Occasion.REGULAR)
    letter_number = forms.CharField(
        label="Số tờ trình", max_length=60, required=False, widget=forms.TextInput(attrs=_TEXT)
    )
    letter_date = VnDateField(label="Ngày tờ trình", required=False)
    letter_signer = forms.CharField(label="Người ký tờ trình", max_length=120, required=False)
    unit_council_members = _count("Số thành viên Hội đồng TĐKT cơ sở")
    unit_council_present = _count("Số thành viên dự họp")
    unit_council_note = forms.CharField(
        label="Kết quả biểu quyết của Hội đồng cơ sở", max_length=500, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        members, present = data.get("unit_council_members"), data.get("unit_council_present")
        if members is not None and present is not None and present > members:
            self.add_error("unit_council_present", "Số thành viên dự họp lớn hơn tổng số thành viên.")
        return data


class DossierCreateForm(LetterFields):
    proposer_unit = UnitCodeField(Unit.objects.none(), label="Đơn vị đề nghị")
    deciding_unit = UnitCodeField(Unit.objects.none(), label="Cơ quan xét, quyết định khen thưởng")
    movement = forms.ModelChoiceField(
        queryset=None, label="Phong trào thi đua", required=False, empty_label="Không theo phong trào"
    )

    field_order = ["title", "proposer_unit", "deciding_unit", "movement"]

    def __init__(
        self, *args: Any, proposers: QuerySet[Unit], movements: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["movement"].queryset = movements
        self.fields["proposer_unit"].queryset = proposers
        # Any unit of the tree may decide (the service checks it is above the proposer).
        self.fields["deciding_unit"].queryset = Unit.objects.all()
        self.fields["deciding_unit"].help_text = "Thủ trưởng đơn vị mình hoặc cơ quan cấp trên (mã đơn vị)."


class LetterForm(LetterFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CandidateForm(RecipientFormMixin, forms.Form):
    """One person or collective proposed for one award."""

    recipient_verb = "được đề nghị"

    recipient_kind = forms.ChoiceField(
        label="Đối tượng",
        choices=[(RecipientKind.INDIVIDUAL, "Cá nhân"), (RecipientKind.COLLECTIVE, "Tập thể")],
        initial=RecipientKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    person = PersonPickField(Person.objects.none(), label="Cá nhân", required=False)
    unit = UnitCodeField(Unit.objects.none(), label="Tập thể (mã đơn vị)", required=False)
    award_type = forms.ModelChoiceField(AwardType.objects.none(), label="Hình thức, danh hiệu đề nghị")
    year = _year("Năm thành tích")
    period_start = VnDateField(label="Thành tích từ ngày", required=False)
    period_end = VnDateField(label="đến ngày", required=False)
    position = forms.CharField(label="Chức vụ, đơn vị công tác", max_length=255, required=False)
    summary = forms.CharField(
        label="Tóm tắt thành tích", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    justification = forms.CharField(
        label="Giải trình (khi chưa đủ điều kiện)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class JustificationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    justification = forms.CharField(
        label="Giải trình", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label="Tóm tắt thành tích", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại tài liệu", choices=AttachmentKind.choices)
    file = forms.FileField(label="Tệp (PDF, DOCX, XLSX, JPG, PNG)")


class CommentForm(forms.Form):
    """The public's opinion during publication (no account)."""

    author_name = forms.CharField(label="Họ và tên", max_length=120)
    author_contact = forms.CharField(label="Điện thoại hoặc thư điện tử", max_length=120, required=False)
    candidate = forms.TypedChoiceField(label="Góp ý về", required=False, coerce=int, empty_value=None)
    body = forms.CharField(label="Nội dung góp ý", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [("", "Cả danh sách")] + [
            (c.pk, f"{c.recipient} — {c.award_type.name}") for c in candidates
        ]


class CommentHandleForm(forms.Form):
    note = forms.CharField(label="Kết quả xử lý", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
