"""Running the bot: the inbox and outbox workers, the platform pollers, start-up and shutdown."""
