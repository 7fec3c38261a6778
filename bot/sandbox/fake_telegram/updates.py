"""Bot API methods: identity, updates (long polling and webhook), commands and menu."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import httpx

from bot.sandbox.fake_telegram.api import (
    OPT_IN_UPDATE_TYPES,
    POLL_TERMINATED,
    SECRET_TOKEN_RE,
    WEBHOOK_ACTIVE,
    WEBHOOK_MAX_BACKOFF,
    WEBHOOK_MIN_BACKOFF,
    WEBHOOK_TIMEOUT,
    ApiError,
    JSONDict,
    Params,
    bad_request,
)
from bot.sandbox.fake_telegram.limits import Webhook
from bot.sandbox.fake_telegram.model import (
    as_float,
    as_int,
    scope_key,
    unix_now,
    update_type,
    validate_bot_commands,
)
from bot.sandbox.fake_telegram.state import FakeState

log = logging.getLogger(__name__)


class UpdateMethods(FakeState):
    """getMe, getUpdates, setWebhook and friends, setMyCommands and friends."""

    # -- Bot API methods: identity, updates, webhook --

    async def _accept(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older poll still waiting wakes up and finds itself terminated
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"] or None
        self._confirm_until(as_int(params.get("offset")) or 0)
        limit = min(max(as_int(params.get("limit")) or 100, 1), 100)
        timeout = max(as_float(params.get("timeout")), 0.0)
        self._active_polls += 1
        try:
            return await self._long_poll(generation, limit, time.monotonic() + timeout)
        finally:
            self._active_polls -= 1

    async def _long_poll(self, generation: int, limit: int, deadline: float) -> list[JSONDict]:
        """Wait until `deadline` for updates, unless a newer poll or a webhook takes over."""
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, POLL_TERMINATED)
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            batch = self._deliverable_updates(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._stopping:
                return batch
            await self._wait_changed(remaining)

    def _confirm_until(self, offset: int) -> None:
        """getUpdates offset semantics: drop updates below it; negative keeps the last -offset."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable_updates(self, limit: int) -> list[JSONDict]:
        allowed = self._allowed_updates
        kept = [
            update
            for update in self._pending
            if (
                update_type(update) in allowed
                if allowed
                else update_type(update) not in OPT_IN_UPDATE_TYPES
            )
        ]
        if len(kept) != len(self._pending):
            log.debug("dropping %d updates not in allowed_updates", len(self._pending) - len(kept))
            self._pending = kept
        return kept[:limit]

    async def _set_webhook(self, params: Params) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):  # plain http is fine on loopback
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN_RE.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if "allowed_updates" in params:
            self._allowed_updates = params["allowed_updates"] or None
        await self._stop_webhook_delivery()
        webhook = Webhook(url, secret, as_int(params.get("max_connections")) or 40)
        self._webhook = webhook
        self._webhook_task = asyncio.create_task(self._deliver_to_webhook(webhook))
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_webhook_delivery()
        self._webhook = None
        return True

    async def _get_webhook_info(self, params: Params) -> JSONDict:
        webhook = self._webhook
        info: JSONDict = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.last_error_date:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        return info

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_to_webhook(self, webhook: Webhook) -> None:
        """POST pending updates one at a time, in order, retrying with backoff until 2xx."""
        backoff = WEBHOOK_MIN_BACKOFF
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT, trust_env=False) as client:
            while not self._stopping:
                batch = self._deliverable_updates(limit=1)
                if not batch:
                    await self._wait_changed(1.0)
                elif await self._post_update(client, webhook, batch[0]):
                    self._pending.remove(batch[0])
                    self._notify()
                    backoff = WEBHOOK_MIN_BACKOFF
                else:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, WEBHOOK_MAX_BACKOFF)

    async def _post_update(
        self, client: httpx.AsyncClient, webhook: Webhook, update: JSONDict
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            response = await client.post(webhook.url, content=json.dumps(update), headers=headers)
        except httpx.HTTPError as error:
            return self._webhook_failed(webhook, f"Connection failed: {error!r}")
        if 200 <= response.status_code < 300:
            return True
        return self._webhook_failed(
            webhook,
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}",
        )

    def _webhook_failed(self, webhook: Webhook, message: str) -> bool:
        log.debug("webhook delivery failed: %s", message)
        webhook.last_error_date = unix_now()
        webhook.last_error_message = message
        return False

    # -- Bot API methods: commands and menu --

    async def _set_my_commands(self, params: Params) -> bool:
        commands = validate_bot_commands(params.get("commands"))
        self.commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: Params) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        return scope_key(params.get("scope")), str(params.get("language_code") or "")

    async def _set_chat_menu_button(self, params: Params) -> bool:
        self.menu_buttons[as_int(params.get("chat_id"))] = params.get("menu_button") or {
            "type": "default"
        }
        return True

    async def _get_chat_menu_button(self, params: Params) -> JSONDict:
        chat_id = as_int(params.get("chat_id"))
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}
