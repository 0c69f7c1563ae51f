"""The application package of the version-control example: its models live in `models`."""
