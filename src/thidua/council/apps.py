from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "thidua.council"
    label = "council"
    verbose_name = "Hội đồng thi đua, khen thưởng"
