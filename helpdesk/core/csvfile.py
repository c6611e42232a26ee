"""Report CSV files a spreadsheet opens as they are, Persian and Arabic included.

The file starts with a byte-order mark, without which Excel reads UTF-8 as a legacy code page.
Text cells that a spreadsheet would run as a formula (customers write subjects and comments) get
a leading apostrophe; numbers are written as numbers.
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell as written: None empty, formula-like text defused, everything else as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def csv_response(filename: str, header: list, rows: Iterable[list]) -> HttpResponse:
    """A UTF-8 CSV attachment (with a byte-order mark) of the header and rows, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in [header, *rows]:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
