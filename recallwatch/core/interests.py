"""Who the money is: the interest class of a giver, from what the filings carry.

A giver is classified by, in this order (the first rule that decides wins, and names itself):
1. the curated file `data/interests.yml` (named committees and people, with a source each; a
   reporter's correction goes there and wins over every rule);
2. words of an organisation's name (law enforcement first: a police union is not counted as labor);
3. the kind of giver the filing says (CAL entity code PTY = party, IND = individual, a committee
   code, Illinois D-2 part 2A transfers, Pennsylvania sections IA/IC, Philadelphia donor_type);
4. a legal form in the name (Inc., LLC: business) and, for a person, employer and occupation.

Name words are matched on whole words, accent- and case-insensitively (`ids.fold`): "Union Bank"
is not a union, "Sheriff" as a person's surname is not a sheriffs' association (a person is never
classified by the words of their own name).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml
from cleanco import basename
from cleanco.clean import prepare_default_terms

from recallwatch.core.ids import fold

LAW_ENFORCEMENT = "law enforcement"
LABOR = "labor"
PARTY = "party"
CANDIDATE = "candidate"
IDEOLOGICAL = "ideological"
BUSINESS = "business"
INDIVIDUAL = "individual"
UNKNOWN = "unknown"
CLASSES = (LAW_ENFORCEMENT, LABOR, PARTY, CANDIDATE, IDEOLOGICAL, BUSINESS, INDIVIDUAL, UNKNOWN)


@dataclass(frozen=True)
class Interest:
    interest: str
    sector: str | None
    rule: str
    confidence: float

    def columns(self):
        return {
            "interest": self.interest,
            "sector": self.sector,
            "interest_rule": self.rule,
            "interest_confidence": self.confidence,
        }


@dataclass(frozen=True)
class Giver:
    """What the filings say about a giver (the donor's largest contribution row)."""

    name: str
    entity_code: str | None = None  # CAL code: IND, COM, OTH, PTY, SCC
    entity_code_raw: str | None = None  # as filed, when not a CAL code (Philadelphia donor_type)
    schedule: str | None = None  # CAL schedule, Illinois D2Part, Pennsylvania section
    employer: str | None = None
    occupation: str | None = None
    kind: str | None = None  # donors.kind: person / organization
    committee_id: str | None = None  # the giver's own committee id, when the filing gives it


NOT_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=200_000)
def words(text):
    """'Peace Officers' Ass'n, Inc.' -> ' peace officers ass n inc ' (folded, padded: whole words)."""
    text = text or ""
    folded = text.lower() if text.isascii() else fold(text)  # the same for ASCII, without the per-letter pass
    return " " + " ".join(NOT_WORD.sub(" ", folded).split()) + " "


def phrases(*listed):
    """One pattern matching any of the phrases as whole words of `words()` text."""
    alternatives = "|".join(sorted({re.escape(" ".join(words(p).split())) for p in listed}, key=len, reverse=True))
    return re.compile(rf" (?:{alternatives}) ")


# --- name words of organisations -------------------------------------------------------------

LAW_ENFORCEMENT_NAMES = phrases(
    "police", "policemen", "policemens", "peace officers", "peace officer", "deputy sheriffs", "deputy sheriff",
    "deputies", "sheriffs", "sheriff", "correctional officers", "correctional peace officers", "corrections officers",
    "correctional", "probation officers", "probation", "fraternal order of police", "fop", "pba",
    "alads", "ccpoa", "porac", "troopers", "state troopers", "highway patrol", "chp", "district attorneys",
    "deputy district attorneys", "prosecutors", "prosecuting attorneys", "law enforcement", "marshals",
    "detectives", "sergeants", "lieutenants", "narcotic officers", "police protective league", "patrolmen",
)  # fmt: skip
# Initials that are also other things' (DSA: Democratic Socialists of America; POA: property owners'
# association): law enforcement, but less sure
LAW_ENFORCEMENT_INITIALS = phrases("dsa", "poa")
# DSA is also the Democratic Socialists of America; POA a property owners' association
NOT_LAW_ENFORCEMENT = phrases("socialists", "socialist", "property owners", "police accountability", "police reform")
LABOR_NAMES = phrases(
    "union", "unions", "local union", "workers", "teamsters", "seiu", "afscme", "ufcw", "ibew", "afl cio", "aflcio",
    "cwa", "uaw", "unite here", "brotherhood", "federation of teachers", "teachers association", "educators",
    "nurses association", "california nurses", "building trades", "building and construction trades", "laborers",
    "carpenters", "electrical workers", "firefighters", "fire fighters", "district council", "trades council",
    "labor council", "employees association", "employees assn", "employees assoc", "school employees",
    "classified employees", "nurses", "employees union", "employees international", "pipefitters",
    "plumbers", "steamfitters",
    "ironworkers", "iron workers", "operating engineers", "sheet metal", "painters", "bricklayers", "machinists",
    "longshore", "ilwu", "aft", "cta", "nea", "afge", "uft", "opeiu", "iatse", "sag aftra", "boilermakers",
    "glaziers", "elevator constructors", "sprinkler fitters", "roofers", "cement masons", "insulators",
    "labor", "labour", "guild", "seafarers", "transit union", "atu", "twu", "ufw", "united farm workers",
    "united auto workers", "stagehands", "trowel trades", "organized labor",
)  # fmt: skip
LOCAL_NUMBER = re.compile(r" (?:local|lodge|council|district|division) (?:no |number |# )?\d+ ")
# A name filed under a person's code that is an organisation's: checked by its words, not as a person
ORGANIZATION_WORDS = phrases(
    "pac", "committee", "association", "assn", "assoc", "union", "party", "council", "fund", "league", "lodge",
    "coalition", "corporation", "company", "federation", "brotherhood", "local", "club", "foundation",
)  # fmt: skip
# Words that make a "union"/"local"/"employees" name a business instead
NOT_LABOR = phrases("credit union", "union bank", "union pacific", "western union", "union square", "union station")
PARTY_NAMES = phrases(
    "democratic party", "republican party", "green party", "libertarian party", "peace and freedom party",
    "democratic central committee", "republican central committee", "democratic county central committee",
    "republican county central committee", "democratic state central committee", "republican state committee",
    "democratic state committee", "democratic executive committee", "republican executive committee",
    "democratic city committee", "republican city committee", "democratic campaign committee",
    "democratic county committee", "republican county committee", "democratic ward", "republican ward",
    "ward democratic", "ward republican", "democratic club", "republican club", "young democrats",
    "young republicans", "democrats", "republicans", "gop", "dnc", "rnc", "dccc", "nrcc", "dscc", "nrsc",
    "democratic committee", "republican committee", "federation of republican women", "democratic women",
    "republican women", "democratic", "republican", "democrat", "libertarian party", "american independent party",
)  # fmt: skip
# Party words in the name of a group that is no party committee
NOT_PARTY = phrases("moderate", "moderates", "democratic socialists", "socialists")
# A slate mailer (a business) run by a party or a club
PARTY_RUN = phrases("party", "club", "central committee", "young republicans", "young democrats")
# A ward organisation ("59th Democratic Ward", "Friends of the 21st Ward", "61st Ward PAC")
WARD = re.compile(r" (?:\d+(?:st|nd|rd|th)?|eleventh|twelfth) ward ")
# A union's committee known by its initials (Teamsters' D.R.I.V.E., a union's C.O.P.E.)
LABOR_INITIALS = phrases("d r i v e", "drive committee", "cope", "c o p e", "ibt", "empls", "1199c", "1199")
OFFICE_WORDS = (
    "assembly", "senate", "state senate", "congress", "council", "city council", "supervisor", "supervisors",
    "mayor", "governor", "lieutenant governor", "lt governor", "attorney general", "district attorney", "da", "d a",
    "state s attorney", "states attorney", "sheriff", "judge", "superior court judge", "school board",
    "controller", "treasurer", "secretary of state", "insurance commissioner", "assessor", "city attorney",
    "auditor", "clerk", "commissioner", "representative", "state representative", "alderman", "ward",
    "legislature", "president", "senator", "assemblymember", "assemblyman", "assemblywoman", "councilmember",
    "county executive", "comptroller", "superintendent", "trustee", "community college", "register of wills",
    "common pleas", "office", "city commissioner", "state house", "rent board", "central committee",
    "county central committee", "democratic county central committee",
)  # fmt: skip
CANDIDATE_NAMES = re.compile(
    r" (?:(?:re )?elect|committee to (?:re )?elect|friends (?:of|for) (?!the |\d)\w+|citizens to elect"
    r"|friends of the (?:sheriff|mayor|governor|district attorney|da|judge)"
    r"|officeholder|for (?:\w+ ){0,2}(?:"
    + "|".join(re.escape(w) for w in sorted(OFFICE_WORDS, key=len, reverse=True))
    + r")) "
)
# A candidate's committee named by a year ("Nutter 2007", "Donatucci 2007 Committee", "Frank Rizzo '11")
YEAR_NAME = re.compile(r" (?:19|20)?\d\d (?:committee )?$")
# Ballot measure committees and coalitions: they may name parties or unions they are not
BALLOT_MEASURE_NAMES = phrases("yes on", "no on", "vote yes", "vote no", "bipartisan", "coalition of", "ballot measure")
GOVERNMENT_NAMES = phrases(
    "city of", "county of", "state of california", "postal service", "department of", "school district",
    "board of equalization", "franchise tax board", "internal revenue service",
)  # fmt: skip
IDEOLOGICAL_NAMES = phrases(
    "action fund", "coalition", "moderate", "democratic socialists", "alliance", "citizens for", "californians for",
    "taxpayers", "taxpayer", "victims", "crime victims", "safety", "public safety", "justice", "reform",
    "league", "planned parenthood", "aclu", "civil liberties", "sierra club", "nra", "rifle", "gun owners",
    "right to life", "pro life", "pro choice", "naral", "emily s list", "conservation voters", "environment",
    "environmental", "climate", "progressive", "progressives", "conservative", "conservatives", "liberty",
    "freedom", "families", "parents", "moms", "mothers", "neighbors", "residents", "voters", "accountability",
    "recall", "no on", "yes on", "vote no", "vote yes", "committee for", "committee against", "save",
    "defend", "protect", "working families", "move on", "moveon", "indivisible", "black lives", "color of change",
    "real justice", "fairshake", "fund for", "foundation", "institute", "network", "project", "forward",
    "people for", "citizens united", "club for growth", "americans for", "democracy", "civic", "ideas",
    "howard jarvis", "sunrise", "open society", "security", "tenants", "housing", "homeless",
)  # fmt: skip
# Trade associations and chambers: business, with a sector where the name says
BUSINESS_NAMES = phrases(
    "chamber of commerce", "chamber", "realtors", "association of realtors", "apartment association",
    "building industry", "business", "businesses", "industry", "manufacturers", "retailers", "merchants",
    "bankers", "corporation", "corp", "company", "co", "inc", "incorporated", "llc", "llp", "lp", "ltd", "pc",
    "enterprises", "holdings", "group", "partners", "associates", "ventures", "capital", "properties",
    "development", "management", "services", "bank", "credit union", "insurance", "pac of", "industries",
    "international", "technologies", "pharmaceutical", "pharmaceuticals", "hospital", "medical", "restaurant",
    "hotel", "hotels", "energy", "oil", "gas", "utilities", "electric", "edison", "pg e", "comcast", "verizon",
    "at t", "uber", "lyft", "airbnb", "doordash", "google", "facebook", "meta", "microsoft", "apple",
    "chevron", "exxon", "kaiser", "law office", "law offices", "law group", "law firm", "attorneys at law",
    "pharmacists", "psychiatric", "physicians", "operators", "dealers", "growers", "contractors", "builders",
    "farms", "farm", "winery", "casino", "railroad",
)  # fmt: skip
# A trade or professional association, once unions, police and parties are ruled out
ASSOCIATION = phrases("association", "assn", "assoc", "league", "federation", "council")
SECTOR_NAMES = (
    ("real estate", phrases(
        "realty", "realtors", "realtor", "real estate", "properties", "property", "apartment", "apartments",
        "homes", "housing", "land", "building industry", "development", "developers", "developer", "estates",
        "residential", "rental", "landlords", "mortgage", "title company", "escrow",
    )),
    ("finance", phrases(
        "bank", "bancorp", "bankers", "credit union", "capital", "financial", "finance", "investments",
        "investment", "investors", "securities", "asset management", "equity", "fund management", "trust company",
        "wealth", "advisors", "hedge", "venture", "ventures", "goldman", "morgan", "wells fargo", "jpmorgan",
    )),
    ("insurance", phrases("insurance", "insurers", "underwriters", "farmers", "state farm", "allstate")),
    ("tech", phrases(
        "technologies", "technology", "tech", "software", "systems", "digital", "data", "computer", "computers",
        "internet", "networks", "google", "facebook", "meta", "microsoft", "apple", "uber", "lyft", "airbnb",
        "doordash", "netflix", "salesforce", "oracle", "intel", "semiconductor", "labs", "online",
    )),
    ("law", phrases(
        "law", "legal", "attorneys", "attorney", "lawyers", "llp", "esq", "law office", "law offices", "law group",
        "law firm", "trial lawyers", "consumer attorneys", "cozen",
    )),
    ("health", phrases(
        "health", "healthcare", "medical", "hospital", "hospitals", "clinic", "pharmacy", "pharmaceutical",
        "pharmaceuticals", "dental", "physicians", "doctors", "kaiser", "care", "biotech", "medicine", "pharmacists",
    "psychiatric", "eyecare", "surgery", "dermatology", "anesthetist", "anesthetists", "osteopathic",
    )),
    ("energy", phrases(
        "energy", "oil", "gas", "petroleum", "chevron", "exxon", "utilities", "utility", "electric", "edison",
        "pg e", "power", "solar", "peco",
    )),
    ("construction", phrases(
        "construction", "contractors", "contractor", "builders", "engineering", "paving", "concrete", "roofing",
        "plumbing", "electrical", "architects", "architecture",
    )),
    ("hospitality", phrases("hotel", "hotels", "restaurant", "restaurants", "hospitality", "catering", "cafe")),
    ("telecom", phrases("comcast", "verizon", "at t", "telecommunications", "cable", "wireless", "communications")),
    ("cannabis", phrases("cannabis", "marijuana", "dispensary", "collective")),
    ("transport", phrases(
        "transportation", "trucking", "airlines", "airport", "taxi", "towing", "parking", "railroad", "railway",
        "transit", "logistics", "freight",
    )),
    ("retail", phrases("retail", "retailers", "store", "stores", "market", "markets", "grocers", "grocery")),
    ("media", phrases("media", "news", "publishing", "entertainment", "studios", "productions", "film")),
)  # fmt: skip

# --- occupations of individuals ------------------------------------------------------------

OCCUPATION_SECTORS = (
    ("law enforcement", phrases(
        "police", "police officer", "sheriff", "deputy sheriff", "peace officer", "correctional officer",
        "corrections officer", "probation officer", "detective", "police sergeant", "trooper",
        "law enforcement", "prosecutor", "district attorney", "deputy district attorney",
    )),
    ("law", phrases("attorney", "lawyer", "legal", "counsel", "paralegal", "judge", "law", "esq", "partner attorney")),
    ("real estate", phrases(
        "real estate", "realtor", "broker", "developer", "real estate developer", "property manager",
        "property management", "landlord", "investor real estate", "builder", "real estate investor",
    )),
    ("finance", phrases(
        "banker", "finance", "financial", "investor", "investment", "investments", "venture capitalist",
        "venture capital", "private equity", "hedge fund", "portfolio manager", "fund manager", "trader",
        "accountant", "cpa", "financial advisor", "economist", "insurance",
    )),
    ("tech", phrases(
        "software", "software engineer", "programmer", "software developer", "product manager",
        "data scientist", "technology", "tech", "computer", "web developer",
    )),
    ("engineering", phrases("engineer", "engineering", "architect")),
    ("transport", phrases("trucking", "truck driver", "driver", "transportation", "logistics")),
    ("health", phrases(
        "physician", "doctor", "md", "nurse", "rn", "dentist", "pharmacist", "therapist", "psychologist",
        "psychiatrist", "surgeon", "medical", "health", "healthcare", "veterinarian", "chiropractor",
    )),
    ("education", phrases(
        "teacher", "professor", "educator", "lecturer", "principal", "librarian", "researcher", "scientist",
        "academic", "instructor",
    )),
    ("government", phrases(
        "public servant", "civil servant", "government", "elected official", "legislator", "council member",
        "city council", "mayor", "public official", "public administrator",
    )),
    ("business", phrases(
        "ceo", "executive", "owner", "business owner", "president", "manager", "consultant", "entrepreneur",
        "businessman", "businesswoman", "sales", "marketing", "self employed", "founder",
    )),
    ("retired", phrases("retired", "retiree")),
    ("not employed", phrases("not employed", "unemployed", "homemaker", "student")),
)  # fmt: skip

# --- codes of the kind of giver -----------------------------------------------------------

COMMITTEE_CODES = {"COM", "SCC"}
PERSON_CODES = {"IND"}
# Illinois D-2 part 2A (transfers in), Pennsylvania sections IA and IC: the giver is a committee
COMMITTEE_SCHEDULES = {"2A", "IA", "IC"}
# Philadelphia's donor_type (Carto campfin_contributions), folded
RAW_CODES = {
    "individual": ("IND", None),
    "not specified": (None, None),
    # CAL cover-page codes: candidate-controlled, candidate/officeholder, ballot measure committee
    "ctl": ("COM", CANDIDATE),
    "cao": ("COM", CANDIDATE),
    "bnm": ("COM", IDEOLOGICAL),
    "bmc": ("COM", IDEOLOGICAL),
    "smo": ("OTH", BUSINESS),  # slate mailer organisation: a business selling places on a mailer
    "pac": ("COM", None),
    "other pac": ("COM", None),
    "political committee": ("COM", None),
    "committee": ("COM", None),
    "candidate committee": ("COM", CANDIDATE),
    "candidate": ("COM", CANDIDATE),
    "party": ("PTY", PARTY),
    "party committee": ("PTY", PARTY),
    "union": ("COM", LABOR),
    "labor union": ("COM", LABOR),
    "business": ("OTH", BUSINESS),
    "corporation": ("OTH", BUSINESS),
}


def sector_of(name_words, table):
    for sector, pattern in table:
        if pattern.search(name_words):
            return sector
    return None


# The last words of cleanco's legal forms: a name ending otherwise has none (a set lookup saves
# cleanco's ~0.15 ms a name on the hundreds of thousands of donors that are people)
LEGAL_FORM_ENDINGS = frozenset(term[-1] for _, term in prepare_default_terms())


@lru_cache(maxsize=200_000)
def has_legal_form(name):
    last = words(name).split()[-1:]
    if not last or last[0] not in LEGAL_FORM_ENDINGS:
        return False
    return words(basename(name)) != words(name)


def giver_code(giver):
    """(CAL-like code, class the code alone says or None) of a giver, across the sources' codes."""
    raw = fold(giver.entity_code_raw or "").strip()
    if raw in RAW_CODES and RAW_CODES[raw][0] is not None:
        return RAW_CODES[raw]
    if raw in RAW_CODES:  # "Not Specified": the name decides
        name = giver.name or ""
        return ("OTH" if has_legal_form(name) or ORGANIZATION_WORDS.search(words(name)) else "IND"), None
    schedule = (giver.schedule or "").strip().upper()
    if schedule in COMMITTEE_SCHEDULES or (giver.entity_code_raw or "").strip().upper() in COMMITTEE_SCHEDULES:
        return "COM", None
    code = (giver.entity_code or "").strip().upper()
    if code == "PTY":
        return code, PARTY
    if code:
        return code, None
    if giver.kind == "person":
        return "IND", None
    return ("OTH" if giver.kind == "organization" else None), None


def by_name_words(name_words):
    """The class an organisation's own name says, or None."""
    if CANDIDATE_NAMES.search(name_words):
        return Interest(CANDIDATE, None, "name_candidate", 0.8)
    if LAW_ENFORCEMENT_NAMES.search(name_words) and not NOT_LAW_ENFORCEMENT.search(name_words):
        return Interest(LAW_ENFORCEMENT, LAW_ENFORCEMENT, "name_law_enforcement", 0.9)
    if LAW_ENFORCEMENT_INITIALS.search(name_words) and not NOT_LAW_ENFORCEMENT.search(name_words):
        return Interest(LAW_ENFORCEMENT, LAW_ENFORCEMENT, "name_law_enforcement_initials", 0.6)
    if BALLOT_MEASURE_NAMES.search(name_words):
        return Interest(IDEOLOGICAL, None, "name_ballot_measure", 0.7)
    if LABOR_INITIALS.search(name_words):
        return Interest(LABOR, None, "name_labor_initials", 0.7)
    if (PARTY_NAMES.search(name_words) or WARD.search(name_words)) and not NOT_PARTY.search(name_words):
        return Interest(PARTY, None, "name_party", 0.9)
    if (LABOR_NAMES.search(name_words) or LOCAL_NUMBER.search(name_words)) and not NOT_LABOR.search(name_words):
        return Interest(LABOR, None, "name_labor", 0.85)
    if GOVERNMENT_NAMES.search(name_words):
        return Interest(UNKNOWN, "government", "name_government", 0.5)
    if BUSINESS_NAMES.search(name_words):
        return Interest(BUSINESS, sector_of(name_words, SECTOR_NAMES), "name_business", 0.8)
    if YEAR_NAME.search(name_words) and not IDEOLOGICAL_NAMES.search(name_words):
        return Interest(CANDIDATE, None, "name_candidate_year", 0.6)
    if IDEOLOGICAL_NAMES.search(name_words):
        return Interest(IDEOLOGICAL, None, "name_ideological", 0.7)
    if ASSOCIATION.search(name_words):
        return Interest(BUSINESS, sector_of(name_words, SECTOR_NAMES), "name_association", 0.6)
    return None


def individual(giver, confidence):
    sector = sector_of(words(giver.occupation), OCCUPATION_SECTORS) or sector_of(words(giver.employer), SECTOR_NAMES)
    return Interest(INDIVIDUAL, sector, "individual", confidence)


# What a person's name may say of itself when no code says it is a person: only these classes (a
# person named Sheriff, Police or Union is still a person)
SELF_NAMING = (CANDIDATE, PARTY)
# "NEEDHAM, RICHARD" with an occupation: a person whatever code the filer chose
PERSON_NAME = re.compile(r"^[^\W\d_][\w'. -]*, [^\W\d_][\w'. -]*$")


def classify(giver, curated=None):
    """The Interest of a Giver; `curated` is an `Interests` (data/interests.yml), checked first."""
    if curated is not None:
        found = curated.find(giver)
        if found is not None:
            return found
    code, said = giver_code(giver)
    name_words = words(giver.name)
    is_organization = bool(ORGANIZATION_WORDS.search(name_words)) or has_legal_form(giver.name)
    filed_as_person = (giver.entity_code or "").upper() == "IND"
    if code in PERSON_CODES and not is_organization and filed_as_person:
        return individual(giver, 0.95)  # most donors: no name rule runs
    found = by_name_words(name_words)
    if code in PERSON_CODES and not is_organization:
        if found is not None and found.interest in SELF_NAMING:
            return found
        return individual(giver, 0.8)
    if said is not None:
        if found is not None and found.interest == LAW_ENFORCEMENT:
            return found  # a police union a source files as "Union" or "PAC" is law enforcement
        if found is not None and found.interest == PARTY and (said != BUSINESS or PARTY_RUN.search(name_words)):
            return found  # a party's slate mailer is the party's; a commercial one only borrows its name
        if found is not None and found.interest == said:
            return Interest(said, found.sector, "source_type", 0.95)
        sector = sector_of(name_words, SECTOR_NAMES) if said == BUSINESS else None
        return Interest(said, sector, "source_type", 0.9)
    if found is not None:
        return found
    if has_legal_form(giver.name):
        return Interest(BUSINESS, sector_of(name_words, SECTOR_NAMES), "legal_form", 0.8)
    if code == "OTH" and giver.occupation and PERSON_NAME.match((giver.name or "").strip()):
        return individual(giver, 0.6)
    if code in COMMITTEE_CODES:
        # a committee whose name says nothing ("PAC State", "Genesis IV"): who it is needs a look
        return Interest(UNKNOWN, None, "committee_other", 0.0)
    if code == "OTH":
        return Interest(BUSINESS, sector_of(name_words, SECTOR_NAMES), "other_organization", 0.6)
    if code in PERSON_CODES:
        return individual(giver, 0.5)  # a person's code, an organisation's word, nothing else
    return Interest(UNKNOWN, None, "no_signal", 0.0)


class Interests:
    """The curated givers of data/interests.yml: each with names (and aliases), optional committee
    ids, class, sector and a source URL. A reporter's correction is one more entry."""

    def __init__(self, entries=()):
        self.entries = list(entries)
        self.by_name = {}
        self.by_committee_id = {}
        for entry in self.entries:
            interest = Interest(entry["interest"], entry.get("sector"), f"curated:{entry['id']}", 1.0)
            for name in [entry["name"], *entry.get("aliases", [])]:
                self.by_name[words(name)] = interest
            for committee_id in entry.get("committee_ids", []):
                self.by_committee_id[str(committee_id)] = interest

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        entries = data.get("givers") or []
        for entry in entries:
            if entry.get("interest") not in CLASSES:
                raise ValueError(f"{path}: {entry.get('id')}: interest must be one of {', '.join(CLASSES)}")
            if not entry.get("source"):
                raise ValueError(f"{path}: {entry.get('id')}: every entry needs a source URL")
        return cls(entries)

    def find(self, giver):
        if giver.committee_id and str(giver.committee_id) in self.by_committee_id:
            return self.by_committee_id[str(giver.committee_id)]
        return self.by_name.get(words(giver.name))
