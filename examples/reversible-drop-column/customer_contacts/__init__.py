"""The application package of the reversible-drop-column example: its models live in `models`."""
