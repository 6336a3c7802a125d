"""What every item goes through, whatever its source, in this order (see ITEM_PIPELINES):

coverage (stats) -> normalize -> validate -> link -> donors -> store

One path: each stage starts with `as_batch(item)` (recallwatch/core/batch.py), so a single item
becomes a RecordBatch of one as it enters and every stage handles batches only. DocumentDone
markers (recallwatch/runtime/provenance.py) pass through to the store.

Normalisation (text hygiene: stray control bytes, outer whitespace, blank = missing) comes before
validation so that a field holding only spaces counts as missing, not as present.
"""
