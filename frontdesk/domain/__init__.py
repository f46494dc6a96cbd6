"""The clinic's rules as pure functions over plain values (no peewee, no Textual)."""
