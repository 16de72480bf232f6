"""Ravao: QR check-in, contact tracing and deployment oversight for epidemics."""

__version__ = "0.1.0"
