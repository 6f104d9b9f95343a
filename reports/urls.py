from django.urls import path

from . import activity_log, annual_views, inspection_report, label_sheets, loan_form, procurement_docs, register_card

app_name = "reports"
urlpatterns = [
    path("log/", activity_log.activity_log, name="activity_log"),
    path("annual/", annual_views.annual_list, name="annual_list"),
    path("annual/<int:year>/", annual_views.annual_detail, name="annual"),
    path("annual/<int:year>/draft.pdf", annual_views.annual_draft_pdf, name="annual_draft_pdf"),
    path("annual/<int:year>/versions/<int:number>.pdf", annual_views.annual_version_pdf, name="annual_version_pdf"),
    path("annual/<int:year>/<slug:action>/", annual_views.annual_action, name="annual_action"),
    path("annual/jobs/<int:pk>/", annual_views.annual_job, name="annual_job"),
    path("annual/jobs/<int:pk>/file/", annual_views.annual_job_file, name="annual_job_file"),
    path("labels/", label_sheets.label_sheet, name="label_sheet"),
    path("labels/jobs/<int:pk>/", label_sheets.label_job, name="label_job"),
    path("labels/jobs/<int:pk>/file/", label_sheets.label_job_file, name="label_job_file"),
    # The register cards live next to the register's own pages (/assets/...).
    path("assets/<int:pk>/card.pdf", register_card.asset_card, name="register_card"),
    path("assets/cards.pdf", register_card.asset_cards, name="register_cards"),
    path("inspections/<int:pk>/report.pdf", inspection_report.inspection_report_pdf, name="inspection_report"),
    path("procurement/disclosures/sor-khor-1/<int:year>/<int:month>.pdf", procurement_docs.sor_khor_1_pdf,
         name="sor_khor_1_pdf"),
    path("procurement/disclosures/sor-khor-1/<int:year>/<int:month>.xlsx", procurement_docs.sor_khor_1_xlsx,
         name="sor_khor_1_xlsx"),
    path("procurement/disclosures/plan/<int:fiscal_year>.pdf", procurement_docs.plan_pdf, name="procurement_plan_pdf"),
    path("procurement/disclosures/plan/<int:fiscal_year>.xlsx", procurement_docs.plan_xlsx, name="procurement_plan_xlsx"),
    path("procurement/disclosures/yearly/<int:fiscal_year>.pdf", procurement_docs.yearly_pdf,
         name="procurement_yearly_pdf"),
    path("procurement/disclosures/yearly/<int:fiscal_year>.xlsx", procurement_docs.yearly_xlsx,
         name="procurement_yearly_xlsx"),
    path("procurement/disclosures/publish-document/", procurement_docs.publish_document,
         name="procurement_publish_document"),
    path("loans/<int:pk>/form.pdf", loan_form.loan_form_pdf, name="loan_form"),
]
