"""Pages of a list: one size for every list, and the page asked for kept within the pages there are."""

from __future__ import annotations

PAGE_SIZE = 50


def page_number(page, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """Return (the page asked for, kept between the first and the last, and how many pages there are)."""
    pages = max(1, -(-total // size))
    try:
        asked = int(page)
    except (TypeError, ValueError):
        asked = 1
    return min(max(1, asked), pages), pages


def page_result(page: int, pages: int, total: int, size: int = PAGE_SIZE) -> dict:
    """Return what the pagination macro reads of a list's page."""
    return {"page": page, "pages": pages, "total": total, "page_size": size}
