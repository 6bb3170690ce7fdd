"""Thin vkbottle labelers, one module per feature: parse the event, call the core, reply."""
