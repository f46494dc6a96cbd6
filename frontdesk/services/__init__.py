"""The use cases. Each takes plain values, runs one transaction and returns frozen
dataclasses (never live peewee rows); failures are DomainErrors a receptionist can read."""
