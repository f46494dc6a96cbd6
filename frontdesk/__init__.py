"""frontdesk: the front desk of an outpatient ketamine-infusion clinic."""

__version__ = "0.1.0"
