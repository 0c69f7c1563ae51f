"""The application package of the create-user-table example: its models live in `models`."""
