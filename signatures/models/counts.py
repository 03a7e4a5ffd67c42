"""Counts: per country, kept as a total and the changes not yet added to it."""

from django.db import models
from django_countries.fields import CountryField

from signatures.models.campaign import Campaign


class CountryCount(models.Model):
    """Confirmed signatures per campaign and country, kept by ``signatures.counts``."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="country_counts")
    country = CountryField()
    confirmed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "country"], name="countrycount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.country.code}: {self.confirmed}"


class CountDelta(models.Model):
    """A +1 or -1 written in the transaction that confirms or removes a signature.

    Signers only ever insert here, so they never queue on a shared counter row;
    ``signatures.counts.flush`` folds the deltas into ``CountryCount``.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    country = models.CharField(max_length=2)
    delta = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.country}: {self.delta:+d}"
