"""Web pages of the awards core: the catalogue with its rule versions, the
award registry, the eligibility check.

Views stay thin: forms parse, ``versioning``/``services`` write (and check
the permission again), the engine judges. Everything read is narrowed to the
user's scope first, so a record outside it is a 404 like one that does not
exist; the rule catalogue (the law) is public to every signed-in user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, units_for
from thidua.awards import engine, exports, imports, selectors, services, versioning
from thidua.awards.enums import RuleSetStatus
from thidua.awards.forms import (
    IMPORT_KINDS,
    EligibilityForm,
    ImportKindForm,
    LocalAwardTypeForm,
    RecordCreateForm,
    RegistryFilterForm,
    RuleVersionForm,
)
from thidua.awards.models import AwardRecord, AwardRule, AwardType, BaseSalary
from thidua.awards.templatetags.awards_ui import (
    KIND_LABELS,
    LEVEL_LABELS,
    criteria_tree,
    quota_text,
    vote_text,
)
from thidua.core.errors import DomainError, ImportRejected
from thidua.core.htmx import is_htmx
from thidua.core.text import clean, fold
from thidua.directory.models import Person, Unit

VIEW = Perm.VIEW_AWARDS
EDIT = Perm.EDIT_AWARDS
MANAGE_RULES = Perm.MANAGE_RULES
RECORDS_PER_PAGE = 50
MAX_CHECK_LINES = 2000
SUGGESTIONS = 20


def _attachment(content: bytes, name: str, content_type: str = exports.XLSX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- catalogue -------------------------------------------------------------------


def _span(rule: AwardRule) -> tuple[dt.date | None, dt.date | None]:
    """The dates a rule version applies: its own, else its rule set's."""
    return (rule.valid_from or rule.rule_set.valid_from, rule.valid_to or rule.rule_set.valid_to)


def _covers(rule: AwardRule, on: dt.date) -> bool:
    start, end = _span(rule)
    return (start is None or start <= on) and (end is None or on <= end)


# Newest rule first; the oldest regime has no start date (NULL sorts first on PostgreSQL).
_NEWEST_FIRST = (
    F("rule_set__valid_from").desc(nulls_last=True),
    F("valid_from").desc(nulls_last=True),
    F("id").desc(),
)


def _type_names() -> dict[str, str]:
    return dict(AwardType.objects.values_list("code", "name"))


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Titles and forms with who may receive them and who decides them today."""
    today = timezone.localdate()
    types = list(AwardType.objects.order_by("category", "-rank", "code"))
    rules = AwardRule.objects.filter(issuer__isnull=True).select_related("rule_set").order_by(*_NEWEST_FIRST)
    in_force: dict[int, AwardRule] = {}
    latest: dict[int, AwardRule] = {}
    for rule in rules:
        latest.setdefault(rule.award_type_id, rule)
        if rule.award_type_id not in in_force and _covers(rule, today):
            in_force[rule.award_type_id] = rule
    groups: dict[str, list[dict[str, Any]]] = {"title": [], "form": []}
    for t in types:
        groups.setdefault(t.category, []).append({"type": t, "rule": in_force.get(t.pk) or latest.get(t.pk)})
    context = {
        "today": today,
        "groups": [
            {"title": "Danh hiệu thi đua", "rows": groups.get("title", [])},
            {"title": "Hình thức khen thưởng", "rows": groups.get("form", [])},
        ],
        "can_manage": has_perm(request.user, MANAGE_RULES),
    }
    return render(request, "awards/catalogue.html", context)


def _version_rows(award_type: AwardType, today: dt.date) -> list[dict[str, Any]]:
    names = _type_names()
    rules = list(award_type.rules.select_related("rule_set", "issuer").order_by(*_NEWEST_FIRST))
    rows = []
    for rule in rules:
        start, end = _span(rule)
        prize_rows = [
            {"kind": KIND_LABELS.get(kind, kind), "level": LEVEL_LABELS.get(level, level), "value": value}
            for kind, by_level in (rule.prize or {}).items()
            for level, value in sorted(by_level.items(), key=lambda kv: kv[0] != "*")
        ]
        rows.append(
            {
                "rule": rule,
                "start": start,
                "end": end,
                "current": rule.issuer_id is None and _covers(rule, today),
                "future": start is not None and start > today,
                "draft": rule.rule_set.status == RuleSetStatus.DRAFT,
                "prize_rows": prize_rows,
                "vote": vote_text(rule.vote),
                "quota": quota_text(rule.quota, names),
                "tree": criteria_tree(rule.criteria, names),
            }
        )
    return rows


def _salary_today(today: dt.date) -> BaseSalary | None:
    return BaseSalary.objects.filter(valid_from__lte=today).order_by("-valid_from").first()


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One title or form: its rule versions as a timeline; for rule managers,
    a form to start a new version from a date (POST here)."""
    user = request.user
    award_type = get_object_or_404(AwardType, code=code)
    today = timezone.localdate()
    can_manage = has_perm(user, MANAGE_RULES)
    base = versioning.rule_in_force(award_type, today) or (
        award_type.rules.filter(issuer__isnull=True)
        .select_related("rule_set")
        .order_by(*_NEWEST_FIRST)
        .first()
    )
    form: RuleVersionForm | None = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if base is None:
            raise PermissionDenied
        form = RuleVersionForm(request.POST, rule=base)
        if form.is_valid():
            on = form.cleaned_data["valid_from"]
            target = versioning.rule_in_force(award_type, on)
            try:
                if target is None:
                    raise DomainError(
                        f"Không có quy định nào của «{award_type.name}» áp dụng vào ngày {on:%d/%m/%Y}."
                    )
                new = versioning.rule_new_version(actor=user, rule=target, valid_from=on, **form.changes())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Đã tạo phiên bản mới của «{award_type.name}» áp dụng từ {new.valid_from:%d/%m/%Y}; "
                    "phiên bản trước vẫn được giữ.",
                )
                return redirect("awards:catalogue_detail", code=award_type.code)
        status = 400
    elif can_manage and base is not None:
        form = RuleVersionForm(rule=base)
    context = {
        "award_type": award_type,
        "today": today,
        "versions": _version_rows(award_type, today),
        "form": form,
        "base": base,
        "salary": _salary_today(today),
        "can_manage": can_manage,
    }
    return render(request, "awards/catalogue_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def local_type_create(request: HttpRequest) -> HttpResponse:
    """Add a title or form of the ministry or province, with its first version."""
    user = request.user
    if not has_perm(user, MANAGE_RULES):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = LocalAwardTypeForm(request.POST)
        if form.is_valid():
            try:
                rule = versioning.local_award_type_create(actor=user, **form.service_kwargs())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Đã thêm «{rule.award_type.name}» vào danh mục.")
                return redirect("awards:catalogue_detail", code=rule.award_type.code)
        status = 400
    else:
        form = LocalAwardTypeForm(initial={"valid_from": timezone.localdate()})
    return render(request, "awards/local_type_create.html", {"form": form}, status=status)


# --- registry ----------------------------------------------------------------------


def records_for(user: Any) -> QuerySet[AwardRecord]:
    """Award records whose owner unit is in the user's ``awards.view`` scope."""
    return selectors.records_for(user, VIEW).select_related(
        "award_type", "person", "unit", "household", "owner_unit", "authority"
    )


def _filtered(user: Any, data: dict[str, Any]) -> QuerySet[AwardRecord]:
    qs = records_for(user)
    terms = [t for t in fold(data.get("q") or "").split(" ") if t][:8]
    if terms:
        key = " ".join(terms)
        qs = qs.filter(
            Q(person__search_key__contains=key)
            | Q(unit__search_key__contains=key)
            | Q(household__search_key__contains=key)
        )
    if data.get("nam"):
        qs = qs.filter(year=data["nam"])
    if data.get("loai"):
        qs = qs.filter(award_type=data["loai"])
    if unit := data.get("unit"):
        qs = (
            qs.filter(owner_unit__path__startswith=unit.path)
            if data.get("sub")
            else qs.filter(owner_unit=unit)
        )
    if data.get("trang_thai"):
        qs = qs.filter(status=data["trang_thai"])
    if data.get("thieu"):
        qs = qs.filter(missing_basis=True)
    return qs.order_by("-year", "-decision_date", "-id")


def _registry_form(request: HttpRequest) -> tuple[RegistryFilterForm, dict[str, Any]]:
    form = RegistryFilterForm(request.GET or None, units=units_for(request.user, VIEW))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, data


@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    """The register of awards in the user's scope, filtered, 50 a page; htmx gets the table only."""
    user = request.user
    form, data = _registry_form(request)
    page = Paginator(_filtered(user, data), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": params.urlencode(),
        "can_add": has_perm(user, EDIT),
        "can_import": has_perm(user, EDIT),
    }
    template = "awards/_registry_results.html" if is_htmx(request) else "awards/registry.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def record_row(record: AwardRecord) -> dict[str, Any]:
    """One register line as exported."""
    recipient = record.recipient
    return {
        "recipient": getattr(recipient, "full_name", None) or getattr(recipient, "name", "") or "",
        "kind": record.get_recipient_kind_display(),
        "owner_unit": record.owner_unit.name,
        "award": record.award_type.name,
        "year": record.year,
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "authority": record.authority.name if record.authority_id else record.authority_name,
        "prize_amount": record.prize_amount,
        "status": record.get_status_display(),
        "missing_basis": "; ".join(str(n) for n in record.basis_notes or [])
        or ("Có" if record.missing_basis else ""),
    }


@login_required
@require_GET
def registry_export(request: HttpRequest) -> HttpResponse:
    """The register as filtered on screen, as an Excel file (only what the user may see)."""
    _, data = _registry_form(request)
    rows = (record_row(r) for r in _filtered(request.user, data).iterator(chunk_size=2000))
    content = exports.registry_xlsx(
        rows, title=f"Sổ theo dõi khen thưởng — xuất ngày {timezone.localdate():%d/%m/%Y}"
    )
    return _attachment(content, exports.filename("so-khen-thuong"))


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(records_for(request.user).select_related("rule__rule_set"), pk=pk)
    return render(request, "awards/record_detail.html", {"record": record})


@login_required
@require_GET
def person_suggest(request: HttpRequest) -> HttpResponse:
    """``<option>``s for the person box: people in scope whose name matches what was typed."""
    typed = (request.GET.get("person") or request.GET.get("q") or "").strip()[:120]
    people: list[Person] = []
    if typed and not typed[0].isdigit():
        terms = [t for t in fold(typed).split(" ") if t][:8]
        qs = people_for(request.user, VIEW).select_related("unit")
        if terms:
            people = list(
                qs.filter(search_key__contains=" ".join(terms)).order_by("sort_key", "id")[:SUGGESTIONS]
            )
    return render(request, "awards/_person_options.html", {"people": people})


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest) -> HttpResponse:
    """Add one line to the register (a decision already taken)."""
    user = request.user
    if not has_perm(user, EDIT):
        raise PermissionDenied
    people = people_for(user, EDIT).select_related("unit")
    units = units_for(user, EDIT)
    status = 200
    if request.method == "POST":
        form = RecordCreateForm(request.POST, people=people, units=units)
        if form.is_valid():
            data = dict(form.cleaned_data)
            kind = data.pop("recipient_kind")
            person = data.pop("person")
            unit = data.pop("unit")
            try:
                record = services.award_record_create(
                    actor=user,
                    recipient_kind=kind,
                    person=person if kind == "individual" else None,
                    unit=unit if kind == "collective" else None,
                    **{k: v for k, v in data.items() if v not in (None, "")},
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Đã ghi vào sổ: {record.award_type.name} năm {record.year}.")
                return redirect("awards:record", pk=record.pk)
        status = 400
    else:
        form = RecordCreateForm(
            initial={
                "year": timezone.localdate().year - 1,
                "recipient_kind": "individual",
                "occasion": "regular",
            },
            people=people,
            units=units,
        )
    return render(request, "awards/record_create.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_import(request: HttpRequest) -> HttpResponse:
    """Upload an XLSX of past awards, ratings, initiatives or disciplines: checked
    whole, nothing written if a row is wrong."""
    user = request.user
    can_import = has_perm(user, EDIT)
    form = ImportKindForm(request.POST or None, initial={"kind": request.GET.get("kind", "awards")})
    context: dict[str, Any] = {"can_import": can_import, "form": form, "kinds": IMPORT_KINDS}
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        upload = request.FILES.get("file")
        if not form.is_valid():
            context["rejected"] = ImportRejected("Hãy chọn loại dữ liệu cần nhập.")
        elif upload is None:
            context["rejected"] = ImportRejected("Hãy chọn tệp cần nhập.")
        else:
            try:
                result = imports.import_file(
                    actor=user, file=upload, name=upload.name or "", kind=form.cleaned_data["kind"]
                )
            except ImportRejected as exc:
                context["rejected"] = exc
            except DomainError as exc:
                context["rejected"] = ImportRejected(exc.message)
            else:
                context["result"] = result
        if "rejected" in context:
            status = 422
    return render(request, "awards/record_import.html", context, status=status)


_TEMPLATE_NAMES = {
    "awards": "mau-nhap-khen-thuong.xlsx",
    "ratings": "mau-nhap-xep-loai.xlsx",
    "initiatives": "mau-nhap-sang-kien.xlsx",
    "disciplines": "mau-nhap-ky-luat.xlsx",
}


@login_required
@require_GET
def record_import_template(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "awards")
    if kind not in _TEMPLATE_NAMES:
        kind = "awards"
    return _attachment(imports.template_xlsx(kind), _TEMPLATE_NAMES[kind])


# --- eligibility check -------------------------------------------------------------

_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class Line:
    """One line of the list to check, as typed, and what it resolved to."""

    row: int
    text: str
    name: str = ""
    birth: dt.date | None = None
    unit_code: str = ""
    award_code: str = ""
    year: int | None = None
    person_id: int | None = None
    person: Person | None = None
    unit: Unit | None = None
    error: str = ""
    options: list[Person] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def parse_line(row: int, fields: list[str], codes: set[str]) -> Line:
    """``Họ và tên; ngày sinh; mã đơn vị; mã khen thưởng; năm`` — or a person number
    first. Empty fields may be left out; the award code and the year are recognised
    wherever they are."""
    fields = [clean(f) for f in fields]
    line = Line(row=row, text="; ".join(f for f in fields if f))
    rest = list(fields)
    if (rest and rest[0].isdigit() and not _YEAR.match(rest[0])) or (rest and rest[0].startswith("#")):
        line.person_id = int(rest.pop(0).lstrip("#"))
    elif rest:
        line.name = rest.pop(0)
    leftovers = []
    for value in rest:
        if not value:
            continue
        if value.upper() in codes and not line.award_code:
            line.award_code = value.upper()
        elif _YEAR.match(value) and line.year is None:
            line.year = int(value)
        elif _DATE.match(value) and line.birth is None:
            line.birth = _date(value)
            if line.birth is None:
                line.error = f"Ngày sinh «{value}» không hợp lệ (dd/mm/yyyy)."
        else:
            leftovers.append(value)
    if leftovers:
        line.unit_code = leftovers[0]
        if len(leftovers) > 1 and not line.error:
            line.error = f"Không hiểu «{'; '.join(leftovers[1:])}» (mã khen thưởng hoặc năm?)."
    if not line.error:
        if not line.award_code:
            line.error = "Thiếu mã khen thưởng hoặc mã không có trong danh mục."
        elif line.year is None:
            line.error = "Thiếu năm thành tích (4 chữ số)."
        elif not (line.name or line.person_id or line.unit_code):
            line.error = "Thiếu họ tên hoặc mã đơn vị."
    return line


def read_lines(text: str, upload: Any, codes: set[str]) -> list[Line]:
    lines: list[Line] = []
    if upload is not None:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(upload)
        data = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        for i, values in enumerate(data[1:], start=2):
            cells = [_cell(v) for v in values[:5]]
            if any(cells):
                lines.append(parse_line(i, cells, codes))
    for i, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.split("\t") if "\t" in raw and ";" not in raw else raw.split(";")
        lines.append(parse_line(i, parts, codes))
    return lines


def resolve(user: Any, lines: list[Line]) -> None:
    """Find each line's person (or unit) in the user's scope, in a few queries.

    A name that fits several people is not guessed: the line lists them."""
    codes = {ln.unit_code.upper() for ln in lines if ln.unit_code}
    units: dict[str, Unit] = {}
    if codes:
        match = Q()
        for code in codes:
            match |= Q(code__iexact=code)
        units = {u.code.upper(): u for u in units_for(user, VIEW).filter(match)}
    visible = people_for(user, VIEW).select_related("unit")
    by_id = {p.pk: p for p in visible.filter(pk__in={ln.person_id for ln in lines if ln.person_id})}
    keys = {fold(ln.name) for ln in lines if ln.name and not ln.error}
    by_key: dict[str, list[Person]] = {}
    for p in visible.filter(search_key__in=keys).order_by("sort_key", "id"):
        by_key.setdefault(p.search_key, []).append(p)
    for ln in lines:
        if ln.error:
            continue
        unit = units.get(ln.unit_code.upper()) if ln.unit_code else None
        if ln.unit_code and unit is None:
            ln.error = f"Không tìm thấy đơn vị «{ln.unit_code}» trong phạm vi của bạn."
            continue
        if ln.person_id:
            ln.person = by_id.get(ln.person_id)
            if ln.person is None:
                ln.error = f"Không tìm thấy cá nhân số {ln.person_id} trong phạm vi của bạn."
            continue
        if not ln.name:
            ln.unit = unit
            continue
        found = by_key.get(fold(ln.name), [])
        if ln.birth:
            found = [p for p in found if p.birth_date == ln.birth]
        if unit is not None:
            found = [p for p in found if p.unit_id == unit.pk or p.unit.path.startswith(unit.path)]
        if len(found) == 1:
            ln.person = found[0]
        elif not found:
            ln.error = (
                f"Không tìm thấy «{ln.name}»"
                + (f" sinh ngày {ln.birth:%d/%m/%Y}" if ln.birth else "")
                + " trong phạm vi của bạn."
            )
        else:
            ln.options = found[:10]
            ln.error = f"Có {len(found)} người tên «{ln.name}»: hãy ghi thêm ngày sinh, mã đơn vị hoặc số hiệu cá nhân."


_MISSING_PREFIX = re.compile(r"^\s*còn thiếu:\s*", re.IGNORECASE)

_STATUS = {
    "eligible": ("Đủ điều kiện", "✓", "ok"),
    "not_eligible": ("Không đủ điều kiện", "✗", "no"),
    "needs_review": ("Cần xem xét", "?", "unk"),
}


_TRAILING_MARK = re.compile(r"\s*[✓✗?]\s*$")


def _verdict_dict(verdict: Any) -> dict[str, Any]:
    data = verdict.as_dict() if hasattr(verdict, "as_dict") else dict(verdict)
    # The page draws the mark in its own column; the engine's message may end with one too.
    for item, result in zip(data.get("criteria") or [], getattr(verdict, "criteria", []) or [], strict=False):
        item["message"] = _TRAILING_MARK.sub("", str(item.get("message") or ""))
        item["alternative"] = getattr(result, "alternative", "")
        item["confidence"] = getattr(result, "confidence", "")
    label, sign, css = _STATUS.get(data.get("status") or "", ("Cần xem xét", "?", "unk"))
    data.update(result_label=label, result_sign=sign, result_class=css)
    # The engine's phrases may already start with "còn thiếu:"; the pages write it once.
    data["missing"] = [_MISSING_PREFIX.sub("", str(m)) for m in data.get("missing") or []]
    return data


def run_check(user: Any, lines: list[Line], as_of: dt.date) -> list[dict[str, Any]]:
    """One engine call for every line that resolved; results in the list's order."""
    ready = [ln for ln in lines if not ln.error and (ln.person or ln.unit)]
    if not ready:
        return []

    candidates = [
        engine.Candidate(
            award=ln.award_code,
            year=ln.year,
            person_id=ln.person.pk if ln.person else None,
            unit_id=ln.unit.pk if ln.unit else None,
        )
        for ln in ready
    ]
    verdicts = engine.check(candidates, as_of=as_of)
    return [{"line": ln, "verdict": _verdict_dict(v)} for ln, v in zip(ready, verdicts, strict=True)]


def _result_rows(results: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for item in results:
        ln, v = item["line"], item["verdict"]
        subject = ln.person or ln.unit
        crit = []
        for c in v.get("criteria") or []:
            sign = {True: "✓", False: "✗"}.get(c.get("met"), "?")
            cite = f" ({c['citation']})" if c.get("citation") else ""
            crit.append(f"{sign} {c.get('message') or c.get('code')}{cite}")
        rows.append(
            {
                "name": getattr(subject, "full_name", None) or getattr(subject, "name", ""),
                "unit": ln.person.unit.name if ln.person else (ln.unit.name if ln.unit else ""),
                "award": names.get(ln.award_code, ln.award_code),
                "year": ln.year,
                "result": f"{v['result_label']} {v['result_sign']}",
                "rule_set": v.get("rule_set") or "",
                "criteria": "\n".join(crit),
                "warnings": "\n".join(
                    [*map(str, v.get("warnings") or []), *map(str, v.get("missing") or [])]
                ),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request: HttpRequest) -> HttpResponse:
    """Paste or upload a list, choose the dossier date, see who meets which criteria.

    ``xuat=xlsx`` in the POST returns the same table as an Excel file."""
    user = request.user
    if not has_perm(user, VIEW):
        raise PermissionDenied
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    status = 200
    if request.method == "POST":
        form = EligibilityForm(request.POST, request.FILES)
        if form.is_valid():
            names = _type_names()
            codes = {c.upper() for c in names}
            try:
                lines = read_lines(form.cleaned_data["lines"], form.cleaned_data.get("file"), codes)
            except Exception:  # any unreadable upload is the user's file, not our error
                form.add_error("file", "Không đọc được tệp Excel này.")
                lines = []
            if len(lines) > MAX_CHECK_LINES:
                form.add_error("lines", f"Mỗi lần xét tối đa {MAX_CHECK_LINES} dòng.")
            elif lines:
                resolve(user, lines)
                as_of = form.cleaned_data["as_of"]
                results = run_check(user, lines, as_of)
                if request.POST.get("xuat") == "xlsx":
                    content = exports.eligibility_xlsx(
                        _result_rows(results, names),
                        title=f"Kết quả xét điều kiện khen thưởng — ngày nhận hồ sơ {as_of:%d/%m/%Y}",
                    )
                    return _attachment(content, exports.filename("ket-qua-xet-khen-thuong"))
                context.update(
                    results=results,
                    problems=[ln for ln in lines if ln.error],
                    names=names,
                    as_of=as_of,
                    replay="\n".join(ln.text for ln in lines),
                    counts={
                        key: sum(1 for r in results if r["verdict"].get("status") == key) for key in _STATUS
                    },
                )
        if form.errors:
            status = 400
    else:
        form = EligibilityForm(initial={"as_of": today})
    context["form"] = form
    context["award_types"] = AwardType.objects.order_by("-rank", "code")
    return render(request, "awards/eligibility.html", context, status=status)


# --- person and unit pages -----------------------------------------------------------


def history_panel(
    user: Any, *, person: Person | None = None, unit: Unit | None = None
) -> dict[str, Any] | None:
    """What the person's or unit's page shows of awards: the records (valid and
    revoked, newest first) and what may be proposed next. ``None`` outside scope."""
    owner = person.unit if person is not None else unit
    if not can_on_unit(user, VIEW, owner):
        return None
    records = AwardRecord.objects.select_related("award_type", "authority").order_by(
        "-year", "-decision_date", "-id"
    )
    records = records.filter(person=person) if person is not None else records.filter(unit=unit)
    year = timezone.localdate().year - 1
    verdicts = (
        engine.next_awards(person_id=person.pk, year=year)
        if person is not None
        else engine.next_awards(unit_id=unit.pk, year=year)  # type: ignore[union-attr]
    )
    suggestions = [_verdict_dict(v) for v in verdicts]
    order = {"eligible": 0, "needs_review": 1, "not_eligible": 2}
    suggestions.sort(key=lambda v: (order.get(v.get("status") or "", 3), len(v.get("missing") or [])))
    names = _type_names() if suggestions else {}
    for s in suggestions:
        code = s.get("award") or s.get("award_code") or ""
        s["award_name"] = names.get(code, code)
    return {
        "records": list(records),
        "year": year,
        "eligible": [s for s in suggestions if s.get("status") == "eligible"],
        "nearest": [s for s in suggestions if s.get("status") != "eligible"][:4],
        "registry_url": reverse("awards:registry"),
    }
