"""Shared GraphQL plumbing: scalars, error mapping, limits, DataLoaders and the view."""
