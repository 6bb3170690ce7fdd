"""Flows: one use case each (decide a join request, moderate a message, report a stolen account…).

A flow reads state, asks the core (bot/) for a decision and a plan, and commits the new state
together with the effects it owes (the outbox) in one transaction through `Context.commit`.
Network reads (names, chat links, member lists) happen before the commit, never inside it.
"""
