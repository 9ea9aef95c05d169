"""証明書 (issue 12): the one issuance path for counter, API and (next) kiosk.

``issuance`` decides who may receive what, numbers each copy ([1040]), keeps the 交付履歴 ([300])
and binds the response to its request; ``render`` turns a document into a PDF (WeasyPrint with
IPAmj明朝); ``issuance`` calls a :data:`issuance.Renderer`.
"""
