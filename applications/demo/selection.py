"""Demo submitted applications, reviews, decisions and published results."""


def seed(users, calls):
    return None
