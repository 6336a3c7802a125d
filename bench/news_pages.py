"""Real-format, real-size article pages for the news benchmarks, written to a folder.

The snapshot's article pages (snapshot/news/: each outlet's real markup, with a known body text in
bench/news_ground_truth.json) are a few kB: the article and a token header. A publisher's page is
100-300 kB: the same article inside a mega-menu, inline state and analytics scripts, style sheets,
rails of teasers, a cookie dialog and a footer of link columns. Each page here is a snapshot page
with that chrome around its own markup, its article untouched, so the known text still holds.

Copy k > 0 of a page moves it to its own site (latimes.com -> latimes-k.com, in every address the
page names): every copy is then a story of its own, as on a crawl of many outlets, rather than a
duplicate of copy 0; the pairs that are one story in the snapshot (an AMP copy, an edited KQED
story) stay pairs within each copy.
"""

import json
from pathlib import Path

import yaml

from recallwatch.parsers.news_dedup import site_of

REPO = Path(__file__).resolve().parent.parent
SNAPSHOT = REPO / "snapshot" / "news"
TRUTH = json.loads((REPO / "bench" / "news_ground_truth.json").read_text(encoding="utf-8"))

SECTIONS = ["California", "Politics", "Business", "Sports", "Entertainment", "Opinion", "Climate", "Food",
            "Travel", "World & Nation", "Science", "Housing", "Education", "Lifestyle", "Obituaries"]  # fmt: skip
TOPICS = ["Wildfires", "Transit", "City Hall", "Courts", "Schools", "Water", "Elections", "Health", "Tech",
          "Real estate", "Restaurants", "Music", "Movies", "Books", "Weather", "Soccer", "Baseball"]  # fmt: skip
TEASERS = ["Cooler weekend ahead as marine layer returns", "How to plan a road trip on a budget",
           "New ferry route opens across the bay", "The best tacos we ate this year",
           "Stadium deal heads to council vote", "Five hikes for a foggy morning",
           "Museum reopens its renovated west wing", "Farmers markets add evening hours",
           "What the new parking rules mean for you", "A guide to the season's outdoor concerts"]  # fmt: skip


def mega_menu():
    columns = []
    for section in SECTIONS:
        slug = section.lower().replace(" & ", "-").replace(" ", "-")
        links = "".join(
            f'<li class="nav-item"><a class="nav-link" href="/{slug}/{topic.lower().replace(" ", "-")}" '
            f'data-track="nav|{slug}|{index}">{topic}</a></li>'
            for index, topic in enumerate(TOPICS)
        )
        columns.append(
            f'<div class="nav-column"><h3 class="nav-heading"><a href="/{slug}">{section}</a></h3>'
            f'<ul class="nav-list">{links}</ul></div>'
        )
    return (
        '<header class="site-header" role="banner"><div class="header-top"><button class="menu-toggle" '
        'aria-label="Menu" aria-expanded="false"><svg width="24" height="24" viewBox="0 0 24 24"><path '
        'd="M3 6h18M3 12h18M3 18h18" stroke="currentColor"/></svg></button><a class="logo" href="/">'
        '<img src="/logo.svg" alt="Home" width="220" height="32"></a><a class="subscribe" '
        'href="/subscriptions">Subscribe</a><a class="login" href="/account">Log in</a></div>'
        f'<nav class="mega-menu" aria-label="Sections">{"".join(columns)}</nav></header>'
    )


def teaser_rail(title, count, start):
    items = []
    for index in range(count):
        headline = TEASERS[(start + index) % len(TEASERS)]
        section = SECTIONS[(start + index) % len(SECTIONS)]
        items.append(
            f'<li class="promo"><a class="promo-link" href="/{section.lower()}/story/{start + index}">'
            f'<img class="promo-image" src="/img/{start + index}.jpg" srcset="/img/{start + index}-400.jpg 400w, '
            f'/img/{start + index}-800.jpg 800w" alt="" loading="lazy"><span class="promo-section">{section}'
            f'</span><h3 class="promo-title">{headline}</h3></a><p class="promo-description">{headline}, and '
            f'what it means for readers in the region.</p><time class="promo-date">2 hours ago</time></li>'
        )
    heading = f'<h2 class="rail-title">{title}</h2>'
    return f'<section class="rail" aria-label="{title}">{heading}<ul>{"".join(items)}</ul></section>'


def inline_state(url):
    """The page's client state as a script (Next.js' __NEXT_DATA__, Arc's Fusion.globalContent…)."""
    state = {
        "page": url,
        "config": {
            "ads": [{"slot": f"ad-{n}", "sizes": [[300, 250], [728, 90]], "targeting": {"pos": n}} for n in range(40)]
        },  # fmt: skip
        "navigation": [{"name": s, "url": f"/{s.lower()}", "children": TOPICS} for s in SECTIONS],
        "promos": [{"headline": t, "url": f"/story/{n}", "image": f"/img/{n}.jpg"} for n, t in enumerate(TEASERS * 8)],
    }
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>'


HEAD_EXTRAS = (
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + "".join(f'<link rel="preload" as="font" href="/fonts/f{n}.woff2" crossorigin>' for n in range(8))
    + "<style>"
    + "".join(
        f".promo-{n}{{margin:{n % 7}px 0;padding:{n % 5}px;font:400 {12 + n % 6}px/1.4 Georgia,serif}}"
        f"@media (min-width:{600 + n}px){{.promo-{n}{{display:grid;grid-template-columns:1fr {n % 3 + 1}fr}}}}"
        for n in range(250)
    )
    + "</style>"
    + "".join(
        f"<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{'event':'tag{n}','id':'GTM-{n:04d}'}});</script>"
        for n in range(12)
    )
)
FOOTER = (
    '<div class="cookie-consent" role="dialog" aria-label="Privacy"><p>We use cookies and similar technologies '
    'to improve your experience. <a href="/privacy">Privacy policy</a></p><button>Accept</button><button>'
    'Manage choices</button></div><footer class="site-footer"><div class="footer-columns">'
    + "".join(
        f'<div class="footer-column"><h4>{section}</h4><ul>'
        + "".join(f'<li><a href="/{section.lower()}/{topic.lower()}">{topic}</a></li>' for topic in TOPICS[:10])
        + "</ul></div>"
        for section in SECTIONS
    )
    + '</div><p class="copyright">Copyright © 2022 | Terms of Service | Privacy Policy | Do Not Sell My Info</p>'
    "</footer>"
)


def dressed(html, url, copy):
    """The snapshot page with a publisher's chrome around its own markup."""
    rails = teaser_rail("Most Read", 12, copy) + teaser_rail("Latest", 20, copy + 5)
    html = html.replace("</head>", HEAD_EXTRAS + "</head>", 1)
    body_start = html.index(">", html.index("<body")) + 1
    html = html[:body_start] + mega_menu() + html[body_start:]
    return html.replace("</body>", rails + inline_state(url) + FOOTER + "</body>", 1)


def moved(html, url, copy):
    """The page as copy `copy`: its site's name changed in every address it names."""
    if copy == 0:
        return html, url
    site = site_of(url)
    name, _, suffix = site.partition(".")
    other = f"{name}-{copy}.{suffix}"
    return html.replace(site, other), url.replace(site, other)


def article_recordings():
    """(address, file name) of the snapshot's article pages that have a known text."""
    recordings = yaml.safe_load((SNAPSHOT / "recordings.yml").read_text(encoding="utf-8"))
    return [(r["url"], r["file"]) for r in recordings if r["file"] in TRUTH]


def write_pages(folder, copies):
    """Write copies x the snapshot's article pages into folder; returns [(file path, expected text)]
    in crawl order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for copy in range(copies):
        for url, name in article_recordings():
            html, page_url = moved((SNAPSHOT / name).read_text(encoding="utf-8"), url, copy)
            path = folder / f"{copy:03d}-{name}"
            path.write_text(dressed(html, page_url, copy), encoding="utf-8")
            pages.append((path, TRUTH[name]))
    return pages
