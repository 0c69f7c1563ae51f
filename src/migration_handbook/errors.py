"""Errors the handbook raises, written for the person who has to act on them."""


class HandbookError(Exception):
    """Base class of every error the handbook raises on purpose."""


class ProjectError(HandbookError):
    """An Alembic project cannot be used as it is: missing config, broken revision file, two heads.

    The message names the file or setting at fault and says what to do.
    """


class DatabaseUnavailableError(HandbookError):
    """A database backend could not be started or reached; the message says what to do."""


class MigrationCheckError(HandbookError, AssertionError):
    """A migration failed one of the harness's checks.

    The message names the check, the revision and the backend. It is an `AssertionError` too,
    so pytest reports it as a test failure rather than an error.
    """
