from django.apps import AppConfig


class ThaiConfig(AppConfig):
    name = "thai"
    verbose_name = "Thai dates, digits and baht text"
