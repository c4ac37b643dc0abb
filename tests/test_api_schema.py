"""The REST API against its own OpenAPI document, with schemathesis and every check.

Each operation gets generated requests, valid and invalid, sent through the WSGI
application with a committee administrator's token over a small seeded tree; the
path parameters name seeded records so the requests reach the code behind them.
Every response must be declared (status, content type, headers), match its
schema, refuse invalid input with a 4xx and accept valid input unless a rule of the
domain refuses it (a 422 with the field and the rule's words, never a refusal by
the schema layer). A stateful run then chains operations through their links.

The records are seeded once for the module, in a transaction rolled back at its end;
each generated request runs in a savepoint that is rolled back, and each stateful
scenario in one, so Hypothesis sees the same database whenever it replays a case.
The budget is fixed (``MAX_EXAMPLES`` per operation, derandomized) so the run is
repeatable and bounded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.errors import ValidationError as SchemaError
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure

from dangbo.accounts.models import Role
from dangbo.admissions import services as admission_services
from dangbo.awards.tests.factories import BadgeAwardFactory
from dangbo.core import api as core_api
from dangbo.core.management.commands.openapi import render_schema
from dangbo.core.tests.api_helpers import add_member, build_tree, make_user, token_for
from dangbo.imports import services as import_services
from dangbo.members import transfers

pytestmark = pytest.mark.django_db

# Bounded for the normal suite (about a minute or two per database); DANGBO_API_EXAMPLES
# asks for a deeper run.
MAX_EXAMPLES = int(os.environ.get("DANGBO_API_EXAMPLES", "8"))
STATEFUL_STEPS = 6
STATEFUL_EXAMPLES = MAX_EXAMPLES
SEED = 20260101
IMPORT_CSV = (
    "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Mã chi bộ,Cột lạ\n"
    "Lê Văn Bình,12/03/1980,Nam,02/09/2010,A1,x\n"
)
# Shared with the command-line run (`make api-fuzz`): which statuses valid input may get.
SHARED_CONFIG = Path(__file__).resolve().parent.parent / "schemathesis.toml"


# --------------------------------------------------------------------------
# The application, its data, the schema
# --------------------------------------------------------------------------


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Keep the test's connection (and its transaction) across requests, as Django's
    test client does: the WSGI handler would otherwise close it when a request ends."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _seed(folder: Path) -> dict[str, Any]:
    """A small tree with one record of every kind a path can name; return their keys."""
    tree = build_tree()
    member = add_member(tree.a1, "Nguyễn Văn Hùng")
    introducer_member = add_member(
        tree.a1, "Trần Thị Lan", admitted_on=dt.date(2005, 3, 2), official_on=dt.date(2006, 3, 2)
    )
    candidate = admission_services.propose_candidate(
        actor=None, organization=tree.a1, full_name="Hoàng Thị Mai",
        date_of_birth=dt.date(1996, 5, 10), sex="F", proposed_on=dt.date(2024, 9, 2),
    )  # fmt: skip
    introducer = admission_services.add_introducer(
        actor=None,
        candidate=candidate,
        assigned_on=dt.date(2024, 9, 10),
        member=introducer_member,
        relation="SAME_UNIT",
        known_since=dt.date(2022, 1, 1),
    )
    transfer = transfers.start_transfer(
        actor=None, member=member, reason="WORK_CHANGE", other_party="Đảng bộ tỉnh khác",
        triggered_on=dt.date(2025, 8, 1),
    )  # fmt: skip
    badge = BadgeAwardFactory(member=introducer_member)
    user = make_user("vanphong", Role.COMMITTEE_ADMIN, tree.root)
    upload = folder / "danh-sach.csv"
    upload.write_text(IMPORT_CSV, encoding="utf-8")
    job = import_services.upload(
        actor=user, organization=tree.a1, path=upload, filename="danh-sach.csv"
    )
    return {
        "token": token_for(user),
        "path": {
            "code": "A1",
            "member_id": member.pk,
            "event_id": member.events.get().pk,
            "candidate_id": candidate.pk,
            "introducer_id": introducer.pk,
            "transfer_id": transfer.pk,
            "badge_id": badge.pk,
            "year": 2025,
            "job_id": job.pk,
        },
    }


def _config(seeded: dict[str, Any]) -> SchemathesisConfig:
    shared = tomllib.loads(SHARED_CONFIG.read_text(encoding="utf-8"))
    return SchemathesisConfig.from_dict(
        {
            **shared,
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {seeded['token']}"},
            "parameters": {f"path.{name}": value for name, value in seeded["path"].items()},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
        }
    )


def _operations() -> list[str]:
    document = json.loads(render_schema())
    return [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded records, made once for the module in a transaction rolled back at its
    end; each test runs inside it (in its own savepoint, as every database test)."""
    folder = tmp_path_factory.mktemp("api-schema")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media"),
        _connection_kept(),
        transaction.atomic(),
    ):
        yield _seed(folder)
        transaction.set_rollback(True)


# The requests of the current case that the schema layer refused (its errors as answered).
SCHEMA_REFUSALS: list[list[dict[str, Any]]] = []


@pytest.fixture(scope="module")
def schema_refusals() -> Iterator[list[list[dict[str, Any]]]]:
    """Note every refusal by the schema layer: in the response its errors look like a
    rule's (our validators' words, type ``value_error``), so only the handler can tell."""

    def noted(request, exc: SchemaError):
        SCHEMA_REFUSALS.append(core_api.schema_errors(exc.errors))
        return core_api._schema_error(request, exc)

    core_api.api.add_exception_handler(SchemaError, noted)
    try:
        yield SCHEMA_REFUSALS
    finally:
        core_api.api.add_exception_handler(SchemaError, core_api._schema_error)
        SCHEMA_REFUSALS.clear()


@pytest.fixture(scope="module")
def api_schema(seeded, schema_refusals):
    loaded = schemathesis.openapi.from_dict(json.loads(render_schema()), config=_config(seeded))
    loaded.app = get_wsgi_application()
    return loaded


# --------------------------------------------------------------------------
# The check schemathesis cannot make: a rule's refusal is not a schema's
# --------------------------------------------------------------------------


def refused_only_by_a_rule(ctx, response, case) -> None:
    """A request the schema declares valid may be refused by a rule of the domain (422,
    ``value_error`` from the service, in its own words) but never by the schema layer
    (noted by ``schema_refusals``)."""
    by_schema = [error for errors in SCHEMA_REFUSALS for error in errors]
    SCHEMA_REFUSALS.clear()
    if response.status_code != 422 or case.meta is None:
        return
    if case.meta.generation.mode == GenerationMode.NEGATIVE:
        return
    if by_schema:
        raise Failure(
            operation=case.operation.label,
            title="Valid input refused by the schema layer",
            message=json.dumps(by_schema, ensure_ascii=False)[:2000],
        )


@contextmanager
def _rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("label", _operations())
def test_operation_conforms_to_its_schema(api_schema, seeded, label):
    operation = api_schema.find_operation_by_label(label)
    names = {p.name for p in operation.path_parameters}
    fixed = {name: value for name, value in seeded["path"].items() if name in names}
    strategy = st.one_of(
        *(operation.as_strategy(mode, path_parameters=fixed) for mode in GenerationMode)
    )

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        SCHEMA_REFUSALS.clear()
        with _rolled_back():
            case.call_and_validate(additional_checks=[refused_only_by_a_rule])

    run()


def test_chained_operations_conform_to_the_schema(api_schema):
    """Stateful: operations chained through the links schemathesis infers (an id one
    response returns feeds the next request), each scenario rolled back at its end."""

    class Workflow(api_schema.as_state_machine()):
        def setup(self) -> None:
            self._scenario = transaction.atomic()
            self._scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._scenario.__exit__(None, None, None)

        def call(self, case, **kwargs):
            SCHEMA_REFUSALS.clear()
            return super().call(case, **kwargs)

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            super().validate_response(
                response, case, additional_checks=[refused_only_by_a_rule], **kwargs
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
