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


@dataclass
class Watchlist:
    targets: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)
    committee_patterns: list = field(default_factory=list)
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
            row["sources"] = json.dumps(campaign.get("sources", []))
            yield row

    @cached_property
    def _target_patterns(self):
        patterns = {}
        for target in self.targets:
            names = [target["name"], *target.get("aliases", [])]
            alternatives = "|".join(sorted({re.escape(fold(n)) for n in names}, key=len, reverse=True))
            patterns[target["id"]] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return patterns

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

    def source_config(self, spider_name):
        """The `sources:` entry of a spider (URLs, dataset ids, agencies, known committees)."""
        return self.sources.get(spider_name) or {}

    def committee_link(self, spider_name, source_id, name, on_date=None):
        """(campaign_id, position) of a committee: a known committee listed under the spider's
        `sources:` entry wins; otherwise the name patterns decide."""
        for known in self.source_config(spider_name).get("known_committees") or []:
            if str(known["source_id"]) == str(source_id):
                return known["campaign_id"], known.get("position")
        return self.committee_campaign(name, on_date)

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
