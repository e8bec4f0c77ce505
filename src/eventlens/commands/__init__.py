"""CLI verbs, one module each, every module exposing ``register(subparsers)``."""
