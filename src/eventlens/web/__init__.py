"""The REST API and the analyst's dashboard (``eventlens serve``)."""

from __future__ import annotations

from eventlens.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
