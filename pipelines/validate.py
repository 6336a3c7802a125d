"""Validation: each item type has a JSON Schema built from its field metadata in
recallwatch/core/items.py. An invalid item is recorded in `rejects` with every problem spelled out,
and dropped; the run goes on."""

import re
from datetime import datetime
from functools import cache

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.exceptions import DropItem

from recallwatch.core.batch import ColumnBatch, RecordBatch, arrow, as_batch
from recallwatch.runtime.provenance import DocumentDone
from recallwatch.runtime.run import Run

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^(https?://\S+|file:\S+)$")  # file:NAME: a local file, by its name alone


@cache
def schema_for(item_class):
    properties, required = {}, []
    for name, meta in item_class.fields.items():
        rule = {"type": meta.get("type", ["string", "null"])}
        if meta.get("enum"):
            rule["enum"] = meta["enum"]
        properties[name] = rule
        if meta.get("required"):
            required.append(name)
    return Draft202012Validator({"type": "object", "properties": properties, "required": required})


def check_kind(kind, value):
    """The `kind` rules JSON Schema's type system does not express. Returns a problem or None."""
    if value is None:
        return None
    if kind == "date" and not DATE.match(value):
        return f"{value!r} is not an ISO date (YYYY-MM-DD)"
    if kind == "datetime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return f"{value!r} is not an ISO date-time"
    if kind == "url" and not URL.match(value):
        return f"{value!r} is not an http(s) or file URL"
    return None


def problems(item):
    """Every reason the item is invalid, as readable sentences (empty when it is valid)."""
    data = ItemAdapter(item).asdict()
    found = []
    for error in schema_for(type(item)).iter_errors(data):
        where = ".".join(str(p) for p in error.path)
        if error.validator == "required":
            found.append(error.message.replace("is a required property", "is missing"))
        elif error.validator == "type" and error.instance is None:
            found.append(f"{where} is missing")
        else:
            found.append(f"{where}: {error.message}" if where else error.message)
    for name, meta in item.fields.items():
        kind = meta.get("kind")
        if kind and isinstance(data.get(name), str):
            problem = check_kind(kind, data[name])
            if problem:
                found.append(f"{name}: {problem}")
    return found


# The Python types that certainly satisfy each JSON Schema type (the per-row check decides the rest).
CERTAIN_TYPES = {"string": {str}, "integer": {int}, "number": {int, float}, "null": {type(None)}}


def column_is_valid(meta, column, kinds):
    """True when every value of the column (whose values' types are `kinds`) certainly passes
    its field's rules: a few scans of the column instead of a JSON Schema check per row. False
    means: look at each row."""
    allowed = meta.get("type", ["string", "null"])
    allowed = [allowed] if isinstance(allowed, str) else allowed
    certain = set().union(*(CERTAIN_TYPES[json_type] for json_type in allowed))
    if not kinds <= certain:
        return False
    if meta.get("required") and type(None) in kinds:
        return False
    if meta.get("enum") and not set(column) <= set(meta["enum"]):
        return False
    kind = meta.get("kind")
    if kind:
        return all(check_kind(kind, value) is None for value in set(column) if isinstance(value, str))
    return True


def arrow_kinds(column):
    """The set of Python types of a pyarrow column's values (None: a type without a rule here)."""
    pa, _ = arrow()
    if pa.types.is_string(column.type):
        kind = str
    elif pa.types.is_floating(column.type):
        kind = float
    elif pa.types.is_integer(column.type):
        kind = int
    else:
        return None
    kinds = {kind} if column.null_count < len(column) else set()
    return kinds | {type(None)} if column.null_count else kinds


def column_batch_is_valid(batch):
    """True when every row of a ColumnBatch certainly passes (`column_is_valid` of each column,
    enum and kind rules over its distinct values); False: look at each row."""
    _, pc = arrow()
    fields = batch.item_class.fields
    if any(meta.get("required") and name not in batch.fields for name, meta in fields.items()):
        return False
    for name in batch.fields:
        column, meta = batch.column(name), fields[name]
        kinds = arrow_kinds(column)
        distinct = pc.unique(column).to_pylist() if meta.get("enum") or meta.get("kind") else ()
        if kinds is None or not column_is_valid(meta, distinct, kinds):
            return False
    return True


class ValidatePipeline:
    def __init__(self, crawler):
        self.run = Run.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        batch = as_batch(item)
        if isinstance(batch, DocumentDone):
            return batch
        if isinstance(batch, ColumnBatch):
            if len(batch) and column_batch_is_valid(batch):
                return batch
            return self.validate_batch(batch.as_record_batch())
        if not isinstance(batch, RecordBatch):
            reason = f"unknown item type {type(batch).__name__}"
            self.run.reject(reason, item=dict(batch) if isinstance(batch, dict) else repr(batch))
            raise DropItem(reason)
        return self.validate_batch(batch)

    def validate_batch(self, batch):
        """Every row under the item's rules; invalid rows are rejected one by one, each with every
        reason it is invalid, and leave the batch. Columns that certainly pass are checked a few
        scans each; only a batch with a doubtful column is looked at row by row."""
        fields = batch.item_class.fields
        doubtful = [
            name
            for name, column, kinds in zip(batch.fields, batch.columns(), batch.column_types(), strict=True)
            if not column_is_valid(fields[name], column, kinds)
        ]
        missing = [name for name, meta in fields.items() if meta.get("required") and name not in batch.fields]
        reason, rows_given = None, len(batch.rows)
        if doubtful or missing:
            valid_rows = []
            for row in batch.rows:
                reason = self.reject_if_invalid(batch.item(row))
                if reason is None:
                    valid_rows.append(row)
            batch.rows = valid_rows
        if not batch.rows:
            if rows_given == 1 and reason:
                raise DropItem(f"invalid {batch.table}: {reason}")
            raise DropItem(f"no valid {batch.table} in the batch")
        return batch

    def reject_if_invalid(self, item):
        """Record the item in `rejects` with every reason it is invalid; returns the reasons (None
        when it is valid)."""
        found = problems(item)
        if not found:
            return None
        reason = "; ".join(found)
        data = ItemAdapter(item).asdict()
        self.run.reject(
            reason,
            url=data.get("url") or data.get("source_url"),
            item=data,
            item_type=item.table,
            fetch_id=data.get("fetch_id"),
        )
        return reason
