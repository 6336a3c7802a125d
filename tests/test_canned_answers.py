"""Every canned query's answer on the snapshot database, compared byte for byte with the answers
recorded in tests/fixtures/canned_answers.json. A change to the code that moves a published figure
fails here; a change that should move one is recorded on purpose with

    RECALLWATCH_RECORD_ANSWERS=1 .venv/bin/python -m pytest tests/test_canned_answers.py

and the diff of the fixture is reviewed like code."""

import json
import os
import urllib.parse

import pytest

from tests.crawl import FIXTURES
from tests.site import EXAMPLES, Client

ANSWERS = FIXTURES / "canned_answers.json"
# Columns that hold the time of the test's own crawl (not a figure of the data)
RUN_TIME_COLUMNS = {
    "atom_id",
    "atom_updated",
    "atom_content",
    "atom_link",
    "started",
    "finished",
    "last_run_started",
    "last_run_duration_s",
    "last_success",
    "days_since_success",
    "fetched_at",
    "archived_in",  # the test's temporary folder
    "archived_record",  # a new WARC record id on every crawl
}


def answer(client, name):
    path = f"/recalls/{name}.json?" + urllib.parse.urlencode({**EXAMPLES[name], "_shape": "array"})
    response = client.get(path)
    assert response.status_code == 200, response.text
    return [{k: v for k, v in row.items() if k not in RUN_TIME_COLUMNS} for row in response.json()]


@pytest.fixture(scope="module")
def answers(site_db):
    client = Client(site_db)
    try:
        yield {name: answer(client, name) for name in sorted(EXAMPLES)}
    finally:
        client.close()


def test_every_canned_query_answers_as_recorded(answers):
    text = json.dumps(answers, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("RECALLWATCH_RECORD_ANSWERS"):
        ANSWERS.write_text(text)
    recorded = json.loads(ANSWERS.read_text())
    assert set(recorded) == set(EXAMPLES)
    for name in sorted(EXAMPLES):
        assert answers[name] == recorded[name], name
    assert text == ANSWERS.read_text()  # byte for byte, once each query is known to agree
