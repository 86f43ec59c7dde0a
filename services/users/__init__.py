"""Users, teams and roles: accounts, passwords, sign-in, multi-factor sign-in, administration."""
