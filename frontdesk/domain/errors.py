class DomainError(Exception):
    """A rule was broken; `str(error)` is a message a receptionist can read."""


class ValidationError(DomainError):
    """A value typed or imported is not acceptable."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The action clashes with the clinic's state (a taken chair, a disallowed transition)."""
