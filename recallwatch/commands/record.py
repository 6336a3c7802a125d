"""`scrapy record SOURCE URL FILE`: add one recorded response to the offline snapshot.

SOURCE is the spider (folder under snapshot/), URL the address the spider requests, FILE the
saved body. Content type is guessed from the file name unless given with --content-type.
"""

import mimetypes

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from recallwatch.runtime.snapshot import Snapshot


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self):
        return "[--content-type TYPE] [--status N] SOURCE URL FILE"

    def short_desc(self):
        return "Add a recorded response to the offline snapshot"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--content-type", dest="content_type")
        parser.add_argument("--status", dest="status", type=int, default=200)
        parser.add_argument("--location", dest="location", help="Location header (for a redirect)")

    def run(self, args, opts):
        if len(args) != 3:
            raise UsageError
        source, url, path = args
        content_type = opts.content_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        if content_type.startswith("text/") and "charset" not in content_type:
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "Location": opts.location}
        with open(path, "rb") as f:
            body = f.read()
        snapshot = Snapshot(self.settings.get("SNAPSHOT_DIR"))
        file_name = snapshot.add(source, url, body, opts.status, headers)
        print(f"recorded {url} -> snapshot/{source}/{file_name}")
