"""Local stand-ins for external services (the VK Bots API emulator) for tests and the sandbox."""
