from tests.stats.conftest import after_deadline, programme, published, with_pilots  # noqa: F401
