"""Small helpers several features share: finding by id, dates, the language of what is made."""
