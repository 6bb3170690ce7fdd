"""Membership: invitation links, join requests and the school's groups (clauses 3.2–3.6).

Pure domain code: no I/O, the clock comes in as an argument. Import from the submodules:
groups, users, codes, durations, invites, requests, scope, commands.
"""
