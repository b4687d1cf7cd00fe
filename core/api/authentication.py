"""Authentication classes for the API."""

from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session auth, answering 401 (not 403) when no credentials are given.

    DRF turns "not authenticated" into 403 when the first authentication class has no
    WWW-Authenticate challenge; the contract wants 401 for every missing or bad credential.
    """

    def authenticate_header(self, request) -> str:
        return 'Session realm="importorders"'
