"""Is a story about the watchlist, and what does it mention?

Names are matched accent- and case-insensitively on whole words ("Gascón" = "GASCON"), with "DA"
read as "district attorney". A full name ("Chesa Boudin") always counts; a bare surname alias
("Boudin", "Foxx") counts only next to the target's office, title or jurisdiction, so that a story
about the actor Jamie Foxx is not a story about Kim Foxx.

Committees and the bigger donors (the spider passes those whose counted giving reaches the setting
DONOR_MENTION_THRESHOLD) are named in full, on whole words: a person filed as "OBERNDORF, WILLIAM
E." is found as "William Oberndorf" or "William E. Oberndorf", never by a surname alone.
"""

import re
from datetime import date, timedelta

from recallwatch.core.ids import fold
from recallwatch.core.watchlist import Watchlist

# How far around a campaign's dates a story is still about it: stories announce a petition weeks
# before it is approved and report on its aftermath (counts, lawsuits) for weeks after it ends. Kept
# short so that a target's successive petitions (Boudin's two overlapped) are told apart.
BEFORE_CAMPAIGN = timedelta(days=60)
AFTER_CAMPAIGN = timedelta(days=60)
KIND_WORDS = {
    "recall": ["recall"],
    "recall election": ["recall", "proposition h", "prop h"],
    "recall bill": ["recall"],
    "impeachment": ["impeach", "impeached", "impeachment"],
}
CONTEXT_WORDS = ["district attorney", "state's attorney", "states attorney", "prosecutor", "recall", "impeach"]


def words_pattern(phrases):
    alternatives = "|".join(sorted({re.escape(p) for p in phrases if p}, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if alternatives else None


def normalized(text):
    """Folded text with "DA"/"D.A." spelled out, so both spellings match the same phrases."""
    return Watchlist.expand_office_words((text or "").replace("\u2019", "'"))


def donor_spellings(name, kind):
    """How a story names a donor, in full: an organisation's name as filed (9 characters or more);
    a person's "First Last" and "First Middle Last" from a filed "LAST, FIRST MIDDLE" (or the
    name as filed when it has no comma). Two words at least: a surname alone is never enough."""
    name = " ".join((name or "").split())
    if kind == "person" and "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        given = first.split()
        spellings = {f"{first} {last}", f"{given[0]} {last}"} if given and last else set()
    else:
        spellings = {name} if len(name) > 8 or kind == "person" else set()
    return sorted(spelling for spelling in spellings if len(spelling.split()) >= 2)


class MentionFinder:
    def __init__(self, watchlist, committees=(), donors=()):
        """committees: (id, name, campaign_id) rows of the `committees` table; donors: (id, name,
        kind) rows of `donors` (either may be empty)."""
        self.watchlist = watchlist
        self.full_names = {}
        self.surnames = {}
        self.context = {}
        for target in watchlist.targets:
            names = [target["name"], *target.get("aliases", [])]
            self.full_names[target["id"]] = words_pattern(normalized(n) for n in names if " " in n.strip())
            self.surnames[target["id"]] = words_pattern(normalized(n) for n in names if " " not in n.strip())
            context = [*CONTEXT_WORDS, normalized(target.get("office")), normalized(target.get("jurisdiction"))]
            self.context[target["id"]] = words_pattern(context)
        self.named_committees = [
            (entity_type, entity_id, campaign_id, words_pattern([normalized(name)]))
            for entity_type, entity_id, campaign_id, name in self._committee_names(committees)
            if name and len(name) > 8
        ]
        self.named_committees += [
            ("donor", donor_id, None, words_pattern([normalized(spelling) for spelling in spellings]))
            for donor_id, name, kind in donors
            if (spellings := donor_spellings(name, kind))
        ]
        self.kind_words = {kind: words_pattern(words) for kind, words in KIND_WORDS.items()}

    def _committee_names(self, committees):
        for campaign in self.watchlist.campaigns:
            if campaign.get("proponent"):
                yield "campaign", campaign["id"], campaign["id"], campaign["proponent"]
        for committee_id, name, campaign_id in committees:
            yield "committee", committee_id, campaign_id, name

    def targets_in(self, text):
        found = []
        for target_id, full_name in self.full_names.items():
            if full_name and full_name.search(text):
                found.append(target_id)
            elif self.surnames[target_id] and self.surnames[target_id].search(text):
                if self.context[target_id].search(text):
                    found.append(target_id)
        return found

    def campaigns_of(self, target_id, text, published):
        """The target's campaigns a story is about: it uses the campaign's word (recall,
        impeachment…) and ran while the campaign was under way (any, when it has no date)."""
        on = date.fromisoformat(published[:10]) if published else None
        for campaign in self.watchlist.campaigns_of(target_id):
            words = self.kind_words.get(campaign["kind"]) or words_pattern([fold(campaign["kind"])])
            if not words.search(text):
                continue
            if on is not None and not self._during(campaign, on):
                continue
            yield campaign["id"]

    @staticmethod
    def _during(campaign, on):
        start = date.fromisoformat(campaign["started"])
        end = date.fromisoformat(campaign.get("ended") or campaign.get("deadline") or campaign["started"])
        return start - BEFORE_CAMPAIGN <= on <= end + AFTER_CAMPAIGN

    def find(self, text, published=None):
        """(entity_type, entity_id) pairs a story mentions, in a stable order; empty = off-topic."""
        text = normalized(text)
        mentions = []
        for target_id in self.targets_in(text):
            mentions.append(("target", target_id))
            mentions.extend(("campaign", c) for c in self.campaigns_of(target_id, text, published))
        for entity_type, entity_id, campaign_id, pattern in self.named_committees:
            if pattern.search(text):
                mentions.append((entity_type, entity_id))
                if campaign_id:
                    mentions.append(("campaign", campaign_id))
        return list(dict.fromkeys(mentions))
