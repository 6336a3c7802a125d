"""Per-spider field coverage in the Scrapy stats, AllThePlaces style: for every item type and
field, how many items had it filled and how many had it empty. A source whose markup changed
shows up the morning after as a field that went from filled to empty."""

from recallwatch.core.batch import RecordBatch, as_batch

TEXT_TYPES = {str, type(None)}


def empty_values(column, kinds):
    """How many values of the column are None or ""."""
    if kinds <= TEXT_TYPES:
        return len(column) - len(list(filter(None, column)))  # no other value is false
    return (column.count(None) if type(None) in kinds else 0) + (column.count("") if str in kinds else 0)


class FieldCoveragePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        batch = as_batch(item)
        if not isinstance(batch, RecordBatch):
            return batch
        given = dict(zip(batch.fields, zip(batch.columns(), batch.column_types(), strict=True), strict=True))
        for field_name in batch.item_class.fields:
            if field_name == "fetch_id":
                continue
            if field_name in given:
                column, kinds = given[field_name]
                empty = empty_values(column, kinds)
            else:
                empty = len(batch)  # a field the rows do not carry is empty in each of them
            for state, count in (("filled", len(batch) - empty), ("empty", empty)):
                if count:
                    self.stats.inc_value(f"field_coverage/{batch.table}/{field_name}/{state}", count)
        return batch
