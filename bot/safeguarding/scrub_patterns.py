"""Finding contact details, addresses and schools in an answer: patterns, no lists.

Each ``find_*`` function takes the (visible) answer text and returns ``(start, end, kind)``
spans; ``scrub.py`` decides which kind wins where two overlap.

- email: ``name@host.tld``, and "name at gmail dot com";
- handle: ``@name`` (not part of an email), ``u/name``; a username after a platform or a
  handle word ("add me on roblox Noodle_Queen_2011", "steam name tired.gamer.uk", "my old
  handle was princess_rose.2009"); and, anywhere, a word shaped like a username: letters
  joined by ``_`` ("bigmike_07"), or dotted word parts with a digit or ``_`` ("kayla.x.99").
  After a platform word alone, only such shapes count ("snapchat is rubbish" is kept); after
  "my snap is", "add me on insta", "username:" any word that is not an everyday one does;
- phone: UK mobiles (07…) and landlines (01…, 02…, 03…), with +44 or 0, spaced, dashed or
  run together. Helplines are kept: freephone 0800/0808 numbers, short codes (Childline 0800
  1111, Samaritans 116 123, Shout 85258) and a few listed 03 helplines;
- address: a house number and street ("12 Oak Road", "flat 3, 4 High St"), a capitalised
  street after "live on/at" ("I live on Mill Lane"), and full UK postcodes ("M14 5RT",
  "ls61qr"). A postcode district alone ("M14") is an area, and is kept;
- school: a capitalised name before a school word ("St Mary's Primary", "Whitecross Pupil
  Referral Unit", "Ridgeway Junior", "Moorside High"); and in lower case a place-shaped name
  before a school word ("greenway academy", "ridgeway juniors": a name ending like a place,
  -way, -field, -side, -ton…). Generic mentions are kept ("my academy", "the primary",
  "Secondary school was hard", "a Catholic school").
"""

from __future__ import annotations

import re

from bot.safeguarding.scrub_names import word_set

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?<![\w.])[\w.]+ at (?:gmail|hotmail|yahoo|outlook|icloud|live|btinternet)"
    r" dot (?:com|co dot uk|co uk)\b",
    re.IGNORECASE,
)
_HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_HANDLE_U = re.compile(r"(?<![\w/])u/[A-Za-z0-9_-]{3,20}\b")
_HANDLE_TAG = re.compile(r"(?<![\w#@])[A-Za-z][\w.]{1,31}#\d{4}\b")  # Discord "ellie#1234"
# Platforms named in full, and short forms that only count after "my", "on", "add me on"
# ("ig" is also "I guess").
_PLATFORM = (
    r"(?:snap(?:chat)?|insta(?:gram)?|tik ?tok|twitter|x/twitter|twitter/x|threads|bereal|"
    r"facebook|discord|roblox|steam|xbox(?: live)?|psn|playstation|fortnite|epic(?: games)?|"
    r"twitch|youtube|reddit|tumblr|pinterest|telegram|kik|wattpad|vsco|minecraft|valorant|"
    r"genshin|spotify)"
)
_SHORT_PLATFORM = r"(?:sc|ig|tt|fb|yt|xbl|ps[45]?)"
_ASK = r"(?:add|follow|dm|message|msg|hmu|find|search|talk to)\s+(?:me\s+)?(?:on|at)\s+"
_OWN = r"(?:my|ur|your|his|her|their|on|old|new|main|spam|priv)\s+"
_ID_WORD = r"(?:user ?name|name|handle|tag|gamertag|gamer ?tag|id|ign|account|acc|@)"
_HANDLE_TEXT = r"@?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"
_PLATFORM_WORD = re.compile(rf"(?:{_PLATFORM}|{_SHORT_PLATFORM})(?:'s|’s)?\b", re.IGNORECASE)
_PLATFORM_HINTS = (
    "snap", "insta", "tik", "twitter", "threads", "bereal", "facebook", "discord", "roblox",
    "steam", "xbox", "psn", "playstation", "fortnite", "epic", "twitch", "youtube", "reddit",
    "tumblr", "pinterest", "telegram", "kik", "wattpad", "vsco", "minecraft", "valorant",
    "genshin", "spotify", " sc", " ig", " tt", " fb", " yt", " xbl", " ps",
)  # fmt: skip
_ID_HINTS = ("name", "handle", "tag", "ign")
_SHORT = re.compile(_SHORT_PLATFORM, re.IGNORECASE)
_LEAD = re.compile(rf"\b(?:(?P<ask>{_ASK})|{_OWN})$", re.IGNORECASE)
_AFTER_PLATFORM = re.compile(
    rf"(?P<marker>\s*(?:{_ID_WORD}\s*)?(?:is|was|=|:|-|it'?s|its)\s*|\s*{_ID_WORD}\s+|\s+)"
    rf"(?P<handle>{_HANDLE_TEXT})",
    re.IGNORECASE,
)
_ID_CUE = re.compile(
    r"\b(?:user ?name|handle|gamertag|gamer ?tag|ign)"
    rf"(?:\s+(?:is|was|=)\s*|\s*[:=-]\s*)(?P<handle>{_HANDLE_TEXT})",
    re.IGNORECASE,
)
# Words shaped like usernames wherever they are: with "_" inside, or with two dots or more.
_HANDLE_SHAPE = re.compile(
    r"(?<![\w@./])(?:[A-Za-z0-9][A-Za-z0-9.]*_[A-Za-z0-9_.]*[A-Za-z0-9]"
    r"|[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+){2,})(?![\w@]|\.\w)"
)
_SHAPE_HINT = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]|[A-Za-z0-9]\.[A-Za-z0-9]+\.[A-Za-z0-9]")
_DOMAIN_END = re.compile(r"\.(?:com|co|uk|org|net|gov|nhs|ac|io|info|me|tv|app|ly)$", re.I)
_NOT_HANDLES = word_set(
    """a an the and or but is was so too my me it its dead private public down broken blocked
    banned deleted gone hacked new old not on off rubbish fine same in at for to lol tbh
    account page story if u you ur when where what how why who which this that there then
    just only also still now never always sometimes usually full empty boring mine yours
    theirs fake real locked open closed suspended disabled restricted different better worse
    bad good cringe trash shit crap dry dm dms chat group games game server name names
    username handle tag link bio pfp pic pics i im i'm ive i've yeah yes no nah ok okay
    because cos coz cuz with without from about like literally really very pretty kinda
    sorta basically honestly actually probably maybe"""
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:[\s\-.)]{0,2}\d){8,9}(?!\d)"
)
_HELPLINES = frozenset({"03003300630", "03001233393", "03001231015"})
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW])\s?"
    r"\d[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
_STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|grove|gardens|gdns|terrace|hill|park|square|sq|row|mews|walk|view|rise|green|"
    r"parade|gate|vale|fields|yard|croft|meadow|boulevard|wharf)"
)
_NUMBERED_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit|room)\s*\d+[a-z]?\s*,?\s*)?\d{1,4}[a-z]?,?\s+"
    rf"(?P<street>(?:[A-Za-z][A-Za-z'’-]*\s+){{1,3}}?){_STREET}\b",
    re.IGNORECASE,
)
_CUED_ADDRESS = re.compile(
    r"\b(?:live|lives|living|lived|stay|stays|staying|stayed|moved)\s+(?:on|at|to|in)\s+"
    rf"(?P<address>(?:[A-Z][a-z'’]+\s+){{1,3}}(?i:{_STREET})\b)"
)
_STREET_STOP = word_set(
    """the a an in on at of to for and or with my our his her their this that these those
    times time years year days day weeks week months month minutes hours kids people
    brothers sisters friends mates placements homes schools different other same every
    was were is are be been i you we they he she it"""
)
# School words that may follow a name in any case, and those that must be capitalised
# ("Moorside High" is a school; "so high" is not).
_ANY_CASE_KIND = (
    r"pupil referral unit|referral unit|short stay school|pru|primary school|primary academy|"
    r"junior school|juniors|infant school|infants|nursery school|high school|secondary school|"
    r"grammar school|middle school|sixth form college|sixth form|academy|college|primary"
)
_CAPITAL_KIND = (
    r"Catholic Primary School|Catholic Primary|Catholic High School|Catholic High|"
    r"Catholic School|C of E Primary|CofE Primary|Church School|Special School|"
    r"Community School|Community College|Free School|Studio School|Prep School|"
    r"Preparatory School|First School|Upper School|Lower School|Junior|Infant|Nursery|"
    r"Grammar|Comprehensive|UTC|High|School"
)
_SCHOOL_HINTS = (
    "school", "primary", "academy", "college", "high", "junior", "infant", "nursery", "pru",
    "referral", "sixth form", "grammar", "comprehensive", "utc",
)  # fmt: skip
_SCHOOL = re.compile(
    r"\b(?P<name>(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'’-]*\s+){0,3}?[A-Z][\w'’-]*)\s+"
    rf"(?P<kind>(?i:{_ANY_CASE_KIND})|{_CAPITAL_KIND}|(?i:school))\b"
)
_LOWER_SCHOOL = re.compile(
    r"\b(?P<name>(?:(?:st\.?|saint)\s+)?[a-z][a-z'’-]{3,})\s+"
    rf"(?P<kind>{_ANY_CASE_KIND})\b"
)
_PLACE_SHAPED = re.compile(
    r"[a-z]{2,}(?:way|field|fields|wood|woods|side|ton|tone|ham|ley|leigh|lea|bury|borough|"
    r"brook|croft|dale|gate|hill|hills|mead|mere|moor|park|ridge|stone|well|wells|worth|cross|"
    r"hurst|ford|combe|thorpe|by|wick|stead|den|dene|lands|view|vale|minster|church|port|"
    r"mouth|castle|bridge|water|shaw|holme|green|grove|heath|hall|cliffe|more|mount|acre|"
    r"acres|royd|ville|burn|burgh|haven|stow|chester|caster|cester|gton)"
)
_NOT_PLACE_SHAPED = word_set(
    """anyway always halfway highway motorway gateway subway railway runway hallway doorway
    someway midway pathway walkway outside inside beside upside downside seaside countryside
    aside offside decide bedside button cotton mutton carton skeleton singleton anymore
    evermore furthermore someone nobody everybody somebody anybody standby nearby goodby
    thereby hereby whereby lobby hobby hubby chubby ruby baby gateway overview review preview
    interview midden hidden sudden golden garden warden burden laden wooden broken woken"""
)
_SCHOOL_GENERIC = word_set(
    """the my our a an at to in from of for and year new old special virtual secondary
    primary local boarding private state mainstream grammar sixth form high community
    catholic church free academy college school i we they he she it this that every another
    same different good bad best worst normal big small little first last next middle
    junior infant nursery summer sunday saturday night driving dance drama art arts music
    football sports sport police army military home online faith village town english
    british welsh scottish irish polish muslim islamic christian jewish independent public
    further higher uni university before after during his her their your which what whole
    one two three both all any some no each local regular proper rubbish shit crap strict
    posh rough decent alternative language performing training premier league fc united
    rugby cricket boxing youth"""
)


def find_emails(text: str) -> list[tuple[int, int, str]]:
    if "@" not in text and (" at " not in text or " dot " not in text.lower()):
        return []
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


def find_handles(text: str) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), "handle") for m in _HANDLE_AT.finditer(text)] if "@" in text else []
    if "#" in text:
        out += [(m.start(), m.end(), "handle") for m in _HANDLE_TAG.finditer(text)]
    if "u/" in text:
        out += [(m.start(), m.end(), "handle") for m in _HANDLE_U.finditer(text)]
    lower = text.lower()
    for p in _platform_words(text, lower):
        lead = _LEAD.search(text, max(0, p.start() - 24), p.start())
        if lead is None and _SHORT.fullmatch(p.group()):
            continue  # "ig" alone is "I guess"; "my ig" is Instagram
        m = _AFTER_PLATFORM.match(text, p.end())
        if m is None:
            continue
        handle = m.group("handle")
        marker = m.group("marker").strip().casefold()
        # "my snap is jessxo_22" needs the shape ("my insta is toxic"); "snap: jess" does not.
        named = bool(marker) and marker not in ("is", "was", "it's", "its", "-")
        asked = lead is not None and lead.group("ask") is not None
        if _is_handle(handle, explicit=asked or named or handle.startswith("@")):
            out.append((m.start("handle"), m.end("handle"), "handle"))
    ids = _ID_CUE.finditer(text) if any(w in lower for w in _ID_HINTS) else ()
    for m in ids:
        if _is_handle(m.group("handle"), explicit=True):
            out.append((m.start("handle"), m.end("handle"), "handle"))
    if _SHAPE_HINT.search(text):
        for m in _HANDLE_SHAPE.finditer(text):
            if _looks_like_username(m.group()):
                out.append((m.start(), m.end(), "handle"))
    return out


def _platform_words(text: str, lower: str) -> list[re.Match[str]]:
    """Each platform word in ``text``, found from its hint (faster than scanning for all)."""
    found: dict[int, re.Match[str]] = {}
    for hint in _PLATFORM_HINTS:
        at = lower.find(hint)
        while at >= 0:
            start = at + (hint[0] == " ")
            if start not in found and (start == 0 or not text[start - 1].isalnum()):
                m = _PLATFORM_WORD.match(text, start)
                if m is not None:
                    found[start] = m
            at = lower.find(hint, at + 1)
    return [found[k] for k in sorted(found)]


def _looks_like_username(word: str) -> bool:
    """ "bigmike_07", "kayla.x.99"; not "^_^", "e.g.", "v1.2.3" or "bbc.co.uk"."""
    letters = sum(c.isalpha() for c in word)
    if "_" in word:
        return letters >= 3
    return letters >= 4 and any(c.isdigit() for c in word) and not _DOMAIN_END.search(word)


def _is_handle(word: str, *, explicit: bool) -> bool:
    """A word after a platform or handle cue: username-shaped, or after a clear marker."""
    bare = word.lstrip("@").rstrip(".-")
    if len(bare) < 3 or bare.casefold() in _NOT_HANDLES or bare.isdigit():
        return False
    shaped = any(c.isdigit() or c in "_." for c in bare) and any(c.isalpha() for c in bare)
    return shaped or explicit


def find_phones(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if "0" not in text and "+" not in text:
        return out
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if m.group().lstrip("( ").startswith("+"):
            digits = digits[2:]
            digits = digits if digits.startswith("0") else "0" + digits
        if len(digits) not in (10, 11) or digits[1] not in "1237" or digits in _HELPLINES:
            continue
        start = m.start() + (m.group().startswith("(") and not m.group().startswith("(0"))
        out.append((start, m.end(), "phone"))
    return out


def find_addresses(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    if _DIGIT.search(text) is None:
        return [
            (m.start("address"), m.end("address"), "address") for m in _CUED_ADDRESS.finditer(text)
        ]
    for m in _NUMBERED_ADDRESS.finditer(text):
        street = m.group("street").split()
        if street and not any(w.casefold() in _STREET_STOP for w in street):
            out.append((m.start(), m.end(), "address"))
    for m in _CUED_ADDRESS.finditer(text):
        out.append((m.start("address"), m.end("address"), "address"))
    for m in _POSTCODE.finditer(text):
        if not _ORDINAL.search(m.group()):
            out.append((m.start(), m.end(), "address"))
    return out


def find_schools(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    lower = text.lower()
    if not any(w in lower for w in _SCHOOL_HINTS):
        return out
    for m in _SCHOOL.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        while words and words[0].group().casefold().rstrip(".") in _SCHOOL_GENERIC:
            words.pop(0)
        saint = bool(words) and words[0].group().rstrip(".") in ("St", "Saint")
        names = [w for w in words[int(saint) :] if w.group().casefold() not in _SCHOOL_GENERIC]
        if not names:
            continue
        start = m.start("name") + words[0].start()
        if m.group("kind") in ("school", "college") and _starts_sentence(text, start):
            continue  # "Kingsway school" may be; "Mainstream school" at the start is not
        out.append((start, m.end("kind"), "school"))
    for m in _LOWER_SCHOOL.finditer(text):
        parts = m.group("name").split()
        name = parts[-1].rstrip("'’s")
        saint = len(parts) > 1  # "st marys primary"
        if saint or (_PLACE_SHAPED.fullmatch(name) and name not in _NOT_PLACE_SHAPED):
            out.append((m.start("name"), m.end("kind"), "school"))
    return out


def _starts_sentence(text: str, at: int) -> bool:
    head = text[:at].rstrip()
    return not head or head[-1] in '.!?\n…:;"“('
