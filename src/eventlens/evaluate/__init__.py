"""Evaluations against gold files (``eventlens eval TARGET``).

Each target is a module here exposing ``add_arguments(parser)`` and
``run(args) -> int``; :mod:`eventlens.commands.eval` lists them.
"""
