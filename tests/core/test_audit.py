"""The audit trail: who, when, from where, before and after — and nobody edits it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from thidua.core.audit import history
from thidua.core.context import origin
from thidua.core.models import AuditEntry
from thidua.directory import services


def test_person_update_is_audited_with_before_after_actor_and_origin(tree, province_officer):
    person = services.person_create(
        actor=province_officer, full_name="Lê Thị Hoa", gender="female", unit=tree["XA1"]
    )
    with origin("api", "10.0.0.7"):
        services.person_update(actor=province_officer, person=person, position="Chuyên viên")
    entry = history(person).first()
    assert entry.action == "person.update"
    assert entry.actor == province_officer
    assert entry.actor_name == "thuongtruc"
    assert entry.origin == "api"
    assert entry.ip_address == "10.0.0.7"
    assert entry.before["position"] == ""
    assert entry.after["position"] == "Chuyên viên"
    assert entry.changes == [("position", "", "Chuyên viên")]
    assert [e.action for e in history(person)] == ["person.update", "person.create"]


def test_cli_writes_are_audited_with_cli_origin(tree):
    with origin("cli"):
        person = services.person_create(actor=None, full_name="Trần Văn An", gender="male", unit=tree["XA2"])
    entry = history(person).get()
    assert (entry.origin, entry.actor, entry.actor_name) == ("cli", None, "hệ thống")


def test_audit_entries_cannot_be_changed_through_the_app(tree):
    entry = history(tree["XA1"]).first()
    entry.action = "tampered"
    with pytest.raises(RuntimeError, match="không được sửa"):
        entry.save()
    with pytest.raises(RuntimeError, match="không được xoá"):
        entry.delete()


def test_the_database_refuses_updates_of_audit_rows(tree):
    entry = history(tree["XA1"]).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.create"
