"""San Francisco Department of Elections news and notices (press releases): the paged listing and
each notice. Every notice is stored as an announcement; a notice on a recall petition also gives
its signature counts (see crawlers/registrar.py and recallwatch/parsers/releases.py)."""

from crawlers.registrar import RegistrarSpider


class RegistrarSfelectionsSpider(RegistrarSpider):
    name = "registrar_sfelections"
    allowed_domains = ["sfelections.sfgov.org", "sfelections.org", "www.sfelections.org"]
    agency = "San Francisco Department of Elections"
    jurisdiction = "City and County of San Francisco"
    listing_url = "https://sfelections.sfgov.org/news-category/press-release"
    release_path = r"^/article/[^/]+$"
