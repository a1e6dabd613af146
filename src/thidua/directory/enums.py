"""Choices of the directory: unit kinds, genders, succession kinds, group kinds."""

from django.db import models


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh, thành phố"
    DISTRICT = "district", "Huyện, quận, thị xã, thành phố thuộc tỉnh"
    COMMUNE = "commune", "Xã, phường, đặc khu"
    AGENCY = "agency", "Cơ quan, sở, ban, ngành"
    DEPARTMENT = "department", "Phòng, ban chuyên môn"
    SCHOOL = "school", "Trường học"
    HEALTH = "health", "Cơ sở y tế"
    MASS_ORG = "mass_org", "Mặt trận, hội, đoàn thể"
    VILLAGE = "village", "Thôn, bản, tổ dân phố"
    ENTERPRISE = "enterprise", "Doanh nghiệp, hợp tác xã"
    OTHER = "other", "Khác"


ADMINISTRATIVE_KINDS = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE}


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"
    OTHER = "other", "Khác"


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "Sáp nhập"
    SPLIT = "split", "Chia tách"
    PARTIAL = "partial", "Chuyển một phần"
    RENAME = "rename", "Đổi tên"


class GroupKind(models.TextChoices):
    BLOCK = "block", "Khối thi đua"
    CLUSTER = "cluster", "Cụm thi đua"
