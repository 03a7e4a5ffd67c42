"""Moderation: moving signatures between states, invalidations, the dashboard."""
