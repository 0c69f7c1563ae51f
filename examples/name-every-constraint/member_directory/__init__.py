"""The application package of the name-every-constraint example: its models live in `models`."""
