"""Path converters every app's URLconf may use; registered in CoreConfig.ready()."""

from django.urls import register_converter


class CodeConverter:
    """`<code:name>`: a public code as the models allow it (catalog.models.base.code_validator):
    a letter or digit, then letters, digits, dots, hyphens and underscores, at most 40 in all.

    Anything else in its place (a NUL, a space, a slash-encoded climb, 2,000 characters) matches no
    route: the site's one 404 page, without a query.
    """

    regex = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def converters_register() -> None:
    register_converter(CodeConverter, "code")
