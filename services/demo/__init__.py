"""Demo data: a team with one user per role, cases at every stage of every pathway, and groups."""
