from django.urls import path

from . import views

app_name = "loans"
urlpatterns = [
    path("", views.my_loans, name="mine"),
    path("new/", views.loan_request, name="request"),
    path("inbox/", views.inbox, name="inbox"),
    path("desk/", views.officer_desk, name="desk"),
    path("register/", views.loan_register, name="register"),
    path("register/export.xlsx", views.loan_register_export, name="register_export"),
    path("manual/", views.manual, name="manual"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.loan_detail, name="detail"),
    path("asset/<int:pk>/", views.asset_loans, name="asset"),
]
