"""Candidate side: organisation members and their applications."""

__all__: list[str] = []
