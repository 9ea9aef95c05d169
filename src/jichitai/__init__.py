"""jichitai-cloud: a shared core-business system for consortia of Japanese municipalities."""

__version__ = "0.1.0"
