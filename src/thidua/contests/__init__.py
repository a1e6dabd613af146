"""Cuộc thi trực tuyến."""
