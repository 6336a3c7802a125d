"""Normalisation that holds for every source: strings cleaned of control bytes (CAL-ACCESS has
NUL and \\x1a in its exports), outer whitespace trimmed, blanks turned into missing values, codes
upper-cased. Values themselves (money rounded to cents, dates) are read once, by the one reader of
each value in recallwatch/parsers/values.py; nothing here reads them again."""

import re

from recallwatch.core.batch import ColumnBatch, RecordBatch, arrow, as_batch
from recallwatch.core.ids import published_url

CONTROL_BYTES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a column's values joined by "\n": a value with outer whitespace (or holding a line break)
OUTER_SPACE = re.compile(r"(?m)^\s|\s$")
UPPERCASE_FIELDS = {"entity_code", "state", "schedule", "form_type"}
URL_FIELDS = {"url", "source_url"}  # a local file's address is published by its name alone


def clean_text(value):
    value = CONTROL_BYTES.sub("", value).strip()
    return value or None


def normalize_value(name, meta, value):
    if isinstance(value, str):
        value = clean_text(value)
        if value is not None and name in UPPERCASE_FIELDS:
            value = value.upper()
        elif value is not None and name in URL_FIELDS:
            value = published_url(value)
    return value


def column_is_normal(name, meta, column, kinds):
    """True when normalize_value would leave every value of the column as it is: a few scans of
    the joined column instead of a call per value (bulk exports are mostly clean already).
    `kinds` is the set of the types of its values."""
    if str in kinds:
        if "" in column or not kinds <= {str, type(None)}:
            return False
        joined = "|".join(filter(None, column))
        # Printable text has no control bytes and no whitespace but spaces: a value with an
        # outer space puts a space next to a "|" of the joined column, or at one of its ends (a
        # "| " inside a value only costs the exact scan). Anything else: the exact scan.
        outer_space = " |" in joined or "| " in joined or joined.startswith(" ") or joined.endswith(" ")
        if not joined.isprintable() or outer_space:
            joined = "\n".join(filter(None, column))
            if CONTROL_BYTES.search(joined) or OUTER_SPACE.search(joined):
                return False
        if name in UPPERCASE_FIELDS and joined != joined.upper():
            return False
        if name in URL_FIELDS and "file:" in joined:
            return False
    return True


def normalize_batch(batch):
    """The same rules for every row of a RecordBatch, column by column."""
    columns, kinds = batch.columns(), batch.column_types()
    changed = False
    for index, name in enumerate(batch.fields):
        meta = batch.item_class.fields[name]
        if not column_is_normal(name, meta, columns[index], kinds[index]):
            columns[index] = [normalize_value(name, meta, value) for value in columns[index]]
            changed = True
    if changed:
        batch.set_columns(columns)


# Bytes of a text that normalize_value leaves as it is whatever their order: printable ASCII but the space
WORD_BYTES = bytes(range(0x21, 0x7F))
PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def column_bytes(column):
    """The bytes of every value of a pyarrow text column, end to end (its data buffers)."""
    return b"".join(chunk.buffers()[2].to_pybytes() for chunk in column.chunks if chunk.buffers()[2] is not None)


def plain_words(data, name):
    """True when `data` (column_bytes) is WORD_BYTES alone (so no value has an outer space or a
    control byte), with no lowercase in an upper-case field, no local file address in a URL field:
    one pass over the column's data. False: check value by value."""
    if data.translate(None, WORD_BYTES):
        return False
    if name in UPPERCASE_FIELDS and data != data.upper():
        return False
    return not (name in URL_FIELDS and b"file:" in data)


def normalize_column_batch(batch):
    """The same rules for a ColumnBatch: normalize_value for the values a column scan cannot
    vouch for, the others as they are."""
    pa, pc = arrow()
    for name in batch.fields:
        column = batch.column(name)
        if not pa.types.is_string(column.type):
            continue
        data = column_bytes(column)
        if plain_words(data, name) and not pc.any(pc.equal(column, "")).as_py():
            continue
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        # What normalize_value certainly leaves as it is: printable ASCII without outer spaces (a
        # few scans without a regex); any other value gets normalize_value itself
        doubtful = pc.equal(column, "")
        if data.translate(None, PRINTABLE_ASCII):  # (else every value is printable ASCII: one pass said so)
            doubtful = pc.or_(doubtful, pc.invert(pc.and_(pc.string_is_ascii(column), pc.utf8_is_printable(column))))
        for outer_space in (pc.starts_with(column, " "), pc.ends_with(column, " ")):
            doubtful = pc.or_(doubtful, outer_space)
        if name in UPPERCASE_FIELDS:
            doubtful = pc.or_(doubtful, pc.not_equal(pc.ascii_upper(column), column))
        if name in URL_FIELDS:
            doubtful = pc.or_(doubtful, pc.match_substring(column, "file:"))
        doubtful = pc.fill_null(doubtful, False)
        if not pc.any(doubtful).as_py():
            continue
        meta = batch.item_class.fields[name]
        normalized = [normalize_value(name, meta, value) for value in column.filter(doubtful).to_pylist()]
        batch.set_column(name, pc.replace_with_mask(column, doubtful, pa.array(normalized, pa.string())))


class NormalizePipeline:
    def process_item(self, item):
        batch = as_batch(item)
        if isinstance(batch, ColumnBatch):
            normalize_column_batch(batch)
        elif isinstance(batch, RecordBatch):
            normalize_batch(batch)
        return batch
