"""The signature counts of a recall petition, read from the plain text of a registrar's release.

Registrars word the same figures in many ways ("520,050 signatures were found to be valid",
"the petition required 566,857 valid signatures", "Valid signatures in sample: 3,702", "715833
signatures were submitted"), so a figure is recognised by the words right around its number in
the same clause, never by where it sits in the page. Numbers that are not counts of signatures
(dates, code sections, percentages, vote totals, thresholds in a conditional sentence) are set
aside first.

`read_petition_report(text)` is the entry point: it returns None when the text reports on no
recall petition, else a `PetitionReport` with the stage, the stated figures (each with the
sentence it came from), the figures derived from them, the invalid-signature breakdown, and the
arithmetic problems found (each naming both numbers).

The arithmetic follows California law: Elections Code §11225 (a random sample of at least 500 or
5% of the signatures; above 110% of the required number projected valid the petition is
sufficient, below 90% insufficient, in between every signature is examined) and 2 CCR §20530
(projection = raw count x the sample's valid rate, as a percentage to two decimals, rounded up).
The duplicate correction of 2 CCR §20532 is not applied: releases rarely give the sample's
duplicates, so a stated projection may be slightly lower than ours (see PROJECTION_TOLERANCE).
"""

import re
from dataclasses import dataclass, field
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
    (re.compile(r"\b(?:19|20)\d{2}\b(?!\s+(?:[a-z]+\s+)?(?:signatures|valid|invalid|were|was)\b)"), "‹year›"),
]

# --- What a number is, from the words right after it ("520,050 signatures were found valid")
# or right before it ("required 566,857"). Checked in order; the first match wins.
NOUNS = (
    r"(?:(?:valid|verified|qualified|petition|petitions|recall|raw|total|voter|signatures?|of|registered|"
    r"voters|the|in|on|this|random|sample|sampled|county)\s+){0,5}"
)
VERB = r"(?:were|was|are|is|have\s+been|has\s+been|had\s+been|being|been)"
JUDGED = (
    r"(?:(?:found|determined|deemed|ruled|declared|judged|considered|verified|certified|confirmed|counted)\s+"
    r"(?:to\s+be\s+|as\s+)?|to\s+be\s+)?"
)
WORDS = r"(?:[\w/'-]+\W+){{0,{}}}?"


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
            r"invalidated)"
        ),
    ),
    ("projected", after_cue(rf"(?:{VERB}\s+)?(?:projected|estimated)")),
    ("valid", after_cue(rf"(?:{VERB}\s+)?{JUDGED}(?:valid|good|sufficient|validated|accepted)")),
    ("shortfall", after_cue(r"short|shy")),
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
    ("invalid", before_cue(r"invalid\w*|disqualified|rejected|not\s+valid|not\s+sufficient|insufficient")),
    ("projected", before_cue(r"project\w*")),
    ("valid", before_cue(r"valid(?:ated|ating)?|sufficient")),
    ("sampled", before_cue(r"sample|sampling|sampled", gap=3)),
    (
        "submitted",
        before_cue(
            r"raw\s+count|submitted|submit|filed|turned\s+in|handed\s+in|received|contain(?:ed|s|ing)?|"
            r"consist(?:ed|s|ing)?\s+of|total(?:ing|ed|led|ling)?(?:\s+of)?|face[- ]value|submission\s+of|"
            r"collected|delivered",
            gap=4,
        ),
    ),
    ("examined", before_cue(r"examin\w*|review\w*|check\w*|verif\w*|count(?:ed|ing)?|process\w*|inspect\w*", gap=4)),
]
OUT_OF = re.compile(r"(?:\bout\s+of|/)\s*(?:the\s+)?$")
INEXACT = re.compile(
    r"\b(?:approximately|about|around|nearly|roughly|almost|some|over|under|more\s+than|fewer\s+than|less\s+than|"
    r"greater\s+than|at\s+least|up\s+to|above|below|between|exceed(?:ed|s|ing)?|than|by)\s+(?:the\s+)?$"
)
NOT_SIGNATURES = re.compile(
    r"^\W*(?:registered\s+)?(?:votes?|ballots?|voters|precincts?|days?|weeks?|months?|years?|sections?|pages?|people|"
    r"residents|households|polling|vote\s+centers?|locations?|cards?|staff|workers|employees|hours?|copies)\b"
)
# A clause that states a condition or a rule, not a count ("which would have meant more than 31,179").
CONDITIONAL = re.compile(r"\b(?:would|could|if|unless|should|might|shall)\b|\bhad\s+(?:the|it|they)\b")
RULE = re.compile(r"\b(?:when|whenever)\b")

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
FULL_COUNT_WORDS = re.compile(
    r"\bfull\s+(?:count|check|signature|verification|examination)|\bmanual\s+count|\b(?:each|every)\s+signature|"
    r"\ball\s+\d"
)

# --- The invalid-signature breakdown: a list after a line that introduces it, or one sentence.
INVALID_WORDS = re.compile(r"\b(?:invalid\w*|disqualif\w*|rejected|not\s+valid)\b", re.I)
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

    def value(self, name):
        figure = self.figures.get(name)
        return figure.value if figure else None


# --- Text into sentences and clauses


def mentions_recall_petition(text):
    folded = fold(text)
    return all(word in folded for word in ("recall", "petition", "signature"))


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
    """The field a number in a clause states, or None. `before` / `after` are the clause's words
    on each side of it (lowercase, up to the next number)."""
    if REQUIRED_AFTER.search(after) or REQUIRED_BEFORE.search(before):
        return "required"  # the requirement is a fact even in a conditional sentence
    if SHORTFALL_BEFORE.search(before):
        return "shortfall"
    if PROJECTED_BEFORE.search(before):
        return "projected"
    if INEXACT.search(before) or NOT_SIGNATURES.search(after) or conditional:
        return None
    for name, cue in AFTER_CUES:
        if cue.search(after):
            return name
    for name, cue in BEFORE_CUES:
        if cue.search(before):
            return name
    if OUT_OF.search(before):
        return "sampled" if "sampl" in sentence else "examined"
    return None


def read_sentence(sentence):
    """[(field or None, value, clause)] for every number in one sentence."""
    masked = mask_non_counts(sentence)
    lowered = masked.casefold()
    found = []
    after_a_condition = False  # a condition ("if", "would") governs the rest of its sentence
    for clause in clauses(masked):
        is_rule = bool(RULE.search(clause.casefold()))
        matches = list(NUMBER.finditer(clause))
        for index, match in enumerate(matches):
            start = matches[index - 1].end() if index else 0
            end = matches[index + 1].start() if index + 1 < len(matches) else len(clause)
            before = clause[start : match.start()].casefold()
            after = clause[match.end() : end].casefold()
            conditional = after_a_condition or is_rule or bool(CONDITIONAL.search(clause[: match.start()].casefold()))
            found.append((classify_number(before, after, conditional, lowered), parse_count(match.group(1)), clause))
        after_a_condition = after_a_condition or bool(CONDITIONAL.search(clause.casefold()))
    return found


def stated_result(sentence):
    """The outcome a sentence states ('sufficient', ...), skipping conditions and rules."""
    masked = mask_non_counts(sentence).casefold()
    after_a_condition = False
    for clause in clauses(masked):
        if not (after_a_condition or RULE.search(clause) or FIGURE_LABEL.search(clause)):
            for result, cue in RESULT_CUES:
                match = cue.search(clause)
                if match and not CONDITIONAL.search(clause[: match.start()]):
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


def breakdown_lists(lines):
    """The breakdown given as a list: {line index: (label, count)} for the lines that follow a line
    introducing invalid signatures by category ("... fell into the following categories:")."""
    found = {}
    for index, line in enumerate(lines):
        if not (INVALID_WORDS.search(line) and (line.rstrip().endswith(":") or BREAKDOWN_WORDS.search(line))):
            continue
        position = index + 1
        if position < len(lines) and not re.search(r"\d", lines[position]) and len(lines[position].split()) <= 5:
            position += 1  # a table's header row
        while position < len(lines) and (entry := reason_line(lines[position])):
            found[position] = entry
            position += 1
    return found


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
    conflicts = []
    lines = [line for line in text.splitlines() if line.strip()]
    listed = breakdown_lists(lines)
    for index, line in enumerate(lines):
        if index in listed:
            add_listed_reason(report, *listed[index], line)
        else:
            for sentence in sentences(line):
                conflicts += read_into(report, sentence)
    if not report.figures and not report.reasons:
        return None
    settle_stage(report)
    report.problems = conflicts + check_arithmetic(report)
    return report


def add_listed_reason(report, label, count, line):
    if TOTAL_LABEL.match(label):
        report.breakdown_total = Figure(count, line)
    else:
        report.reasons.append(InvalidReasonLine(label, count, line))


def read_into(report, sentence):
    """Adds a sentence's figures, breakdown and stated result to the report; returns the conflicts
    with figures read before (the first value is kept)."""
    numbers = read_sentence(sentence)
    total, sentence_reasons = sentence_breakdown(sentence, numbers)
    if sentence_reasons:
        report.reasons += [InvalidReasonLine(label, count, sentence) for label, count in sentence_reasons]
        numbers = [("invalid", total, sentence)] if total is not None else []
    conflicts = []
    for name, value, _clause in numbers:
        if name is None:
            continue
        kept = report.figures.setdefault(name, Figure(value, sentence))
        if kept.value != value:
            conflicts.append(
                f"two different figures for {name}: {kept.value:,} (“{kept.sentence}”) and {value:,} "
                f"(“{sentence}”); kept the first"
            )
    if report.result is None and (result := stated_result(sentence)):
        report.result, report.result_sentence = result, sentence
    return conflicts


def settle_stage(report):
    """The stage the figures describe; a stated result that cannot belong to it is dropped, and in a
    random sample the signatures examined are the sample."""
    report.stage = stage_of(report)
    if report.result and not result_fits_stage(report.result, report.stage):
        report.result = report.result_sentence = None
    if report.stage == "random sample" and "sampled" not in report.figures and "examined" in report.figures:
        report.figures["sampled"] = report.figures.pop("examined")


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
    return "circulation"


def result_fits_stage(result, stage):
    if stage == "circulation":
        return False
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
