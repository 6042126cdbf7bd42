"""Demo organisations, applications, reviews and results."""

from applications.demo import candidates, organisations, selection
from applications.services import search


def seed(users, calls):
    orgs = organisations.seed(users)
    candidates.seed(users, orgs, calls)
    selection.seed(users, calls)
    search.rebuild_index()
    return orgs
