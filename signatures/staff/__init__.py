"""The staff area: the admin site staff sign in to, its lockout and two-factor sign-in."""
