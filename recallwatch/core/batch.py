"""Many rows of one item type carried through the pipelines as one object.

A bulk export (CAL-ACCESS's receipts table has about ten million rows) cannot afford Scrapy's
per-item overhead, nor a JSON Schema check and an upsert statement per row. A spider yields
`RecordBatch(Contribution, fields, rows)` instead of the items one by one; every pipeline stage
still applies its rule to every row (coverage, normalisation, validation with rejects, storage),
column by column where it can:

    batch = RecordBatch(Contribution, ("id", "filing_id", ...), [("c1", "f1", ...), ...])

Rows are tuples in the order of `fields`; a value is what the item's field would hold. `fetch_id`
is the fetch of the document the rows came from (the spider sets it: the provenance middleware
stamps items, not batches).
"""

from dataclasses import dataclass, field


@dataclass
class RecordBatch:
    item_class: type  # a recallwatch.core.items.RecordItem subclass
    fields: tuple
    rows: list = field(default_factory=list)
    fetch_id: str | None = None
    _columns: list | None = field(default=None, repr=False, compare=False)
    _columns_of: list | None = field(default=None, repr=False, compare=False)
    _types: list | None = field(default=None, repr=False, compare=False)

    @property
    def table(self):
        return self.item_class.table

    def __len__(self):
        return len(self.rows)

    def columns(self):
        """The values of each field, as tuples in the order of `fields` (computed once per
        version of the rows: every pipeline stage reads them)."""
        if self._columns is None or self._columns_of is not self.rows:
            self._columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.fields]
            self._columns_of = self.rows
            self._types = None
        return self._columns

    def column_types(self):
        """The set of Python types of each column's values (as `columns`, computed once per
        version of the rows)."""
        columns = self.columns()
        if self._types is None:
            self._types = [set(map(type, column)) for column in columns]
        return self._types

    def set_columns(self, columns):
        self.rows = list(zip(*columns, strict=True))
        self._columns, self._columns_of, self._types = list(columns), self.rows, None

    def item(self, row):
        """One row as an item (for the per-row path: a row that needs a closer look)."""
        item = self.item_class(**{name: value for name, value in zip(self.fields, row, strict=True)})
        if self.fetch_id:
            item["fetch_id"] = self.fetch_id
        return item
