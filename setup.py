# Only for `scrapyd-deploy`, which packages the project as an egg.
from setuptools import find_packages, setup

setup(
    name="recallwatch",
    version="0.1",
    packages=find_packages(include=["crawlers*", "pipelines*", "recallwatch*"]),
    py_modules=["settings"],
    package_data={"": ["*.yml"]},
    entry_points={"scrapy": ["settings = settings"]},
)
