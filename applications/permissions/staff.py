"""Commune staff and metropolis admin side: screening, reviews, decisions, results."""

__all__: list[str] = []
