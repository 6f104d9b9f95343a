from django.urls import path

from . import activity_log, label_sheets

app_name = "reports"
urlpatterns = [
    path("log/", activity_log.activity_log, name="activity_log"),
    path("labels/", label_sheets.label_sheet, name="label_sheet"),
    path("labels/jobs/<int:pk>/", label_sheets.label_job, name="label_job"),
    path("labels/jobs/<int:pk>/file/", label_sheets.label_job_file, name="label_job_file"),
]
