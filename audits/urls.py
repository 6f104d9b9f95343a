from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/progress/", views.round_progress, name="round_progress"),
    path("<int:pk>/report.xlsx", views.round_report_xlsx, name="report_xlsx"),
    path("<int:pk>/<slug:action>/", views.round_action, name="round_action"),
    path("sheet/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheet/<int:pk>/count/", views.sheet_count, name="count"),
    path("sheet/<int:pk>/scan/", views.sheet_scan, name="scan"),
    path("sheet/<int:pk>/<slug:action>/", views.sheet_action, name="sheet_action"),
    path("disposals/", views.disposal_list, name="disposals"),
    path("disposals/new/", views.disposal_new, name="disposal_new"),
    path("disposals/<int:pk>/", views.disposal_detail, name="disposal"),
    path("disposals/<int:pk>/<slug:step>/", views.disposal_action, name="disposal_action"),
]
