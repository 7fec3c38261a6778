"""The HTTP layer: tornado handlers that decode a Bot API request (form or multipart) and
answer it, and serve uploaded files."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

from bot.sandbox.fake_telegram.api import RAW_STRING_PARAMS, ApiError, Params, bad_request
from bot.sandbox.fake_telegram.model import UploadedFile

if TYPE_CHECKING:  # the server builds these handlers with itself; only its type is needed here
    from bot.sandbox.fake_telegram.server import FakeTelegram

log = logging.getLogger(__name__)


def _decode_form_value(name: str, raw: str) -> Any:
    if name in RAW_STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_request_params(request: tornado.httputil.HTTPServerRequest) -> Params:
    """Parameters of a Bot API request: query string, form, multipart files or a JSON body."""
    if request.headers.get("Content-Type", "").startswith("application/json"):
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object")
        return body
    arguments = {**request.query_arguments, **request.body_arguments}
    params: Params = {
        name: _decode_form_value(name, values[-1].decode()) for name, values in arguments.items()
    }
    for name, files in request.files.items():
        upload = files[-1]
        params[name] = UploadedFile(upload.filename, upload.body, upload.content_type)
    return params


def log_request(handler: tornado.web.RequestHandler) -> None:
    # Error answers are the point of the fake: keep tornado from logging them as warnings
    # (they would clutter the sandbox's terminal). The path holds the token: debug level only.
    request = handler.request
    log.debug("%s %s -> %s", request.method, request.path, handler.get_status())


class ApiHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def post(self, token: str, method: str) -> None:
        try:
            params = decode_request_params(self.request)
        except ValueError as error:  # bad UTF-8 or JSON
            status, body = 400, bad_request(str(error)).body()
        else:
            status, body = await self.fake.handle_api_call(token, method, params)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)


class FileHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def get(self, token: str, file_path: str) -> None:
        upload = self.fake.stored_file(token, file_path)
        if upload is None:
            self.set_status(404)
            self.finish(json.dumps(ApiError(404, "Not Found").body()))
            return
        self.set_header("Content-Type", upload.mime_type)
        self.finish(upload.content)
