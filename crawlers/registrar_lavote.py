"""Los Angeles County Registrar-Recorder/County Clerk (RR/CC) news releases: the paged listing and
each release. Every release is stored as an announcement; a release on a recall petition also
gives its signature counts (see crawlers/registrar.py and recallwatch/parsers/releases.py)."""

from crawlers.registrar import RegistrarSpider


class RegistrarLavoteSpider(RegistrarSpider):
    name = "registrar_lavote"
    allowed_domains = ["lavote.gov", "www.lavote.gov"]
    agency = "Los Angeles County Registrar-Recorder/County Clerk"
    jurisdiction = "Los Angeles County"
    listing_url = "https://www.lavote.gov/home/records/news-releases"
    release_path = r"^/home/records/news-releases/\d{4}/[^/]+$"
