"""Private attachments: the file system by default, S3-compatible object storage when PORTERO_PRIVATE_STORAGE=s3.

The S3 case runs the production settings in a subprocess and only builds the storage: no request leaves the
machine (boto3 makes its client lazily, on the first call to the bucket).
"""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from aanvragen.models import Bijlage, PrivateStorage
from portero.storage import PrivateFileSystemStorage
from tests.test_settings import run_manage

SHOW_STORAGE = """
import json
from aanvragen.models import Bijlage
storage = Bijlage._meta.get_field("file").storage
storage.exists  # a lazy storage: the first attribute builds the backend
backend = storage._wrapped
try:
    storage.url("bijlagen/x.pdf")
    url = "a url"
except ValueError as error:
    url = str(error)
print(json.dumps({
    "class": f"{type(backend).__module__}.{type(backend).__qualname__}",
    "bucket": getattr(backend, "bucket_name", None),
    "endpoint": getattr(backend, "endpoint_url", None),
    "region": getattr(backend, "region_name", None),
    "access_key": getattr(backend, "access_key", None),
    "secret_key": getattr(backend, "secret_key", None),
    "location": getattr(backend, "location", None),
    "default_acl": getattr(backend, "default_acl", "unset"),
    "file_overwrite": getattr(backend, "file_overwrite", None),
    "object_parameters": getattr(backend, "object_parameters", None),
    "url": url,
}))
"""


def show_storage(tmp_path, env):
    result = run_manage(tmp_path, env, "shell", "-c", SHOW_STORAGE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_attachments_are_on_the_file_system_by_default(settings, _private_media):
    assert settings.STORAGES["private"] == {"BACKEND": "portero.storage.PrivateFileSystemStorage"}
    storage = Bijlage._meta.get_field("file").storage
    assert isinstance(storage, PrivateStorage)
    assert storage.path("bijlagen/a.pdf") == str(_private_media / "bijlagen" / "a.pdf")
    with pytest.raises(ValueError, match="no public URL"):
        storage.url("bijlagen/a.pdf")
    assert isinstance(storage._wrapped, PrivateFileSystemStorage)


def test_the_field_keeps_one_storage_path_in_its_migrations_whatever_the_setting():
    name, path, args, kwargs = Bijlage._meta.get_field("file").deconstruct()
    assert kwargs["storage"].deconstruct() == ("aanvragen.models.PrivateStorage", (), {})


def test_production_defaults_to_the_file_system(tmp_path):
    shown = show_storage(tmp_path, {})
    assert shown["class"] == "portero.storage.PrivateFileSystemStorage"
    assert shown["url"] == "Private files have no public URL."


def test_s3_setting_selects_object_storage_with_secrets_from_files(tmp_path):
    (tmp_path / "key-id").write_text("AKIDEXAMPLE\n")
    (tmp_path / "secret").write_text("s3-secret-value\n")
    shown = show_storage(
        tmp_path,
        {
            "PORTERO_PRIVATE_STORAGE": "s3",
            "PORTERO_S3_BUCKET": "portero-bijlagen",
            "PORTERO_S3_ENDPOINT_URL": "https://objectstore.example.nl",
            "PORTERO_S3_REGION": "nl-ams",
            "PORTERO_S3_ACCESS_KEY_ID_FILE": str(tmp_path / "key-id"),
            "PORTERO_S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "secret"),
        },
    )
    assert shown == {
        "class": "portero.storage_s3.PrivateS3Storage",
        "bucket": "portero-bijlagen",
        "endpoint": "https://objectstore.example.nl",
        "region": "nl-ams",
        "access_key": "AKIDEXAMPLE",
        "secret_key": "s3-secret-value",
        "location": "",
        "default_acl": "private",
        "file_overwrite": False,
        "object_parameters": {"ServerSideEncryption": "AES256"},
        "url": "Private files have no public URL.",
    }


def test_s3_without_a_bucket_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, {"PORTERO_PRIVATE_STORAGE": "s3"}, "check")
    assert result.returncode != 0
    assert "PORTERO_S3_BUCKET" in result.stderr


def test_an_unknown_private_storage_is_a_clear_startup_error(tmp_path):
    result = run_manage(tmp_path, {"PORTERO_PRIVATE_STORAGE": "ftp"}, "check")
    assert result.returncode != 0
    assert "PORTERO_PRIVATE_STORAGE" in result.stderr
    assert ImproperlyConfigured.__name__ in result.stderr
