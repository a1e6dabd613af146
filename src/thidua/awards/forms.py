"""Forms of the awards pages: they parse and validate what was typed; the
services and ``versioning`` write. Dates are dd/mm/yyyy text boxes (see
``directory.forms``), units and people are chosen inside the user's scope."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet

from thidua.awards.enums import AuthorityLevel, Category, Occasion, RecipientKind, RecordStatus
from thidua.awards.models import AwardRule, AwardType, RuleSet
from thidua.directory.forms import UnitCodeField, VnDateField
from thidua.directory.models import Person, Unit

PRIZE_LEVELS = (("all", "*"), ("commune", AuthorityLevel.COMMUNE))


def _parse_decimal(value: str, *, label: str) -> Decimal:
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise forms.ValidationError(f"{label} phải là số, ví dụ 0,3.") from exc


class CoefficientField(forms.CharField):
    """A coefficient typed with a decimal comma or point (0,3 or 0.3); returned as "0.3"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        number = _parse_decimal(value, label="Hệ số")
        if number < 0:
            raise forms.ValidationError("Hệ số không được âm.")
        return format(number.normalize(), "f")


def _coef_initial(value: Any) -> str:
    if value in (None, ""):
        return ""
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


class RuleVersionForm(forms.Form):
    """The "Tạo phiên bản mới từ ngày" form: new coefficients, vote threshold and citation
    from a date; what is not changed is carried over from the version in force."""

    valid_from = VnDateField(label="Áp dụng từ ngày")
    vote_threshold = forms.CharField(
        label="Ngưỡng biểu quyết của Hội đồng (%)",
        required=False,
        max_length=6,
        help_text="Ví dụ 80 (tính trên tổng số thành viên). Để trống nếu không cần Hội đồng biểu quyết.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
    )
    citation = forms.CharField(
        label="Căn cứ",
        max_length=500,
        help_text="Văn bản quy định mức mới, ví dụ «Nghị quyết 12/2025/NQ-HĐND, Điều 3».",
    )
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, rule: AwardRule, **kwargs: Any) -> None:
        self.rule = rule
        kinds = list(rule.recipient_kinds or []) or [RecipientKind.INDIVIDUAL]
        prize = rule.prize or {}
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("citation", "")
        if rule.vote and rule.vote.get("threshold"):
            initial.setdefault("vote_threshold", _coef_initial(Decimal(str(rule.vote["threshold"])) * 100))
        super().__init__(*args, **kwargs)
        self.prize_rows: list[dict[str, Any]] = []
        for kind in kinds:
            row: dict[str, Any] = {"kind": kind, "label": RecipientKind(kind).label, "fields": []}
            for suffix, level in PRIZE_LEVELS:
                name = f"prize_{kind}_{suffix}"
                label = (
                    f"Hệ số — {RecipientKind(kind).label.lower()}"
                    if level == "*"
                    else f"Hệ số khi {AuthorityLevel.COMMUNE.label} quyết định — {RecipientKind(kind).label.lower()}"
                )
                self.fields[name] = CoefficientField(
                    label=label,
                    initial=_coef_initial((prize.get(kind) or {}).get(level)),
                    help_text="Để trống: không áp dụng mức riêng." if level != "*" else "",
                )
                row["fields"].append(name)
            self.prize_rows.append(row)
        self.order_fields(["valid_from", *[n for r in self.prize_rows for n in r["fields"]]])

    def clean_vote_threshold(self) -> Decimal | None:
        value = (self.cleaned_data.get("vote_threshold") or "").strip().rstrip("%").strip()
        if not value:
            return None
        number = _parse_decimal(value, label="Ngưỡng biểu quyết")
        if not Decimal(0) < number <= Decimal(100):
            raise forms.ValidationError("Ngưỡng biểu quyết phải lớn hơn 0 và không quá 100 %.")
        return number / 100

    def changes(self) -> dict[str, Any]:
        """The keyword changes for ``versioning.rule_new_version``."""
        data = self.cleaned_data
        prize: dict[str, dict[str, str]] = {}
        for row in self.prize_rows:
            levels = {}
            for (_, level), name in zip(PRIZE_LEVELS, row["fields"], strict=True):
                if data.get(name):
                    levels[level] = data[name]
            if levels:
                prize[row["kind"]] = levels
        old_vote = self.rule.vote or {}
        threshold = data.get("vote_threshold")
        vote: dict[str, Any] | None = None
        if threshold is not None:
            threshold_text = format(threshold.normalize(), "f")
            vote = {
                "threshold": threshold_text,
                "base": old_vote.get("base", "all"),
                "ballot": old_vote.get("ballot", "secret"),
                "citation": old_vote.get("citation", ""),
            }
            if not old_vote or Decimal(str(old_vote.get("threshold"))) != threshold:
                vote["citation"] = data["citation"]
                vote["confidence"] = "text"
            elif old_vote.get("confidence"):
                vote["confidence"] = old_vote["confidence"]
        changes: dict[str, Any] = {"prize": prize, "vote": vote, "citation": data["citation"]}
        if data.get("note"):
            changes["note"] = data["note"]
        return changes


class LocalAwardTypeForm(forms.Form):
    """A title or form of a ministry or province, with its first rule version."""

    code = forms.CharField(
        label="Mã",
        max_length=30,
        help_text="Chữ không dấu, chữ số, dấu gạch dưới; ví dụ GD_HIEU_HOC.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label="Tên danh hiệu, hình thức", max_length=255)
    category = forms.ChoiceField(label="Loại", choices=Category.choices)
    rule_set = forms.ModelChoiceField(
        label="Thuộc bộ quy định", queryset=RuleSet.objects.none(), empty_label=None
    )
    valid_from = VnDateField(label="Áp dụng từ ngày")
    recipient_kinds = forms.MultipleChoiceField(
        label="Đối tượng", choices=RecipientKind.choices, widget=forms.CheckboxSelectMultiple
    )
    authority_levels = forms.MultipleChoiceField(
        label="Thẩm quyền quyết định", choices=AuthorityLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    prize_individual = CoefficientField(label="Hệ số tiền thưởng — cá nhân")
    prize_collective = CoefficientField(label="Hệ số tiền thưởng — tập thể")
    prize_household = CoefficientField(label="Hệ số tiền thưởng — hộ gia đình")
    criteria_text = forms.CharField(
        label="Tiêu chuẩn",
        required=False,
        max_length=1000,
        help_text="Mô tả tiêu chuẩn; khi xét điều kiện, cán bộ sẽ đánh giá tiêu chuẩn này.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    citation = forms.CharField(
        label="Căn cứ", max_length=500, help_text="Ví dụ «Nghị quyết 05/2025/NQ-HĐND tỉnh, Điều 2»."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = RuleSet.objects.order_by("-valid_from")
        self.fields["rule_set"].label_from_instance = lambda rs: f"{rs.code} — {rs.name}"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        prize = {
            kind: {"*": data[f"prize_{kind}"]}
            for kind in RecipientKind.values
            if data.get(f"prize_{kind}") and kind in data["recipient_kinds"]
        }
        criteria = None
        if data.get("criteria_text"):
            criteria = {
                "all": [{"pred": "manual", "question": data["criteria_text"], "citation": data["citation"]}]
            }
        return {
            "code": data["code"],
            "name": data["name"],
            "category": data["category"],
            "rule_set": data["rule_set"],
            "valid_from": data["valid_from"],
            "recipient_kinds": data["recipient_kinds"],
            "authority_levels": data["authority_levels"],
            "prize": prize,
            "citation": data["citation"],
            "criteria": criteria,
        }


def _year_field(label: str = "Năm", required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1945,
        max_value=2200,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "autocomplete": "off"}),
    )


class RegistryFilterForm(forms.Form):
    """The registry list's filters; invalid input simply filters nothing."""

    q = forms.CharField(
        label="Tìm theo tên",
        required=False,
        max_length=120,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Tên người, tập thể; có dấu hoặc không dấu…"}
        ),
    )
    nam = _year_field()
    loai = forms.ModelChoiceField(
        label="Loại khen thưởng",
        queryset=AwardType.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="Tất cả",
    )
    unit = UnitCodeField(Unit.objects.none(), label="Đơn vị", required=False)
    sub = forms.BooleanField(label="Gồm cả đơn vị trực thuộc", required=False)
    trang_thai = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("", "Tất cả"), *RecordStatus.choices]
    )
    thieu = forms.BooleanField(label="Chỉ bản ghi thiếu căn cứ", required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs["placeholder"] = "Mã hoặc tên đơn vị"
        self.fields["loai"].queryset = AwardType.objects.order_by("-rank", "code")
        self.fields["loai"].label_from_instance = lambda t: t.name


class PersonPickField(forms.ModelChoiceField):
    """A person chosen by number (the suggestions show "123 — Họ tên (đơn vị)")."""

    default_error_messages = {"invalid_choice": "Không tìm thấy cá nhân này trong phạm vi bạn được phép."}

    def __init__(self, queryset: QuerySet[Person], **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Gõ tên để tìm…"})
        )
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value: Any) -> Any:
        # "123 — Nguyễn Văn A (XA1)" as picked from the list → 123.
        if isinstance(value, str):
            value = value.split("—", 1)[0].strip()
        return super().to_python(value)


class RecipientFormMixin:
    """A person or a collective and an award type, chosen within the user's scope —
    shared by the registry's form and the dossier's candidate form. ``recipient_verb``
    ends the messages ("được khen thưởng", "được đề nghị")."""

    recipient_verb = "được khen thưởng"

    def __init__(self, *args: Any, people: QuerySet[Person], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        fields = self.fields  # type: ignore[attr-defined]
        fields["person"].queryset = people
        fields["unit"].queryset = units
        fields["award_type"].queryset = AwardType.objects.order_by("-rank", "code")
        fields["award_type"].label_from_instance = lambda t: t.name

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        errors = self.errors  # type: ignore[attr-defined]
        kind = data.get("recipient_kind")
        if kind == RecipientKind.INDIVIDUAL and not data.get("person") and "person" not in errors:
            self.add_error("person", f"Hãy chọn cá nhân {self.recipient_verb}.")  # type: ignore[attr-defined]
        if kind == RecipientKind.COLLECTIVE and not data.get("unit") and "unit" not in errors:
            self.add_error("unit", f"Hãy nhập mã tập thể {self.recipient_verb}.")  # type: ignore[attr-defined]
        return data


class RecordCreateForm(RecipientFormMixin, forms.Form):
    """One award given (a line of the register)."""

    award_type = forms.ModelChoiceField(
        label="Loại khen thưởng", queryset=AwardType.objects.none(), to_field_name="code"
    )
    recipient_kind = forms.ChoiceField(
        label="Đối tượng",
        choices=[(RecipientKind.INDIVIDUAL, "Cá nhân"), (RecipientKind.COLLECTIVE, "Tập thể")],
        widget=forms.RadioSelect,
        initial=RecipientKind.INDIVIDUAL,
    )
    person = PersonPickField(Person.objects.none(), label="Cá nhân", required=False)
    unit = UnitCodeField(Unit.objects.none(), label="Tập thể (mã đơn vị)", required=False)
    year = _year_field("Năm thành tích", required=True)
    occasion = forms.ChoiceField(label="Loại", choices=Occasion.choices, initial=Occasion.REGULAR)
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    authority_name = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)
    authority_level = forms.ChoiceField(
        label="Cấp quyết định", required=False, choices=[("", "—"), *AuthorityLevel.choices]
    )
    movement_name = forms.CharField(label="Phong trào thi đua", max_length=255, required=False)


class EligibilityForm(forms.Form):
    """The list to check: pasted lines or an XLSX, and the dossier date."""

    lines = forms.CharField(
        label="Danh sách",
        required=False,
        max_length=200_000,
        help_text="Mỗi dòng: Họ và tên; ngày sinh dd/mm/yyyy; mã đơn vị; mã khen thưởng; năm. "
        "Có thể thay họ tên bằng số hiệu cá nhân, hoặc để trống họ tên để xét tập thể theo mã đơn vị.",
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "spellcheck": "false",
                "placeholder": "Nguyễn Văn Đức; 04/08/1982; XA1; CSTD_CS; 2024",
            }
        ),
    )
    file = forms.FileField(
        label="Hoặc tải tệp Excel (.xlsx)",
        required=False,
        help_text="Các cột theo thứ tự: Họ và tên, Ngày sinh, Mã đơn vị, Mã khen thưởng, Năm; dòng đầu là tiêu đề.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    as_of = VnDateField(
        label="Ngày nhận hồ sơ",
        help_text="Bộ quy định áp dụng được chọn theo ngày cơ quan có thẩm quyền nhận hồ sơ.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("lines") or "").strip() and not data.get("file"):
            raise forms.ValidationError("Hãy dán danh sách hoặc chọn tệp Excel cần xét.")
        upload = data.get("file")
        if upload and not (upload.name or "").lower().endswith(".xlsx"):
            self.add_error("file", "Chỉ nhận tệp .xlsx.")
        return data


IMPORT_KINDS = (
    ("awards", "Sổ khen thưởng"),
    ("ratings", "Xếp loại chất lượng"),
    ("initiatives", "Sáng kiến, đề tài"),
    ("disciplines", "Kỷ luật"),
)


class ImportKindForm(forms.Form):
    """What an uploaded file holds (the import page's selector)."""

    kind = forms.ChoiceField(label="Loại dữ liệu", choices=IMPORT_KINDS, initial="awards")
