"""Hội đồng thi đua, khen thưởng."""
