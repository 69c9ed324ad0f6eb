"""Building blocks for the SQL the migrations write by hand: what the models cannot declare (append-only triggers,
the beheer search's code table)."""

from django.db import migrations


def run_sql(sql_by_vendor: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """An operation that runs the (forward, backward) SQL written for the migrating database's vendor, and nothing on
    any other."""

    def run(direction):
        def operation(apps, schema_editor):
            if sql := sql_by_vendor.get(schema_editor.connection.vendor):
                schema_editor.execute(sql[direction], params=None)

        return operation

    return migrations.RunPython(run(0), run(1), elidable=False)


def append_only_trigger(table: str, *arguments: str) -> str:
    """PostgreSQL: (re)create the trigger that makes ``table`` append-only through portero_append_only(), with the
    function's arguments (the retention exception's time column, or none)."""
    args = ", ".join(f"'{argument}'" for argument in arguments)
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION portero_append_only({args});
"""
