"""Per-spider field coverage in the Scrapy stats, AllThePlaces style: for every item type and
field, how many items had it filled and how many had it empty. A source whose markup changed
shows up the morning after as a field that went from filled to empty."""

from recallwatch.core.batch import ColumnBatch, RecordBatch, arrow, as_batch

TEXT_TYPES = {str, type(None)}


def empty_values(column, kinds):
    """How many values of the column are None or ""."""
    if kinds <= TEXT_TYPES:
        return len(column) - len(list(filter(None, column)))  # no other value is false
    return (column.count(None) if type(None) in kinds else 0) + (column.count("") if str in kinds else 0)


def empty_in_column(column):
    """How many values of a pyarrow column are null or ""."""
    pa, pc = arrow()
    empty = column.null_count
    if pa.types.is_string(column.type):
        empty += pc.sum(pc.equal(column, "")).as_py() or 0
    return empty


def empty_per_field(batch):
    """{field: how many of the batch's values are empty} of the fields the batch carries."""
    if isinstance(batch, ColumnBatch):
        return {name: empty_in_column(batch.column(name)) for name in batch.fields}
    columns = zip(batch.columns(), batch.column_types(), strict=True)
    return {name: empty_values(column, kinds) for name, (column, kinds) in zip(batch.fields, columns, strict=True)}


class FieldCoveragePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        batch = as_batch(item)
        if not isinstance(batch, RecordBatch | ColumnBatch):
            return batch
        given = empty_per_field(batch)
        for field_name in batch.item_class.fields:
            if field_name == "fetch_id":
                continue
            empty = given.get(field_name, len(batch))  # a field the rows do not carry is empty in each
            for state, count in (("filled", len(batch) - empty), ("empty", empty)):
                if count:
                    self.stats.inc_value(f"field_coverage/{batch.table}/{field_name}/{state}", count)
        return batch
