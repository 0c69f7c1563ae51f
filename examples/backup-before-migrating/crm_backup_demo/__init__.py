"""The application package of the backup-before-migrating example: its models live in `models`."""
