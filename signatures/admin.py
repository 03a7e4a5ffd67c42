from django.contrib import admin

from signatures.models import Campaign, Signature


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "opens_at", "closes_at", "requires_confirmation"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["first_name", "last_name", "country", "state", "created_at", "confirmed_at"]
    list_filter = ["campaign", "state", "contact_opt_in"]
    list_select_related = ["campaign"]
    readonly_fields = [
        "email_canonical",
        "consent",
        "consent_version",
        "language",
        "network_hash",
        "created_at",
    ]
    show_full_result_count = False
