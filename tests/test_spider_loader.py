"""The spider loader (crawlers/loader.py) imports only the spider a crawl asks for, and still knows
every spider Scrapy's own loader finds."""

import subprocess
import sys

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader as ScrapySpiderLoader

from crawlers.loader import SpiderLoader
from tests.crawl import REPO

SETTINGS = Settings({"SPIDER_MODULES": ["crawlers"]})


def test_it_lists_what_scrapys_loader_finds():
    ours, scrapys = SpiderLoader.from_settings(SETTINGS), ScrapySpiderLoader.from_settings(SETTINGS)
    assert sorted(ours.list()) == sorted(scrapys.list())
    assert len(ours.list()) == 10
    assert all(ours.load(name) is scrapys.load(name) for name in scrapys.list())


def test_a_bulk_crawl_does_not_load_the_news_libraries():
    script = (
        "import sys; from scrapy.settings import Settings; from crawlers.loader import SpiderLoader; "
        "loader = SpiderLoader.from_settings(Settings({'SPIDER_MODULES': ['crawlers']})); "
        "print(loader.load('filings_calaccess').name, sorted(m for m in ('trafilatura', 'extruct', 'crawlers.news') "
        "if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["filings_calaccess", "[]"]


@pytest.mark.parametrize("name", ["nosuch", "a.b", "../news", "bulk_export"])
def test_a_name_that_is_no_spider_is_not_found(name):
    with pytest.raises(KeyError, match="Spider not found"):
        SpiderLoader.from_settings(SETTINGS).load(name)
