"""The Pennsylvania Department of State campaign-finance file layout, shared by the state's yearly
export (filings_pennsylvania) and the City of Philadelphia's legacy per-filing e-filing files
(filings_philadelphia), which are the same five-file set without a header.

See ../shared/samples/FIELDS-wave2.md §2 and §3.2. Column names are upper-cased: the 2025 headers
spell them inconsistently (`FilerID`, `Section`, `CampaignfinanceID`), so headers are matched
case-insensitively by `columns_of`.
"""

# The five files of a filing set, by the name their member or file starts with
FILE_KINDS = ("filer", "contrib", "expense", "receipt", "debt")

# Legacy layout (years before about 2022, and the Philadelphia e-filing files): no header row.
LEGACY_COLUMNS = {
    "contrib": (
        "FILERID", "EYEAR", "CYCLE", "SECTION", "CONTRIBUTOR", "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE",
        "OCCUPATION", "ENAME", "EADDRESS1", "EADDRESS2", "ECITY", "ESTATE", "EZIPCODE", "CONTDATE1", "CONTAMT1",
        "CONTDATE2", "CONTAMT2", "CONTDATE3", "CONTAMT3", "CONTDESC",
    ),
    "filer": (
        "FILERID", "EYEAR", "CYCLE", "AMMEND", "TERMINATE", "FILERTYPE", "FILERNAME", "OFFICE", "DISTRICT", "PARTY",
        "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE", "COUNTY", "PHONE", "BEGINNING", "MONETARY", "INKIND",
    ),
    "expense": (
        "FILERID", "EYEAR", "CYCLE", "EXPNAME", "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE", "EXPDATE",
        "EXPAMT", "EXPDESC",
    ),
    "debt": (
        "FILERID", "EYEAR", "CYCLE", "DBTNAME", "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE", "DBTDATE",
        "DBTAMT", "DBTDESC",
    ),
    "receipt": (
        "FILERID", "EYEAR", "CYCLE", "RECNAME", "ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIPCODE", "RECDESC",
        "RECDATE", "RECAMT",
    ),
}  # fmt: skip

# Schedule I sections of a contribution row (form DSEB-502)
SECTIONS = {
    "IA": "from political committees, $50.01 to $250",
    "IB": "all other contributions, $50.01 to $250",
    "IC": "from political committees, over $250",
    "ID": "all other contributions, over $250",
    "IIF": "in-kind, $50.01 to $250",
    "IIG": "in-kind, over $250",
}
COMMITTEE_SECTIONS = ("IA", "IC")  # the giver is a political committee
IN_KIND_SECTIONS = ("IIF", "IIG")

# CYCLE codes: which report of the election year (EYEAR) a filing is
CYCLES = {
    "1": "6th Tuesday Pre-Primary",
    "2": "2nd Friday Pre-Primary",
    "3": "30-day Post-Primary",
    "4": "6th Tuesday Pre-Election",
    "5": "2nd Friday Pre-Election",
    "6": "30-day Post-Election",
    "7": "Annual",
    "8": "2nd Friday Pre-Special",
    "9": "30-day Post-Special",
    "10": "24-hour report, pre-primary",
    "11": "24-hour report, pre-election",
    "12": "24-hour report, pre-special",
}

# FILERTYPE codes (3 is seen but undocumented: probably a lobbyist)
FILER_TYPES = {"1": "candidate", "2": "committee", "3": "other (undocumented code 3)"}


def columns_of(kind, header=None):
    """The column names of a file: from its header row (upper-cased) when it has one, else the
    legacy layout's."""
    if header:
        return tuple(name.strip().upper() for name in header)
    return LEGACY_COLUMNS[kind]


def has_header(kind, first_row):
    """Whether a file's first row is a header: it names the filer id column instead of holding one."""
    return any(value.strip().upper() == "FILERID" for value in first_row)


def file_kind(name):
    """'contrib_2025.txt' / 'contrib.txt' / 'May 2024 ECF Contribution.txt' -> 'contrib'."""
    lowered = name.rsplit("/", 1)[-1].lower()
    for kind in FILE_KINDS:
        if lowered.startswith(kind) or f" {kind}" in lowered:
            return kind
    return None


# OFFICE codes (3 letters) of a candidate's filing, in words: the watchlist matches the words
# ("District Attorney") against a campaign's office_words. From the DOS code table as published in
# influence-usa/campaign-finance_state_PA ref/field_codes.json ("PH2": District Attorney, City of
# Philadelphia). A code not listed here is passed on as written.
OFFICES = {
    "GOV": "Governor",
    "LTG": "Lieutenant Governor",
    "ATT": "Attorney General",
    "AUD": "Auditor General",
    "TRE": "State Treasurer",
    "SPM": "Justice of the Supreme Court",
    "SPR": "Judge of the Superior Court",
    "CCJ": "Judge of the Commonwealth Court",
    "STS": "Senator in the General Assembly",
    "STH": "Representative in the General Assembly",
    "CPJ": "Judge of the Court of Common Pleas",
    "MCJ": "Judge of the Municipal Court",
    "TCJ": "Judge of the Traffic Court",
    "PH1": "Mayor, City of Philadelphia",
    "PH2": "District Attorney, City of Philadelphia",
    "PH3": "City Controller, City of Philadelphia",
    "PH4": "City Council Member, City of Philadelphia",
    "PH5": "City Commissioner, City of Philadelphia",
    "PH6": "Register of Wills, City of Philadelphia",
    "PH7": "Clerk of Quarter Sessions, City of Philadelphia",
}
DISTRICT_ATTORNEY_OFFICES = ("PH2",)

# Which election a report of each CYCLE is about, and a day that falls in that election's
# campaign (month-day of EYEAR): a report is tied to the campaign of the election it reports on,
# not to the day it was filed (a 30-day post-primary report is filed after the primary). April 1
# comes before every Pennsylvania primary (late April to early June), October 1 before every
# general election.
CYCLE_ELECTIONS = {
    "1": "primary", "2": "primary", "3": "primary", "10": "primary",
    "4": "general", "5": "general", "6": "general", "11": "general",
    "7": "annual",
    "8": "special", "9": "special", "12": "special",
}  # fmt: skip
ELECTION_DAYS = {"primary": "04-01", "general": "10-01", "annual": "12-31"}
# 24-hour reports (cycles 10-12): the contributions of the last days before an election, listed
# again on the next regular report of the same election (cycle 2 -> 3, 5 -> 6, 8 -> 9)
TWENTY_FOUR_HOUR_CYCLES = ("10", "11", "12")


def office_words(code):
    """'PH2' -> 'District Attorney, City of Philadelphia'; an unknown code as written; None for a blank."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return OFFICES.get(code, code)


def cycle_name(cycle):
    """'2' -> '2nd Friday Pre-Primary'; an unknown code -> 'cycle <code>'."""
    code = (cycle or "").strip()
    return CYCLES.get(code, f"cycle {code}")


def election_day(eyear, cycle):
    """A day in the campaign of the election a report is about ('2021', '3' -> '2021-04-01'), or
    None (a special election's date is not in the file, nor a year that is not one)."""
    day = ELECTION_DAYS.get(CYCLE_ELECTIONS.get((cycle or "").strip()))
    year = (eyear or "").strip()
    if day is None or not (len(year) == 4 and year.isdigit()):
        return None
    return f"{year}-{day}"
