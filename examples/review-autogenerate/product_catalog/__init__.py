"""The application package of the review-autogenerate example: its models live in `models`."""
