"""Services: the only place that changes data. Each is `verb_noun(..., actor, now)`."""
