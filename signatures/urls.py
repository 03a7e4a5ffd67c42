from django.urls import path

from signatures import follow_up, views

app_name = "signatures"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("<slug:slug>/", views.campaign, name="campaign"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/share.png", views.share_image, name="share_image"),
    path("<slug:slug>/sheet.pdf", views.collection_sheet, name="collection_sheet"),
    path("<slug:slug>/embed/", views.embed, name="embed"),
    path("<slug:slug>/embed/thanks/", views.embed_thanks, name="embed_thanks"),
    path("<slug:slug>/altcha/", views.altcha_challenge, name="altcha"),
    path("<slug:slug>/start/", views.form_start, name="start"),
    path("<slug:slug>/confirm/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/withdraw/", views.withdraw_link, name="withdraw_link"),
    path("<slug:slug>/withdraw/sent/", views.withdraw_link_sent, name="withdraw_link_sent"),
    path("<slug:slug>/withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("<slug:slug>/withdrawn/", views.withdrawn, name="withdrawn"),
    path("<slug:slug>/handins/", follow_up.hand_ins, name="hand_ins"),
    path("<slug:slug>/handins/<int:pk>.jpg", follow_up.hand_in_photo, name="hand_in_photo"),
    path("<slug:slug>/news/stop/<str:token>/", follow_up.unsubscribe, name="unsubscribe"),
]
