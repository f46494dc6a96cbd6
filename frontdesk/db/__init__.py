"""peewee: connection and pragmas, models, schema versions and migrations."""
