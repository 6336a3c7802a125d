"""The watchlist (data/watchlist.yml): targets, campaigns, and the patterns that find committees
and stories. Matching is accent- and case-insensitive, on whole words."""

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

import yaml

from recallwatch.core.ids import fold

# "DA" and "District Attorney" name the same office in headlines and releases.
OFFICE_SYNONYMS = {"da": "district attorney", "d.a.": "district attorney"}


@dataclass(frozen=True)
class CampaignLink:
    """How a committee or an expenditure is tied to a campaign. `position` is on the campaign's
    question (support / oppose), `side` relative to the prosecutor (for / against), `linked_by`
    one of LINKED_BY."""

    campaign_id: str | None = None
    position: str | None = None
    side: str | None = None
    linked_by: str | None = None


LINKED_BY = ("curated", "ballot measure", "candidate", "ie target", "name pattern")


def _position_code(raw):
    code = (raw or "").strip().lower()
    return {"s": "support", "support": "support", "o": "oppose", "oppose": "oppose"}.get(code)


def _same_person(folded_name, folded_listed):
    """'conway william' / 'william e conway' / 'bill conway' against a listed 'bill conway': the
    listed name's words all appear (filings write last-first and add middle initials)."""
    words = set(re.findall(r"\w+", folded_name))
    return set(re.findall(r"\w+", folded_listed)) <= words


@dataclass
class Watchlist:
    targets: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)
    committee_patterns: list = field(default_factory=list)
    committee_links: list = field(default_factory=list)
    oppose_words: list = field(default_factory=list)
    feeds: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)
    # filings_netfile_export / filings_calaccess: which bulk exports a scheduled run reads
    netfile_exports: list = field(default_factory=list)
    calaccess_exports: list = field(default_factory=list)

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def target(self, target_id):
        return next((t for t in self.targets if t["id"] == target_id), None)

    def campaign(self, campaign_id):
        return next((c for c in self.campaigns if c["id"] == campaign_id), None)

    def campaigns_of(self, target_id):
        return [c for c in self.campaigns if c["target_id"] == target_id]

    def target_rows(self):
        for target in self.targets:
            row = {k: v for k, v in target.items() if k != "aliases"}
            row["aliases"] = json.dumps(target.get("aliases", []), ensure_ascii=False)
            yield row

    def campaign_rows(self):
        for campaign in self.campaigns:
            row = dict(campaign)
            for listed in ("sources", "opponents", "office_words"):
                row[listed] = json.dumps(campaign.get(listed, []), ensure_ascii=False)
            row["support_means"] = self.support_means(campaign)
            yield row

    @staticmethod
    def support_means(campaign):
        """What supporting the campaign's question means for its prosecutor: "against" for a
        recall, an impeachment or a recall bill; "for" for the prosecutor's own election."""
        if campaign.get("support_means"):
            return campaign["support_means"]
        return "for" if "election" in campaign["kind"] and "recall" not in campaign["kind"] else "against"

    def side(self, campaign_id, position):
        """A committee's side relative to the prosecutor ("for" / "against"), from its position on
        the campaign's question."""
        campaign = self.campaign(campaign_id) if campaign_id else None
        if campaign is None or position not in ("support", "oppose"):
            return None
        means = self.support_means(campaign)
        return means if position == "support" else ("for" if means == "against" else "against")

    @cached_property
    def _target_patterns(self):
        patterns = {}
        for target in self.targets:
            names = [target["name"], *target.get("aliases", [])]
            alternatives = "|".join(sorted({re.escape(fold(n)) for n in names}, key=len, reverse=True))
            patterns[target["id"]] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return patterns

    @cached_property
    def _opponent_words(self):
        """campaign id -> the words of each listed opponent's folded name, read once
        (candidate_campaign runs for filing rows by the million); see _same_person."""
        return {
            campaign["id"]: [set(re.findall(r"\w+", fold(name))) for name in campaign.get("opponents", [])]
            for campaign in self.campaigns
        }

    def targets_mentioned(self, text):
        """Ids of the targets a text names (by full name or alias)."""
        folded = fold(text)
        return [tid for tid, pattern in self._target_patterns.items() if pattern.search(folded)]

    def committee_campaign(self, committee_name, on_date=None):
        """(campaign_id, position) for a committee name, or (None, None) when it matches no pattern.

        on_date (ISO date of the filing) picks among campaigns that share a pattern."""
        folded = fold(committee_name)
        words = set(re.findall(r"\w+", folded))
        matches = [p for p in self.committee_patterns if any(set(group) <= words for group in p["all_of"])]
        if not matches:
            return None, None
        chosen = matches[0]
        if on_date:
            dated = [p for p in matches if p.get("between") and p["between"][0] <= on_date <= p["between"][1]]
            chosen = dated[0] if dated else matches[-1]
        opposes = any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded) for w in self.oppose_words)
        position = "oppose" if opposes else "support"
        return chosen["campaign_id"], position

    def link(
        self,
        spider_name=None,
        source_id=None,
        name=None,
        on_date=None,
        measure=None,
        candidate=None,
        office=None,
        support_oppose=None,
        ie=False,
    ):
        """The campaign a committee (or an independent expenditure) belongs to, and which rule
        tied it, in this order:

        1. curated: a `known_committees` entry of the spider's source (by id) or a
           `committee_links` entry (by name words);
        2. ballot measure: the filing's measure field (name, number) matches a campaign's
           committee pattern ("Recall of District Attorney Chesa Boudin");
        3. candidate (or "ie target" when ie=True): the filing's candidate field names the
           prosecutor or an opponent listed for an election, with the office words when an
           office is given, on a date within the campaign;
        4. name pattern: the committee's own name matches a committee pattern.

        support_oppose is the filing's code ("S" / "O", "support", "oppose"); without one a
        measure or name match takes its position from the oppose words, a candidate committee
        supports its candidate. Returns a CampaignLink (all None when nothing ties it)."""
        code = _position_code(support_oppose)
        curated = self._curated_link(spider_name, source_id, name)
        if curated:
            return self._make_link(curated[0], curated[1], "curated")
        if measure:
            campaign_id, position = self.committee_campaign(measure, on_date)
            if campaign_id:
                if code is None:
                    _, position = self.committee_campaign(name or measure, on_date)
                return self._make_link(campaign_id, code or position or "support", "ballot measure")
        if candidate:
            found = self.candidate_campaign(candidate, office, on_date)
            if found:
                campaign_id, own = found
                # supporting the prosecutor, or opposing an opponent, is "support" of their election
                supports = (code or "support") == "support"
                position = "support" if supports == own else "oppose"
                return self._make_link(campaign_id, position, "ie target" if ie else "candidate")
        if name:
            campaign_id, position = self.committee_campaign(name, on_date)
            if campaign_id:
                return self._make_link(campaign_id, code or position, "name pattern")
        return CampaignLink()

    def _make_link(self, campaign_id, position, linked_by):
        return CampaignLink(campaign_id, position, self.side(campaign_id, position), linked_by)

    def _curated_link(self, spider_name, source_id, name):
        if spider_name and source_id is not None:
            for known in self.source_config(spider_name).get("known_committees") or []:
                if str(known["source_id"]) == str(source_id):
                    return known["campaign_id"], known.get("position")
        if name:
            words = set(re.findall(r"\w+", fold(name)))
            for entry in self.committee_links:
                if set(fold(" ".join(entry["all_of"])).split()) <= words:
                    return entry["campaign_id"], entry.get("position")
        return None

    def candidate_campaign(self, candidate, office=None, on_date=None):
        """(campaign_id, is_the_prosecutor) for a candidate name on a date, or None: the
        prosecutor of an election campaign, or one of its listed opponents."""
        words = set(re.findall(r"\w+", fold(candidate)))
        office_words = set(re.findall(r"\w+", self.expand_office_words(office))) if office else None
        mentioned = None
        for campaign in self.campaigns:
            if not campaign.get("election_date"):
                continue
            if on_date and not (campaign.get("started", "") <= on_date[:10] <= campaign["ended"]):
                continue
            if office_words is not None and not set(campaign.get("office_words", [])) <= office_words:
                continue
            if mentioned is None:
                mentioned = self.targets_mentioned(candidate)
            if campaign["target_id"] in mentioned:
                return campaign["id"], True
            if any(opponent <= words for opponent in self._opponent_words[campaign["id"]]):  # _same_person
                return campaign["id"], False
        return None

    def source_config(self, spider_name):
        """The `sources:` entry of a spider (URLs, dataset ids, agencies, known committees)."""
        return self.sources.get(spider_name) or {}

    def word_spellings(self):
        """Every spelling of each word of the targets' names, keyed by its folded form:
        {"gascon": {"GASCON", "GASCÓN"}}. For sources that can only match text literally."""
        spellings = {}
        for target in self.targets:
            for name in [target["name"], *target.get("aliases", [])]:
                for word in re.findall(r"\w+", name):
                    spellings.setdefault(fold(word), {fold(word).upper()}).add(word.upper())
        return spellings

    @staticmethod
    def expand_office_words(text):
        folded = fold(text)
        for short, long in OFFICE_SYNONYMS.items():
            folded = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, folded)
        return folded
