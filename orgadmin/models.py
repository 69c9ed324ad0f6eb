"""The beheer search's table of codes, declared for Django; the database keeps it, Django never creates or writes it.

On PostgreSQL, accounts_user_search holds one row per account: the codes of every distinct piece of one, two and
three letters of its User.search_text (none with a space), each coded together with the account's organisation as
the first 32 bits of md5("<organisation>:<piece>") (SQL function portero_search_code), with a GIN index
(user_search_codes_idx). The table, those functions and the triggers on accounts_user that keep it in step live in
the accounts app's migrations (grep accounts/migrations for user_search_added): after an insert, a delete, a
truncate, and an update of a searched field or the organisation (triggers user_search_added, _removed, _truncated,
_changed). There is no foreign key, so TRUNCATE of accounts_user alone keeps working. SQLite has no such table and
searches without it (orgadmin.user_search)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class UserSearch(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers delete the row with the account
        db_constraint=False,
        related_name="+",
    )
    codes = ArrayField(models.IntegerField())

    class Meta:
        managed = False
        db_table = "accounts_user_search"

    def __str__(self) -> str:
        return f"search codes of account {self.user_id}"
