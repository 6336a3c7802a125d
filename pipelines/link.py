"""Linking: ties committees found in a filing source to a watchlist campaign (and a position)
when the spider could not. Uses the watchlist's committee name patterns."""

from recallwatch.core.items import Committee
from recallwatch.runtime.run import Run


class LinkPipeline:
    def __init__(self, crawler):
        self.watchlist = Run.of(crawler).watchlist

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, Committee) and not item.get("campaign_id"):
            campaign_id, position = self.watchlist.committee_campaign(item["name"])
            if campaign_id:
                item["campaign_id"] = campaign_id
                item.setdefault("position", position)
        return item
