"""Limits on what a zip may expand to, checked before anything is extracted.

A bulk export arrives as a zip (CAL-ACCESS's dbwebexport.zip, NetFile's efile_*.zip holding an
.xlsx, itself a zip). A "zip bomb" — a small archive that expands to gigabytes — would fill the
disk or the memory of the crawl. Each member's declared size is checked against
EXPORT_MAX_UNCOMPRESSED_BYTES (all members together) and EXPORT_MAX_RATIO (uncompressed /
compressed, for a member over 1 MB); Python's zipfile then never returns more than the declared
size of a member (a member that lies about it fails its check), so the declared sizes bound what
is read. An archive over a limit raises ArchiveTooLarge: the document is rejected with the reason
and nothing from it is stored.
"""

import zipfile
from dataclasses import dataclass

SMALL_MEMBER = 1 << 20  # a member this small is never a danger, whatever its ratio


class ArchiveTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int = 32 * 1024**3
    max_ratio: float = 200.0

    @classmethod
    def from_settings(cls, settings):
        return cls(
            max_bytes=settings.getint("EXPORT_MAX_UNCOMPRESSED_BYTES", cls.max_bytes),
            max_ratio=settings.getfloat("EXPORT_MAX_RATIO", cls.max_ratio),
        )


def check_archive(archive, limits):
    """Raise ArchiveTooLarge when the zip would expand past a limit."""
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > limits.max_bytes:
        raise ArchiveTooLarge(
            f"the archive would expand to {total:,} bytes, over the limit of {limits.max_bytes:,} "
            "(EXPORT_MAX_UNCOMPRESSED_BYTES)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > SMALL_MEMBER and ratio > limits.max_ratio:
            raise ArchiveTooLarge(
                f"{member.filename} would expand {ratio:,.0f} times ({member.compress_size:,} bytes to "
                f"{member.file_size:,}), over the limit of {limits.max_ratio:g} (EXPORT_MAX_RATIO): a zip bomb"
            )


def open_zip(source, limits):
    """zipfile.ZipFile(source), checked against the limits."""
    archive = zipfile.ZipFile(source)
    try:
        check_archive(archive, limits)
    except ArchiveTooLarge:
        archive.close()
        raise
    return archive
