"""Public verification of issued certificates (issue 12 item 6). See docs/certificates.md "Signing".

A short code per copy (:func:`codes.register`), a QR (segno) for the page, and ``/verify/<code>``
saying genuine / issued on / by whom / revoked, and whether an uploaded PDF's hash matches.
"""
