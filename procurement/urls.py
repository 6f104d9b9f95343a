from django.urls import path

from . import egp_views, publication_views, views

app_name = "procurement"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.procurement_new, name="new"),
    path("import/", egp_views.egp_import, name="egp_import"),
    path("import/confirm/", egp_views.egp_import_confirm, name="egp_import_confirm"),
    path("disclosures/", publication_views.disclosures, name="disclosures"),
    path("disclosures/publish/", publication_views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.procurement_edit, name="edit"),
    path("<int:pk>/<slug:step>/", views.step, name="step"),
    path("asset/<int:pk>/", views.asset_procurements, name="asset"),
]
