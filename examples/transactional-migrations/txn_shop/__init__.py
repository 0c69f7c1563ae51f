"""The application package of the transactional-migrations example: its models live in `models`."""
