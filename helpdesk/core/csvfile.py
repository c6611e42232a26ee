"""Report CSV files a spreadsheet opens as they are, Persian and Arabic included.

The file starts with a byte-order mark, without which Excel reads UTF-8 as a legacy code page.
Text cells that a spreadsheet would run as a formula (customers write subjects and comments) get
a leading apostrophe; numbers are written as numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"
ROWS_PER_CHUNK = 500


def safe_cell(value):
    """A cell as written: None empty, formula-like text defused, everything else as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def _chunks(header: list, rows: Iterable[list]) -> Iterator[str]:
    """The file in pieces of ROWS_PER_CHUNK rows: byte-order mark and header first, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_cell(cell) for cell in header])
    rows = iter(rows)
    while chunk := list(islice(rows, ROWS_PER_CHUNK)):
        writer.writerows([safe_cell(cell) for cell in row] for row in chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: list, rows: Iterable[list]) -> HttpResponse:
    """A UTF-8 CSV attachment (with a byte-order mark) of the header and rows, every cell made safe."""
    return _attachment(HttpResponse("".join(_chunks(header, rows)), content_type=CONTENT_TYPE), filename)


def csv_streaming_response(filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """The same file sent as it is written, for reports with a row per ticket: a long period
    neither waits for the last row nor holds the whole file in memory."""
    return _attachment(StreamingHttpResponse(_chunks(header, rows), content_type=CONTENT_TYPE), filename)
