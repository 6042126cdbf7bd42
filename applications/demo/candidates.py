"""Demo applications of the demo candidates, in several states."""


def seed(users, organisations, calls):
    return None
