"""A printable PNG: the QR code of a school's deep link with the school's name under it.

segno makes the QR code (pure Python, no image library needed for that); Pillow adds the
name, because a code pinned in the teachers' room must say which school it opens.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache

import segno
from PIL import Image, ImageDraw, ImageFont

from storage.normalize import strip_accents

# Fonts with Spanish accents and Ñ; Pillow's built-in font lacks them (we then drop accents).
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)
QR_SCALE = 12
MARGIN = 40
LINE_CHARS = 32
FONT_SIZE = 30
LINE_HEIGHT = 42


@cache
def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """The font to write with, and whether it has accented letters."""
    for path in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def school_qr_png(link: str, school_name: str, footer: str) -> bytes:
    """PNG bytes: QR code, then the school's name and a short footer, on white."""
    qr_image = _qr_image(link)
    font, has_accents = _font(FONT_SIZE)
    lines = [
        line if has_accents else strip_accents(line) for line in _caption_lines(school_name, footer)
    ]
    text_width = max(int(font.getlength(line)) for line in lines)
    width = max(qr_image.width, text_width + 2 * MARGIN)
    height = qr_image.height + LINE_HEIGHT * len(lines) + MARGIN
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(qr_image, ((width - qr_image.width) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        y = qr_image.height + index * LINE_HEIGHT
        draw.text((width // 2, y), line, font=font, fill="black", anchor="mt")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _caption_lines(school_name: str, footer: str) -> list[str]:
    return [*textwrap.wrap(school_name, LINE_CHARS)[:3], "", *textwrap.wrap(footer, LINE_CHARS)]


def _qr_image(link: str) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")
