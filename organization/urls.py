from django.urls import path

from . import views

app_name = "setup"
urlpatterns = [
    path("", views.setup_home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("divisions/", views.divisions, name="divisions"),
    path("divisions/new/", views.division_edit, name="division_create"),
    path("divisions/<int:pk>/", views.division_edit, name="division_edit"),
    path("staff/", views.staff, name="staff"),
    path("staff/new/", views.staff_edit, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/first-sign-in/", views.first_sign_in_slips, name="first_sign_in_slips"),
    path("staff/<int:pk>/first-sign-in/", views.first_sign_in_slips, name="first_sign_in_slips_of"),
    path("tables/<slug:key>/import/", views.table_import, name="table_import"),
    path("tables/<slug:key>/export.xlsx", views.table_export, name="table_export"),
]
