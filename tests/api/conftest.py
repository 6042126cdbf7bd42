from tests.stats.conftest import after_deadline, programme, published  # noqa: F401
