from django.utils.functional import SimpleLazyObject

from . import roles
from .models import Organization


def organization(request):
    user = getattr(request, "user", None)
    return {
        "organization": SimpleLazyObject(lambda: Organization.objects.filter(pk=1).first()),
        "user_roles": SimpleLazyObject(lambda: roles.roles_of(user)),
        # The actions of roles.PERMISSIONS this user may take, for links that only some roles may follow.
        "user_may": SimpleLazyObject(lambda: {action for action in roles.PERMISSIONS if roles.can(user, action)}),
    }
