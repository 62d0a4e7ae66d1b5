"""The paginated list envelope: ``metadata``, ``links`` and ``items``, with 0-based pages."""

from __future__ import annotations

import math
import urllib.parse

from .query import get_int

MAX_PER_PAGE = 200
# NOTE: the real default page size is undocumented; 50 is an assumption, so clients should send per_page.
DEFAULT_PER_PAGE = 50


def read_paging(query):
    """Return ``(page, per_page)`` from the query; rejects bad values with a 400 validation problem.

    NOTE: a per_page over 200 is clamped to 200. Whether the API clamps or rejects it is undocumented.
    """
    page = get_int(query, "page", minimum=0)
    per_page = get_int(query, "per_page", minimum=1)
    if page is None:
        page = 0
    if per_page is None:
        per_page = DEFAULT_PER_PAGE
    return page, min(per_page, MAX_PER_PAGE)


def page_link(base_url, path, query_pairs, page):
    """Build an absolute link that repeats the request's query with ``page`` set to the given page.

    The page parameter matches in any case and keeps its name as sent. Repeats of it are dropped.
    """
    pairs = []
    replaced = False
    for name, value in query_pairs:
        if name.lower() == "page":
            if not replaced:
                pairs.append((name, str(page)))
                replaced = True
            continue
        pairs.append((name, value))
    if not replaced:
        pairs.append(("page", str(page)))
    return "{}{}?{}".format(base_url, path, urllib.parse.urlencode(pairs))


def paginate(items, ctx, render):
    """Return the envelope for one page of ``items``, reading page and per_page from the request context.

    ``render(item)`` builds the response model, and only the items on the requested page are rendered.
    """
    page, per_page = read_paging(ctx.query)
    total = len(items)
    last_page = max(math.ceil(total / per_page) - 1, 0)
    start = page * per_page
    page_items = [render(item) for item in items[start : start + per_page]]

    prev_page = page - 1 if page > 0 else None
    # A page past the end has no items and no next page.
    next_page = page + 1 if page < last_page else None

    def link(number):
        if number is None:
            return None
        return page_link(ctx.base_url, ctx.path, ctx.query_pairs, number)

    return {
        "metadata": {
            "total": total,
            "firstPage": 0,
            "prevPage": prev_page,
            "lastPage": last_page,
            "nextPage": next_page,
        },
        "links": {
            "first": link(0),
            "prev": link(prev_page),
            "next": link(next_page),
            "last": link(last_page),
        },
        "items": page_items,
    }
