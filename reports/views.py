from django.db.models import Count
from django.shortcuts import render

from assets.models import Status
from assets.selectors import assets_visible_to

from organization import roles


def home(request):
    counts = dict(assets_visible_to(request.user).order_by().values_list("status").annotate(n=Count("id")))
    by_status = [(status, counts.get(status.value, 0)) for status in Status]
    return render(request, "home.html", {
        "by_status": by_status,
        "total": sum(counts.values()),
        "roles": [roles.ROLE_LABELS[name] for name in sorted(roles.roles_of(request.user))],
    })


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
