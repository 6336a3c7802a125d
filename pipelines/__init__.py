"""What every item goes through, whatever its source, in this order (see ITEM_PIPELINES):

coverage (stats) -> normalize -> validate -> link -> store

Normalisation (text hygiene: stray control bytes, outer whitespace, blank = missing) comes before
validation so that a field holding only spaces counts as missing, not as present.
"""
