"""Handlers: translate platform-neutral events into flow calls, nothing else.

dispatch.py is the entry (a stored update in, a flow run, errors turned into polite replies);
messages.py, presses.py and members.py route each kind of event; commands.py binds every
declared command (bot/commands/table.py) to its flow.
"""
