"""threatbrief: an offline evidence base over state-threat PDF reports."""

__version__ = "0.1.0"
