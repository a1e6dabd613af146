"""thidua — hệ thống quản lý thi đua, khen thưởng (emulation and commendation)."""

__version__ = "0.1.0"
