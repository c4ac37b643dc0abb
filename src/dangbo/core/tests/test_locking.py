"""``core.locking``: re-read a row inside the transaction, save only what changed."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from dangbo.core.locking import lock, save_changed, values
from dangbo.core.tests.api_helpers import build_tree
from dangbo.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_lock_outside_a_transaction_is_a_programming_error():
    org = build_tree().a

    with pytest.raises(TransactionManagementError):
        lock(org)


def test_lock_reads_the_row_again_into_the_callers_instance_and_keeps_its_parent():
    tree = build_tree()
    org = Organization.objects.select_related("parent").get(pk=tree.a.pk)
    Organization.objects.filter(pk=org.pk).update(phone="0241234567")

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert lock(org) is org
        parent = org.parent

    assert org.phone == "0241234567"
    assert parent == tree.root
    assert len(queries.captured_queries) == 1  # the parent was not loaded again
    if connection.features.has_select_for_update:
        assert queries.captured_queries[0]["sql"].rstrip().endswith("FOR UPDATE")


def test_save_changed_writes_the_changed_fields_and_the_timestamp_only():
    org = build_tree().a
    with transaction.atomic():
        original = values(lock(org))
        org.phone = "0241234567"
        org.email = org.email
        with CaptureQueriesContext(connection) as queries:
            written = save_changed(org, original, ["phone", "email", "address"])
        assert save_changed(org, values(org)) == []

    assert written == ["phone"]
    (update,) = [q["sql"] for q in queries.captured_queries]
    assert '"phone"' in update
    assert '"updated_at"' in update
    assert '"email"' not in update
    assert '"name"' not in update
