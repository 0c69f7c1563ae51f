"""The application package of the batched-backfill example: its models live in `models`."""
