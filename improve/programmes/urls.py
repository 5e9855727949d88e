from django.urls import path

from improve.programmes import views, views_start

app_name = "programmes"
P = "programmes/<slug:slug>/"
urlpatterns = [
    path("", views.home, name="home"),
    # Before the programme's own pages, so that these words are not taken for a programme's slug
    # (the start form refuses them as slugs too).
    path("programmes/new/", views_start.programme_start, name="programme-start"),
    path("programmes/administrators/", views_start.administrators, name="administrators"),
    path(P, views.overview, name="overview"),
    path(P + "edit/", views.programme_edit, name="edit"),
    path(P + "history/", views.programme_history, name="history"),
    path(P + "plan/", views.plan, name="plan"),
    path(P + "timeline/", views.timeline_view, name="timeline"),
    path(P + "plan/new/", views.item_create, name="item-create"),
    path(P + "plan/<str:uid>/", views.item_detail, name="item"),
    path(P + "plan/<str:uid>/edit/", views.item_edit, name="item-edit"),
    path(P + "plan/<str:uid>/archive/", views.item_archive, name="item-archive"),
    path(P + "plan/<str:uid>/history/", views.item_history, name="item-history"),
    path(P + "plan/<str:uid>/dependencies/add/", views.dependency_add, name="dependency-add"),
    path(P + "dependencies/<int:pk>/remove/", views.dependency_remove, name="dependency-remove"),
    path(P + "history/<str:kind>/<str:key>/", views.object_history, name="object-history"),
    path(P + "strands/", views.strands, name="strands"),
    path(P + "strands/new/", views.strand_edit, name="strand-create"),
    path(P + "strands/<str:code>/edit/", views.strand_edit, name="strand-edit"),
    path(P + "strands/<str:code>/archive/", views.strand_archive, name="strand-archive"),
    path(P + "strands/<str:code>/restore/", views.strand_restore, name="strand-restore"),
    path(P + "stages/", views.stages, name="stages"),
    path(P + "stages/<str:code>/archive/", views.stage_archive, name="stage-archive"),
    path(P + "stages/<str:code>/restore/", views.stage_restore, name="stage-restore"),
    path(P + "stages/new/", views.stage_edit, name="stage-create"),
    path(P + "stages/<str:code>/edit/", views.stage_edit, name="stage-edit"),
    path(P + "owners/", views.owners, name="owners"),
    path(P + "owners/new/", views.owner_edit, name="owner-create"),
    path(P + "owners/<int:pk>/edit/", views.owner_edit, name="owner-edit"),
    path(P + "owners/<int:pk>/archive/", views.owner_archive, name="owner-archive"),
    path(P + "owners/<int:pk>/restore/", views.owner_restore, name="owner-restore"),
    path(P + "projects/", views.projects, name="projects"),
    path(P + "projects/new/", views.project_edit, name="project-create"),
    path(P + "projects/<str:code>/edit/", views.project_edit, name="project-edit"),
    path(P + "projects/<str:code>/archive/", views.project_archive, name="project-archive"),
    path(P + "projects/<str:code>/restore/", views.project_restore, name="project-restore"),
    path(P + "baselines/", views.baseline_list, name="baselines"),
    path(P + "baselines/new/", views.baseline_create, name="baseline-create"),
    path(P + "baselines/<int:pk>/", views.baseline_detail, name="baseline"),
    path(P + "members/", views.members, name="members"),
    path(P + "members/new/", views.member_add, name="member-add"),
    path(P + "members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path(P + "members/<int:pk>/remove/", views.member_remove, name="member-remove"),
]
