"""Forms and their submissions: definitions, filling, reading, results, uploads, Word copies."""
