"""Commands: parsing «/имя аргументы», and the one declaration of every command (table.py)."""

from bot.commands.parse import Command, clean_text, fold, parse_command

__all__ = ["Command", "clean_text", "fold", "parse_command"]
