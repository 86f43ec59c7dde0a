"""The form builder: editing a definition as plain data (no database), drafts, versions, translations, pages."""
