"""Telling people things: in-app notifications, email through the outbox, delivery."""
