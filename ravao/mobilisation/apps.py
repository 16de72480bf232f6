from django.apps import AppConfig


class Config(AppConfig):
    name = "ravao.mobilisation"
    label = "mobilisation"

    def ready(self):
        from ravao.mobilisation.report import broadcast_section
        from ravao.oversight.reportdoc import add_section

        add_section(broadcast_section)  # the progress report counts broadcasts (issue 17)
