"""Storage: the bundled MongoDB server and the mongoengine connection."""
