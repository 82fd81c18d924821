"""Airflow plugin: the review of held disbursements, mounted at /aidvet-review with a nav entry."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from aidvet_review.web import URL_PREFIX, create_app


class AidvetReviewPlugin(AirflowPlugin):
    name = "aidvet_review"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "aidvet review"}]
    external_views = [{
        "name": "Held disbursements",
        "href": URL_PREFIX.lstrip("/") + "/",
        "url_route": "held-disbursements",
        "destination": "nav",
        "category": "browse",
    }]
