from django.shortcuts import render

from organization import roles

from . import dashboard


def home(request):
    """The dashboard: charts and the to-do counts of the user's roles (reports.dashboard)."""
    return render(request, "home.html", {
        **dashboard.dashboard(request.user),
        "roles": [roles.ROLE_LABELS[name] for name in sorted(roles.roles_of(request.user))],
    })


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
