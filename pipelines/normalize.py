"""Normalisation that holds for every source: strings cleaned of control bytes (CAL-ACCESS has
NUL and \\x1a in its exports), outer whitespace trimmed, blanks turned into missing values, codes
upper-cased, money rounded to cents. Source-specific parsing (date formats, Excel serials) is the
spider's job."""

import re

from crawlers.items import RecordItem

CONTROL_BYTES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UPPERCASE_FIELDS = {"entity_code", "state", "schedule", "form_type"}


def clean_text(value):
    value = CONTROL_BYTES.sub("", value).strip()
    return value or None


def normalize_value(name, meta, value):
    if isinstance(value, str):
        value = clean_text(value)
        if value is not None and name in UPPERCASE_FIELDS:
            value = value.upper()
    elif isinstance(value, float) and "number" in meta.get("type", ()):
        value = round(value, 2)
    return value


class NormalizePipeline:
    def process_item(self, item):
        if isinstance(item, RecordItem):
            for name, meta in item.fields.items():
                if name in item:
                    item[name] = normalize_value(name, meta, item[name])
        return item
