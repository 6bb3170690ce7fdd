"""What a bot can do on MAX, and what a person must do there by hand, in their words.

The menu paths of the MAX apps are not documented publicly and change between versions, so the
texts name the rights exactly (as the API names them: read_all_messages, delete,
add_remove_members) and the way to them only as generally as needed.
"""

from __future__ import annotations

from bot.max.outgoing import MESSAGE_LIMIT, NOTIFICATION_LIMIT
from bot.port.gateway import Capabilities

MAX_CAPABILITIES = Capabilities(
    title="MAX",
    reset_link=False,  # MAX bots cannot create or revoke invite links
    block_on_remove=True,  # DELETE /chats/{id}/members?block=true (in chats with a link)
    edit_messages=True,
    menu_keyboard=False,  # no standing keyboard under the input field: buttons go under messages
    message_limit=MESSAGE_LIMIT,
    press_answer_limit=NOTIFICATION_LIMIT,
    admin_steps=(
        "Владелец чата в MAX: откройте чат, нажмите на его название, в списке участников выберите бота школы "
        "и назначьте его администратором с правами «Читать все сообщения», «Удалять сообщения» "
        "и «Удалять участников»."
    ),
    link_reset_steps=(
        "Владелец или администратор чата в MAX: откройте чат, нажмите на его название, откройте ссылку-приглашение "
        "и сбросьте её (создайте новую) — старая ссылка перестанет работать. Бот MAX сделать это сам не может."
    ),
    sessions_hint="в MAX откройте настройки профиля, затем раздел об устройствах и активных сеансах",
)
