import pytest

from tests.site import SCREENSHOTS, build_snapshot_db


@pytest.fixture(scope="session")
def site_db(tmp_path_factory):
    """The database `make crawl-snapshot` builds (every spider), plus a hostile article; built once."""
    return build_snapshot_db(tmp_path_factory.mktemp("site_db"))


def pytest_terminal_summary(terminalreporter, config):
    if SCREENSHOTS in config.stash:
        terminalreporter.write_line(f"browser screenshots: {config.stash[SCREENSHOTS]}")
