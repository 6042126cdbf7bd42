"""The team dashboard's orders, filters, searches and pages that the benchmarks request:
in-process (bench/dashboard.py) and through HTTP (bench/locustfile.py)."""

DASHBOARD_QUERIES = [
    "",
    "?sort=score",
    "?sort=reference",
    "?sort=-organisation",
    "?sort=-reviews",
    "?sort=decision",
    "?page=40",
    "?page=last",
    "?eligibility=eligible",
    "?reviewed_by_me=no",
    "?decision=selected",
    "?q=Projet+123",
]
