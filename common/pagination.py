"""Database pagination with a fixed number of queries whatever the page size or page number.

The page's ids are read first, then the page's rows with their joins by id, so a deep page
(OFFSET 12,000) skips only index entries, never joined rows. The total comes from COUNT(*),
or, when the filter is expensive to evaluate (a text search), from COUNT(*) OVER () in the same
query as the ids, so the search runs once. A page past the end costs one more query.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def _page_number(raw) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _ids_and_total(queryset: QuerySet, number: int, per_page: int, single_pass: bool) -> tuple[list, int]:
    offset = (number - 1) * per_page
    if single_pass:
        rows = list(queryset.annotate(_total=Window(Count("*"))).values_list("pk", "_total")[offset:offset + per_page])
        return [pk for pk, _ in rows], (rows[0][1] if rows else 0)
    total = queryset.count()
    return (list(queryset.values_list("pk", flat=True)[offset:offset + per_page]) if offset < total else []), total


def paginate(queryset: QuerySet, page_number, per_page: int, *, single_pass: bool = False) -> tuple[Page, list]:
    """The page (for counts and links; invalid or out-of-range numbers give the first or last page)
    and its objects in the queryset's order."""
    number = _page_number(page_number)
    ids, total = _ids_and_total(queryset, number, per_page, single_pass)
    if not ids and number > 1:
        total = total or queryset.count()
        number = max((total + per_page - 1) // per_page, 1)
        ids, total = _ids_and_total(queryset, number, per_page, single_pass)
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = total  # known already: the paginator must not count again
    page = paginator.page(number) if total else Page([], 1, paginator)
    # Fetch by id alone (not through the filters again: a text search would run twice), keeping the joins
    # and the prefetches.
    rows = queryset.model._default_manager.filter(pk__in=ids).prefetch_related(*queryset._prefetch_related_lookups)
    rows.query.select_related = queryset.query.select_related
    objects = {obj.pk: obj for obj in rows} if ids else {}
    page.object_list = [objects[pk] for pk in ids if pk in objects]
    return page, page.object_list


PAGE_SIZES = (25, 50, 100)


def page_size(request, sizes: tuple[int, ...] = PAGE_SIZES) -> int:
    """The rows a page the list was asked for (?per_page=), one of `sizes`; the first when absent or odd."""
    try:
        size = int(request.GET.get("per_page", sizes[0]))
    except ValueError:
        return sizes[0]
    return size if size in sizes else sizes[0]
