"""factory_boy factories shared by every test folder."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.actors import Actor

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can log in with DEFAULT_PASSWORD."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Taro"
    last_name = "Yamada"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.jp")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.get_or_create(name=name)[0] for name in extracted)
        if create:
            self.save()


class StaffUserFactory(UserFactory):
    """A back-office user (is_staff)."""

    is_staff = True


class DealerFactory(factory.django.DjangoModelFactory):
    """An active dealer."""

    class Meta:
        model = "importorders.Dealer"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"DLR{n:03d}")
    name_ja = factory.Sequence(lambda n: f"販売店{n}株式会社")
    name_en = factory.Sequence(lambda n: f"Dealer {n} Co., Ltd.")
    prefecture = "13"
    address = "東京都港区芝浦1-1-1"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A user's membership at a dealer."""

    class Meta:
        model = "importorders.DealerMembership"

    user = factory.SubFactory(UserFactory)
    dealer = factory.SubFactory(DealerFactory)
    role = "sales"


class PartnerFactory(factory.django.DjangoModelFactory):
    """An active logistics partner."""

    class Meta:
        model = "importorders.LogisticsPartner"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PTN{n:03d}")
    name_ja = factory.Sequence(lambda n: f"物流{n}")
    name_en = factory.Sequence(lambda n: f"Logistics {n}")
    kind = "carrier"


def dealer_user(*, dealer, role: str = "sales", **user_fields):
    """A user working at `dealer` in `role`."""
    return MembershipFactory(dealer=dealer, role=role, user=UserFactory(**user_fields)).user


# The actor of writes that tests make through services, when who made them is not the point.
TEST_ACTOR = Actor.system("test-suite")
