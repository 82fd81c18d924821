"""The review UI: a FastAPI app the Airflow API server mounts (see ../aidvet_review_plugin.py).

Every route resolves the user from Airflow's own JWT (cookie or bearer header) and asks Airflow's
auth manager for access; state-changing POSTs also need a double-submit CSRF token.
"""
