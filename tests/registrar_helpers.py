"""What the registrar tests share: reading a fixture release the way the spiders do."""

from recallwatch.parsers.petition_figures import read_petition_report
from recallwatch.parsers.releases import read_release_page
from tests.crawl import crawl


def read_fixture_release(path):
    """(ReleasePage, PetitionReport or None) of a fixture HTML release."""
    page = read_release_page(path.read_text(encoding="utf-8"))
    return page, read_petition_report(page.text, page.title)


def figures(report):
    """The stated figures of a report, as {name: number}."""
    return {name: figure.value for name, figure in report.figures.items()}


def crawl_snapshot(spider, tmp_path_factory):
    """A real crawl of the spider's configured sources, replayed from the snapshot."""
    result = crawl(spider, tmp_path_factory.mktemp(spider))
    assert result.returncode == 0, result.output
    return result
