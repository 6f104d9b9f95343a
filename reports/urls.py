from django.urls import path

from . import activity_log

app_name = "reports"
urlpatterns = [
    path("log/", activity_log.activity_log, name="activity_log"),
]
