from django.utils.functional import SimpleLazyObject

from . import roles
from .models import Organization


def organization(request):
    user = getattr(request, "user", None)
    return {
        "organization": SimpleLazyObject(lambda: Organization.objects.filter(pk=1).first()),
        "user_roles": SimpleLazyObject(lambda: roles.roles_of(user)),
    }
