"""Where private attachments are kept: STORAGES["private"] (portero/settings.py, PORTERO_PRIVATE_STORAGE).

The file system (PRIVATE_MEDIA_ROOT) by default; S3-compatible object storage in portero/storage_s3.py.
Neither has a URL: attachments are served only through a scoped view.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """Attachments outside MEDIA_ROOT, under PRIVATE_MEDIA_ROOT (read on every use, so tests can move it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")
