"""Private attachments in S3-compatible object storage (PORTERO_PRIVATE_STORAGE=s3); imported only then."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Private objects, never a (pre-signed) URL: attachments are served only through a scoped view."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL.")
