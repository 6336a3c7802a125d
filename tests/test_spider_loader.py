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


def test_a_crawl_does_not_load_the_remote_control_or_the_telnet_console():
    # Scrapy imports every extension its settings list, even one that is off: the remote control
    # brings aiohttp's server in. They are left out of the list; the other extensions stay.
    script = (
        "import sys; from scrapy.utils.project import get_project_settings; "
        "from scrapy.utils.conf import build_component_list; from scrapy.utils.misc import load_object; "
        "paths = build_component_list(get_project_settings().getwithbase('EXTENSIONS')); "
        "names = [load_object(path).__name__ for path in paths]; "  # as Scrapy's extension manager does
        "print('aiohttp' in sys.modules, names)"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    aiohttp_loaded, extensions = output.stdout.split(" ", 1)
    assert aiohttp_loaded == "False"
    assert "RemoteControl" not in extensions and "TelnetConsole" not in extensions
    assert all(name in extensions for name in ("'CoreStats'", "'LogStats'", "'MemoryUsage'", "'Run'"))
