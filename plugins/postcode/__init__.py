"""Postcode lookup (placeholder while being written)."""
