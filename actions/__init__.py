"""Rasa custom actions: thin wrappers that render replies through ``bot.replies``."""
