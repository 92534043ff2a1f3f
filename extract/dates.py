"""Vietnamese dates as written in administrative documents, to ISO strings.

"07/3/2016", "17/01 /2023", "ngày 02 tháng 02 năm 2021", "10-02-2021", "10.02.2021". Blank
parts ("ngày  tháng  năm 2023") give no date, only a year. Generic parsers are no use here:
they read day-first ambiguously and "trước" as "ago".
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

# Digits may carry stray spaces around separators ("17/01 /2023").
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<d>[0-3]?\d)\s*[/.-]\s*(?P<m>[01]?\d)\s*[/.-]\s*(?P<y>(?:19|20)\d\d)(?!\d)"
)
WORDED_DATE = re.compile(
    r"ngày\s*(?P<d>[0-3]?\d)?\s*tháng\s*(?P<m>[01]?\d)?\s*năm\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    iso: str | None  # None when day or month is blank or impossible
    year: int | None
    start: int
    end: int


def iso_date(day: int | str | None, month: int | str | None, year: int | str | None) -> str | None:
    """An ISO date when all parts are present and form a real date, else None."""
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in the text, numeric or worded, in order of position."""
    out = []
    for rx in (NUMERIC_DATE, WORDED_DATE):
        for m in rx.finditer(text):
            year = int(m["y"]) if m["y"] else None
            out.append(DateMatch(iso_date(m["d"], m["m"], m["y"]), year, m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


def parse_date(text: str) -> str | None:
    """The first date in a short string, as ISO ("ngày 07/3/2016" -> "2016-03-07")."""
    found = find_dates(text)
    return found[0].iso if found else None


# Partial dates, for deadlines: a day and month without a year ("trước ngày 20/6": the plan year
# completes it) and quarters ("quý II/2026", "Quý 3 năm 2026").
DAY_MONTH = re.compile(r"(?<![\d/.-])(?P<d>[0-3]?\d)\s*/\s*(?P<m>[01]?\d)(?!\s*[/.-]?\s*\d)")
QUARTER = re.compile(
    r"quý\s+(?P<q>IV|I{1,3}|[1-4])\b(?:\s*(?:/|-|năm)\s*(?P<y>(?:19|20)\d\d))?", re.IGNORECASE
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def parse_day_month(text: str, year: int | None) -> str | None:
    """The first full date in a short string, or its first day/month completed with ``year``."""
    full = parse_date(text)
    if full or year is None:
        return full
    m = DAY_MONTH.search(text)
    return iso_date(m["d"], m["m"], year) if m else None


def parse_quarter(text: str) -> tuple[int, int | None] | None:
    """(quarter, year or None) of the first quarter in a short string: "quý II/2026" -> (2, 2026)."""
    m = QUARTER.search(text)
    if not m:
        return None
    q = m["q"].upper()
    return (_ROMAN.get(q) or int(q), int(m["y"]) if m["y"] else None)
