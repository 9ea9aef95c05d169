"""/certificates/: the counter's 証明書交付 screen, its preview, and the 交付履歴照会 ([360])."""
