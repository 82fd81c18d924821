"""The plugin file registers the review app and its nav entry the way Airflow 3.3 expects."""

from __future__ import annotations

from fastapi import FastAPI


def test_plugin_mounts_the_app_with_a_nav_entry():
    from aidvet_review_plugin import AidvetReviewPlugin

    [app] = AidvetReviewPlugin.fastapi_apps
    assert isinstance(app["app"], FastAPI) and app["url_prefix"] == "/aidvet-review"
    from airflow.api_fastapi.app import RESERVED_URL_PREFIXES

    assert not any(app["url_prefix"].startswith(prefix) for prefix in RESERVED_URL_PREFIXES)
    [view] = AidvetReviewPlugin.external_views
    assert view["name"] == "Held disbursements" and view["destination"] == "nav"
    assert view["href"] == "aidvet-review/"  # relative: works behind a proxy or a base_url path


def test_every_route_depends_on_airflow_auth():
    from aidvet_review.security import reader
    from aidvet_review.web import create_app

    def depends_on(dependant, target) -> bool:
        return any(d.call is target or depends_on(d, target) for d in dependant.dependencies)

    routes = [route for route in create_app().routes if hasattr(route, "dependant")]
    assert routes
    for route in routes:
        assert depends_on(route.dependant, reader), f"{route.path} is not protected"
