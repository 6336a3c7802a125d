"""Linking: ties committees found in a filing source to a watchlist campaign (and a position)
when the spider could not. Uses the watchlist's committee name patterns."""

from recallwatch.core.batch import RecordBatch, as_batch
from recallwatch.core.items import Committee
from recallwatch.runtime.run import Run


class LinkPipeline:
    def __init__(self, crawler):
        self.watchlist = Run.of(crawler).watchlist

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        batch = as_batch(item)
        if isinstance(batch, RecordBatch) and issubclass(batch.item_class, Committee):
            self.link_committees(batch)
        return batch

    def link_committees(self, batch):
        """Committees without a campaign get the one their name matches, and its position unless
        the spider gave one."""
        values = dict(zip(batch.fields, batch.columns(), strict=True))
        names = values["name"]
        campaigns = list(values.get("campaign_id", [None] * len(batch)))
        positions = list(values.get("position", [None] * len(batch)))
        linked = False
        for index, campaign_id in enumerate(campaigns):
            if not campaign_id:
                found, position = self.watchlist.committee_campaign(names[index])
                if found:
                    campaigns[index] = found
                    if "position" not in values:
                        positions[index] = position
                    linked = True
        if linked:
            batch.add_column("campaign_id", campaigns)
            batch.add_column("position", positions)
