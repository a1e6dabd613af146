"""Hồ sơ đề nghị khen thưởng."""
