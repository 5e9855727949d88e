from django.urls import path

from improve.demand import views

app_name = "demand"
urlpatterns = [
    path("programmes/<slug:slug>/demand/", views.quality, name="quality"),
    path("programmes/<slug:slug>/demand/loads/<int:load>/", views.load, name="load"),
    path("programmes/<slug:slug>/demand/children/", views.children, name="children"),
    path("programmes/<slug:slug>/demand/projections/", views.projections, name="projections"),
    path("programmes/<slug:slug>/demand/projections/new/", views.projection_new, name="projection_new"),
    path("programmes/<slug:slug>/demand/projections/<int:run>/", views.projection, name="projection"),
    path("programmes/<slug:slug>/demand/projections/<int:run>/xlsx/", views.projection_xlsx, name="projection_xlsx"),
    path("programmes/<slug:slug>/demand/unit-costs/", views.unit_costs, name="unit_costs"),
    path("programmes/<slug:slug>/demand/unit-costs/<str:category>/", views.unit_cost_edit, name="unit_cost_edit"),
]
