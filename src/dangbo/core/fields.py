"""Model fields shared by the apps."""

from django.db import models


class ByteOrderedCharField(models.CharField):
    """A CharField compared byte by byte on every database.

    Tree paths and sort keys must order the same on SQLite (BINARY by default)
    and PostgreSQL, where the database's default collation may be linguistic
    and ignore punctuation. On PostgreSQL the column gets the "C" collation,
    which also lets a plain b-tree index serve prefix (LIKE 'x%') and range
    queries.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
