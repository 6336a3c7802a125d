"""Per-spider field coverage in the Scrapy stats, AllThePlaces style: for every item type and
field, how many items had it filled and how many had it empty. A source whose markup changed
shows up the morning after as a field that went from filled to empty."""

from itemadapter import ItemAdapter

from recallwatch.core.batch import RecordBatch
from recallwatch.core.items import RecordItem

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
        if isinstance(item, RecordItem):
            adapter = ItemAdapter(item)
            for field_name in item.fields:
                if field_name == "fetch_id":
                    continue
                value = adapter.get(field_name)
                state = "empty" if value is None or value == "" else "filled"
                self.stats.inc_value(f"field_coverage/{item.table}/{field_name}/{state}")
        elif isinstance(item, RecordBatch):
            for field_name, column, kinds in zip(item.fields, item.columns(), item.column_types(), strict=True):
                empty = empty_values(column, kinds)
                self.stats.inc_value(f"field_coverage/{item.table}/{field_name}/filled", len(column) - empty)
                self.stats.inc_value(f"field_coverage/{item.table}/{field_name}/empty", empty)
        return item
