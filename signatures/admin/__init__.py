"""The staff admin, one module per model admin; importing them registers them."""

from signatures.admin import batch, campaign, handin, invalidation, jobs, paper, signature, update

__all__ = ["batch", "campaign", "handin", "invalidation", "jobs", "paper", "signature", "update"]
