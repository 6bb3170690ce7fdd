"""The baseline: the smallest vkbottle bot that serves the same events, for bench/overhead_bench.py.

It answers every DM with its own text and reads chat messages without doing anything, over the
same Bots Long Poll of the same emulator. Whatever schoolbot costs above this is its own overhead.
Run by the bench: SCHOOLBOT_BENCH_TOKEN=... SCHOOLBOT_BENCH_API=http://127.0.0.1:PORT/method/ python bench/bare_echo_bot.py
"""

from __future__ import annotations

import os

from vkbottle import API
from vkbottle.bot import Bot, Message


def main() -> None:
    api = API(os.environ["SCHOOLBOT_BENCH_TOKEN"])
    api.API_URL = os.environ["SCHOOLBOT_BENCH_API"]  # vkbottle reads it per call
    bot = Bot(api=api)

    @bot.on.private_message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "…")

    @bot.on.chat_message()
    async def read(message: Message) -> None:
        return None

    bot.run_forever()


if __name__ == "__main__":
    main()
