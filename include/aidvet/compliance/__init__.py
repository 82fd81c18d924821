"""Compliance rules beyond name screening (docs/compliance.md cites the rules):

- `relations`: ownership and control edges from the grants system's owners.csv, OFAC remarks'
  "Linked To:" and OpenSanctions FollowTheMoney Ownership / Directorship / Family records;
- `owners_quality`: the owners.csv quality gate (Great Expectations suite `owners` plus the graph
  checks a suite cannot express: cycles, unknown payees), quarantining bad rows with a reason;
- `fifty_percent`: OFAC's 50 Percent Rule over that graph;
- `holds`: the one call decide makes (`compute_holds`) to hold what the 50% rule, control by a
  designated person, bad ownership data or an invalid vetting result asks to hold;
- `vetting`: (party, award) vetting results, their expiry and re-vetting triggers;
- `reports`: blocking (31 CFR 501.603) and rejected-transaction (501.604) report drafts, their
  due dates, and the annual blocked-property summary as of June 30;
- `schema`: policy.toml validated against a schema, and `policy diff`.

Pure package code: no Airflow, no stage logic; the stages call it through small hooks.
"""
