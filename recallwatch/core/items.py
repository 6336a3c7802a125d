"""One Item class per database table.

Each field's metadata is also its validation rule: `pipelines/validate.py` builds a JSON Schema
from it (`type`, `required`, `kind` = date | datetime | url | enum values). `table` names the
table the item is stored in and `key` its natural primary key (see `recallwatch/core/schema.py`).

Every item may carry `fetch_id`; the provenance middleware fills it in from the response the item
came from, so spiders never set it by hand.
"""

from dataclasses import dataclass

import scrapy

TEXT = "string"
OPTIONAL_TEXT = ["string", "null"]
OPTIONAL_INT = ["integer", "null"]
OPTIONAL_NUMBER = ["number", "null"]


def field(type_=OPTIONAL_TEXT, required=False, kind=None, enum=None):
    meta = {"type": type_, "required": required}
    if kind:
        meta["kind"] = kind
    if enum:
        meta["enum"] = enum
    return scrapy.Field(**meta)


class RecordItem(scrapy.Item):
    table: str = ""
    key: tuple = ("id",)
    insert_only: bool = False  # True: a row already stored under the key is left as it is
    fetch_id = field()


class Committee(RecordItem):
    table = "committees"
    id = field(TEXT, required=True)
    name = field(TEXT, required=True)
    source = field(TEXT, required=True)
    source_id = field(TEXT, required=True)
    campaign_id = field()
    position = field(enum=["support", "oppose", None])  # on the campaign's question
    side = field(enum=["for", "against", None])  # relative to the prosecutor (watchlist.side)
    linked_by = field()  # which rule tied it to the campaign (watchlist.LINKED_BY)
    fppc_id = field()
    committee_type = field()
    # filings_datasf / filings_netfile (API sources)
    agency = field()  # NetFile agency shortcut (SFO, LACO, COAK); "SFO" for DataSF


class FilerCommittee(Committee):
    """A committee known only by its filer id ("filer 1260867"): a filing names the filer, no name
    table does. Stored only when the committees table has no row with its id, so it never
    replaces a name."""

    insert_only = True


class Filing(RecordItem):
    table = "filings"
    id = field(TEXT, required=True)
    committee_id = field(TEXT, required=True)
    source = field(TEXT, required=True)
    report_id = field(TEXT, required=True)  # the same report across its amendments
    form_type = field(TEXT, required=True)
    period_start = field(kind="date")
    period_end = field(kind="date")
    filed = field(kind="date")
    amendment = field("integer", required=True)
    superseded_by = field()
    current = field(OPTIONAL_INT)
    source_url = field()
    # filings_datasf / filings_netfile (API sources)
    source_filing_id = field()  # the filing's id in its source system (NetFile filing id, DataSF filing_nid)
    # filings_netfile_export / filings_calaccess
    filer_id = field()  # the filer's id as the source writes it (FPPC id, or "Pending")
    archived = field(OPTIONAL_INT)  # 1: the source marks this version superseded (ISBE Archived=True)
    received_at = field(kind="datetime")  # when the source received this version, UTC (ISBE RcvdDateTime)


class FilingSummary(RecordItem):
    table = "filing_summaries"
    key = ("filing_id", "form_type", "line")
    filing_id = field(TEXT, required=True)
    form_type = field(TEXT, required=True)
    line = field(TEXT, required=True)
    amount_period = field(OPTIONAL_NUMBER)
    amount_ytd = field(OPTIONAL_NUMBER)


class Contribution(RecordItem):
    table = "contributions"
    id = field(TEXT, required=True)
    filing_id = field(TEXT, required=True)
    # May be empty when only the filing knows its committee (CAL-ACCESS receipts): the totals rules
    # (recallwatch/totals.py) fill it in from the filing at the end of the run.
    committee_id = field()
    source = field(TEXT, required=True)
    tran_id = field()
    schedule = field(TEXT, required=True)
    donor_id = field()
    contributor_name = field(TEXT, required=True)
    contributor_first = field()
    contributor_last = field()
    entity_code = field()
    city = field()
    state = field()
    zip = field()
    employer = field()
    occupation = field()
    amount = field("number", required=True)
    cumulative_ytd = field(OPTIONAL_NUMBER)
    date = field(kind="date")
    memo = field(OPTIONAL_INT)
    current = field(OPTIONAL_INT)
    counted = field(OPTIONAL_INT)
    # recallwatch/totals.py: why a row does not count (memo entry, loan, late report listed again)
    not_counted_reason = field()
    entity_code_raw = field()  # the entity code as filed, when it is not one of the CAL codes
    tran_type = field()  # CAL Tran_Type / TRAN_TYPE (F forgiven loan, I intermediary, R returned, X transfer)


class Donor(RecordItem):
    table = "donors"
    id = field(TEXT, required=True)
    name = field(TEXT, required=True)
    kind = field(enum=["person", "organization", None])
    # pipelines/donors.py: what the givers grouped under this donor have in common
    match_key = field()
    zip = field()
    employer = field()
    # who the giver is (end of run, recallwatch/core/interests.py, donor_interests.py): class, sector, the rule that
    # decided it and how sure it is; mega_donor = 1 past the threshold to one side of a campaign
    interest = field()
    sector = field()
    interest_rule = field()
    interest_confidence = field(OPTIONAL_NUMBER)
    mega_donor = field(OPTIONAL_INT)
    counted_total = field(OPTIONAL_NUMBER)  # what it gave that counts (current = 1, counted = 1)


class ContributionMade(RecordItem):
    """Money a giver reports paying to another committee (CAL-ACCESS Form 461 part 5, Form 497
    part 2, Schedule D; Illinois 6B transfers out; Pennsylvania/Philadelphia expenses paid to a
    committee): the giver's side of money the recipient may report too."""

    table = "contributions_made"
    id = field(TEXT, required=True)
    filing_id = field(TEXT, required=True)
    # May be empty when only the filing knows its filer (CAL-ACCESS EXPN_CD, S497_CD): the totals
    # rules (mark_current_money_out) fill it in from the filing at the end of the run.
    giver_committee_id = field()
    source = field(TEXT, required=True)
    tran_id = field()
    form = field(TEXT, required=True)  # F461P5, F497P2, D, 6B, ...
    recipient_name = field(TEXT, required=True)  # as filed
    recipient_source_id = field()  # the recipient's id in the source, as filed (CAL CMTE_ID)
    recipient_committee_id = field()  # committees.id when known (end-of-run join)
    campaign_id = field()  # the recipient's campaign, or the one the row's own fields name
    position = field(enum=["support", "oppose", None])
    amount = field("number", required=True)
    date = field(kind="date")
    description = field()
    memo = field(OPTIONAL_INT)
    current = field(OPTIONAL_INT)  # follows its filing (latest amendment)


class IndependentExpenditure(RecordItem):
    """Money an outside committee spent for or against a candidate or measure (CAL-ACCESS Form
    496 / 465 part 3, NetFile 496 and F496P3 sheets, Illinois 9B, ...)."""

    table = "independent_expenditures"
    id = field(TEXT, required=True)
    filing_id = field(TEXT, required=True)
    committee_id = field()  # the spender; empty when only the filing knows it (filled in as above)
    source = field(TEXT, required=True)
    tran_id = field()
    form = field()
    campaign_id = field()
    position = field(enum=["support", "oppose", None])  # on the campaign's question
    side = field(enum=["for", "against", None])  # relative to the prosecutor
    linked_by = field()
    target_name = field()  # the candidate or measure named, as filed
    amount = field("number", required=True)
    date = field(kind="date")
    description = field()
    payee = field()
    memo = field(OPTIONAL_INT)
    current = field(OPTIONAL_INT)
    # recallwatch/core/totals.py: 0 when the same expenditure is listed again on a periodic report
    # (a Form 496 line on the Form 465 / Schedule D that covers it), with the reason
    counted = field(OPTIONAL_INT)
    not_counted_reason = field()


class OriginalGiver(RecordItem):
    """Who the money of a campaign's committee came from once the committees that gave to it are
    looked through to their own donors (recallwatch/core/lookthrough.py, end of run). One row per
    recipient committee, original giver and path; a row's direct_amount + passed_through_amount
    over a committee add up to its counted contributions."""

    table = "original_givers"
    id = field(TEXT, required=True)
    campaign_id = field()
    side = field(enum=["for", "against", None])
    position = field(enum=["support", "oppose", None])
    recipient_committee_id = field(TEXT, required=True)
    original_giver = field()  # a donors.id, or a committees.id (a committee's money it cannot explain)
    giver_kind = field(enum=["donor", "committee", None])
    name = field(TEXT, required=True)
    direct_amount = field("number", required=True)  # given to the recipient itself
    passed_through_amount = field("number", required=True)  # given to a committee that passed it on
    path = field(TEXT, required=True)  # JSON list of the committees' names, giver's first, recipient excluded
    levels = field("integer", required=True)  # committees between the giver and the recipient
    cycle = field("integer", required=True)  # 1: the path came back to a committee already on it
    unexplained = field("integer", required=True)  # 1: a committee's money its own receipts do not cover
    note = field()
    # the giver's rank on its side of the campaign by its total there, all its rows (1 = biggest),
    # so the site lists the biggest givers without ranking every row on each request
    giver_rank = field(OPTIONAL_INT)


class Announcement(RecordItem):
    table = "announcements"
    id = field(TEXT, required=True)
    agency = field(TEXT, required=True)
    url = field(TEXT, required=True, kind="url")
    title = field(TEXT, required=True)
    published = field(TEXT, required=True, kind="date")
    body = field(TEXT, required=True)


class PetitionCount(RecordItem):
    table = "petition_counts"
    id = field(TEXT, required=True)
    campaign_id = field()
    announcement_id = field(TEXT, required=True)
    stage = field(TEXT, required=True, enum=["circulation", "raw count", "random sample", "full count"])
    as_of = field(kind="date")
    submitted = field(OPTIONAL_INT)
    sampled = field(OPTIONAL_INT)
    examined = field(OPTIONAL_INT)
    valid = field(OPTIONAL_INT)
    invalid = field(OPTIONAL_INT)
    required = field(OPTIONAL_INT)
    projected_valid = field(OPTIONAL_INT)
    shortfall = field(OPTIONAL_INT)
    result = field(enum=["sufficient", "insufficient", "full count required", None])
    evidence = field()  # JSON: column -> the sentence of the release it was read from (or how it was computed)


class InvalidReason(RecordItem):
    table = "invalid_reasons"
    key = ("petition_count_id", "reason")
    petition_count_id = field(TEXT, required=True)
    reason = field(TEXT, required=True)
    count = field("integer", required=True)
    evidence = field()  # the line of the release it came from


class Article(RecordItem):
    table = "articles"
    id = field(TEXT, required=True)
    url = field(TEXT, required=True, kind="url")
    outlet = field()
    title = field(TEXT, required=True)
    author = field()
    published = field(kind="datetime")
    text = field(TEXT, required=True)
    modified = field(kind="datetime")
    description = field()
    section = field()
    language = field()
    paywalled = field(OPTIONAL_INT)  # 1: the page marks part of the story as not free; text is the public part
    content_hash = field()  # sha1 of the folded text: same hash = same version
    fingerprint = field()  # simhash of the text: near-equal = same story under another URL
    discovered_via = field()  # feed, sitemap, google_news or url (given by hand)


class ArticleVersion(RecordItem):
    """An earlier text of an article that was edited later (the latest text is in `articles`)."""

    table = "article_versions"
    key = ("article_id", "content_hash")
    article_id = field(TEXT, required=True)
    content_hash = field(TEXT, required=True)
    url = field(TEXT, required=True, kind="url")
    title = field(TEXT, required=True)
    author = field()
    published = field(kind="datetime")
    modified = field(kind="datetime")
    text = field(TEXT, required=True)
    superseded_at = field(kind="datetime")  # when a newer text was found


class ArticleUrl(RecordItem):
    """Every address a stored story was found under: canonical, feed links, Google News redirects,
    tracking-parameter and AMP variants."""

    table = "article_urls"
    key = ("url",)
    url = field(TEXT, required=True, kind="url")
    article_id = field(TEXT, required=True)
    via = field()  # canonical, feed, sitemap, google_news, page, url
    listed_in = field()  # the feed or sitemap that listed it
    listed_updated = field(kind="datetime")  # the listing's date for it when last seen


class ArticleMention(RecordItem):
    table = "article_mentions"
    key = ("article_id", "entity_type", "entity_id")
    article_id = field(TEXT, required=True)
    entity_type = field(TEXT, required=True, enum=["target", "campaign", "committee", "donor"])
    entity_id = field(TEXT, required=True)


@dataclass(frozen=True)
class Rejected:
    """What a parser yields for a row or value it cannot read, in place of an item: the spider
    records it in `rejects` (reason, the raw record) and the rest of the document goes on."""

    reason: str
    record: dict | str | None = None
    item_type: str | None = None  # the table the row was meant for
