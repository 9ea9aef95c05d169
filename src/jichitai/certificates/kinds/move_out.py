"""転出証明書 and 転出証明書に準ずる証明書 ([660]#1–#4), with 再交付 printing the first issue's state."""

from __future__ import annotations

from functools import partial

from ..move_out import data, rules
from . import ANY, CertificateKind, register

for code, order in ((rules.TENSHUTSU, 30), (rules.JUNZURU, 31)):
    register(
        CertificateKind(
            code=code,
            title=data.TITLES[code],
            build=data.build,
            functions=("660",),
            subjects=ANY,  # 転出予定者 are residents, 転出者 and 職権消除者 are not: the kind's rules say
            check=partial(rules.check, code),
            register_options=False,  # the law fixes the items; 個人番号 goes to 本人・世帯・代理人 only
            requester_rules=False,  # its own: the household left, not the current one
            order=order,
            recorded=data.recorded,
        )
    )
