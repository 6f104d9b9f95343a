from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.asset_create, name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
    path("<int:pk>/photo/", views.asset_photo, name="photo"),
    path("export.xlsx", views.asset_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.asset_export, {"fmt": "csv"}, name="export_csv"),
    path("import/", views.asset_import, name="import"),
]
