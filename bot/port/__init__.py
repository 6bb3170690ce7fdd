"""The platform port: neutral events in, a gateway of effects out.

Nothing in here knows VK or MAX; adapters (bot/vk, bot/max) translate both ways.
"""
