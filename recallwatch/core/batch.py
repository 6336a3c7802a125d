"""Many rows of one item type carried through the pipelines as one object: the one shape every
pipeline stage works on.

A bulk export (CAL-ACCESS's receipts table has about ten million rows) cannot afford Scrapy's
per-item overhead, nor a JSON Schema check and an upsert statement per row. A spider yields
`RecordBatch(Contribution, fields, rows)` instead of the items one by one; every pipeline stage
still applies its rule to every row (coverage, normalisation, validation with rejects, donors,
storage), column by column where it can:

    batch = RecordBatch(Contribution, ("id", "filing_id", ...), [("c1", "f1", ...), ...])

A spider that yields single items needs nothing more: each stage starts with `as_batch(item)`,
which turns an item into a batch of one (its filled fields only, so that storing it never blanks
a column the item did not carry), so there is one path through the pipelines.

Rows are tuples in the order of `fields`; a value is what the item's field would hold. `fetch_id`
is the fetch of the document the rows came from (the spider sets it: the provenance middleware
stamps items, not batches).
"""

from dataclasses import dataclass, field

from recallwatch.core.items import RecordItem


@dataclass
class RecordBatch:
    item_class: type  # a recallwatch.core.items.RecordItem subclass
    fields: tuple
    rows: list = field(default_factory=list)
    fetch_id: str | None = None
    from_item: bool = False  # a batch of one made from a single item (as_batch), not by the spider
    _columns: list | None = field(default=None, repr=False, compare=False)
    _columns_of: list | None = field(default=None, repr=False, compare=False)
    _types: list | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, item):
        """A single item as a batch of one: the fields it has (fetch_id apart), in its class's order."""
        fields = tuple(name for name in item.fields if name != "fetch_id" and name in item)
        row = tuple(item[name] for name in fields)
        return cls(type(item), fields, [row], fetch_id=item.get("fetch_id"), from_item=True)

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
        if self.fetch_id is not None:
            item["fetch_id"] = self.fetch_id
        return item

    def add_column(self, name, values):
        """Add a field (or replace its values) with one value per row."""
        if name in self.fields:
            columns = self.columns()
            columns[self.fields.index(name)] = values
            self.set_columns(columns)
            return
        self.fields = (*self.fields, name)
        self.rows = [row + (value,) for row, value in zip(self.rows, values, strict=True)]
        self._columns = self._columns_of = self._types = None


def as_batch(item):
    """What a pipeline stage works on: a RecordItem becomes a RecordBatch of one; a batch, and
    anything else (a DocumentDone marker), is returned as it is."""
    return RecordBatch.of(item) if isinstance(item, RecordItem) else item


def arrow():
    """(pyarrow, pyarrow.compute), imported by the stages that meet a ColumnBatch: only a bulk
    spider's column reader makes one, so other crawls never load pyarrow (about 50 MB)."""
    import pyarrow
    import pyarrow.compute

    return pyarrow, pyarrow.compute


@dataclass
class ColumnBatch:
    """Many rows of one item type held column by column in a pyarrow Table (`data`, one column per
    field): what a column reader of a bulk export sends (recallwatch/parsers/calaccess_columns.py).
    Every pipeline stage applies the same rules to it as to a RecordBatch, with column operations;
    the store writes its rows as tuples made from whole columns."""

    item_class: type
    data: object  # a pyarrow Table
    fetch_id: str | None = None
    from_item = False

    @property
    def table(self):
        return self.item_class.table

    @property
    def fields(self):
        return tuple(self.data.column_names)

    def __len__(self):
        return self.data.num_rows

    def column(self, name):
        return self.data.column(name)

    def set_column(self, name, values):
        """Add a field (or replace its values): a pyarrow array with one value per row."""
        if name in self.data.column_names:
            self.data = self.data.set_column(self.data.column_names.index(name), name, values)
        else:
            self.data = self.data.append_column(name, values)

    def rows(self):
        """The rows as tuples in the order of `fields` (an iterator)."""
        return zip(*(column.to_pylist() for column in self.data.columns), strict=True)

    def as_record_batch(self):
        """The same rows as a RecordBatch (for a row that needs the per-row rules)."""
        return RecordBatch(self.item_class, self.fields, list(self.rows()), fetch_id=self.fetch_id)
