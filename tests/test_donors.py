import pytest

from pipelines.donors import best_name, donor_identity, person_key, resolve_unassigned_donors, split_person_key
from recallwatch.core.schema import open_database


def identity(name, entity_code="IND", zip=None, employer=None, **fields):
    return donor_identity(
        {"contributor_name": name, "entity_code": entity_code, "zip": zip, "employer": employer, **fields}
    )


def test_same_person_written_two_ways():
    filed = identity("SMITH, JOHN A.", zip="94110-1234", employer="Acme, Inc.")
    other = identity("John Smith", zip="94110", employer="ACME INC")
    assert filed.id == other.id
    assert filed.kind == "person"


def test_split_name_fields_are_used_when_present():
    from_fields = identity(
        "ignored", contributor_last="Smith", contributor_first="John A.", zip="94110", employer="Acme"
    )
    assert from_fields.id == identity("SMITH, JOHN", zip="94110", employer="ACME INC").id


def test_same_organisation_with_or_without_its_legal_form():
    assert identity("ACME INC", "COM").id == identity("Acme, Inc.", "OTH").id == identity("Acme Incorporated", "oth").id
    assert identity("ACME INC", "COM").kind == "organization"


def test_legal_form_marks_an_organisation_when_the_entity_code_is_missing():
    assert identity("Example Realty Partners, L.P.", None).kind == "organization"
    assert identity("Jordan Doe-Sample", None).kind == "person"


def test_accents_and_case_do_not_matter():
    assert (
        identity("MARÍA DE LA CRUZ", zip="90012", employer="Sample Studios").id
        == identity("de la Cruz, Maria", "ind", zip="90012", employer="SAMPLE STUDIOS").id
    )


@pytest.mark.parametrize(
    "zip_code, employer",
    [("90012", "Sample Studios"), ("94110", "Sample Studios"), ("90012", "Demo Bakery")],
)
def test_same_name_elsewhere_or_elsewhere_employed_is_another_person(zip_code, employer):
    baker = identity("EXAMPLE, PAT", zip="94110", employer="Demo Bakery")
    assert identity("Pat Example", zip=zip_code, employer=employer).id != baker.id


def test_different_first_names_are_different_people():
    assert (
        identity("Smith, John", zip="94110", employer="Acme").id
        != identity("Smith, Jane", zip="94110", employer="Acme").id
    )


def test_display_name_does_not_depend_on_arrival_order():
    spellings = ["QUILLFEATHER, ZEPHYRINE Q.", "Quillfeather, Zephyrine", "QUILLFEATHER, ZEPHYRINE"]
    assert best_name(*spellings) == best_name(*reversed(spellings)) == "Quillfeather, Zephyrine"


@pytest.mark.parametrize(
    "last, first",
    [("Smith", "Dr. John A."), ("SMITH JR.", "JOHN"), ("de la Cruz", "María"), ("O'Brien", "Mary Kate")],
)
def test_split_fields_and_a_parsed_full_name_agree(last, first):
    assert split_person_key(last, first) == person_key(f"{last}, {first}") == person_key(f"{first} {last}")


def test_contributions_stored_without_a_donor_get_one(tmp_path):
    db = open_database(tmp_path / "recalls.db")
    db["contributions"].insert_all(
        [
            {"id": "1", "contributor_name": "SMITH, JOHN A.", "entity_code": "IND", "zip": "94110", "employer": "ACME"},
            {"id": "2", "contributor_name": "John Smith", "entity_code": "IND", "zip": "94110", "employer": "Acme Inc"},
            {"id": "3", "contributor_name": "ACME INC", "entity_code": "COM"},
        ]
    )
    assert resolve_unassigned_donors(db, batch_size=2) == 3
    donor_of = {r["id"]: r["donor_id"] for r in db["contributions"].rows}
    assert donor_of["1"] == donor_of["2"] != donor_of["3"]
    assert {r["name"] for r in db["donors"].rows} == {"John Smith", "ACME INC"}
    assert resolve_unassigned_donors(db) == 0
