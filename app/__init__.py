"""Responder Console: a desktop console and team server that answer customers on social
networks."""

__version__ = "0.1.0"
