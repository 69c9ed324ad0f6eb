import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Attachments of each test land in its own temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
