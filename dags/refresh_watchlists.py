"""Daily refresh of the designated-entity lists; a newly accepted version triggers vetting.

Thin wiring only: each source is refreshed by aidvet.stages.refresh_lists.refresh_source.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from aidvet.airflow import docs
from aidvet.airflow.adapter import DEFAULT_ARGS, LIST_CHANGED, list_source_urls, list_sources, run_settings


@dag(
    dag_id="refresh_watchlists",
    schedule="0 1 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["aidvet", "lists"],
    doc_md=docs.REFRESH_DAG,
)
def refresh_watchlists():
    @task(doc_md=docs.LIST_SOURCES)
    def sources() -> list[str]:
        return list_sources()

    @task(doc_md=docs.REFRESH_SOURCE, map_index_template="{{ task.op_kwargs['source'] }}")
    def refresh(source: str) -> dict:
        from aidvet.stages.refresh_lists import refresh_source

        settings = run_settings()
        return refresh_source(source, db_url=settings.db_url, urls=list_source_urls(source),
                              download_root=settings.lists_dir, drop_folder=settings.list_drop_dir / source).to_dict()

    @task.short_circuit(doc_md=docs.ANY_NEW)
    def any_new(results: list[dict]) -> bool:
        failed = [r for r in results if r["status"] in ("failed", "rejected")]
        if failed:
            print("not refreshed (previous accepted versions stay in force):", failed)
        return any(r["status"] == "new" for r in results)

    @task(doc_md=docs.ANNOUNCE, outlets=[LIST_CHANGED])
    def announce(results: list[dict]) -> list[int]:
        return [r["version_id"] for r in results if r["status"] == "new"]

    results = refresh.expand(source=sources())
    any_new(results) >> announce(results)


refresh_watchlists()
