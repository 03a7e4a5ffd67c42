"""Hand-ins: per-country batches, their files (CSV, PDF letter), downloads."""
