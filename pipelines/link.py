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
        """Committees without a campaign get the one their name ties them to (watchlist.link:
        curated links, then the name patterns), with its position unless the spider gave one;
        every linked committee gets its side relative to the prosecutor and the rule that tied
        it ("name pattern" when a spider linked it by name without saying)."""
        values = dict(zip(batch.fields, batch.columns(), strict=True))
        size = len(batch)
        names = values["name"]
        campaigns = list(values.get("campaign_id", [None] * size))
        positions = list(values.get("position", [None] * size))
        sides = list(values.get("side", [None] * size))
        linked_by = list(values.get("linked_by", [None] * size))
        for index, campaign_id in enumerate(campaigns):
            if not campaign_id:
                link = self.watchlist.link(name=names[index])
                if not link.campaign_id:
                    continue
                campaigns[index] = link.campaign_id
                if "position" not in values or not positions[index]:
                    positions[index] = link.position
                linked_by[index] = link.linked_by
            linked_by[index] = linked_by[index] or "name pattern"
            sides[index] = sides[index] or self.watchlist.side(campaigns[index], positions[index])
        if any(campaigns):
            for column, column_values in (
                ("campaign_id", campaigns),
                ("position", positions),
                ("side", sides),
                ("linked_by", linked_by),
            ):
                batch.add_column(column, column_values)
