"""Web pages of the directory: the unit tree, unit and person pages, the people list,
blocks and clusters.

Views stay thin: a form parses what was typed, a selector reads (already
narrowed to the user's scope, so anything outside it is a 404, the same as
a record that does not exist), a service writes and audits. A form the user
may not use is not shown, and posting it anyway is refused with 403.

htmx requests (``HX-Request`` header) get only the fragment they replace —
the people table, a unit's children, the unit suggestions — never the layout.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.enums import Perm
from thidua.accounts.scoping import can_on_unit, has_perm, people_for, units_for
from thidua.core import audit
from thidua.core.errors import DomainError
from thidua.core.htmx import is_htmx
from thidua.core.models import AuditEntry
from thidua.directory import selectors, services
from thidua.directory.enums import Gender, GroupKind, UnitKind
from thidua.directory.forms import (
    PeopleFilterForm,
    PersonCreateForm,
    PersonEditForm,
    PersonMoveForm,
    UnitEditForm,
)
from thidua.directory.models import Person, Unit

PEOPLE_PER_PAGE = 50
CHILDREN_PER_PAGE = 30
UNIT_PEOPLE_SHOWN = 50
HISTORY_SHOWN = 50
SUGGESTIONS = 20
GROUPS_PER_PAGE = 50


# --- helpers -------------------------------------------------------------------


def _render(request: HttpRequest, full: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The fragment for htmx, the page otherwise; ``Vary`` keeps caches from mixing them."""
    response = render(request, partial if is_htmx(request) else full, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request: HttpRequest, items: QuerySet[Any], per_page: int, param: str = "page") -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def _current(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    """Units not dissolved as of today (a unit valid up to today is still shown)."""
    return qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))


_LABELS: dict[str, dict[str, str]] = {
    "directory.person": {f.name: str(f.verbose_name) for f in Person._meta.concrete_fields},
    "directory.unit": {f.name: str(f.verbose_name) for f in Unit._meta.concrete_fields},
}
_CHOICES: dict[str, dict[str, str]] = {
    "gender": dict(Gender.choices),
    "kind": dict(UnitKind.choices),
}
_HIDDEN = "•••• (bạn không có quyền xem)"


def _history(obj: Person | Unit, *, show_identity: bool) -> list[dict[str, Any]]:
    """Audit entries of ``obj`` as rows to show: field labels, readable values, and
    the identity number masked for users who may read the log but not the number."""
    entries: list[AuditEntry] = list(audit.history(obj)[:HISTORY_SHOWN])
    labels = _LABELS.get(obj._meta.label_lower, {})
    unit_ids = {
        v
        for e in entries
        for name, before, after in e.changes
        if name in {"unit", "parent"}
        for v in (before, after)
        if v
    }
    unit_names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    rows = []
    for entry in entries:
        changes = []
        for name, before, after in entry.changes:
            if name == "identity_number" and not show_identity:
                before, after = (_HIDDEN if before else None), (_HIDDEN if after else None)
            elif name in _CHOICES:
                before, after = _CHOICES[name].get(before, before), _CHOICES[name].get(after, after)
            elif name in {"unit", "parent"}:
                before, after = unit_names.get(before, before), unit_names.get(after, after)
            changes.append({"label": labels.get(name, name), "before": before, "after": after})
        rows.append({"entry": entry, "changes": changes})
    return rows


def _breadcrumb(user: Any, unit: Unit, *, include_self: bool = False) -> list[dict[str, Any]]:
    """Ancestors from the root (and ``unit`` itself if asked); linked only where
    the user may open them — the names of higher units are no secret, their pages are."""
    ancestors = selectors.ancestors(unit) + ([unit] if include_self else [])
    visible = set(
        units_for(
            user, Perm.VIEW_DIRECTORY, Unit.objects.filter(pk__in=[a.pk for a in ancestors])
        ).values_list("pk", flat=True)
    )
    return [{"unit": a, "link": a.pk in visible} for a in ancestors]


# --- units ---------------------------------------------------------------------


def _with_children_flag(qs: QuerySet[Unit], user: Any, show_dissolved: bool) -> QuerySet[Unit]:
    children = units_for(user, Perm.VIEW_DIRECTORY).filter(parent=OuterRef("pk"))
    if not show_dissolved:
        children = _current(children)
    return qs.annotate(has_children=Exists(children)).order_by("admin_code", "name", "pk")


@login_required
@require_GET
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The highest units the user may see, opened level by level on demand:
    with ~14,000 administrative units the whole tree is never rendered."""
    user = request.user
    show_dissolved = request.GET.get("giai_the") == "1"
    q = (request.GET.get("q") or "").strip()[:120]
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "show_dissolved": show_dissolved,
        "q": q,
        "today": timezone.localdate(),
        "querystring": params.urlencode(),
    }
    if q:
        found = selectors.units_list(user, q=q)
        if not show_dissolved:
            found = _current(found)
        context["results"] = _page(request, found.order_by("admin_code", "name", "pk"), CHILDREN_PER_PAGE)
    else:
        visible = units_for(user, Perm.VIEW_DIRECTORY)
        roots = visible.exclude(parent__in=visible)
        if not show_dissolved:
            roots = _current(roots)
        context["roots"] = list(_with_children_flag(roots, user, show_dissolved)[:200])
    return _render(request, "directory/unit_tree.html", "directory/_unit_tree_results.html", context)


@login_required
@require_GET
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One level of the tree, loaded by htmx when a node is opened."""
    user = request.user
    unit = get_object_or_404(units_for(user, Perm.VIEW_DIRECTORY), pk=pk)
    show_dissolved = request.GET.get("giai_the") == "1"
    children = selectors.units_list(user, parent=unit)
    if not show_dissolved:
        children = _current(children)
    children = _with_children_flag(children, user, show_dissolved)
    page = _page(request, children, 200)
    context = {
        "parent": unit,
        "nodes": page.object_list,
        "page": page,
        "show_dissolved": show_dissolved,
        "today": timezone.localdate(),
    }
    return render(request, "directory/_unit_nodes.html", context)


@login_required
@require_GET
def unit_suggest(request: HttpRequest) -> HttpResponse:
    """``<option>``s for a unit-code box: units in scope matching what was typed.

    ``for=edit`` narrows to units where the user may add or move people, so
    the suggestions never offer a unit the form would then refuse."""
    user = request.user
    typed = (request.GET.get("unit") or request.GET.get("q") or "").strip()[:120]
    perm = Perm.EDIT_PERSON if request.GET.get("for") == "edit" else Perm.VIEW_DIRECTORY
    units: list[Unit] = []
    if typed:
        qs = _current(units_for(user, perm))
        exact = list(qs.filter(code__iexact=typed)[:1])
        terms = selectors.search_terms(typed)
        for term in terms:
            qs = qs.filter(search_key__contains=term)
        units = exact + [u for u in qs.order_by("depth", "name")[:SUGGESTIONS] if u not in exact]
    return render(request, "directory/_unit_options.html", {"units": units})


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit: particulars, place in the tree, lineage, people, history; and the
    edit form for those who may edit it (POST here saves it)."""
    user = request.user
    unit = get_object_or_404(units_for(user, Perm.VIEW_DIRECTORY).select_related("parent"), pk=pk)
    can_edit = can_on_unit(user, Perm.EDIT_UNIT, unit)
    form: UnitEditForm | None = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = UnitEditForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            data["admin_code"] = data["admin_code"] or ""
            try:
                services.unit_update(actor=user, unit=unit, expected_version=version, **data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã lưu thông tin đơn vị.")
                return redirect("directory:unit", pk=unit.pk)
    elif can_edit:
        form = UnitEditForm(
            initial={
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "admin_code": unit.admin_code,
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
                "version": unit.version,
            }
        )
    show_dissolved = request.GET.get("giai_the") == "1"
    children = selectors.units_list(user, parent=unit)
    if not show_dissolved:
        children = _current(children)
    visible = units_for(user, Perm.VIEW_DIRECTORY)
    visible_ids = set()
    predecessors = [u for u in selectors.lineage(unit) if u.pk != unit.pk]
    successors = list(selectors.successors(unit))
    linked = [u.pk for u in predecessors + successors]
    if linked:
        visible_ids = set(visible.filter(pk__in=linked).values_list("pk", flat=True))
    people = selectors.people_list(user, unit=unit)
    can_audit = can_on_unit(user, Perm.VIEW_AUDIT, unit)
    context = {
        "unit": unit,
        "today": timezone.localdate(),
        "breadcrumb": _breadcrumb(user, unit),
        "children": _page(request, children.order_by("admin_code", "name", "pk"), CHILDREN_PER_PAGE, "trang"),
        "show_dissolved": show_dissolved,
        "predecessors": [{"unit": u, "link": u.pk in visible_ids} for u in predecessors],
        "successors": [{"unit": u, "link": u.pk in visible_ids} for u in successors],
        "people": list(people[:UNIT_PEOPLE_SHOWN]),
        "people_count": people.count(),
        "history": _history(unit, show_identity=False) if can_audit else None,
        "form": form,
        "can_add_person": can_on_unit(user, Perm.EDIT_PERSON, unit),
    }
    return render(request, "directory/unit_detail.html", context, status=400 if form and form.errors else 200)


# --- people --------------------------------------------------------------------


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    """The people the user may see, searched as typed (without diacritics too),
    in Vietnamese order, 50 a page. htmx gets only the results table."""
    user = request.user
    form = PeopleFilterForm(request.GET or None, units=units_for(user, Perm.VIEW_DIRECTORY))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = selectors.people_list(
        user, q=data.get("q"), unit=data.get("unit"), include_subunits=bool(data.get("sub"))
    )
    page = _page(request, people, PEOPLE_PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": params.urlencode(),
        "can_add": has_perm(user, Perm.EDIT_PERSON),
    }
    return _render(request, "directory/people_list.html", "directory/_people_results.html", context)


def _visible_person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(people_for(request.user, Perm.VIEW_DIRECTORY).select_related("unit"), pk=pk)


def _person_page(
    request: HttpRequest,
    person: Person,
    *,
    edit_form: PersonEditForm | None = None,
    move_form: PersonMoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    show_identity = can_on_unit(user, Perm.VIEW_IDENTITY, person.unit)
    can_edit = can_on_unit(user, Perm.EDIT_PERSON, person.unit)
    if can_edit and edit_form is None:
        edit_form = PersonEditForm(
            initial={
                "full_name": person.full_name,
                "gender": person.gender,
                "birth_date": person.birth_date,
                "position": person.position,
                "identity_number": person.identity_number or "",
                "version": person.version,
            },
            show_identity=show_identity,
        )
    if can_edit and move_form is None:
        move_form = PersonMoveForm(
            initial={"version": person.version, "position": person.position},
            units=units_for(user, Perm.EDIT_PERSON),
        )
    postings = person.postings.select_related("unit").order_by("-start_date", "-id")
    context = {
        "person": person,
        "breadcrumb": _breadcrumb(user, person.unit, include_self=True),
        "show_identity": show_identity,
        "postings": list(postings),
        "history": (
            _history(person, show_identity=show_identity)
            if can_on_unit(user, Perm.VIEW_AUDIT, person.unit)
            else None
        ),
        "edit_form": edit_form if can_edit else None,
        "move_form": move_form if can_edit else None,
        # A form sent back with errors is shown open; the others stay folded.
        "open_form": next((n for n, f in (("edit", edit_form), ("move", move_form)) if f and f.is_bound), ""),
    }
    return render(request, "directory/person_detail.html", context, status=status)


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, _visible_person(request, pk))


@login_required
@require_POST
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save particulars; a save on a stale version keeps the input and says why."""
    person = _visible_person(request, pk)
    user = request.user
    if not can_on_unit(user, Perm.EDIT_PERSON, person.unit):
        raise PermissionDenied
    show_identity = can_on_unit(user, Perm.VIEW_IDENTITY, person.unit)
    form = PersonEditForm(request.POST, show_identity=show_identity)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                actor=user,
                person=person,
                expected_version=data["version"],
                full_name=data["full_name"],
                gender=data["gender"],
                birth_date=data["birth_date"],
                position=data["position"],
                identity_number=data.get("identity_number") if show_identity else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã lưu thông tin cá nhân.")
            return redirect("directory:person", pk=person.pk)
    return _person_page(request, person, edit_form=form, status=400)


@login_required
@require_POST
def person_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Transfer to another unit in the user's scope (closes the current posting)."""
    person = _visible_person(request, pk)
    user = request.user
    if not can_on_unit(user, Perm.EDIT_PERSON, person.unit):
        raise PermissionDenied
    form = PersonMoveForm(request.POST, units=units_for(user, Perm.EDIT_PERSON))
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.person_move(
                actor=user,
                person=person,
                unit=data["unit"],
                on=data["on"],
                position=data["position"] or None,
                expected_version=data["version"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã chuyển {moved.full_name} đến {moved.unit.name}.")
            return redirect("directory:person", pk=person.pk)
    return _person_page(request, person, move_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Add a person to a unit where the user may edit people."""
    user = request.user
    if not has_perm(user, Perm.EDIT_PERSON):
        raise PermissionDenied
    units = units_for(user, Perm.EDIT_PERSON)
    if request.method == "POST":
        form = PersonCreateForm(request.POST, units=units)
        # The identity box is shown only if the chosen unit allows it; checked after parsing.
        if form.is_valid():
            data = form.cleaned_data
            ident = data.get("identity_number") or None
            if ident and not can_on_unit(user, Perm.VIEW_IDENTITY, data["unit"]):
                form.add_error("identity_number", "Bạn không có quyền nhập số định danh cho đơn vị này.")
            else:
                try:
                    person = services.person_create(
                        actor=user,
                        full_name=data["full_name"],
                        gender=data["gender"],
                        unit=data["unit"],
                        birth_date=data["birth_date"],
                        position=data["position"],
                        identity_number=ident,
                        start_date=data["start_date"],
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"Đã thêm {person.full_name}.")
                    return redirect("directory:person", pk=person.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"gender": Gender.MALE}
        if code := request.GET.get("unit"):
            unit = units.filter(code=code).first()
            if unit is not None:
                initial["unit"] = unit.code
        form = PersonCreateForm(initial=initial, units=units)
        status = 200
    return render(request, "directory/person_create.html", {"form": form}, status=status)


# --- emulation blocks and clusters ------------------------------------------------


def _year_param(value: str | None) -> int | None:
    if value and value.isdigit() and 1945 <= int(value) <= 2200:
        return int(value)
    return None


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """Blocks and clusters the user may see; ``nam`` counts the members of
    that year (this year by default), ``loai`` keeps one kind."""
    year = _year_param(request.GET.get("nam")) or timezone.localdate().year
    kind = request.GET.get("loai") or ""
    if kind not in GroupKind.values:
        kind = ""
    groups = selectors.groups_list(request.user, kind=kind or None, year=year)
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "page": _page(request, groups, GROUPS_PER_PAGE, "trang"),
        "year": year,
        "kind": kind,
        "kinds": GroupKind.choices,
        "querystring": params.urlencode(),
    }
    return render(request, "directory/group_list.html", context)


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A block or cluster with its members year by year (one tab a year)."""
    group = get_object_or_404(selectors.groups_list(request.user), pk=pk)
    years = selectors.group_years(group)
    year = _year_param(request.GET.get("nam"))
    if year is None:
        year = years[0] if years else timezone.localdate().year
    members = list(selectors.group_members(group, year))
    context = {
        "group": group,
        "years": years,
        "year": year,
        "members": members,
        "leader": next((m for m in members if m.is_leader), None),
        "visible_units": set(
            units_for(request.user, Perm.VIEW_DIRECTORY)
            .filter(pk__in=[m.unit_id for m in members] + [group.organiser_id])
            .values_list("pk", flat=True)
        ),
    }
    return render(request, "directory/group_detail.html", context)
