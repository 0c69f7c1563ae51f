"""The application package of the test-before-production example: its models live in `models`."""
