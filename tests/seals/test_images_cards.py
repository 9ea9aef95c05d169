"""The impression's image check and the 印鑑登録証 number, with properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.seals import cards, images
from tests.seals.conftest import image_bytes


def test_png_and_jpeg_are_accepted_by_content() -> None:
    png = images.check_image(image_bytes("PNG"))
    jpeg = images.check_image(image_bytes("JPEG", (400, 250)))
    assert (png.content_type, png.width, png.height) == ("image/png", 300, 300)
    assert (jpeg.content_type, jpeg.width, jpeg.height) == ("image/jpeg", 400, 250)
    assert len(png.sha256) == 64


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "選んでください"),
        (image_bytes("GIF"), "PNGまたはJPEG"),
        (image_bytes("BMP"), "PNGまたはJPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"not really", "読み取れません"),
        (image_bytes("PNG")[:-40], "読み取れません"),
        (b"\xff\xd8\xff" + image_bytes("PNG")[3:], "読み取れません"),
        (image_bytes("PNG", (50, 300)), "100～2000画素"),
        (image_bytes("PNG", (2100, 300)), "100～2000画素"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (images.MAX_BYTES + 1), "1MB以下"),
    ],
)
def test_refused_images(data: bytes, message: str) -> None:
    with pytest.raises(images.ImageProblem, match=message):
        images.check_image(data)


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_are_refused_with_a_japanese_message(data: bytes) -> None:
    with pytest.raises(images.ImageProblem):
        images.check_image(data)


@given(st.binary(max_size=512))
def test_a_png_signature_on_garbage_is_refused(tail: bytes) -> None:
    with pytest.raises(images.ImageProblem):
        images.check_image(b"\x89PNG\r\n\x1a\n" + tail)


mm = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99.9"), places=1)


@given(mm, mm)
def test_size_rule_is_the_ordinance(width: Decimal, height: Decimal) -> None:
    fits_8 = width <= 8 and height <= 8
    fits_25 = width <= 25 and height <= 25
    if fits_25 and not fits_8:
        images.check_size(width, height)
    else:
        with pytest.raises(images.ImageProblem):
            images.check_size(width, height)


def test_size_edges() -> None:
    images.check_size(Decimal("8.1"), Decimal("3"))
    images.check_size(Decimal("25"), Decimal("25"))
    with pytest.raises(images.ImageProblem, match="8mm"):
        images.check_size(Decimal("8"), Decimal("8"))
    with pytest.raises(images.ImageProblem, match="25mm"):
        images.check_size(Decimal("25.1"), Decimal("10"))


@pytest.mark.parametrize("text", ["", "abc", "-1", "1e5", "15.55", "0", "100"])
def test_parse_mm_refuses(text: str) -> None:
    with pytest.raises(images.ImageProblem):
        images.parse_mm(text, "幅")


def test_parse_mm_reads_full_width() -> None:
    assert images.parse_mm("１５．５", "幅") == Decimal("15.5")


@given(st.integers(min_value=1, max_value=10**7 - 1))
def test_card_numbers_round_trip_also_as_typed(seq: int) -> None:
    number = cards.card_number(seq)
    assert len(number) == 8 and cards.parse_card_number(number) == number
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert cards.parse_card_number(f" {wide[:4]}-{wide[4:]} ") == number


@given(st.text(max_size=20))
def test_parse_never_fails_other_than_with_a_message(text: str) -> None:
    try:
        assert len(cards.parse_card_number(text)) == 8
    except cards.CardNumberError as exc:
        assert str(exc) in {cards.REQUIRED, cards.SHAPE, cards.CHECK}


@given(
    st.integers(min_value=1, max_value=10**7 - 1),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=1, max_value=9),
)
def test_a_changed_body_digit_is_caught_unless_remainders_zero_and_one_meet(
    seq: int, pos: int, delta: int
) -> None:
    number = cards.card_number(seq)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    if int(changed[:-1]) == 0 or cards.check_digit(changed[:-1]) != int(changed[-1]):
        with pytest.raises(cards.CardNumberError):
            cards.parse_card_number(changed)
    else:  # both remainders map to check digit 0 (registry.numbering)
        assert number[-1] == "0"


def test_an_empty_number_says_it_is_needed() -> None:
    with pytest.raises(cards.CardNumberError, match="印鑑登録証の番号が必要です"):
        cards.parse_card_number("  ")


def test_a_cut_off_image_is_refused_even_when_pillow_accepts_truncated_files(monkeypatch) -> None:
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process (certificates)."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    for cut in (image_bytes("PNG")[:-40], image_bytes("JPEG")[:-40]):
        with pytest.raises(images.ImageProblem, match="読み取れません"):
            images.check_image(cut)
