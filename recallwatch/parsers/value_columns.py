"""The column forms of the readers in values.py, for bulk exports read with pyarrow.

Still one reader per value: a column reader reads by itself only the spellings it reads exactly as
the row reader does, by values.py's own patterns and limits (PLAIN_CENTS, MAX_AMOUNT), or by
calling the row reader once per distinct value (dates, amendment numbers, codes: a handful of
distinct values in a million rows). Every other value is *flagged*: the caller sends its row to
the row reader, which reads it or rejects it with its usual reason. tests/test_value_columns.py
checks that column and row readers agree on a table of normal and hostile values.

Text columns are trimmed of ASCII spaces only: the caller gives these readers rows of printable
ASCII (a row with any other byte goes to the row readers whole), where that is what str.strip()
does.
"""

import pyarrow as pa
import pyarrow.compute as pc

from recallwatch.parsers.values import MAX_AMOUNT, PLAIN_CENTS, BadValue


def trimmed(column):
    """The values without outer spaces (str.strip() of printable ASCII)."""
    return pc.ascii_trim(column, characters=" ")


def blank_to_null(column):
    """'' -> null (`text(value)`: a blank is missing)."""
    return pc.if_else(pc.not_equal(column, ""), column, pa.scalar(None, column.type))


def money_column(raw):
    """(amounts, flagged) of a column of amounts as filed: `money(value)` of each value that is
    blank or a plain figure with at most two decimals under MAX_AMOUNT (null for a blank); every
    other value is null and flagged for `money`, which reads it or refuses it."""
    text = pc.fill_null(trimmed(raw), "")
    plain = pc.match_substring_regex(text, PLAIN_CENTS)
    amounts = pc.add(pc.cast(pc.if_else(plain, text, pa.scalar(None, pa.string())), pa.float64()), 0.0)  # no -0.0
    read = pc.fill_null(pc.less(pc.abs(amounts), MAX_AMOUNT), False)
    flagged = pc.invert(pc.or_(read, pc.equal(text, "")))
    return pc.if_else(read, amounts, pa.scalar(None, pa.float64())), flagged


def read_distinct(column, read, result_type):
    """(values, flagged): read(value) once per distinct value of the column, spread over its rows;
    a value the reader refuses (BadValue) is null and flagged."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    results, refused = [], []
    for value in encoded.dictionary.to_pylist():
        try:
            results.append(read(value))
            refused.append(False)
        except BadValue:
            results.append(None)
            refused.append(True)
    indices = encoded.indices
    return pc.take(pa.array(results, result_type), indices), pc.take(pa.array(refused, pa.bool_()), indices)


def name_column(last, first, suffix=None):
    """`contributor_name(last, first, suffix=suffix)` of trimmed columns: 'LAST, FIRST SUFFIX',
    the one part given, '' when every part is blank."""
    both = pc.and_(pc.not_equal(last, ""), pc.not_equal(first, ""))
    name = pc.if_else(both, pc.binary_join_element_wise(last, first, ", "),
                      pc.if_else(pc.not_equal(last, ""), last, first))  # fmt: skip
    if suffix is not None:
        with_suffix = pc.and_(pc.not_equal(name, ""), pc.not_equal(suffix, ""))
        name = pc.if_else(with_suffix, pc.binary_join_element_wise(name, suffix, " "), name)
    return name


# --- Pennsylvania (recallwatch/parsers/pennsylvania_columns.py) --------------------------------
# Column forms of values.one_line and values.zip_code, for printable ASCII rows (where the only
# whitespace is the space).


def one_line_column(column):
    """`one_line(value)`: outer spaces dropped, every run of spaces made one, null for a blank."""
    text = trimmed(column)
    if pc.any(pc.match_substring(text, "  ")).as_py():
        text = pc.replace_substring_regex(text, " {2,}", " ")
    return blank_to_null(text)


def zip_column(column):
    """`zip_code(value)`: outer spaces and dangling dashes dropped, nine digits written as ZIP+4
    ('913201730' -> '91320-1730'), null for a blank; anything else as written."""
    text = pc.ascii_rtrim(pc.ascii_rtrim(trimmed(column), characters="-"), characters=" ")
    nine = pc.and_(pc.equal(pc.binary_length(text), 9), pc.ascii_is_decimal(text))
    if pc.any(nine).as_py():
        plus_four = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(text, 0, 5), pc.utf8_slice_codeunits(text, 5, 9), "-"
        )
        text = pc.if_else(nine, plus_four, text)
    return blank_to_null(text)
