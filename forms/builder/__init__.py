"""The form builder's engine: a definition edited, checked and compared as plain data (no database, no web)."""
