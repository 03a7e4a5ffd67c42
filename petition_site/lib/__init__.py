"""Infrastructure the site stands on, about nothing in particular: it imports no app."""
