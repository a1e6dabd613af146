"""Phong trào thi đua."""
