"""Vocabulary of the awards core: recipient kinds, categories, grades, scopes,
statuses. The law's numbers are not here: they are rule data (fixtures)."""

from django.db import models


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"
    HOUSEHOLD = "household", "Hộ gia đình"


class Category(models.TextChoices):
    TITLE = "title", "Danh hiệu thi đua"
    FORM = "form", "Hình thức khen thưởng"


class AuthorityLevel(models.TextChoices):
    """Who signs: the level of the deciding authority (L22 arts. 75–80)."""

    STATE = "state", "Chủ tịch nước"
    GOVERNMENT = "government", "Thủ tướng Chính phủ"
    MINISTRY_PROVINCE = "province", "Bộ, ban, ngành, tỉnh"
    DISTRICT = "district", "Cấp huyện (đến 30/6/2025)"
    AGENCY = "agency", "Thủ trưởng cơ quan, đơn vị, sở, doanh nghiệp"
    COMMUNE = "commune", "Chủ tịch UBND cấp xã"


class Grade(models.TextChoices):
    """Annual quality rating (xếp loại chất lượng), best first."""

    HTXSNV = "HTXSNV", "Hoàn thành xuất sắc nhiệm vụ"
    HTTNV = "HTTNV", "Hoàn thành tốt nhiệm vụ"
    HTNV = "HTNV", "Hoàn thành nhiệm vụ"
    KHTNV = "KHTNV", "Không hoàn thành nhiệm vụ"


GRADE_RANK = {Grade.HTXSNV: 4, Grade.HTTNV: 3, Grade.HTNV: 2, Grade.KHTNV: 1}


class InitiativeScope(models.TextChoices):
    BASE = "base", "Cấp cơ sở"
    PROVINCE = "province", "Cấp bộ, ngành, tỉnh"
    NATIONAL = "national", "Toàn quốc"


SCOPE_RANK = {InitiativeScope.BASE: 1, InitiativeScope.PROVINCE: 2, InitiativeScope.NATIONAL: 3}


class Occasion(models.TextChoices):
    REGULAR = "regular", "Thường xuyên"
    THEMATIC = "thematic", "Theo chuyên đề"
    SUDDEN = "sudden", "Đột xuất"
    TENURE = "tenure", "Theo niên hạn"
    FOREIGN = "foreign", "Đối ngoại"


class RecordStatus(models.TextChoices):
    VALID = "valid", "Còn hiệu lực"
    REVOKED = "revoked", "Đã hủy bỏ"


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    CONFIRMED = "confirmed", "Đã xác nhận"


class Confidence(models.TextChoices):
    """How sure we are that a rule value is the law (awards.md marks)."""

    TEXT = "text", "Đã đối chiếu văn bản"
    SECONDHAND = "secondhand", "Nguồn thứ cấp"
    UNCONFIRMED = "unconfirmed", "Chưa xác nhận"


class DisciplineMeasure(models.TextChoices):
    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DEMOTION = "ha_bac_luong", "Hạ bậc lương"
    REMOVAL = "cach_chuc", "Cách chức"
    DISMISSAL_FROM_POST = "bai_nhiem", "Bãi nhiệm"
    DISMISSAL = "buoc_thoi_viec", "Buộc thôi việc"
    DISSOLUTION = "giai_tan", "Giải tán (tập thể)"
    PENDING = "dang_xem_xet", "Đang xem xét kỷ luật, thanh tra, điều tra"


DISCIPLINE_RANK = {
    DisciplineMeasure.PENDING: 0,
    DisciplineMeasure.REPRIMAND: 1,
    DisciplineMeasure.WARNING: 2,
    DisciplineMeasure.DEMOTION: 3,
    DisciplineMeasure.REMOVAL: 4,
    DisciplineMeasure.DISMISSAL_FROM_POST: 4,
    DisciplineMeasure.DISMISSAL: 5,
    DisciplineMeasure.DISSOLUTION: 5,
}

# The measures a collective (a unit) can be under: the forms of discipline of an
# organisation (khiển trách, cảnh cáo, giải tán) and an open inspection,
# investigation or disciplinary review — which D152 art. 4 names for
# "cá nhân, tập thể" alike. Demotion, removal and dismissal are for people only.
UNIT_MEASURES = (
    DisciplineMeasure.REPRIMAND,
    DisciplineMeasure.WARNING,
    DisciplineMeasure.DISSOLUTION,
    DisciplineMeasure.PENDING,
)


class RoundingMode(models.TextChoices):
    UP = "up", "Làm tròn lên hàng chục nghìn đồng"
    NEAREST = "nearest", "Làm tròn đến hàng chục nghìn gần nhất"
    NONE = "none", "Không làm tròn"
