import pytest

from tests.site import build_snapshot_db


@pytest.fixture(scope="session")
def site_db(tmp_path_factory):
    """The database `make crawl-snapshot` builds (every spider), plus a hostile article; built once."""
    return build_snapshot_db(tmp_path_factory.mktemp("site_db"))
