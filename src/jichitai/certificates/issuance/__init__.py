"""The one issuance path (issue 12 item 3). See docs/certificates.md "Issuance".

Rendering is an interface here (:data:`Renderer`); the PDF engine is certificates.render.
"""

from .data import CertificateData
from .eligibility import IssuanceRefused
from .request import CertificateRequest, Options, Requester, Station
from .service import IssuanceMismatch, Issued, Renderer, finalize, issue

__all__ = [
    "CertificateData",
    "CertificateRequest",
    "Issued",
    "IssuanceMismatch",
    "IssuanceRefused",
    "Options",
    "Renderer",
    "Requester",
    "Station",
    "finalize",
    "issue",
]
