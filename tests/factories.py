"""factory_boy factories shared by every test folder."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
