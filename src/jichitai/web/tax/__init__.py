"""/tax/: 課税情報 screens (個人住民税, jichitai.tax)."""
