"""newsgraph: a knowledge graph of actors, events and agreements from annotated news."""

__version__ = "0.1.0"
