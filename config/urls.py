from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from assets import scan
from organization.views import first_sign_in_view
from procurement import public_views
from reports.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/first/<uidb64>/<token>/", first_sign_in_view, name="first_sign_in"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("a/", scan.scan_lookup, name="scan_lookup"),
    path("a/<path:number>", scan.scan, name="scan"),
    path("scan/", scan.scanner, name="scanner"),
    path("assets/", include("assets.urls")),
    path("loans/", include("loans.urls")),
    path("inspections/", include("audits.urls")),
    path("procurement/", include("procurement.urls")),
    path("setup/", include("organization.urls")),
    path("public/procurement/", public_views.public_list, name="public_procurement"),
    path("public/procurement/<int:pk>/file.pdf", public_views.public_file, name="public_procurement_file"),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "reports.views.permission_denied"
handler404 = "reports.views.page_not_found"
