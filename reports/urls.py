from django.urls import path

from . import activity_log, inspection_report, label_sheets, loan_form, register_card

app_name = "reports"
urlpatterns = [
    path("log/", activity_log.activity_log, name="activity_log"),
    path("labels/", label_sheets.label_sheet, name="label_sheet"),
    path("labels/jobs/<int:pk>/", label_sheets.label_job, name="label_job"),
    path("labels/jobs/<int:pk>/file/", label_sheets.label_job_file, name="label_job_file"),
    # The register cards live next to the register's own pages (/assets/...).
    path("assets/<int:pk>/card.pdf", register_card.asset_card, name="register_card"),
    path("assets/cards.pdf", register_card.asset_cards, name="register_cards"),
    path("inspections/<int:pk>/report.pdf", inspection_report.inspection_report_pdf, name="inspection_report"),
    path("loans/<int:pk>/form.pdf", loan_form.loan_form_pdf, name="loan_form"),
]
