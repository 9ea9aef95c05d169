"""転出証明書 and 転出証明書に準ずる証明書 ([660]): rules, data and the first issue's snapshot."""
