"""証明書 (issue 12): the one issuance path for counter, API and (next) kiosk.

``issuance`` decides who may receive what, numbers each copy ([1040]), keeps the 交付履歴 ([300])
and binds the response to its request. Rendering to PDF lives in ``render`` (another part of
issue 12); ``issuance`` only calls a :data:`issuance.Renderer`.
"""
