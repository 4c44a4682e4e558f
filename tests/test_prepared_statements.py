"""On PostgreSQL a statement a connection runs again is prepared, planned once, with its
parameters bound on the server (config/settings.py, DB_PREPARED_STATEMENTS)."""

import uuid

import pytest
from django.db import connection

from campaign.models import Campaign


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_once_and_bound_on_the_server(
    campaign: Campaign,
) -> None:
    # Given the threshold at which psycopg prepares a statement
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]

    # When the same query runs that often, with another parameter each time but the last
    for run in range(threshold + 1):
        pk = campaign.pk if run == threshold else uuid.UUID(int=run)
        list(Campaign.objects.filter(pk=pk).values_list("name", flat=True))

    # Then this connection holds it prepared, with a placeholder where the id was
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "campaign_campaign"."name" %FROM "campaign_campaign" WHERE %'],
        )
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 1
    assert "$1" in prepared[0]
    assert str(campaign.pk) not in prepared[0]
