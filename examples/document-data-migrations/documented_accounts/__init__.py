"""The application package of the document-data-migrations example: its models live in `models`."""
