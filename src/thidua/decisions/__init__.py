"""Quyết định khen thưởng."""
