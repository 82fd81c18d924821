"""The Airflow adapter: the only part of aidvet that imports Airflow (DAG docs, assets, settings)."""
