"""Bot API methods: answering callback and inline queries, and reading chats."""

from __future__ import annotations

import logging

from bot.sandbox.fake_telegram.api import (
    GIFT_TYPES,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_INLINE_RESULTS,
    QUERY_TOO_OLD,
    JSONDict,
    Params,
    bad_request,
)
from bot.sandbox.fake_telegram.model import as_int, member_api
from bot.sandbox.fake_telegram.state import FakeState

log = logging.getLogger(__name__)


class QueryMethods(FakeState):
    """answerCallbackQuery, answerInlineQuery, getChat, getChatMember, leaveChat."""

    # -- Bot API methods: queries and chats --

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise bad_request(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        self.callback_answers.append(params)
        if self.on_callback_answer is not None:
            try:
                self.on_callback_answer(params)
            except Exception:  # a broken printer must not turn into an API error
                log.exception("on_callback_answer hook failed")
        return True

    async def _answer_inline_query(self, params: Params) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._open_inline_queries:
            raise bad_request(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("results must be an Array of InlineQueryResult")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results if isinstance(result, dict)]
        if len(ids) != len(results) or not all(ids) or len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_INVALID")
        self._open_inline_queries.discard(query_id)
        self.inline_answers.append(params)
        return True

    async def _get_chat(self, params: Params) -> JSONDict:
        chat = self._known_chat(params)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(GIFT_TYPES, False),
        }

    async def _get_chat_member(self, params: Params) -> JSONDict:
        chat = self._known_chat(params)
        user_id = as_int(params.get("user_id"))
        if user_id == self.bot_id:
            status = "member" if chat.bot_is_member else "left"
            return {"status": status, "user": self._bot_user()}
        if user_id is None or user_id not in self._users:
            raise bad_request("user not found")
        return member_api(chat, user_id, self._users[user_id].to_api())

    async def _leave_chat(self, params: Params) -> bool:
        chat = self._known_chat(params)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        chat.bot_is_member = False
        return True
