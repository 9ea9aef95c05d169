"""/staff/: 職員管理 screens for 団体管理者 and 協議会管理者 ([1380])."""
