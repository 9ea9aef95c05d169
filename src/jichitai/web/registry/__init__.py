"""Register screens (search, person, household, event forms, approval queue, 支援措置)."""
