"""Formula injection (CSV/Excel injection): a cell whose text begins with = + - @, a tab or a carriage return could
be run as a formula by the spreadsheet that opens the export (=HYPERLINK(…) sending data away, =cmd|…).

Such text is written as a plain string cell with Excel's "quote prefix" (what Excel itself stores when a person types
'=…): the cell shows exactly what was typed, reads back as text, and stays text when edited. Numbers, dates and
Decimals are never touched: -5 is a number, not a formula.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def escape_formula(cell):
    """The openpyxl cell, made a text cell if its value is a string that a spreadsheet would read as a formula."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
