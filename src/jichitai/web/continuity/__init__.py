"""/continuity/: 災害宣言・代行の記録・縮退運転 (issue 14), for administrators only."""
