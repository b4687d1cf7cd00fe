"""The session engine (SESSION_ENGINE): Django's database sessions, looking up only real keys."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    """A session cookie is looked up only when it could be a key Django made: 8 to 40 ASCII letters
    and digits (Django makes 32). Anything else is no session, as a too-short key already is: a
    quoted cookie may carry a NUL (`"\\000..."`), which PostgreSQL cannot compare (a 500)."""

    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and 8 <= len(key) <= 40 and key.isascii() and key.isalnum()
