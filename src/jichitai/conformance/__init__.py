"""Conformance as code: the 住民記録システム標準仕様書 item by item, what we claim, what proves it.

- ``data/jyuki_functions.csv``: the standard's function list (第1.0版 transcription, 469 items;
  the source is ``../shared/data/standard``, its sha256 is checked).
- ``map/chNN.toml``: our claim per item, one file per chapter (implemented / not binding / planned / not applicable) with
  the reading of an ambiguous text. An item that is not in the map is *not assessed yet*.
- the tests: ``@pytest.mark.std("110#2")`` names the items a test proves.

``python -m jichitai.conformance`` (``make conformance``) prints per chapter and exits 1 when a
claim has no test, a test names an item the standard does not have, or the map is malformed.
"""
