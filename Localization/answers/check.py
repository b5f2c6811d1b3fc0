#!/usr/bin/env python3
"""Validate Kawan's answer files: Localization/answers/<lang>.json.

Usage:
    python3 Localization/answers/check.py            # every <lang>.json beside this script
    python3 Localization/answers/check.py vi.json    # en.json (the master) plus the files named
    python3 Localization/answers/check.py --quiet    # problems only, no table

Python 3.8+ standard library only. Exit status 0 when every file passes,
1 when there is any problem (warnings alone do not fail).

What it checks (see README.md for the reasons):
  * the file is valid UTF-8 JSON with exactly the top-level keys of the format;
  * it has exactly the same keys as en.json (system.*, intents.*, menu_labels);
  * every text is a non-empty string; "sms" and "chat" both present;
  * placeholders: only the allowed names; shipped files use only the ones every
    tenant is guaranteed to define; {next_opening} only in
    system.handoff_after_hours; a translation uses the same placeholders as en
    in the same text;
  * no literal phone numbers, e-mail or web addresses (the emergency numbers in
    EMERGENCY_NUMBERS are the only digits sequences allowed);
  * every sms text fits in 3 SMS segments after expanding placeholders to their
    worst-case length (GSM-7: 459 septets; UCS-2: 201 UTF-16 code units);
  * the menu lists every digit of menu_labels, one per line;
  * start/stop words and language names: non-empty, no duplicates, no word
    both a start and a stop word; the opt-out/opt-in confirmations name a
    start/stop word of the same file.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MASTER = "en"
LANGUAGES = ["en", "id", "tl", "vi", "ja"]

TOP_LEVEL = ["language", "language_name", "system", "intents", "menu_labels",
             "start_words", "stop_words", "language_names"]

SYSTEM_KEYS = ["welcome", "menu", "clarify", "safety", "handoff_open", "handoff_after_hours",
               "escalation_ack", "opt_out_confirmation", "opt_in_confirmation", "flood_notice",
               "language_switched", "escalated_after_clarify"]

INTENT_KEYS = ["greeting", "human_agent", "opt_out", "wage_unpaid", "passport_held",
               "recruitment_fees", "contract_conditions", "abuse_violence",
               "trafficking_forced_labour", "emergency", "health_injury", "visa_status",
               "repatriation", "remittance", "legal_complaint", "pre_departure"]

URGENT_INTENTS = ["abuse_violence", "trafficking_forced_labour", "emergency"]

# Fixed digit -> topic map used by the engine for every language.
MENU_DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]

# Worst-case length of each placeholder's value, in characters.
PLACEHOLDER_WIDTH = {
    "hotline_phone": 20,
    "emergency_phone": 20,
    "labour_office_phone": 20,
    "embassy_phone": 20,
    "office_address": 60,
    "office_hours": 45,     # engine-provided, e.g. "Mon-Fri 09:00-18:00; Sat 10:00-14:00"
    "next_opening": 20,     # engine-provided, e.g. "Monday 09:00"
}
# Every tenant must define these (KawanConfig requiredPlaceholders) or the
# engine provides them; shipped answers may use only these. The others are for
# tenant overrides (answers.<lang>.<key> in the tenant file).
SHIPPED_PLACEHOLDERS = {"hotline_phone", "emergency_phone", "office_hours", "next_opening"}
ONLY_IN = {"next_opening": {"system.handoff_after_hours"}}

# Emergency service numbers that FACTS.md supports and that answers may state
# literally (Japan: 110 police, 119 fire and ambulance). Any other digit run
# that looks like a phone number is refused: numbers come from placeholders.
EMERGENCY_NUMBERS = {"110", "119"}

SMS_SEGMENTS = 3
GSM_SEGMENT_SINGLE, GSM_SEGMENT_MULTI = 160, 153
UCS2_SEGMENT_SINGLE, UCS2_SEGMENT_MULTI = 70, 67
GSM_BUDGET = SMS_SEGMENTS * GSM_SEGMENT_MULTI     # 459 septets
UCS2_BUDGET = SMS_SEGMENTS * UCS2_SEGMENT_MULTI   # 201 UTF-16 code units
CHAT_LIMIT = 2000        # Messenger's text limit, the smallest of the chat channels
CHAT_TARGET = 900        # the master's chat texts should stay near this

# GSM 03.38 default alphabet (basic table, without the escape 0x1B) and the
# extension table (each extension character costs 2 septets: ESC + char).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")

PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")
PHONE_RE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().\-/]{3,}\d(?!\w)")
DIGITS_RE = re.compile(r"(?<!\d)\d{3,}(?!\d)")
CONTACT_RE = re.compile(r"(https?://|www\.|\b[\w.+-]+@[\w-]+\.[\w.]+|\b[a-z0-9-]+\.(go\.jp|gov\.ph|go\.id|gov\.vn|org|com|net)\b)", re.I)


def is_gsm7(text):
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def septets(text):
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)


def utf16_units(text):
    return len(text.encode("utf-16-le")) // 2


def segments_gsm(text):
    """Segments a concatenating sender needs; an ESC pair is never split."""
    if septets(text) <= GSM_SEGMENT_SINGLE:
        return 1
    count, used = 1, 0
    for c in text:
        cost = 2 if c in GSM_EXTENSION else 1
        if used + cost > GSM_SEGMENT_MULTI:
            count, used = count + 1, 0
        used += cost
    return count


def segments_ucs2(text):
    """Segments for UCS-2/UTF-16; a surrogate pair is never split."""
    if utf16_units(text) <= UCS2_SEGMENT_SINGLE:
        return 1
    count, used = 1, 0
    for c in text:
        cost = 2 if ord(c) > 0xFFFF else 1
        if used + cost > UCS2_SEGMENT_MULTI:
            count, used = count + 1, 0
        used += cost
    return count


def expand_worst_case(text):
    """Replace each placeholder by a GSM-7 filler of its worst-case width.

    Assumption (stated in README.md): placeholder values are written in GSM-7
    characters (digits, '+', '-', spaces, Latin letters). A value with other
    characters would turn a GSM-7 text into UCS-2.
    """
    return PLACEHOLDER_RE.sub(lambda m: "8" * PLACEHOLDER_WIDTH.get(m.group(1), 0), text)


def sms_measure(text):
    expanded = expand_worst_case(text)
    if is_gsm7(expanded):
        return "GSM-7", septets(expanded), GSM_BUDGET, segments_gsm(expanded)
    return "UCS-2", utf16_units(expanded), UCS2_BUDGET, segments_ucs2(expanded)


def non_gsm_chars(text):
    seen = []
    for c in text:
        if c not in GSM_BASIC and c not in GSM_EXTENSION and c not in seen:
            seen.append(c)
    return seen


class Report:
    def __init__(self):
        self.errors = []
        self.warnings = []
        self.rows = []

    def error(self, where, message):
        self.errors.append("ERROR   %s: %s" % (where, message))

    def warn(self, where, message):
        self.warnings.append("WARNING %s: %s" % (where, message))


def load(path, report):
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        report.error(name, "cannot read: %s" % e)
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        report.error(name, "remove the UTF-8 byte order mark at the start of the file")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        report.error(name, "not valid UTF-8 (byte %d): save the file as UTF-8" % e.start)
        return None

    def no_duplicates(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                report.error(name, "key %r appears twice in the same object" % k)
            seen[k] = v
        return seen

    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        report.error(name, "invalid JSON at line %d, column %d: %s" % (e.lineno, e.colno, e.msg))
        return None


def texts(doc):
    """(key, variant, text) for every answer text, in file order."""
    for section in ("system", "intents"):
        for key, entry in (doc.get(section) or {}).items():
            if isinstance(entry, dict):
                for variant in ("sms", "chat"):
                    if isinstance(entry.get(variant), str):
                        yield "%s.%s" % (section, key), variant, entry[variant]


def check_shape(name, lang, doc, master, report):
    if not isinstance(doc, dict):
        report.error(name, "the file must be one JSON object")
        return False
    keys = list(doc.keys())
    for k in TOP_LEVEL:
        if k not in doc:
            report.error(name, "missing top-level key %r" % k)
    for k in keys:
        if k not in TOP_LEVEL:
            report.error(name, "unknown top-level key %r" % k)
    if doc.get("language") != lang:
        report.error(name, "\"language\" must be %r (the file name)" % lang)
    if not isinstance(doc.get("language_name"), str) or not doc.get("language_name", "").strip():
        report.error(name, "\"language_name\" must be a non-empty string")

    reference = master if master is not None else {
        "system": {k: None for k in SYSTEM_KEYS},
        "intents": {k: None for k in INTENT_KEYS},
        "menu_labels": {k: None for k in MENU_DIGITS},
    }
    for section in ("system", "intents", "menu_labels"):
        got = doc.get(section)
        if not isinstance(got, dict):
            report.error(name, "%r must be an object" % section)
            continue
        want = reference.get(section) or {}
        for k in want:
            if k not in got:
                report.error(name, "missing key %s.%s (it is in %s)" % (section, k,
                             "en.json" if master is not None else "the format"))
        for k in got:
            if k not in want:
                report.error(name, "unknown key %s.%s (not in %s)" % (section, k,
                             "en.json" if master is not None else "the format"))
        for k, v in got.items():
            where = "%s %s.%s" % (name, section, k)
            if section == "menu_labels":
                if not isinstance(v, str) or not v.strip():
                    report.error(where, "must be a non-empty string")
                continue
            if not isinstance(v, dict):
                report.error(where, "must be an object {\"sms\": ..., \"chat\": ...}")
                continue
            for variant in ("sms", "chat"):
                if variant not in v:
                    report.error(where, "missing %r" % variant)
                elif not isinstance(v[variant], str) or not v[variant].strip():
                    report.error(where + "." + variant, "must be a non-empty string")
            for extra in v:
                if extra not in ("sms", "chat"):
                    report.error(where, "unknown key %r (only \"sms\" and \"chat\")" % extra)
    for listname in ("start_words", "stop_words", "language_names"):
        value = doc.get(listname)
        if not isinstance(value, list) or not value:
            report.error(name, "%r must be a non-empty list of strings" % listname)
            continue
        folded = []
        for w in value:
            if not isinstance(w, str) or not w.strip():
                report.error(name, "%r: every entry must be a non-empty string" % listname)
                continue
            if w != w.strip():
                report.error(name, "%r: %r has spaces at the start or end" % (listname, w))
            if w.casefold() in folded:
                report.error(name, "%r: %r is listed twice (matching ignores case)" % (listname, w))
            folded.append(w.casefold())
    starts = {w.casefold() for w in doc.get("start_words") or [] if isinstance(w, str)}
    stops = {w.casefold() for w in doc.get("stop_words") or [] if isinstance(w, str)}
    for w in sorted(starts & stops):
        report.error(name, "%r is both a start word and a stop word" % w)
    if lang == MASTER:
        if "stop" not in stops:
            report.error(name, "stop_words must contain STOP")
        if "start" not in starts:
            report.error(name, "start_words must contain START")
    return True


def check_texts(name, lang, doc, master, report):
    master_texts = {(k, v): t for k, v, t in texts(master)} if master is not None else {}
    for key, variant, text in texts(doc):
        where = "%s %s.%s" % (name, key, variant)
        # Placeholders.
        names = PLACEHOLDER_RE.findall(text)
        for p in names:
            if p not in PLACEHOLDER_WIDTH:
                report.error(where, "unknown placeholder {%s} (allowed: %s)" % (
                    p, ", ".join("{%s}" % n for n in sorted(PLACEHOLDER_WIDTH))))
            elif p not in SHIPPED_PLACEHOLDERS:
                report.error(where, "{%s} is for tenant overrides only: a tenant that does not define it "
                                    "would be refused at load. Shipped answers use %s" % (
                                        p, ", ".join("{%s}" % n for n in sorted(SHIPPED_PLACEHOLDERS))))
            if p in ONLY_IN and key not in ONLY_IN[p]:
                report.error(where, "{%s} is only meaningful in %s" % (p, ", ".join(sorted(ONLY_IN[p]))))
        stripped = PLACEHOLDER_RE.sub("", text)
        if "{" in stripped or "}" in stripped:
            report.error(where, "stray brace: placeholders are written {name} with a lower-case name")
        if master is not None and (key, variant) in master_texts:
            want = sorted(set(PLACEHOLDER_RE.findall(master_texts[(key, variant)])))
            got = sorted(set(names))
            if want != got:
                report.error(where, "placeholders %s differ from en.json %s: keep the same ones" % (
                    got or "[]", want or "[]"))
        # Literal contact details.
        flagged = []
        for m in PHONE_RE.finditer(stripped):
            digits = re.sub(r"\D", "", m.group(0))
            if len(digits) >= 5:
                flagged.append(m.span())
                report.error(where, "literal phone number %r: use a placeholder" % m.group(0).strip())
        for m in DIGITS_RE.finditer(stripped):
            if any(a <= m.start() < b for a, b in flagged):
                continue
            if m.group(0) not in EMERGENCY_NUMBERS and not re.fullmatch(r"(19|20)\d\d", m.group(0)):
                report.error(where, "number %r looks like a phone number; only %s may be written "
                                    "literally" % (m.group(0), "/".join(sorted(EMERGENCY_NUMBERS))))
        for m in CONTACT_RE.finditer(stripped):
            report.error(where, "literal web or e-mail address %r: name the service instead" % m.group(0))
        # Length.
        if variant == "sms":
            encoding, length, budget, segs = sms_measure(text)
            ok = length <= budget and segs <= SMS_SEGMENTS
            report.rows.append((lang, key, encoding, length, budget, segs, "ok" if ok else "OVER"))
            if not ok:
                report.error(where, "%s text is %d of %d after worst-case placeholders (%d segments)" % (
                    encoding, length, budget, segs))
            if encoding == "UCS-2":
                bad = "".join(non_gsm_chars(expand_worst_case(text)))
                if lang == MASTER:
                    report.error(where, "the English master must be GSM-7; these characters are not: %r" % bad)
                elif lang in ("id", "tl"):
                    report.warn(where, "UCS-2 because of %r (curly quotes, dashes, emoji?); GSM-7 would allow "
                                       "459 instead of 201" % bad)
        else:
            n = utf16_units(expand_worst_case(text))
            if n > CHAT_LIMIT:
                report.error(where, "%d characters after worst-case placeholders; chat texts must stay under %d"
                             % (n, CHAT_LIMIT))
            elif lang == MASTER and n > CHAT_TARGET + 100:
                report.warn(where, "%d characters; aim for about %d" % (n, CHAT_TARGET))
        # Every topic answer invites the worker to reply 0.
        if key.startswith("intents.") and key.split(".")[1] not in ("opt_out", "human_agent", "greeting"):
            if not re.search(r"(?<!\d)0(?!\d)", text):
                report.warn(where, "does not mention 0 (talk to a person)")

    # Menu: every digit on its own line.
    menu = (doc.get("system") or {}).get("menu")
    labels = doc.get("menu_labels") or {}
    if isinstance(menu, dict):
        for variant in ("sms", "chat"):
            text = menu.get(variant)
            if not isinstance(text, str):
                continue
            starts = {m.group(1) for m in re.finditer(r"(?m)^\s*[-*]?\s*(\d)\b", text)}
            for d in labels:
                if d not in starts:
                    report.error("%s system.menu.%s" % (name, variant), "no line starts with the digit %s" % d)
    # Confirmations name the words that undo them.
    system = doc.get("system") or {}
    for key, words in (("opt_out_confirmation", doc.get("start_words")),
                       ("opt_in_confirmation", doc.get("stop_words"))):
        entry = system.get(key)
        if not isinstance(entry, dict) or not isinstance(words, list):
            continue
        for variant in ("sms", "chat"):
            text = entry.get(variant)
            if isinstance(text, str) and not any(
                    isinstance(w, str) and re.search(r"(?<!\w)%s(?!\w)" % re.escape(w), text, re.I) for w in words):
                report.error("%s system.%s.%s" % (name, key, variant),
                             "must name one of this file's %s" % ("start_words" if key.startswith("opt_out")
                                                                   else "stop_words"))
    # Safety texts always give the emergency placeholder.
    for key in ["system.safety"] + ["intents.%s" % i for i in URGENT_INTENTS]:
        section, k = key.split(".")
        entry = (doc.get(section) or {}).get(k)
        if isinstance(entry, dict):
            for variant in ("sms", "chat"):
                if isinstance(entry.get(variant), str) and "{emergency_phone}" not in entry[variant]:
                    report.error("%s %s.%s" % (name, key, variant), "must give {emergency_phone}")


def combined_rows(lang, doc, report, name):
    """The engine sends welcome/greeting/clarify/opt-in together with the menu."""
    system = doc.get("system") or {}
    intents = doc.get("intents") or {}
    menu = (system.get("menu") or {}).get("sms")
    if not isinstance(menu, str):
        return
    for key, entry in (("system.welcome", system.get("welcome")), ("system.clarify", system.get("clarify")),
                       ("intents.greeting", intents.get("greeting"))):
        if isinstance(entry, dict) and isinstance(entry.get("sms"), str):
            encoding, length, budget, segs = sms_measure(entry["sms"] + "\n\n" + menu)
            ok = length <= budget and segs <= SMS_SEGMENTS
            report.rows.append((lang, key + "+menu", encoding, length, budget, segs, "ok" if ok else "warn"))
            if not ok:
                report.warn("%s %s.sms" % (name, key), "with the menu in the same SMS it is %d of %d (%s): "
                            "fine if the engine sends them as two messages" % (length, budget, encoding))


def main(argv):
    quiet = "--quiet" in argv
    args = [a for a in argv if not a.startswith("--")]
    if args:
        paths = [a if os.path.sep in a else os.path.join(HERE, a) for a in args]
    else:
        paths = sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                       if re.fullmatch(r"[a-z]{2}\.json", f))
    master_path = os.path.join(HERE, MASTER + ".json")
    if master_path not in paths:
        paths.insert(0, master_path)
    else:
        paths.remove(master_path)
        paths.insert(0, master_path)

    report = Report()
    master = None
    for path in paths:
        name = os.path.basename(path)
        lang = name[:-5] if name.endswith(".json") else name
        if lang not in LANGUAGES:
            report.error(name, "unknown language file (expected one of %s)" % ", ".join(
                l + ".json" for l in LANGUAGES))
            continue
        doc = load(path, report)
        if doc is None:
            if lang == MASTER:
                break
            continue
        is_master = lang == MASTER
        if not check_shape(name, lang, doc, None if is_master else master, report):
            continue
        check_texts(name, lang, doc, None if is_master else master, report)
        combined_rows(lang, doc, report, name)
        if is_master:
            master = doc
    for lang in LANGUAGES:
        if not os.path.exists(os.path.join(HERE, lang + ".json")) and not args:
            report.warn(lang + ".json", "not written yet")

    if not quiet and report.rows:
        header = ("lang", "key", "encoding", "length", "budget", "segments", "status")
        widths = [max(len(str(r[i])) for r in report.rows + [header]) for i in range(len(header))]
        line = "  ".join("%-*s" % (widths[i], header[i]) for i in range(len(header)))
        print(line)
        print("-" * len(line))
        for r in report.rows:
            print("  ".join(("%*s" if isinstance(r[i], int) else "%-*s") % (widths[i], r[i])
                            for i in range(len(r))))
        print()
        print("SMS length after worst-case placeholders (%s); budget = %d segments: GSM-7 %d septets "
              "(extension characters count 2), UCS-2 %d UTF-16 units." % (
                  ", ".join("%s %d" % (k, v) for k, v in PLACEHOLDER_WIDTH.items()),
                  SMS_SEGMENTS, GSM_BUDGET, UCS2_BUDGET))
    for w in report.warnings:
        print(w)
    for e in report.errors:
        print(e)
    print("%d error(s), %d warning(s)" % (len(report.errors), len(report.warnings)))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
