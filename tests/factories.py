import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import factory

from assets.models import Asset, Category
from assets.numbering import number_key
from assets.services import search_text as asset_search_text
from organization.models import Division, Location, User


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"กองทดสอบ {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    division = factory.SubFactory(DivisionFactory)
    code = factory.Sequence(lambda n: f"L{n:03d}")
    name = factory.Sequence(lambda n: f"ห้องเก็บของ {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "ทดสอบ"
    last_name = factory.Sequence(lambda n: f"ผู้ใช้{n}")
    division = factory.SubFactory(DivisionFactory)
    password = factory.django.Password("pw-test-12345")


class AssetFactory(factory.django.DjangoModelFactory):
    """An asset written straight to the table (for read tests); services are tested through services."""

    class Meta:
        model = Asset

    number = factory.Sequence(lambda n: f"999-67-{n:04d}")
    number_key = factory.LazyAttribute(lambda o: number_key(o.number))
    name = factory.Sequence(lambda n: f"เครื่องคอมพิวเตอร์ทดสอบ {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(code="416"))
    division = factory.SubFactory(DivisionFactory)
    acquired_on = dt.date(2024, 1, 10)
    unit_price = Decimal("20000.00")
    useful_life_years = 3
    search_text = factory.LazyAttribute(lambda o: asset_search_text(SimpleNamespace(
        number=o.number, name=o.name, serial_number=getattr(o, "serial_number", ""),
        brand_model=getattr(o, "brand_model", ""))))
