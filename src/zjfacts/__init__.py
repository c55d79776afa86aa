"""zjfacts: sourced facts on common prosperity in Zhejiang, looked up and checked from the shell."""

__version__ = "0.1.0"

__all__ = ["__version__"]
