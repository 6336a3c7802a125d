"""The signature counts of a recall petition, read from the plain text of a registrar's release.

Registrars word the same figures in many ways ("520,050 signatures were found to be valid",
"the petition required 566,857 valid signatures", "Valid signatures in sample: 3,702", "715833
signatures were submitted"), so a figure is recognised by the words right around its number in
the same clause, never by where it sits in the page. Numbers that are not counts of signatures
(dates, code sections, percentages, vote totals, thresholds in a conditional sentence) are set
aside first.

A role word may also stand away from its number, across a verb, a pronoun or a prepositional
phrase ("the valid signatures in the 10th report total 1,626,042", "1,626,042, or 80% of
signatures, have been deemed valid", "needed to get valid signatures from at least 175 registered
voters"). Such a loose reading is kept only when the clause holds one role; when it holds two, the
arithmetic (valid + invalid = examined, required - valid = shortfall, sample <= raw count) chooses,
and a loose reading the arithmetic contradicts is dropped. A wrong figure is worse than a missing
one: when the text gives two different values for one figure (two petitions, a state and its
counties), or figures without role words (a table), the report says why in `unsure` and keeps no
figure that could belong to another petition.

`read_petition_report(text)` is the entry point: it returns None when the text reports on no
recall petition, else a `PetitionReport` with the stage, the stated figures (each with the
sentence it came from), the figures derived from them by arithmetic (`derived`, never mixed with
the stated ones), the invalid-signature breakdown, the arithmetic problems found (each naming both
numbers) and the reasons the reading is unsure.

The arithmetic follows California law: Elections Code §11225 (a random sample of at least 500 or
5% of the signatures; above 110% of the required number projected valid the petition is
sufficient, below 90% insufficient, in between every signature is examined) and 2 CCR §20530
(projection = raw count x the sample's valid rate, as a percentage to two decimals, rounded up).
The duplicate correction of 2 CCR §20532 is not applied: releases rarely give the sample's
duplicates, so a stated projection may be slightly lower than ours (see PROJECTION_TOLERANCE).
"""

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from recallwatch.core.ids import fold

STAGES = ("circulation", "raw count", "random sample", "full count")
RESULTS = ("sufficient", "insufficient", "full count required")

# A stated projection within 1% below ours is explained by the duplicate correction we skip.
PROJECTION_TOLERANCE = Fraction(1, 100)
SAMPLE_SHARE = Fraction(5, 100)
SAMPLE_MINIMUM = 500

NUMBER = re.compile(r"(?<![\w.,/#$-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%]|[.,]\d)")
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)

# Numbers that are never signature counts, replaced by a digit-free placeholder before reading.
NOT_COUNTS = [
    (re.compile(r"^\s*\d{1,2}[.)]\s"), "‹item› "),  # a numbered list item
    (re.compile(rf"\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"), "‹date›"),
    (re.compile(rf"\b\d{{1,2}}\s+{MONTH}(?:,?\s+\d{{4}})?\b"), "‹date›"),
    (re.compile(rf"\b{MONTH},?\s+\d{{4}}\b"), "‹date›"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "‹date›"),
    (re.compile(r"(?:§+\s*|\b(?:sections?|secs?\.|code|article|chapter|title)\s+§?\s*)\d[\w.()-]*", re.I), "‹law›"),
    (re.compile(r"\b(?:AB|SB|HB|ACA|SCA)\s*\d+\b"), "‹bill›"),
    (re.compile(r"\d+(?:\.\d+)?\s*%?\s*(?:and|to|-|–)\s*\d+(?:\.\d+)?\s*(?:%|percent\b)", re.I), "‹percent›"),
    (re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent\b|per\s+cent\b)", re.I), "‹percent›"),
    (re.compile(r"\$\s*\d[\d,]*(?:\.\d+)?(?:\s*(?:million|billion|thousand))?", re.I), "‹money›"),
    (re.compile(r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?(?!\w)", re.I), "‹time›"),
    (re.compile(r"\(?\b\d{3}\)?[\s.-]\d{3}[.-]\d{4}\b"), "‹phone›"),
    (
        re.compile(
            r"\b(?:room|suite|pier|district|precinct|report|proposition|prop\.|measure|item|floor|unit)\s*#?\s*\d+\b",
            re.I,
        ),
        "‹ref›",
    ),
    (re.compile(r"#\s*\d+"), "‹ref›"),
    (
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][a-z]+\.?\s+){0,3}"
            r"(?:Hwy|Highway|St|Street|Ave|Avenue|Blvd|Boulevard|Place|Road|Rd|Way|Drive|Dr)\b\.?"
        ),
        "‹address›",
    ),
    (re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"), "‹zip›"),
    (  # "They needed 1987." is a count, not a year
        re.compile(
            r"(?<!needed )(?<!needs )(?<!need )(?<!required )(?<!submitted )(?<!got )"
            r"\b(?:19|20)\d{2}\b(?!\s+(?:[a-z]+\s+)?(?:signatures|valid|invalid|were|was)\b)"
        ),
        "‹year›",
    ),
]

# --- What a number is, from the words right after it ("520,050 signatures were found valid")
# or right before it ("required 566,857"). Checked in order; the first match wins.
NOUNS = (
    r"(?:(?:valid|verified|qualified|petition|petitions|recall|raw|total|voter|signatures?|names|signers|of|"
    r"registered|voters|the|in|on|this|its|them|those|random|sample|sampled|county)\s+){0,5}"
)
VERB = r"(?:were|was|are|is|have\s+been|has\s+been|had\s+been|being|been)"
JUDGED = (
    r"(?:(?:found|determined|deemed|ruled|declared|judged|considered|verified|certified|confirmed|counted)\s+"
    r"(?:to\s+be\s+|as\s+)?|to\s+be\s+)?"
)
WORDS = r"(?:[\w/'-]+\W+){{0,{}}}?"
NOT_MATCHED = (
    r"(?:could|can|did|were|was)\s+not\s+be\s+(?:matched|verified|validated|identified|found|counted|accepted)|"
    r"did\s+not\s+match"
)
STRUCK = r"struck|nullified|thrown\s+out|tossed\s+out|set\s+aside|excluded"


def after_cue(words):
    return re.compile(rf"^\W*{NOUNS}(?:{words})\b")


def before_cue(words, gap=5):
    return re.compile(rf"\b(?:{words})\b\W+{WORDS.format(gap)}$")


REQUIRED_BEFORE = re.compile(
    r"\b(?:requir\w*|need(?:ed|s)?|necessary|minimum|threshold|must\s+(?:gather|collect|submit|obtain|have|file))\b"
    r"(?!\s+to\s+(?:verify|examine|count|review|process|check))\W+" + WORDS.format(5) + "$"
)
REQUIRED_AFTER = after_cue(rf"(?:{VERB}\s+)?(?:required|needed|necessary)")

AFTER_CUES = [
    (
        "invalid",
        after_cue(
            rf"(?:{VERB}\s+)?{JUDGED}(?:invalid|not\s+valid|not\s+sufficient|insufficient|disqualified|rejected|"
            rf"invalidated|{STRUCK})|{NOT_MATCHED}"
        ),
    ),
    ("projected", after_cue(rf"(?:{VERB}\s+)?(?:projected|estimated)")),
    (
        "valid",
        after_cue(
            rf"(?:{VERB}\s+)?{JUDGED}(?:valid|good|sufficient|validated|accepted|qualified|"
            r"verified\s+(?:and|as)\s+(?:valid|sufficient))"
        ),
    ),
    ("valid", re.compile(r"^\W*(?:verified|validated|qualified)\s+(?:petition\s+)?(?:signatures|names|signers)\b")),
    (
        "shortfall",
        after_cue(r"short|shy|(?:fewer|less)\s+than\s+(?:what\s+(?:was|is)\s+|the\s+number\s+)?(?:needed|required)"),
    ),
    (
        "sampled",
        after_cue(rf"(?:{VERB}\s+)?(?:in\s+(?:the|a|this)\s+)?(?:random(?:ly)?\s+)?(?:sample|sampled|selected)"),
    ),
    (
        "submitted",
        after_cue(rf"(?:{VERB}\s+)?(?:submitted|filed|turned\s+in|handed\s+in|received|collected|delivered|presented)"),
    ),
    ("submitted", re.compile(r"^\W*(?:raw|face[- ]value|unverified|gross)\b")),
    ("examined", after_cue(rf"(?:{VERB}\s+)?(?:examined|reviewed|checked|verified|processed|counted|inspected)")),
]
PROJECTED_BEFORE = re.compile(r"\bproject(?:ion|ed|s)?\s+(?:of|to|at|is|was)?\s*(?:the\s+)?$")
SHORTFALL_BEFORE = re.compile(r"\b(?:short(?:fall)?\s+(?:of\s+|by\s+)?|(?:fell|missed)\s+(?:\w+\s+){0,3}by\s+)$")
BEFORE_CUES = [
    (
        "invalid",
        before_cue(
            rf"invalid\w*|disqualified|rejected|not\s+valid|not\s+sufficient|insufficient|threw\s+out|{STRUCK}|"
            + NOT_MATCHED
        ),
    ),
    ("projected", before_cue(r"project\w*")),
    ("valid", before_cue(r"valid(?:ated|ating)?|sufficient|accepted")),
    ("sampled", before_cue(r"sample|sampling|sampled", gap=3)),
    (
        "submitted",
        before_cue(
            r"raw\s+count|submitted|submit|filed|turned\s+in|handed\s+in|received|contain(?:ed|s|ing)?|"
            r"consist(?:ed|s|ing)?\s+of|total(?:ing|ed|led|ling)?(?:\s+of)?|face[- ]value|submission\s+of|"
            r"collected|delivered|presented",
            gap=4,
        ),
    ),
    (  # verbs only: "the review of the petition numbered 200" says nothing of the 200
        "examined",
        before_cue(
            r"examin\w*|review(?:ed|ing)|check(?:ed|ing)|verif(?:ied|ying)|counted|counting|process(?:ed|ing)|"
            r"inspect(?:ed|ing)",
            gap=4,
        ),
    ),
]
OUT_OF = re.compile(r"(?:\bout\s+of|/)\s*(?:the\s+)?$")
INEXACT = re.compile(
    r"\b(?:approximately|about|around|nearly|roughly|almost|some|over|under|more\s+than|fewer\s+than|less\s+than|"
    r"greater\s+than|at\s+least|up\s+to|above|below|between|exceed(?:ed|s|ing)?|than|by)\s+(?:the\s+)?$"
)
NOT_SIGNATURES = re.compile(
    r"^\W*(?:(?:registered|qualified|eligible)\s+)?(?:votes?|ballots?|voters|precincts?|days?|weeks?|months?|years?|"
    r"sections?|pages?|sheets?|people|residents|households|polling|vote\s+centers?|locations?|cards?|staff|workers|"
    r"employees|hours?|copies|requests?|withdrawals?|withdrawal\s+requests)\b"
)
SIGNED_BY = re.compile(r"\bsignatures\s+(?:from|of)\s+(?:at\s+least\s+)?$")  # "signatures from 175 registered voters"
MARGIN = re.compile(r"^\W*(?:signatures\s+)?(?:more|greater)\s+than\b")  # "700 more than needed"
# "520,050 of the 715,833 submitted signatures were valid": the first number takes the verb.
# An approximation is never a stated count, not even of the requirement ("required nearly 567,000").
APPROXIMATE = re.compile(r"\b(?:approximately|about|around|nearly|roughly|almost|some|close\s+to|an\s+estimated)\s+$")
# "they needed 1,326 more signatures": what the petition lacks, not what it needs.
MORE_NEEDED = re.compile(r"^\W*(?:more|additional|extra)\b")
# "verification tests on a batch of 28,000 signatures": a part of the petition, not its count.
PART_OF = re.compile(r"\b(?:batch(?:es)?|portion|subset|part)\s+of\s+(?:the\s+)?$")
PARTITIVE = re.compile(r"^\s*of\s+(?:the|those|these|its|them)\b")
PREDICATE = re.compile(rf"\b{VERB}\b.*$")
# "7,344 signatures were disqualified as “canceled”": one category of invalid signatures, not their total.
CATEGORY = re.compile(r"^\s*(?:as\s+[“\"'‘]|because\b|due\s+to\b|for\s+(?:being|having|reasons?)\b)")
# "The valid signatures in the 10th report total 1,626,042": the subject names what the number counts.
COPULA = re.compile(
    r"\b(?:are|is|was|were|totals?|total(?:l)?ed|numbers?|numbered|stands?\s+at|stood\s+at|came\s+to|reached)\s+$"
)
# A clause that states a condition or a rule, not a count ("which would have meant more than 31,179").
CONDITIONAL = re.compile(
    r"\b(?:would|could(?!\s+not\s+be\s+(?:matched|verified|validated|identified|found))|if|unless|should|might|"
    r"shall)\b|\bhad\s+(?:the|it|they)\b"
)
RULE = re.compile(r"\b(?:when|whenever)\b")

# --- Loose readings: the role words a clause holds anywhere, away from the number.
ROLE_WORDS = {
    "required": r"requir\w*|need(?:ed|s)?|necessary|minimum|threshold",
    "invalid": rf"invalid\w*|not\s+valid|disqualif\w*|rejected|threw\s+out|{STRUCK}|{NOT_MATCHED}",
    "valid": r"valid(?:ated)?|qualified|accepted|verified\s+(?:and|as)\s+(?:valid|sufficient)",
    "sampled": r"sampl(?:e|ed|ing)|random(?:ly)?\s+selected",
    "submitted": r"submitted|filed|turned\s+in|handed\s+in|raw\s+count|delivered|presented",
    "examined": r"examined|reviewed|checked|counted|processed|inspected",
    "projected": r"project(?:ed|ion|s)",
}
ROLE_PATTERNS = {name: re.compile(rf"\b(?:{words})\b") for name, words in ROLE_WORDS.items()}
# The roles a requirement word outweighs: "needed to get valid signatures from at least 175 voters".
ADJECTIVE_ROLES = {"valid", "sampled", "projected"}
# A number after "or 80% of signatures," stands in apposition: its verb comes in a later clause.
APPOSITION = re.compile(r"^\W*(?:or|about|roughly|nearly|some)?\s*‹percent›(?:\s+of\s+(?:the\s+)?[\w-]+)?\W*")

# --- The outcome a release states, per clause, first matching cue wins.
RESULT_CUES = [
    ("full count required", re.compile(r"not\s+sufficient\s+to\s+determine|inconclusive")),
    (
        "insufficient",
        re.compile(
            r"\binsufficien(?:t|cy)\b|\bnot\s+(?:contain\s+)?(?:a\s+)?sufficient\b|"
            r"\bfail(?:ed|s)?\s+to\s+(?:meet|qualify|contain|gather)|\b(?:did|does)\s+not\s+(?:qualify|meet)"
        ),
    ),
    (
        "full count required",
        re.compile(
            r"\b(?:will|now|proceed\w*|required\s+to|begin\w*)\b.*\b(?:full\s+count|manual\s+count|"
            r"full\s+(?:signature\s+)?(?:check|verification|examination)|(?:each|every)\s+signature)|"
            r"\b(?:full|manual)\s+count\b.*\b(?:will|now|proceed\w*|required|begin\w*)\b"
        ),
    ),
    (
        "sufficient",
        re.compile(
            r"\bsufficient\b|\bsuccessful\b|\bqualif(?:ied|ies)\s+(?:for|to\s+appear\s+on)\s+the\s+ballot|"
            r"\bcertificate\s+of\s+sufficiency\b"
        ),
    ),
]
FIGURE_LABEL = re.compile(r"[:|]\s*\d")
PURPOSE = re.compile(r"\bto\s+be\s+(?:\w+\s+){0,2}$")  # "needed ... for the petition to be certified as sufficient"
JUDGES_SIGNATURES = re.compile(r"\b(?:signatures|names|\d)\s+(?:were|was|are|have\s+been)\s+(?:\w+\s+){0,3}$")
FULL_COUNT_WORDS = re.compile(
    r"\bfull\s+(?:count|check|signature|verification|examination)|\bmanual\s+count|\b(?:each|every)\s+signature|"
    r"\ball\s+\d"
)

# --- The invalid-signature breakdown: a list after a line that introduces it, or one sentence.
INVALID_WORDS = re.compile(r"\b(?:invalid\w*|disqualif\w*|rejected|not\s+valid)\b", re.I)
FAILED_WORDS = re.compile(r"\b(?:invalid\w*|disqualif\w*|rejected|not\s+valid|fail\w*|why)\b", re.I)
BREAKDOWN_WORDS = re.compile(r"categor|reason|breakdown|as\s+follows|following|\bof\s+(?:the|those)\s+invalid", re.I)
COUNT = r"(?P<count>\d{1,3}(?:,\d{3})+|\d+)"
BULLET = r"^\s*(?:[-–—•*·]\s*)?"
REASON_LINES = [
    re.compile(rf"{BULLET}(?P<label>[^\d]*[A-Za-z][^\d]*?)\s*[:|–—-]?\s*{COUNT}\s*(?:signatures?)?\s*[.;,]?\s*$"),
    re.compile(rf"{BULLET}{COUNT}\s*(?:signatures?\s*)?[:|–—-]?\s*(?P<label>[^\d]*[A-Za-z][^\d]*?)\s*[.;,]?\s*$"),
]
TOTAL_LABEL = re.compile(r"^\s*total\b", re.I)
LABEL_FILLER = re.compile(
    r"^(?:and|or|were|was|had|have|are|is|signatures?(?=\s+(?:were|was|had|are|is)\b)|because|due\s+to|of\s+them)\s+",
    re.I,
)

ABBREVIATIONS = {
    "calif", "hwy", "no", "sec", "secs", "dr", "st", "ave", "blvd", "mr", "ms", "mrs", "jr", "sr", "inc", "co",
    "u.s", "a.m", "p.m", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc",
}  # fmt: skip
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9‹])")
CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s*[–—]\s*|\s+-\s+|\s+\(|\)\s*|\s+and\s+(?=\d)|\s+(?:but|while|whereas)\s+")


@dataclass
class Figure:
    value: int
    sentence: str


@dataclass
class InvalidReasonLine:
    reason: str
    count: int
    line: str


@dataclass
class PetitionReport:
    stage: str
    figures: dict = field(default_factory=dict)  # field name -> Figure, as stated in the release
    result: str | None = None
    result_sentence: str | None = None
    reasons: list = field(default_factory=list)  # InvalidReasonLine
    breakdown_total: Figure | None = None
    problems: list = field(default_factory=list)  # readable sentences naming both numbers
    unsure: list = field(default_factory=list)  # why figures the text may state were not kept
    derived: dict = field(default_factory=dict)  # field name -> Figure computed from the stated ones
    loose: set = field(default_factory=set)  # stated figures read across a gap, not from adjacent words

    def value(self, name):
        figure = self.figures.get(name)
        return figure.value if figure else None


@dataclass(frozen=True)
class Role:
    """What a number counts: a field, or candidate fields when loose wording leaves a choice."""

    field: str | None = None
    candidates: tuple = ()
    loose: bool = False  # read across a verb, pronoun or phrase, not from the words beside it
    unexplained: bool = False  # nothing in its clause says what it counts
    partial: bool = False  # counts a part of the petition (a batch)
    approximate: bool = False  # "about 930,000", "more than 18,000"


NOT_A_COUNT = Role()
APPROXIMATION = Role(approximate=True)


@dataclass
class Reading:
    value: int
    clause: str
    role: Role


# --- Text into sentences and clauses


def mentions_recall_petition(text):
    folded = fold(text)
    return "recall" in folded and ("petition" in folded or "signatures" in folded)


def sentences(text):
    """The text's sentences, line by line (a list item or table row is a sentence of its own)."""
    found = []
    for line in text.splitlines():
        start = 0
        for boundary in SENTENCE_END.finditer(line):
            previous_word = line[start : boundary.start()].rstrip('.!?"”’)').split()[-1:] or [""]
            word = previous_word[0].casefold().rstrip(".")
            if word in ABBREVIATIONS or len(word) == 1:  # "Calif.", or an initial as in "Dean C. Logan"
                continue
            found.append(line[start : boundary.start()].strip())
            start = boundary.end()
        found.append(line[start:].strip())
    return [sentence for sentence in found if sentence]


def mask_non_counts(sentence):
    for pattern, placeholder in NOT_COUNTS:
        sentence = pattern.sub(placeholder, sentence)
    return sentence


def clauses(masked_sentence):
    without_asides = re.sub(r"\([^()\d]*\)", " ", masked_sentence)
    return [clause for clause in CLAUSE_BREAK.split(without_asides) if clause and clause.strip()]


def parse_count(text):
    return int(text.replace(",", ""))


# --- One number: what it counts


def classify_number(before, after, conditional, sentence):
    """The Role of a number in a clause. `before` / `after` are the clause's words on each side of
    it (lowercase, up to the next number)."""
    if APPROXIMATE.search(before):
        return APPROXIMATION
    if PART_OF.search(before):
        return Role(partial=True)
    if MORE_NEEDED.search(after) and (REQUIRED_BEFORE.search(before) or REQUIRED_AFTER.search(after)):
        return Role("shortfall")
    if REQUIRED_AFTER.search(after) or REQUIRED_BEFORE.search(before):
        return Role("required")  # the requirement is a fact even in a conditional sentence
    if SHORTFALL_BEFORE.search(before):
        return Role("shortfall")
    if PROJECTED_BEFORE.search(before):
        return Role("projected")
    counts_people = NOT_SIGNATURES.search(after) and not SIGNED_BY.search(before)
    if conditional or counts_people or MARGIN.search(after):
        return NOT_A_COUNT
    if INEXACT.search(before):
        role = loose_role(before, after)  # "needed to get valid signatures from at least 175 voters"
        return role if role.field == "required" else APPROXIMATION
    for name, cue in AFTER_CUES:
        if match := cue.search(after):
            return NOT_A_COUNT if CATEGORY.match(after[match.end() :]) else Role(name)
    if (copula := COPULA.search(before)) and (name := subject_role(before[: copula.start()])):
        return Role(name)
    for name, cue in BEFORE_CUES:
        if cue.search(before):
            return Role(name)
    if OUT_OF.search(before):
        return Role("sampled" if "sampl" in sentence else "examined")
    return loose_role(before, after)


def roles_in(text):
    return {name for name, pattern in ROLE_PATTERNS.items() if pattern.search(text)}


def subject_role(subject):
    """The role of a subject such as "the valid signatures in the 10th report", from the word that
    qualifies its noun, whatever phrase follows the noun."""
    qualifiers = [
        *re.finditer(r"\b([\w-]+)\s+(?:petition\s+)?(?:signatures|names)\b", subject),
        *re.finditer(r"\b(?:signatures|names)\s+(?:(?:that|which)\s+)?(?:(?:were|was)\s+)?([\w-]+)", subject),
    ]
    for qualifier in qualifiers:
        roles = roles_in(qualifier.group(1))
        if len(roles) == 1:
            return roles.pop()
    return None


def loose_role(before, after):
    """The role words anywhere in the number's clause: one role is a loose reading, several are
    candidates for the arithmetic to choose from."""
    roles = roles_in(before) | roles_in(after)
    if "required" in roles and roles - {"required"} <= ADJECTIVE_ROLES:
        return Role("required", loose=True)
    if len(roles) == 1:
        return Role(roles.pop(), loose=True)
    if roles:
        return Role(candidates=tuple(sorted(roles)), loose=True)
    return Role(unexplained=True)


def sentence_readings(sentence):
    """A Reading for every number in one sentence."""
    masked = mask_non_counts(sentence)
    lowered = masked.casefold()
    parts = clauses(masked)
    found = []
    after_a_condition = False  # a condition ("if", "would") governs the rest of its sentence
    for position, clause in enumerate(parts):
        is_rule = bool(RULE.search(clause.casefold()))
        matches = list(NUMBER.finditer(clause))
        for index, match in enumerate(matches):
            start = matches[index - 1].end() if index else 0
            end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
            before = clause[start : match.start()].casefold()
            after = clause[match.end() : end].casefold()
            if not re.search(r"\w", after) and index + 1 == len(matches):
                after = apposition_tail(parts[position + 1 :])
            elif PARTITIVE.match(after):
                whole = clause[matches[index + 1].end() :] if index + 1 < len(matches) else after
                after = partitive_tail(whole.casefold(), after)
            conditional = after_a_condition or is_rule or bool(CONDITIONAL.search(clause[: match.start()].casefold()))
            role = classify_number(before, after, conditional, lowered)
            found.append(Reading(parse_count(match.group(1)), clause, role))
        after_a_condition = after_a_condition or bool(CONDITIONAL.search(clause.casefold()))
    return found


def apposition_tail(following):
    """The words that tell what a number ending its clause counts, when an apposition stands
    between ("1,626,042, or 80% of signatures, have been deemed valid"); else nothing."""
    tail = []
    for clause in following:
        if NUMBER.search(clause):
            break
        tail.append(clause)
    text = " ".join(tail).casefold()
    return APPOSITION.sub(" ", text, count=1) if APPOSITION.match(text) else ""


def partitive_tail(text_after_whole, after):
    """For N in "N of the M submitted signatures ... were valid" or "N of the signatures the county
    examined were rejected": the verb phrase the clause ends with."""
    predicate = PREDICATE.search(text_after_whole)
    return f" signatures {predicate.group(0)}" if predicate else after


def read_sentence(sentence):
    """[(field or None, value, clause)] for every number in one sentence."""
    return [(reading.role.field, reading.value, reading.clause) for reading in sentence_readings(sentence)]


def stated_result(sentence):
    """The outcome a sentence states ('sufficient', ...), skipping conditions, rules, labels and
    the judgement of signatures ("8,590 signatures were verified and sufficient")."""
    masked = mask_non_counts(sentence).casefold()
    after_a_condition = False
    for clause in clauses(masked):
        if not (after_a_condition or RULE.search(clause) or FIGURE_LABEL.search(clause)):
            for result, cue in RESULT_CUES:
                match = cue.search(clause)
                if match and not any(
                    pattern.search(clause[: match.start()]) for pattern in (CONDITIONAL, JUDGES_SIGNATURES, PURPOSE)
                ):
                    return result
        after_a_condition = after_a_condition or bool(CONDITIONAL.search(clause))
    return None


# --- The invalid-signature breakdown


def reason_line(line):
    for pattern in REASON_LINES:
        match = pattern.match(line)
        if match:
            label = " ".join(match.group("label").strip(" :|–—-.;,").split())
            if label:
                return label, parse_count(match.group("count"))
    return None


def introduces_breakdown(line):
    ends_with_colon = line.rstrip().endswith(":")
    if INVALID_WORDS.search(line) and (ends_with_colon or BREAKDOWN_WORDS.search(line)):
        return True
    return ends_with_colon and bool(BREAKDOWN_WORDS.search(line) and FAILED_WORDS.search(line))


def breakdown_lists(lines):
    """The breakdown given as a list: ({line index: (label, count)} for the lines that follow a line
    introducing invalid signatures by category, {line index} of a breakdown written in prose lines
    ("Signatures of those not registered to vote totaled 668 (8.6 percent)."), not itemised)."""
    found, prose = {}, set()
    for index, line in enumerate(lines):
        if not introduces_breakdown(line):
            continue
        position = index + 1
        if position < len(lines) and not re.search(r"\d", lines[position]) and len(lines[position].split()) <= 5:
            position += 1  # a table's header row
        if position < len(lines) and not reason_line(lines[position]):
            while position < len(lines) and re.search(r"\d", lines[position]) and len(lines[position].split()) <= 20:
                prose.add(position)
                position += 1
        while position < len(lines) and (entry := reason_line(lines[position])):
            found[position] = entry
            position += 1
    return found, prose


def sentence_breakdown(sentence, numbers):
    """The breakdown written as one sentence ("Of the invalid signatures, 88,464 were not registered,
    43,593 were duplicates, ..."): every number after the clause that introduces it."""
    lead_clause = clauses(mask_non_counts(sentence))[0]
    introduces_invalid = INVALID_WORDS.search(lead_clause) and not NUMBER.search(lead_clause)
    if len(numbers) < 3 or not (
        introduces_invalid or (INVALID_WORDS.search(sentence) and BREAKDOWN_WORDS.search(sentence))
    ):
        return None, []
    total, reasons = None, []
    for name, value, clause in numbers:
        if total is None and not reasons and name == "invalid":
            total = value
            continue
        label = NUMBER.sub("", clause, count=1)
        label = " ".join(label.strip(" :–—-.;,").split())
        while LABEL_FILLER.match(label):
            label = LABEL_FILLER.sub("", label, count=1)
        if label:
            reasons.append((label, value))
    return total, reasons


# --- The whole release


def read_petition_report(text, title=""):
    """The petition figures a release reports, or None when it reports on no recall petition."""
    if not mentions_recall_petition(f"{title or ''}\n{text or ''}"):
        return None
    report = PetitionReport(stage="")
    readings = []
    lines = [line for line in text.splitlines() if line.strip()]
    listed, prose = breakdown_lists(lines)
    for index, line in enumerate(lines):
        if index in listed:
            add_listed_reason(report, *listed[index], line)
        elif index not in prose:
            line_readings = [found for sentence in sentences(line) for found in read_into(report, sentence)]
            note_unread_table(report, line, line_readings)
            readings += line_readings
    if prose:
        report.unsure.append(
            f"a breakdown of invalid signatures in prose lines was not itemised: “{lines[min(prose)]}” …"
        )
    settle_figures(report, readings)
    if not (report.figures or report.reasons or report.unsure):
        return None
    settle_stage(report)
    report.problems = check_arithmetic(report)
    report.derived = derive(report)
    return report


def add_listed_reason(report, label, count, line):
    if TOTAL_LABEL.match(label):
        report.breakdown_total = Figure(count, line)
    else:
        report.reasons.append(InvalidReasonLine(label, count, line))


def read_into(report, sentence):
    """Adds a sentence's breakdown and stated result to the report; returns its [(Reading, sentence)]."""
    found = sentence_readings(sentence)
    numbers = [(reading.role.field, reading.value, reading.clause) for reading in found]
    total, sentence_reasons = sentence_breakdown(sentence, numbers)
    if sentence_reasons:
        report.reasons += [InvalidReasonLine(label, count, sentence) for label, count in sentence_reasons]
        found = [Reading(total, sentence, Role("invalid"))] if total is not None else []
    if report.result is None and (result := stated_result(sentence)):
        report.result, report.result_sentence = result, sentence
    return [(reading, sentence) for reading in found]


def note_unread_table(report, line, line_readings):
    """Numbers a line gives without saying what they count (a table of several petitions, a
    finding of someone else's), or counts of a part of the petition, are reasons to doubt."""
    unexplained = [reading for reading, _ in line_readings if reading.role.unexplained]
    if len(unexplained) >= 2:
        report.unsure.append(f"numbers without role words (a table?) were not read: “{line.strip()}”")
    for reading, sentence in line_readings:
        if reading.role.partial:
            report.unsure.append(f"{reading.value:,} counts a part of the petition, not read: “{sentence}”")


# --- From readings to figures


def settle_figures(report, readings):
    """The stated figures: the sure readings, then the loose ones where no sure reading stands, then
    the candidates the arithmetic chooses. Two values for one figure mean the text speaks of more
    than one petition or place: no figure is kept, since any could belong to the other."""
    stated = {}
    for reading, sentence in readings:
        if reading.role.field and not reading.role.loose:
            stated.setdefault(reading.role.field, []).append(Figure(reading.value, sentence))
    sure_fields = set(stated)
    for reading, sentence in readings:
        if reading.role.field and reading.role.loose and reading.role.field not in sure_fields:
            stated.setdefault(reading.role.field, []).append(Figure(reading.value, sentence))
            report.loose.add(reading.role.field)
    conflicts = [conflict for name, figures in stated.items() if (conflict := conflict_of(name, figures))]
    if conflicts:
        report.unsure += conflicts
        report.loose.clear()
        report.reasons, report.breakdown_total, report.result, report.result_sentence = [], None, None, None
        return
    report.figures = {name: kept_figure(figures) for name, figures in stated.items()}
    if any(reading.role.approximate for reading, _ in readings):
        drop_rounded(report)
    for reading, sentence in readings:
        if reading.role.candidates:
            choose_candidate(report, reading, sentence)
    drop_contradicted_loose(report)


def conflict_of(name, figures):
    values = distinct_values(figures)
    if len(values) < 2:
        return None
    quoted = " and ".join(f"{f.value:,} (“{f.sentence}”)" for f in figures if f.value in values)
    return f"two different figures for {name}: {quoted}; the text may cover more than one petition, so none is kept"


def distinct_values(figures):
    """The values given for one figure, less round numbers that approximate a precise one
    ("Only 50,000 verified signatures were required" beside "51,325 signatures required")."""
    values = {figure.value for figure in figures}
    precise = {value for value in values if value % 1000}
    return {value for value in values if value % 1000 or not any(abs(p - value) * 20 <= p for p in precise)}


def kept_figure(figures):
    values = distinct_values(figures)
    return next(figure for figure in figures if figure.value in values)


def drop_rounded(report):
    """In a text that rounds its figures ("more than 715,000", "nearly 567,000"), a round figure
    ("only 520,000 were found to be valid") is most likely rounded too."""
    for name, figure in list(report.figures.items()):
        if figure.value >= 10000 and figure.value % 1000 == 0:
            del report.figures[name]
            report.loose.discard(name)
            report.unsure.append(
                f"{figure.value:,} ({name}) looks rounded, as other figures of the text are: “{figure.sentence}”"
            )


def choose_candidate(report, reading, sentence):
    """A number loose wording leaves between roles takes the one role the arithmetic confirms."""
    open_roles = [name for name in reading.role.candidates if name not in report.figures]
    confirmed = [name for name in open_roles if confirms(with_figure(report, name, reading.value, sentence), name)]
    if len(confirmed) == 1:
        report.figures[confirmed[0]] = Figure(reading.value, sentence)
        report.loose.add(confirmed[0])
    else:
        roles = " or ".join(reading.role.candidates)
        report.unsure.append(f"{reading.value:,} in “{sentence}” may count {roles}; the figures do not tell which")


def with_figure(report, name, value, sentence):
    trial = replace(report, figures={**report.figures, name: Figure(value, sentence)})
    trial.stage = stage_of(trial)
    return trial


def confirms(report, name):
    """Whether an identity of the stated figures that involves `name` holds."""
    value = report.value
    total, _ = examined_total(report)
    if name in ("valid", "invalid", "examined", "sampled", "submitted") and total is not None:
        if value("valid") is not None and value("invalid") is not None and value("valid") + value("invalid") == total:
            return True
    if name in ("required", "valid", "shortfall") and None not in (
        value("required"),
        value("valid"),
        value("shortfall"),
    ):
        return value("required") - value("valid") == value("shortfall")
    return False


def drop_contradicted_loose(report):
    """A loose reading that makes the figures fail to add up is dropped, with the reason."""
    report.stage = stage_of(report)
    for name in sorted(report.loose):
        if not counting_problems(report):
            break
        trial = replace(report, figures={k: v for k, v in report.figures.items() if k != name})
        trial.stage = stage_of(trial)
        if not counting_problems(trial):
            figure = report.figures.pop(name)
            report.loose.discard(name)
            report.stage = trial.stage
            report.unsure.append(
                f"{figure.value:,} read as {name} from loose wording (“{figure.sentence}”) does not add up with "
                "the other figures, so it is not kept"
            )


def counting_problems(report):
    return [*check_total(report), *check_sample(report), *check_shortfall(report)]


def settle_stage(report):
    """The stage the figures describe; a stated result that cannot belong to it is dropped, and in a
    random sample the signatures examined are the sample."""
    report.stage = stage_of(report)
    if report.result and not result_fits_stage(report.result, report.stage):
        report.result = report.result_sentence = None
    if report.stage == "random sample" and "sampled" not in report.figures and "examined" in report.figures:
        report.figures["sampled"] = report.figures.pop("examined")
        if "examined" in report.loose:
            report.loose = (report.loose - {"examined"}) | {"sampled"}


def stage_of(report):
    figures = report.figures
    counted = " ".join(figures[name].sentence for name in ("valid", "invalid", "examined") if name in figures)
    if "sampled" in figures or "projected" in figures:
        return "random sample"
    if counted or report.reasons:
        if re.search(r"sampl|random", counted, re.I) and not FULL_COUNT_WORDS.search(counted.casefold()):
            return "random sample"
        return "full count"
    if "submitted" in figures:
        # a raw count never decides a petition: a stated outcome means a sample we read only in part
        sampling = re.search(r"sampl", figures["submitted"].sentence, re.I)
        return "random sample" if sampling and report.result else "raw count"
    # a verification outcome stated beside the requirement alone ("all three petitions contain an
    # insufficient number of signatures")
    return "full count" if figures and report.result in ("sufficient", "insufficient") else "circulation"


def result_fits_stage(result, stage):
    """A raw count can only show a petition short; it never makes one sufficient."""
    if stage == "circulation":
        return False
    if stage == "raw count":
        return result == "insufficient"
    return result != "full count required" or stage == "random sample"


# --- Derived figures and the arithmetic checks


def projected_valid(submitted, sampled, valid_in_sample):
    """2 CCR §20530: the sample's valid rate as a percentage to two decimals (half up), times the
    raw count, rounded up."""
    rate_in_hundredths_of_percent = (2 * valid_in_sample * 10000 + sampled) // (2 * sampled)
    projection = Fraction(submitted * rate_in_hundredths_of_percent, 10000)
    return -(-projection.numerator // projection.denominator)


def projection_result(projected, required):
    """Elections Code §11225: above 110% of required sufficient, below 90% insufficient, else a full count."""
    if projected * 10 > required * 11:
        return "sufficient"
    if projected * 10 < required * 9:
        return "insufficient"
    return "full count required"


def derived_figures(report):
    """(projected_valid, shortfall, result the figures give) from the stated figures."""
    value = report.value
    projected = shortfall = result = None
    if report.stage == "random sample" and value("sampled") and value("submitted") and value("valid") is not None:
        projected = projected_valid(value("submitted"), value("sampled"), value("valid"))
    if report.stage == "random sample" and value("required"):
        reckoned = projected if projected is not None else value("projected")
        if reckoned is not None:
            result = projection_result(reckoned, value("required"))
    if report.stage == "full count" and value("valid") is not None and value("required"):
        shortfall = max(value("required") - value("valid"), 0)
        result = "sufficient" if value("valid") >= value("required") else "insufficient"
    if report.stage == "raw count" and value("submitted") is not None and value("required"):
        result = "insufficient" if value("submitted") < value("required") else None
    return projected, shortfall, result


def derive(report):
    """The figures the arithmetic gives that the release does not state, each with how it was
    computed; kept apart from the stated figures."""
    value = report.value
    derived = {}
    total, label = examined_total(report)
    if total is not None and value("valid") is not None and value("invalid") is None and total >= value("valid"):
        derived["invalid"] = Figure(
            total - value("valid"), f"computed: {label} − valid = {total:,} − {value('valid'):,}"
        )
    if total is not None and value("invalid") is not None and value("valid") is None and total >= value("invalid"):
        derived["valid"] = Figure(
            total - value("invalid"), f"computed: {label} − invalid = {total:,} − {value('invalid'):,}"
        )
    projected, shortfall, _ = derived_figures(report)
    if projected is not None and value("projected") is None:
        derived["projected"] = Figure(
            projected,
            f"computed: {value('submitted'):,} × {value('valid'):,} / {value('sampled'):,} (2 CCR §20530)",
        )
    if shortfall is not None and value("shortfall") is None:
        derived["shortfall"] = Figure(
            shortfall, f"computed: required − valid = {value('required'):,} − {value('valid'):,}"
        )
    return derived


def examined_total(report):
    """The number valid + invalid must add up to, and what the release calls it."""
    for name, stages in (("examined", STAGES), ("sampled", ("random sample",)), ("submitted", ("full count",))):
        if report.value(name) is not None and report.stage in stages:
            return report.value(name), {"examined": "examined", "sampled": "sampled"}.get(name, "submitted")
    return None, None


def check_arithmetic(report):
    """Every way the stated figures fail to add up, as sentences that give both numbers."""
    checks = (check_total, check_breakdown, check_sample, check_projection, check_shortfall, check_result)
    return [problem for check in checks for problem in check(report)]


def check_total(report):
    valid, invalid = report.value("valid"), report.value("invalid")
    total, total_label = examined_total(report)
    if valid is not None and invalid is not None and total is not None and valid + invalid != total:
        yield (
            f"valid + invalid = {valid:,} + {invalid:,} = {valid + invalid:,}, but the release gives {total:,} "
            f"signatures {total_label}"
        )
    if valid is not None and total is not None and valid > total:
        yield f"{valid:,} valid signatures is more than the {total:,} signatures {total_label}"


def check_breakdown(report):
    if not report.reasons:
        return
    breakdown = sum(reason.count for reason in report.reasons)
    invalid = report.value("invalid")
    if invalid is not None and breakdown != invalid:
        yield (
            f"the invalid-signature breakdown adds up to {breakdown:,}, but the release gives {invalid:,} "
            "invalid signatures"
        )
    if report.breakdown_total and report.breakdown_total.value != breakdown:
        yield (
            f"the invalid-signature breakdown adds up to {breakdown:,}, but its total line gives "
            f"{report.breakdown_total.value:,}"
        )


def minimum_sample(submitted):
    """Elections Code §11225(a): at least 500 signatures or 5% of them, whichever is greater."""
    return min(submitted, max(SAMPLE_MINIMUM, int(submitted * SAMPLE_SHARE)))


def check_sample(report):
    submitted, sampled = report.value("submitted"), report.value("sampled")
    if sampled is None or submitted is None:
        return
    if sampled > submitted:
        yield f"the sample of {sampled:,} signatures is larger than the {submitted:,} submitted"
    elif sampled < minimum_sample(submitted):
        yield (
            f"a random sample of {submitted:,} signatures must hold at least {minimum_sample(submitted):,} "
            f"(Elections Code §11225: 500 or 5%), but the release gives {sampled:,} sampled"
        )


def check_projection(report):
    projected, _, _ = derived_figures(report)
    stated = report.value("projected")
    if projected is not None and stated is not None:
        if not projected * (1 - PROJECTION_TOLERANCE) <= stated <= projected:
            yield (
                f"the release projects {stated:,} valid signatures, but {report.value('submitted'):,} × "
                f"{report.value('valid'):,} / {report.value('sampled'):,} gives {projected:,}"
            )


def check_shortfall(report):
    stated, valid, required = report.value("shortfall"), report.value("valid"), report.value("required")
    if None not in (stated, valid, required) and stated != required - valid:
        yield (
            f"the release gives a shortfall of {stated:,}, but required − valid = {required:,} − {valid:,} = "
            f"{required - valid:,}"
        )


def check_result(report):
    projected, _, computed = derived_figures(report)
    if not (report.result and computed and report.result != computed):
        return
    value = report.value
    if report.stage == "full count":
        why = f"{value('valid'):,} valid of {value('required'):,} required makes it {computed}"
    elif report.stage == "raw count":
        why = f"only {value('submitted'):,} signatures were submitted of {value('required'):,} required"
    else:
        reckoned = projected if projected is not None else value("projected")
        share = float(Fraction(reckoned * 100, value("required")))
        why = (
            f"a projection of {reckoned:,} valid signatures is {share:.2f}% of the {value('required'):,} required, "
            f"which makes it “{computed}” (Elections Code §11225: above 110% sufficient, below 90% insufficient)"
        )
    yield f"the release says “{report.result}”, but {why}"
