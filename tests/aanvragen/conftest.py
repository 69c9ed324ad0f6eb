import pytest


@pytest.fixture
def http_a(client_as, user_a):
    """A user of organisation A (profile Basis), logged in with both factors."""
    return client_as(user_a)
