"""Scrapy's spider loader, importing a spider only when it is asked for.

Scrapy's own loader imports every module of SPIDER_MODULES as it starts, so a CAL-ACCESS crawl
would load the news spider's extraction libraries (trafilatura, extruct, dateparser: about a second
and 20 MB) for nothing. Every spider here lives in the module named after it (`crawlers/news.py`
holds `news`), so `load(name)` imports that module alone; listing the spiders, or a name found in
no module of its own, loads them all as Scrapy does.
"""

from collections import defaultdict
from importlib import import_module

from scrapy import spiderloader


class SpiderLoader(spiderloader.SpiderLoader):
    def __init__(self, settings):
        self.spider_modules = settings.getlist("SPIDER_MODULES")
        self.warn_only = settings.getbool("SPIDER_LOADER_WARN_ONLY")
        self._spiders = {}
        self._found = defaultdict(list)
        self._all_loaded = False

    def load(self, spider_name):
        if spider_name not in self._spiders:
            for package in self.spider_modules:
                module = own_module(package, spider_name)
                if module is not None:
                    self._load_spiders(module)
        if spider_name not in self._spiders:
            self._load_all_spiders()
        return super().load(spider_name)

    def list(self):
        self._load_all_spiders()
        return super().list()

    def find_by_request(self, request):
        self._load_all_spiders()
        return super().find_by_request(request)

    def _load_all_spiders(self):
        if not self._all_loaded:
            self._spiders.clear()
            self._found.clear()
            super()._load_all_spiders()
            self._all_loaded = True


def own_module(package, spider_name):
    """The module `package.spider_name`, or None when there is none (an error inside it is raised)."""
    if not spider_name.isidentifier():
        return None
    name = f"{package}.{spider_name}"
    try:
        return import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
