"""The application package of the idempotent-migrations example: its models live in `models`."""
