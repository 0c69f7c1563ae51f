"""The application package of the never-delete-applied-migrations example.

`models` holds the models; `baseline` moves existing databases onto the squashed history.
"""
