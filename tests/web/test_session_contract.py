"""accounts may not import web, so the session key names are written twice; they must agree."""

from jichitai.accounts import session as accounts_session
from jichitai.web import middleware


def test_session_keys_agree_between_accounts_and_the_tenant_middleware():
    assert accounts_session.SESSION_MUNICIPALITY == middleware.SESSION_MUNICIPALITY
    assert accounts_session.SESSION_ACTING == middleware.SESSION_ACTING
    assert accounts_session.SESSION_GRANT == middleware.SESSION_GRANT


def test_accounts_does_not_import_web_or_audit():
    import ast
    from pathlib import Path

    import jichitai.accounts as pkg

    for path in Path(pkg.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert not name.startswith(("jichitai.web", "jichitai.audit")), f"{path}: {name}"
