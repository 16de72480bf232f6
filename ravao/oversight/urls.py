from django.urls import path

from ravao.oversight import views, views_campaign, views_guides, views_responsibility

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sectors/", views.sectors, name="sectors"),
    path("venue/<str:code>/", views.venue, name="venue"),
    path("report/", views.report, name="report"),
    path("responsible/", views_responsibility.responsible, name="responsible"),
    path("campaign/", views_campaign.register, name="campaign"),
    path("campaign/add/", views_campaign.add, name="target_add"),
    path("campaign/import/", views_campaign.import_register, name="import"),
    path("campaign/export.xlsx", views_campaign.export, name="campaign_export"),
    path("campaign/<int:pk>/", views_campaign.target, name="target"),
    path("guides/", views_guides.guides, name="guides"),
    path("guides/<str:role>/", views_guides.guide, name="guide"),
]
