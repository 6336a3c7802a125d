"""The petition figures read from a release's text (recallwatch/parsers/petition_figures.py):
wordings of several registrars and years, the arithmetic checks, the numbers that are not counts,
and the corpus of real releases in tests/fixtures/petition_wording/."""

import pytest
import yaml

from recallwatch.core.items import PetitionCount
from recallwatch.parsers.petition_figures import (
    RESULTS,
    STAGES,
    projected_valid,
    projection_result,
    read_petition_report,
    read_sentence,
    sentences,
    stated_result,
)
from tests.crawl import FIXTURES
from tests.registrar_helpers import figures


def report_of(name):
    """A text fixture: first line the headline, the rest the release."""
    title, _, body = (FIXTURES / "petition_figures" / name).read_text(encoding="utf-8").partition("\n")
    return read_petition_report(body, title)


def fields_read(sentence):
    return {name: value for name, value, _ in read_sentence(sentence) if name}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Of those, 520,050 signatures were found to be valid and 195,783 were determined to be invalid.",
         {"valid": 520050, "invalid": 195783}),
        ("The petition required 566,857 valid signatures to qualify for the ballot.", {"required": 566857}),
        ("Proponents may now circulate the petition; 579,062 valid signatures are required.", {"required": 579062}),
        ("The proponents needed a minimum of 73195 valid signatures.", {"required": 73195}),
        ("The total number of signatures disqualified was 48,617.", {"invalid": 48617}),
        ("The number of valid signatures on the petition is 74,757.", {"valid": 74757}),
        ("It consisted of 43,316 face-value signatures.", {"submitted": 43316}),
        ("Proponents turned in 715833 signatures.", {"submitted": 715833}),
        ("A total of 715,833 signatures were examined.", {"examined": 715833}),
        ("Of the 35,793 signatures in the random sample (5% of the 715,833 signatures filed), 27,983 were valid.",
         {"sampled": 35793, "submitted": 715833, "valid": 27983}),
        ("Valid signatures needed to qualify: 566,857", {"required": 566857}),
        ("Invalid signatures in the sample: 7,810", {"invalid": 7810}),
        ("Number of signatures found not sufficient: 195,783.", {"invalid": 195783}),
        ("The petition fell 46,807 signatures short.", {"shortfall": 46807}),
        ("812 of the sampled signatures were found valid, a projection of 16,235 valid signatures.",
         {"valid": 812, "projected": 16235}),
    ],
)  # fmt: skip
def test_a_figure_is_recognised_by_its_words_not_its_position(sentence, expected):
    assert fields_read(sentence) == expected


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("After review, the county determined that 48,112 of the signatures were valid.", {"valid": 48112}),
        ("Election workers rejected 12,004.", {"invalid": 12004}),
        ("Among 90,000 signatures checked, 71,020 qualified.", {"examined": 90000, "valid": 71020}),
        ("A total of 3,115 names could not be matched to a registered voter.", {"invalid": 3115}),
        ("The valid signatures in the 10th report filed by the proponent total 1,626,042.", {"valid": 1626042}),
        ("As of April 19, 1,626,042, or 80% of signatures, have been deemed valid.", {"valid": 1626042}),
        ("The office determined that only 520,050 of the 715,833 submitted signatures were valid.",
         {"valid": 520050, "submitted": 715833}),
        ("In all, 200 of the signatures the county examined were rejected.", {"invalid": 200}),
        ("Signatures rejected by the county staff during the review of the petition numbered 200.", {"invalid": 200}),
        ("Circulators needed to get valid signatures from at least 175 registered voters.", {"required": 175}),
        ("Only 8,590 signatures were verified and sufficient, a number that was 86 less than what was needed.",
         {"valid": 8590, "shortfall": 86}),
        ("County election officials threw out 1,084 signatures, leaving the effort 316 short.",
         {"invalid": 1084, "shortfall": 316}),
        ("Petitioners handed in 2200 signatures and got 2073 valid. They needed 1987.",
         {"submitted": 2200, "valid": 2073, "required": 1987}),
    ],
)  # fmt: skip
def test_a_role_word_is_found_across_a_verb_a_pronoun_or_a_phrase(sentence, expected):
    assert figures(read_petition_report(f"Recall petition. {sentence}")) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Organizers had submitted 2,100 signatures, 700 more than needed to force a November election.",
        "The City Clerk received 5,842 requests from voters to withdraw their signatures from the petition.",
        "A total of 7,344 signatures were disqualified as “canceled.”",
        "3. If the random sampling result is more than 90 percent, the ROV must examine all of the signatures.",
        "If at least 13,046 signatures each are validated by the registrar, the board will be notified.",
    ],
)
def test_margins_requests_categories_and_list_numbers_are_not_figures(sentence):
    assert {name: value for name, value in fields_read(sentence).items() if name != "submitted"} == {}


@pytest.mark.parametrize(
    "sentence",
    [
        "It fails when the projection is below 90%, fewer than 25,510 valid signatures in the sample.",
        "Had the number exceeded 31,179, the check would have stopped.",
        "Verification must be completed by August 17, 2022, under Elections Code §11225.",
        "Proposition H (recall of District Attorney Chesa Boudin): Yes 122,423 votes (55.03%).",
        "The recall campaign said it gathered more than 700,000 signatures.",
        "1 Dr. Carlton B. Goodlett Place, City Hall, Room 48, San Francisco, CA 94102, (415) 554-4375",
    ],
)
def test_numbers_that_are_not_stated_counts_are_left_out(sentence):
    assert fields_read(sentence) == {}


@pytest.mark.parametrize(
    "sentence, result",
    [
        ("Today the Department certified that the petition contains a sufficient number of valid signatures.",
         "sufficient"),
        ("The petition has failed to meet the sufficiency requirements and no further action shall be taken.",
         "insufficient"),
        ("The Certificate of Insufficiency has been issued.", "insufficient"),
        ("Every signature on the petition will now be examined in a full count.", "full count required"),
        ("The random sample is not sufficient to determine whether the threshold has been met.", "full count required"),
        ("The petition is insufficient and no full count will be made.", "insufficient"),
        ("If the sampling shows more than 110 percent, the elections official shall certify the petition to be "
         "sufficient.", None),
        ("A petition is certified as sufficient without a full count when the sample projects more than 110%.", None),
        ("If the petition qualifies, the recall could appear on the November ballot.", None),
        ("Number of signatures found sufficient: 520,050.", None),
    ],
)  # fmt: skip
def test_the_stated_outcome_skips_conditions_rules_and_labels(sentence, result):
    assert stated_result(sentence) == result


def test_sentences_do_not_break_after_abbreviations():
    text = "NORWALK, Calif. – Dean C. Logan said the RR/CC finished. It took 5 p.m. Monday to count 715,833 signatures."
    assert sentences(text) == [
        "NORWALK, Calif. – Dean C. Logan said the RR/CC finished.",
        "It took 5 p.m. Monday to count 715,833 signatures.",
    ]


def test_projection_follows_the_regulation_formula():
    # 27,983 / 35,793 = 78.18%; 715,833 x 78.18% = 559,638.24, rounded up
    assert projected_valid(715833, 35793, 27983) == 559639
    assert projection_result(559639, 566857) == "full count required"
    assert projection_result(623544, 566857) == "sufficient"  # above 110%
    assert projection_result(510171, 566857) == "insufficient"  # below 90%


def test_stages_and_results_are_the_ones_the_table_accepts():
    assert set(STAGES) == set(PetitionCount.fields["stage"]["enum"])
    assert set(RESULTS) == set(PetitionCount.fields["result"]["enum"]) - {None}


def test_another_county_full_count_with_a_figure_written_as_a_percentage_of_required():
    report = report_of("sonoma_full_count.txt")
    assert report.stage == "full count"
    assert figures(report) == {"submitted": 43316, "valid": 32128, "required": 30056}
    assert report.result == "sufficient"
    assert report.problems == []


def test_another_county_full_count_without_thousands_separators():
    report = report_of("alameda_full_count.txt")
    assert figures(report) == {"submitted": 123374, "valid": 74757, "invalid": 48617, "required": 73195}
    assert report.result == "sufficient"
    assert report.problems == []  # 74,757 + 48,617 = 123,374


def test_a_sample_below_90_percent_is_insufficient_without_a_full_count():
    report = report_of("sample_below_90_fictional.txt")
    assert report.stage == "random sample"
    assert figures(report) == {"submitted": 26210, "sampled": 1311, "valid": 812, "projected": 16235, "required": 22000}
    assert report.result == "insufficient"
    assert report.problems == []


def test_a_breakdown_written_as_one_sentence():
    report = read_petition_report(
        "The full count of the recall petition is complete: 520,050 signatures were valid and 195,783 were "
        "invalid, against 566,857 required. Of the invalid signatures, 88,464 were not registered, 43,593 were "
        "duplicates, 32,187 had a different address and 31,539 were invalid for other reasons."
    )
    assert [(reason.reason, reason.count) for reason in report.reasons] == [
        ("not registered", 88464),
        ("duplicates", 43593),
        ("a different address", 32187),
        ("invalid for other reasons", 31539),
    ]
    assert figures(report)["invalid"] == 195783
    assert report.problems == []


def test_a_stated_result_the_figures_contradict_is_a_problem():
    report = read_petition_report(
        "The random sample of the recall petition is complete. Of a random sample of 1,250 signatures, 900 were "
        "found valid; the petition was filed with 25,000 signatures and needs 20,000 valid signatures. The "
        "petition is insufficient."
    )
    assert report.result == "insufficient"
    assert report.problems == [
        "the release says “insufficient”, but a projection of 18,000 valid signatures is 90.00% of the 20,000 "
        "required, which makes it “full count required” (Elections Code §11225: above 110% sufficient, below 90% "
        "insufficient)"
    ]


def test_a_wrong_shortfall_is_a_problem():
    report = read_petition_report(
        "The full count of the recall petition found 520,050 valid signatures of 566,857 required, 46,708 "
        "signatures short."
    )
    assert figures(report)["valid"] == 520050
    assert report.problems == [
        "the release gives a shortfall of 46,708, but required − valid = 566,857 − 520,050 = 46,807"
    ]


def test_two_values_for_one_figure_keep_no_figure_and_say_why():
    report = read_petition_report(
        "The full count of the recall petition found 520,050 valid signatures of 566,857 required. A later count "
        "found 521,050 valid signatures."
    )
    assert report.figures == {}
    assert report.unsure[0].startswith("two different figures for valid: 520,050")


def test_a_round_number_beside_a_precise_one_is_its_approximation():
    report = read_petition_report(
        "The petition to recall the District Attorney needed 51,325 signatures. Only 50,000 verified signatures "
        "were required, the paper said."
    )
    assert figures(report) == {"required": 51325}
    assert report.unsure == []


def test_the_arithmetic_chooses_between_two_loose_readings():
    report = read_petition_report(
        "Recall petition. Of the 1,000 signatures examined, 800 were valid. The county said 200 after staff "
        "reviewed and rejected duplicates."
    )
    assert figures(report) == {"examined": 1000, "valid": 800, "invalid": 200}  # 800 + 200 = 1,000
    assert report.loose == {"invalid"}


def test_a_loose_reading_the_arithmetic_contradicts_is_dropped_with_a_reason():
    report = read_petition_report(
        "Recall petition. Proponents filed 1,000 signatures. The county found that 800 were valid. Staff, after a "
        "long review, reported 300 that they rejected."
    )
    assert figures(report) == {"submitted": 1000, "valid": 800}
    assert report.unsure == [
        "300 read as invalid from loose wording (“Staff, after a long review, reported 300 that they rejected.”) "
        "does not add up with the other figures, so it is not kept"
    ]


def test_derived_figures_are_kept_apart_from_the_stated_ones():
    report = read_petition_report(
        "Recall petition. Organizers had submitted 2,100 signatures, but county election officials threw out 1,084 "
        "signatures."
    )
    assert figures(report) == {"submitted": 2100, "invalid": 1084}
    assert {name: figure.value for name, figure in report.derived.items()} == {"valid": 1016}
    assert report.derived["valid"].sentence == "computed: submitted − invalid = 2,100 − 1,084"


def test_a_raw_count_above_the_requirement_decides_nothing():
    report = read_petition_report(
        "Recall petition. Proponents submitted 80,000 signatures, far more than the 51,325 required, so the "
        "petition is sufficient."
    )
    assert report.stage == "raw count"
    assert figures(report) == {"submitted": 80000, "required": 51325}
    assert report.result is None


def test_a_round_figure_in_a_text_that_rounds_is_not_kept():
    report = read_petition_report(
        "The recall petition: organizers submitted more than 715,000 signatures, only 520,000 were found to be "
        "valid. The measure required nearly 567,000 valid signatures."
    )
    assert report.figures == {}
    assert report.unsure == [
        "520,000 (valid) looks rounded, as other figures of the text are: “The recall petition: organizers "
        "submitted more than 715,000 signatures, only 520,000 were found to be valid.”"
    ]


def test_figures_without_role_words_are_not_read():
    report = read_petition_report(
        "Recall petitions: the Board found 540,208 valid signatures were required.\n"
        "Officeholder Submitted Struck Valid\nGov. Walker 931,053 26,113 900,939"
    )
    assert figures(report) == {"required": 540208}
    assert report.unsure == [
        "numbers without role words (a table?) were not read: “Gov. Walker 931,053 26,113 900,939”"
    ]


def test_a_text_about_no_recall_petition_has_no_report():
    assert read_petition_report("The RR/CC is recruiting 3,000 election workers for 640 Vote Centers.") is None
    assert read_petition_report("Recall election results: Yes 122,423 votes; No 100,034 votes.") is None


# --- The corpus of real releases


WORDING = FIXTURES / "petition_wording"
EXPECTED = yaml.safe_load((WORDING / "expectations.yaml").read_text(encoding="utf-8"))


def release_text(name):
    """A corpus release: its header comment lines (source, date) left out."""
    lines = (WORDING / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def test_every_corpus_release_has_its_expectations():
    assert sorted(EXPECTED) == sorted(path.name for path in WORDING.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_release_is_read_with_its_stated_figures_and_none_invented(name):
    expected = EXPECTED[name]
    report = read_petition_report(release_text(name))
    if expected.get("petition") is False:
        assert report is None
        return
    assert figures(report) == expected["figures"]
    assert bool(report.unsure) == bool(expected.get("unsure")), report.unsure
    if "result" in expected:
        assert report.result == expected["result"]
    assert report.problems == []
    assert not set(expected.get("not_read", {})) & set(report.figures)
