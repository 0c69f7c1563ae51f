"""The models implied by the source's create_user_table migration, kept as a counter-example."""
