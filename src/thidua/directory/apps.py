from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "thidua.directory"
    label = "directory"
    verbose_name = "Danh mục đơn vị và cá nhân"
