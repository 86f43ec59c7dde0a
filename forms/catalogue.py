"""The form engine's own messages in the reader's language (wording.py, shared with the workflow engine)."""

from __future__ import annotations

from wording import FOLDER, N_, SOURCE_LANGUAGE, catalogue, say

__all__ = ["FOLDER", "N_", "SOURCE_LANGUAGE", "catalogue", "say"]
