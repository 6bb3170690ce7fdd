"""The VK adapter: HTTP transport, rate limit, retries, long poll, event dispatch.

The domain modules of bot/ never import this package.
"""
