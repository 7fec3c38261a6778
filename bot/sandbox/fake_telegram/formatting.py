"""Telegram's HTML dialect: what `parse_mode=HTML` accepts, and the plain text and entities
it becomes (a bot's bad markup fails here as it would on Telegram)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.sandbox.fake_telegram.api import ApiError, JSONDict, bad_request, utf16_length

_HTML_TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTR = r"""[a-zA-Z][\w-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTRS_RE = re.compile(rf"(?:\s+{_ATTR})*\s*")
_ATTR_RE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_CHAR_REF_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL_RE = re.compile(r"[<&]")


@dataclass
class FormattedText:
    """Text as the user sees it, plus the entities Telegram derived from the markup."""

    plain: str
    entities: list[JSONDict]


@dataclass
class _OpenTag:
    name: str
    offset: int
    attrs: dict[str, str]
    language: str | None = None


def _cant_parse(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _parse_attributes(text: str) -> dict[str, str] | None:
    if not _ATTRS_RE.fullmatch(text):
        return None
    return {
        match.group(1).lower(): _decode_char_refs(next((g for g in match.groups()[1:] if g), ""))
        for match in _ATTR_RE.finditer(text)
    }


def _decode_char_ref(match: re.Match[str]) -> str | None:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_REFS[named]
    code_point = int(decimal) if decimal else int(hexadecimal, 16)
    if 0 < code_point <= 0x10FFFF and not 0xD800 <= code_point <= 0xDFFF:
        return chr(code_point)
    return None


def _decode_char_refs(text: str) -> str:
    return _CHAR_REF_RE.sub(lambda match: _decode_char_ref(match) or match.group(), text)


class _HtmlParser:
    """Parses Telegram's HTML: a few tags, strictly nested, only &lt; &gt; &amp; &quot; and
    numeric character references. Entity offsets are in UTF-16 code units, like Telegram's."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pieces: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JSONDict] = []

    def parse(self) -> FormattedText:
        position = 0
        while position < len(self.source):
            if self.source[position] == "<":
                position = self._tag(position)
            elif self.source[position] == "&":
                position = self._char_ref(position)
            else:
                special = _SPECIAL_RE.search(self.source, position)
                end = special.start() if special else len(self.source)
                self._emit(self.source[position:end])
                position = end
        if self.stack:
            name = self.stack[-1].name
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{name}"')
        entities = sorted(self.entities, key=lambda entity: (entity["offset"], -entity["length"]))
        return FormattedText("".join(self.pieces), entities)

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        self.length += utf16_length(text)

    def _at(self, position: int) -> str:
        return f"at byte offset {len(self.source[:position].encode())}"

    def _char_ref(self, position: int) -> int:
        match = _CHAR_REF_RE.match(self.source, position)
        char = _decode_char_ref(match) if match else None
        if match is None or char is None:
            raise _cant_parse(f'Unescaped "&" {self._at(position)}; use "&amp;"')
        self._emit(char)
        return match.end()

    def _tag(self, position: int) -> int:
        match = _TAG_RE.match(self.source, position)
        if match is None:
            raise _cant_parse(f"Unclosed start tag {self._at(position)}")
        name = match.group(2).lower()
        if match.group(1):
            self._close(name, position)
        else:
            self._open(name, match.group(3), position)
        return match.end()

    def _open(self, name: str, attr_text: str, position: int) -> None:
        if name not in _HTML_TAG_TYPES:
            raise _cant_parse(f'Unsupported start tag "{name}" {self._at(position)}')
        attrs = _parse_attributes(attr_text)
        if attrs is None:
            raise _cant_parse(f'Can\'t parse attributes of tag "{name}" {self._at(position)}')
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _cant_parse(f'Tag "span" must have class "tg-spoiler" {self._at(position)}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _cant_parse(f'Tag "tg-emoji" needs a numeric "emoji-id" {self._at(position)}')
        self.stack.append(_OpenTag(name, self.length, attrs))

    def _close(self, name: str, position: int) -> None:
        if not self.stack:
            raise _cant_parse(f"Unexpected end tag {self._at(position)}")
        tag = self.stack.pop()
        if tag.name != name:
            raise _cant_parse(
                f'Unmatched end tag {self._at(position)}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        entity = self._entity_for(tag)
        if entity is not None and entity["length"] > 0:
            self.entities.append(entity)

    def _entity_for(self, tag: _OpenTag) -> JSONDict | None:
        entity: JSONDict = {
            "type": _HTML_TAG_TYPES[tag.name],
            "offset": tag.offset,
            "length": self.length - tag.offset,
        }
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            # <pre><code class="language-x"> is a single pre entity that carries the language.
            self.stack[-1].language = tag.attrs.get("class", "").removeprefix("language-") or None
            return None
        if tag.name == "a":
            if not tag.attrs.get("href"):
                return None  # Telegram shows an <a> without href as plain text.
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        return entity


def format_text(text: str, parse_mode: str | None, *, limit: int, too_long: str) -> FormattedText:
    """Parse `text` as Telegram would for `parse_mode` and enforce its length limit."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        formatted = _HtmlParser(text).parse()
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: the project formats with HTML.
        formatted = FormattedText(text, [])
    else:
        raise bad_request("unsupported parse_mode")
    if utf16_length(formatted.plain) > limit:
        raise bad_request(too_long)
    return formatted
