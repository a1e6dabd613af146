"""Forms of the decision pages: they parse; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from thidua.decisions.models import Decision

_LINES_HELP = "Mỗi dòng một mục; dấu ; và . cuối dòng được tự thêm."


class HeaderForm(forms.Form):
    decision_date = forms.DateField(
        label="Ngày quyết định",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    symbol = forms.CharField(label="Ký hiệu", max_length=40, required=False)
    place = forms.CharField(label="Địa danh", max_length=100, required=False)
    subject = forms.CharField(label="Trích yếu", max_length=500, required=False)
    signer_name = forms.CharField(label="Người ký", max_length=120, required=False)
    signer_authority = forms.CharField(label="Quyền hạn ký (KT. CHỦ TỊCH …)", max_length=40, required=False)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=120, required=False)
    budget_source = forms.CharField(label="Nguồn kinh phí", max_length=255, required=False)
    legal_bases = forms.CharField(
        label="Căn cứ", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_LINES_HELP
    )
    copies_to = forms.CharField(
        label="Nơi nhận", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_LINES_HELP
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    _LISTS = ("legal_bases", "copies_to")

    def fields_set(self) -> dict[str, Any]:
        """The fields the user filled (an empty one keeps the default or the saved value)."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version" or value in (None, ""):
                continue
            out[name] = [ln for ln in value.splitlines() if ln.strip()] if name in self._LISTS else value
        return out

    @staticmethod
    def initial_from(d: Decision) -> dict[str, Any]:
        return {
            "decision_date": d.decision_date,
            "symbol": d.symbol,
            "place": d.place,
            "subject": d.subject,
            "signer_name": d.signer_name,
            "signer_authority": d.signer_authority,
            "signer_title": d.signer_title,
            "budget_source": d.budget_source,
            "legal_bases": "\n".join(d.legal_bases),
            "copies_to": "\n".join(d.copies_to),
            "version": d.version,
        }


class TemplateForm(forms.Form):
    html = forms.CharField(
        label="Nội dung HTML",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        max_length=100_000,
    )
    css = forms.CharField(
        label="CSS",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        max_length=100_000,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RevocationForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy bỏ", max_length=500)
    decision_number = forms.CharField(label="Số quyết định hủy bỏ", max_length=60)
    decision_date = forms.DateField(
        label="Ngày quyết định hủy bỏ", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    issuer_name = forms.CharField(label="Cơ quan quyết định hủy bỏ", max_length=255, required=False)
