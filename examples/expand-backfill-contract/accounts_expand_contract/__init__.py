"""The application package of the expand-backfill-contract example: its models live in `models`."""
