from django.urls import path

from cases.views import audit, caseload, inbox, nominal, records

app_name = "cases"

urlpatterns = [
    path("caseload/", caseload.caseload, name="caseload"),
    path("cases/search/", caseload.nominal_search, name="nominal-search"),
    path("cases/new/", nominal.nominal_create, name="nominal-create"),
    path("cases/new/duplicates/", nominal.nominal_duplicates, name="nominal-duplicates"),
    path("cases/<int:pk>/", nominal.nominal_detail, name="nominal-detail"),
    path("cases/<int:pk>/edit/", nominal.nominal_edit, name="nominal-edit"),
    path("cases/<int:pk>/allocate/", nominal.nominal_allocate, name="nominal-allocate"),
    path("cases/<int:pk>/timeline/", nominal.nominal_timeline, name="nominal-timeline"),
    path("cases/<int:pk>/viewers/", nominal.nominal_viewers, name="nominal-viewers"),
    path("cases/<int:pk>/photograph/", nominal.nominal_photo, name="nominal-photo"),
    path("cases/<int:pk>/details/<slug:section>/", nominal.nominal_section, name="nominal-section"),
    path("cases/<int:pk>/<slug:kind>/add/", records.record_add, name="record-add"),
    path("cases/<int:pk>/<slug:kind>/<int:item>/", records.record_edit, name="record-edit"),
    path("mappa/", caseload.mappa_cases, name="mappa-cases"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:item_id>/done/", inbox.inbox_done, name="inbox-done"),
    path("audit/", audit.audit_search, name="audit-search"),
]
