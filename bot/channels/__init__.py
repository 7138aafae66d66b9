"""Rasa input channels.  The Rasa server imports this package at start-up
(credentials.yml names our socket.io channel), which is where we apply our
performance fixes to Rasa internals (bot/rasa_patches.py)."""

from bot import rasa_patches

rasa_patches.apply()
