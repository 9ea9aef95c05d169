"""The seal impression's image: what is accepted and why.

- Format by content, not by name: PNG (signature 89 50 4E 47 0D 0A 1A 0A) or JPEG (FF D8 FF), and
  Pillow must read the same format from the whole file (a truncated or forged file is refused).
- At most 1 MiB, 100–2000 pixels each side (read from the header before decoding, so an image
  bomb is refused unread).
- The impression's physical size, as measured on the 印鑑登録申請書 by the clerk, follows the
  common 印鑑条例 (e.g. 印鑑条例準則 §5): not registrable when it fits in a square of 8 mm a side
  or does not fit in a square of 25 mm a side. We read "fits in a square of s mm" as both sides
  ≤ s, so registrable means: both sides ≤ 25 mm and at least one side > 8 mm.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 1024 * 1024
MIN_PX, MAX_PX = 100, 2000
MIN_MM, MAX_MM = Decimal(8), Decimal(25)

_SIGNATURES = {b"\x89PNG\r\n\x1a\n": ("PNG", "image/png"), b"\xff\xd8\xff": ("JPEG", "image/jpeg")}


class ImageProblem(ValueError):
    """The image or its size is refused; ``str(error)`` is the Japanese message."""


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str


_ENDS = {"PNG": b"IEND\xaeB`\x82", "JPEG": b"\xff\xd9"}


def _kind(data: bytes) -> tuple[str, str]:
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return kind
    raise ImageProblem("印影の画像はPNGまたはJPEGにしてください（ファイルの内容で判定します）。")


def check_image(data: bytes) -> CheckedImage:
    """The image if it is acceptable, else ImageProblem."""
    if not data:
        raise ImageProblem("印影の画像を選んでください。")
    if len(data) > MAX_BYTES:
        raise ImageProblem("印影の画像は1MB以下にしてください。")
    pil_format, content_type = _kind(data)
    # WeasyPrint (certificates) sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, so a
    # full decode alone would accept a cut-off file: check the format's own end marker as well
    if not data.rstrip(b"\0").endswith(_ENDS[pil_format]):
        raise ImageProblem("印影の画像を読み取れません（壊れているか、PNG・JPEGではありません）。")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != pil_format:
                raise ImageProblem("印影の画像の形式が内容と一致しません。")
            width, height = img.size
            if not (MIN_PX <= width <= MAX_PX and MIN_PX <= height <= MAX_PX):
                raise ImageProblem(
                    f"印影の画像は縦横とも{MIN_PX}～{MAX_PX}画素にしてください"
                    f"（この画像は{width}×{height}画素です）。"
                )
            img.load()  # decodes the whole file: a truncated or corrupt one fails here
    except ImageProblem:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ImageProblem(
            "印影の画像を読み取れません（壊れているか、PNG・JPEGではありません）。"
        ) from exc
    return CheckedImage(data, content_type, width, height, hashlib.sha256(data).hexdigest())


def parse_mm(text: object, label: str) -> Decimal:
    """A typed length in mm (0.1 mm steps), or ImageProblem."""
    try:
        value = Decimal(
            str(text).strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
        )
    except InvalidOperation as exc:
        raise ImageProblem(f"{label}はmm単位の数値で入力してください（例: 15.0）。") from exc
    if (
        not value.is_finite()
        or value <= 0
        or value >= 100
        or value != value.quantize(Decimal("0.1"))
    ):
        raise ImageProblem(
            f"{label}はmm単位の数値（小数点以下1桁まで）で入力してください（例: 15.0）。"
        )
    return value


def check_size(width_mm: Decimal, height_mm: Decimal) -> None:
    """The 印鑑条例's size rule (module docstring), or ImageProblem."""
    if width_mm > MAX_MM or height_mm > MAX_MM:
        raise ImageProblem("一辺25mmの正方形に収まらない印鑑は登録できません。")
    if width_mm <= MIN_MM and height_mm <= MIN_MM:
        raise ImageProblem("一辺8mmの正方形に収まる印鑑は登録できません。")
