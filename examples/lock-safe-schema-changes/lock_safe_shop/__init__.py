"""The application package of the lock-safe-schema-changes example: its models live in `models`."""
