"""CSV downloads that open safely in a spreadsheet.

A cell a member typed (a first name, a note) that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return would run as a formula in Excel or LibreOffice; such cells get a leading
apostrophe, which spreadsheets show as plain text (OWASP "CSV injection"). The file starts
with a byte-order mark so Excel reads Arabic and French names as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from babel import numbers
from starlette.responses import Response

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Text that a spreadsheet would read as a formula, made inert; numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def major_units(amount_minor: int, currency: str) -> Decimal:
    """12550 MAD → Decimal("125.50"): what a spreadsheet sums."""
    return Decimal(amount_minor).scaleb(-numbers.get_currency_precision(currency))


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralize(cell) for cell in row])
    return Response(
        buffer.getvalue().encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
