"""Pathway files in the database: sync, versions, lint against this installation, migration, overview pages."""
