"""Tests of service- and country-aware military ranks in credscore.features.rank: scales, hints,
pay grades, abbreviations, rank versus head, warrant officers, table extensions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.exceptions import LexiconError
from credscore.features.rank import (
    default_rank_table,
    describe_rank,
    load_rank_table,
    resolve_rank,
)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Navy Captain", "OF-5"),
        ("Coast Guard Captain", "OF-5"),
        ("Navy Capt.", "OF-5"),
        ("Captain", "OF-2"),
        ("Army Captain", "OF-2"),
        ("Navy Lieutenant", "OF-2"),
        ("Lieutenant", "OF-1"),
        ("U.S. Navy Commander", "OF-4"),
        ("Air Force Staff Sergeant", "OR-5"),
        ("Army Staff Sergeant", "OR-6"),
        ("Air Force Master Sergeant", "OR-7"),
        ("Master Sergeant", "OR-8"),
        ("Marine Corps Private First Class", "OR-2"),
        ("British Army Sergeant", "OR-6"),
        ("Sergeant", "OR-5"),
        ("RAF Warrant Officer", "OR-9"),
        ("Warrant Officer", "WO-1"),
        ("Royal Navy Able Seaman", "OR-2"),
        ("Seaman", "OR-3"),
        ("Private", "OR-1"),
        ("Russian Army Major General", "OF-6"),
        ("Ukrainian Major General", "OF-7"),
        ("Major General", "OF-7"),
        ("Russian General of the Army", "OF-9"),
        ("General of the Army", "OF-10"),
        ("Colonel General", "OF-8"),
        ("French Navy Vice-Admiral", "OF-7"),
        ("Canadian Army Warrant Officer", "OR-7"),
        ("Royal Canadian Navy Captain (N)", "OF-5"),
        ("Australian Army Corporal", "OR-5"),
        ("Oberstleutnant", "OF-4"),
        ("Kapitän zur See", "OF-5"),
        ("Rear Admiral (lower half)", "OF-6"),
        ("Rear Admiral", "OF-7"),
        ("Lieutenant (junior grade)", "OF-1"),
        ("Captain, U.S. Navy", "OF-5"),
    ],
)
def test_service_and_country_pick_the_scale(title: str, code: str) -> None:
    assert resolve_rank(title).code == code


@pytest.mark.parametrize(
    ("title", "hint", "code"),
    [
        ("Captain", "U.S. Navy", "OF-5"),
        ("Lieutenant", "Royal Navy", "OF-2"),
        ("Staff Sergeant", "U.S. Air Force", "OR-5"),
        ("Major General", "Russian Ministry of Defence", "OF-6"),
        ("Major General", "Armed Forces of Ukraine", "OF-7"),
        ("Sergeant", "British Army press office", "OR-6"),
        ("Captain", "press conference at the Pentagon", "OF-2"),
        ("Army Captain", "U.S. Navy", "OF-2"),  # the title's own service wins
    ],
)
def test_hint_picks_the_scale(title: str, hint: str, code: str) -> None:
    r = resolve_rank(title, hint=hint)
    assert r.code == code
    assert r.level == default_rank_table().scale[code]


def test_hint_naming_several_services_or_countries_picks_none() -> None:
    assert resolve_rank("Captain", hint="Army and Navy joint briefing").code == "OF-2"
    assert resolve_rank("Major General", hint="Russian and Ukrainian forces").code == "OF-7"
    assert resolve_rank("Captain", hint="he told us about the navy").country == "us"  # default
    assert resolve_rank("Major General", hint="they told us").country is None


def test_unknown_service_takes_most_common_reading_and_says_so() -> None:
    r = resolve_rank("Captain")
    assert r.service is None and r.code == "OF-2"
    assert r.note is not None and "OF-5" in r.note and "navy" in r.note
    assert resolve_rank("Navy Captain").note is None
    assert resolve_rank("Colonel").note is None  # the same grade in every service


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("E-7", "OR-7"), ("E-1", "OR-1"), ("O-5", "OF-4"), ("O-1", "OF-1"), ("O-2", "OF-1"),
        ("O-10", "OF-9"), ("W-2", "WO-2"), ("OR-4", "OR-4"), ("OF-3", "OF-3"), ("CW4", "WO-4"),
        ("Chief Warrant Officer, W-4", "WO-4"), ("Staff Sergeant (E-6)", "OR-6"),
        ("an O-4 in the Army", "OF-3"), ("Chief Warrant Officer 5", "WO-5"),
    ],
)  # fmt: skip
def test_pay_grades_and_codes(title: str, code: str) -> None:
    r = resolve_rank(title)
    assert (r.family, r.code) == ("military", code)


@pytest.mark.parametrize(
    ("title", "code"),
    [("WO2", "OR-8"), ("WO-2", "WO-2"), ("WO1", "WO-1"), ("British Army WO1", "OR-9"),
     ("RAF WO1", "OR-9"), ("Australian Army WO2", "OR-8"), ("Warrant Officer Class Two", "OR-8"),
     ("Warrant Officer Class One", "OR-9"), ("Warrant Officer 1st Class", "OR-9"),
     ("WO Class 2", "OR-8")],
)  # fmt: skip
def test_british_warrant_officers_are_other_ranks(title: str, code: str) -> None:
    """Bare "WO2" (no hyphen) is the Commonwealth warrant officer class 2, not the code WO-2; a
    British or Australian service reads WO1 as OR-9; bare "WO1" keeps the US grade W-1."""
    assert resolve_rank(title).code == code


@pytest.mark.parametrize(
    ("title", "code"),
    [("SAC", "OR-2"), ("LAC", "OR-2"), ("RAF MAcr", "OR-9"), ("RSM", "OR-9"), ("Bdr", "OR-4"),
     ("LBdr", "OR-3"), ("Mne", "OR-2"), ("SLt", "OF-1"), ("ACM", "OF-9"),
     ("RAF Chief Tech", "OR-7"), ("Leading Aircraftwoman", "OR-2"), ("RAF Aircraftwoman", "OR-1"),
     ("Royal Australian Air Force LAC", "OR-3")],
)  # fmt: skip
def test_commonwealth_abbreviations(title: str, code: str) -> None:
    """An abbreviation reads bare like its full word (not like the first country's scale that
    lists it: bare "LAC" is the British OR-2, the Australian air force's OR-3 only with it)."""
    r = resolve_rank(title)
    assert (r.family, r.code, r.is_head) == ("military", code, False)


@pytest.mark.parametrize("title", ["mother of 3", "E-3 Sentry pilot", "U.S. Senator (O-1 visa)"])
def test_grades_do_not_make_ranks_of_other_titles(title: str) -> None:
    assert resolve_rank(title).family != "military"


@pytest.mark.parametrize(
    ("title", "code"),
    [("RADM", "OF-7"), ("RDML", "OF-6"), ("VADM", "OF-8"), ("LCDR", "OF-3"), ("CPO", "OR-7"),
     ("MCPO", "OR-9"), ("SFC", "OR-7"), ("Lt. Cmdr.", "OF-3"), ("Maj. Gen.", "OF-7"),
     ("C/Sgt", "OR-7"), ("Sqn Ldr", "OF-3"), ("Gp Capt", "OF-5")],
)  # fmt: skip
def test_abbreviations(title: str, code: str) -> None:
    assert resolve_rank(title).code == code


@pytest.mark.parametrize(
    ("title", "code"),
    [("Master Sgt.", "OR-8"), ("Sgt. 1st Class", "OR-7"), ("1st Sgt.", "OR-8"),
     ("Staff Sgt.", "OR-6"), ("Air Force Staff Sgt.", "OR-5"), ("Air Force Tech. Sgt.", "OR-6"),
     ("Army Staff Sgt.", "OR-6"), ("Marine Lance Cpl.", "OR-3"), ("Sgt. Major", "OR-9"),
     ("Command Sgt. Maj.", "OR-9"), ("Marine Gunnery Sgt.", "OR-7"), ("Army Spec.", "OR-4"),
     ("Navy Lt. Cmdr.", "OF-3"), ("Flt. Lt.", "OF-2"), ("Wg. Cdr.", "OF-4"), ("Pvt. 2", "OR-2"),
     ("Sgt.", "OR-5"), ("Lt.", "OF-1"), ("Gen.", "OF-9")],
)  # fmt: skip
def test_ranks_abbreviated_word_by_word(title: str, code: str) -> None:
    # news copy abbreviates the words of a rank ("Master Sgt.", not "MSgt"); each used to
    # read as the bare "Sgt." (OR-5), "Air Force Staff Sgt." as nothing
    r = resolve_rank(title)
    assert (r.code, r.is_head) == (code, False)


@pytest.mark.parametrize(
    ("title", "code"),
    [("Marine Pvt.", "OR-1"), ("Marine Private", "OR-1"), ("Marine", "OR-2"),
     ("Royal Marines Marine", "OR-2"), ("Marine Cpl.", "OR-4")],
)  # fmt: skip
def test_marine_before_a_rank_names_the_service(title: str, code: str) -> None:
    r = resolve_rank(title)
    assert (r.code, r.service) == (code, "marines")


def test_chief_master_sergeant_is_no_head_of_the_air_force() -> None:
    for title in ("Air Force Chief Master Sgt.", "Chief Master Sgt. of the Air Force"):
        r = resolve_rank(title)
        assert (r.code, r.is_head) == ("OR-9", False), title


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Senior Enlisted Advisor to the Secretary of Defense", "OR-9"),
        ("Senior Enlisted Advisor to the Chief of Naval Operations", "OR-9"),
        ("Senior Enlisted Advisor to the Chairman of the Joint Chiefs of Staff", "OR-9"),
        ("Sergeant Major to the Commandant", "OR-9"),
    ],
)
def test_a_title_serving_a_head_is_not_that_head(title: str, code: str) -> None:
    """The principal named after "to the" is whom the person serves, not their role."""
    r = resolve_rank(title)
    assert (r.family, r.code, r.is_head) == ("military", code, False)


@pytest.mark.parametrize(
    "title",
    [
        "Spokesman to the Minister of Defence",
        "Spokesman for the Minister of Defence",
        "Spokesman for N.J. Governor Chris Christie",
        "Aide-de-camp to the King",
    ],
)
def test_who_speaks_for_or_assists_a_head_is_no_head(title: str) -> None:
    r = resolve_rank(title)
    alone = resolve_rank(title.split(" the ")[-1].split(" for ")[-1])
    assert alone.is_head  # the principal alone is a head...
    assert not r.is_head  # ...its spokesperson or aide is not
    assert 0.0 < r.level < alone.level


@pytest.mark.parametrize(
    ("title", "service", "country"),
    [
        ("Commander, U.S. Navy", "navy", "us"),
        ("Commander (Navy)", "navy", "us"),
        ("Commander in the U.S. Navy", "navy", "us"),
        ("Commander, Royal Navy", "navy", "uk"),
    ],
)
def test_a_service_named_after_the_rank_is_where_it_is_held(
    title: str, service: str, country: str
) -> None:
    r = resolve_rank(title)
    assert (r.code, r.is_head, r.service, r.country) == ("OF-4", False, service, country)


@pytest.mark.parametrize(
    "title",
    [
        "commander of the navy",
        "Commander of the French Navy",
        "Commander of Ukraine's Ground Forces",
        "Chief of the British Army",
        "head of the Russian Navy",
        "Commander of Russia's Black Sea Fleet",
        "Chief of the Israeli General Staff",
    ],
)
def test_the_head_of_a_country_s_service_is_military(title: str) -> None:
    """A country named before a service says whose service it is; the role heads the
    service (it read as the head of the country, government at level 1.0)."""
    r = resolve_rank(title)
    assert (r.family, r.code, r.is_head) == ("military", "OF-9", True)


def test_a_head_of_a_command_after_a_comma_stays_a_head() -> None:
    r = resolve_rank("Commander, Navy Region Southwest")
    assert r.is_head


def test_a_country_before_a_verb_qualifies_nothing() -> None:
    """Only a country right before a body says whose body it is."""
    r = resolve_rank("America First Political Committee is a conservative political organization.")
    assert (r.family, r.matched) == ("organization", "political committee")
    assert resolve_rank("Ambassador of Ukraine to the United Nations").code == "AMB"


def test_qualifier_key_is_checked(tmp_path: Path) -> None:
    for bad, why in (({"qualifier": "yes"}, "true or false"), ({"kind": "title"}, "bodies only")):
        ext = tmp_path / "bad.json"
        entry = {"family": "government", "kind": "body", "level": 0.6, "qualifier": True,
                 "phrases": ["atlantis"]} | bad  # fmt: skip
        ext.write_text(json.dumps({"format": "credscore-ranks/1", "entries": [entry]}))
        with pytest.raises(LexiconError, match=why):
            load_rank_table(ext)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Hospital Corpsman 2nd Class", "OR-5"),
        ("Machinist's Mate First Class", "OR-6"),
        ("Navy Mass Communication Specialist 3rd Class", "OR-4"),
        ("Chief Boatswain's Mate", "OR-7"),
        ("Senior Chief Yeoman", "OR-8"),
        ("Master Chief Hospital Corpsman", "OR-9"),
        ("Fireman Apprentice", "OR-2"),
    ],
)
def test_a_navy_rating_with_its_grade(title: str, code: str) -> None:
    r = resolve_rank(title)
    assert (r.family, r.code, r.is_head) == ("military", code, False)


def test_a_bare_fireman_is_no_sailor() -> None:
    assert resolve_rank("Fireman").family != "military"
    assert resolve_rank("Hospital Corpsman").code is None  # a rating without a grade


def test_heads_of_a_general_staff_a_company_and_a_presidential_office() -> None:
    r = resolve_rank("Chief of the General Staff of the Armed Forces of Ukraine")
    assert (r.family, r.code, r.is_head) == ("military", "OF-9", True)
    r = resolve_rank("company commander")
    assert (r.family, r.code, r.is_head) == ("military", "OF-2", True)
    assert resolve_rank("commander of the company").family == "organization"
    # who runs the president's office is no head of state
    office = resolve_rank("Head of the Office of the President of Ukraine")
    assert office.is_head and office.level < resolve_rank("President of Ukraine").level
    assert resolve_rank("head of the White House").level == 1.0


@pytest.mark.parametrize(
    "title", ["Ret. Col.", "Ret. Army Col.", "Col. (ret.)", "Col. Ret. John Doe"]
)
def test_ret_before_or_after_the_rank_is_retired(title: str) -> None:
    r = resolve_rank(title)
    assert (r.code, r.is_head) == ("OF-5", False)
    assert r.level == pytest.approx(resolve_rank("retired colonel").level)
    assert r.level < resolve_rank("Colonel").level


def test_user_word_aliases_and_explicit_phrases(tmp_path: Path) -> None:
    ext = tmp_path / "ranks_words.json"
    ext.write_text(json.dumps({
        "format": "credscore-ranks/1",
        "word_aliases": {"sergeant": ["sgnt"]},
        # an explicit phrase keeps its own reading against a generated form
        "entries": [{"family": "military", "code": "OR-2", "phrases": ["master sgnt"]}],
    }), encoding="utf-8")  # fmt: skip
    table = load_rank_table(ext)
    assert resolve_rank("Staff Sgnt.", table).code == "OR-6"
    assert resolve_rank("Air Force Staff Sgnt.", table).code == "OR-5"  # scale keys too
    assert resolve_rank("Master Sgnt.", table).code == "OR-2"
    assert resolve_rank("Staff Sgnt.").code is None  # the bundled table knows no "sgnt"


@pytest.mark.parametrize(
    ("title", "head", "code"),
    [
        ("Navy Commander", False, "OF-4"),
        ("U.S. Navy Commander", False, "OF-4"),
        ("Commander", False, "OF-4"),
        ("commander of the navy", True, "OF-9"),
        ("battalion commander", True, "OF-4"),
        ("Black Sea Fleet commander", True, None),
        ("Canadian Army Chief Warrant Officer", False, "OR-9"),
        ("Royal Air Force Chief Technician", False, "OR-7"),
        ("British Army Officer Cadet", False, "OF-D"),
        ("Army chief", True, "OF-9"),
        # the head of a service named before the word, as news writes it ("Marine Commandant"
        # read as the French rank Commandant, OF-4)
        ("Marine Commandant", True, "OF-9"),
        ("Coast Guard Commandant", True, "OF-9"),
        ("Commandant", False, "OF-4"),
    ],
)
def test_rank_versus_head_of_body(title: str, head: bool, code: str | None) -> None:
    r = resolve_rank(title)
    assert r.is_head is head
    if code is not None:
        assert r.code == code


def test_warrant_officers_between_enlisted_and_officers() -> None:
    scale = default_rank_table().scale
    wo = [v for k, v in scale.items() if k.startswith("WO-")]
    enlisted = [v for k, v in scale.items() if k.startswith("OR-")]
    assert max(enlisted) < min(wo) and max(wo) < scale["OF-1"]
    assert resolve_rank("Warrant Officer 1").level > resolve_rank("Sergeant Major").level


def test_describe_military_and_media_wording() -> None:
    assert describe_rank(resolve_rank("The New York Times")) == "major news outlet"
    assert "outlet" in describe_rank(resolve_rank("Breitbart News"))
    assert describe_rank(resolve_rank("reporter")).startswith("journalist")
    assert describe_rank(resolve_rank("Chief Warrant Officer 3")) == "warrant officer (WO-3)"
    navy = describe_rank(resolve_rank("Captain", hint="U.S. Navy"))
    assert navy == "field-grade military officer (OF-5, US navy)"
    assert "service not named" in describe_rank(resolve_rank("Captain"))
    assert "spelling read as 'air vice marshal'" in describe_rank(resolve_rank("Air Vice Marshall"))
    assert describe_rank(resolve_rank("battalion commander")).endswith("in command (OF-4)")
    for title in ("CNN", "blogger", "Professor", "Mayor", "judge", "private citizen"):
        assert "junior media" not in describe_rank(resolve_rank(title))


MIL = ["Captain", "Lieutenant", "Sergeant", "Staff Sergeant", "Major General", "Commander",
       "Warrant Officer", "Private", "Senator", "CNN host", "professor", "", "blogger"]  # fmt: skip
HINTS = ["U.S. Navy", "Royal Air Force", "Russian Ministry of Defence", "Armed Forces of Ukraine",
         "a speech", "Coast Guard", "British Army", "French Navy", "an interview", ""]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MIL), st.sampled_from(HINTS), st.text(max_size=40))
def test_property_hint_never_makes_a_rank(title: str, hint: str, noise: str) -> None:
    """A hint never changes whether a title is known nor its family, and changes nothing but
    the military code, level, service, country and note; any hint text is accepted."""
    plain = resolve_rank(title)
    for h in (hint, noise, f"{hint} {noise}"):
        r = resolve_rank(title, hint=h)
        assert (r.known, r.family) == (plain.known, plain.family)
        if plain.family != "military":
            assert r == plain
        else:
            assert r.code is not None and 0.0 <= r.level <= 1.0


def test_user_scale_and_native_language_extension(tmp_path: Path) -> None:
    ext = tmp_path / "ranks_pl.json"
    ext.write_text(json.dumps({
        "format": "credscore-ranks/1", "version": "pl-1",
        "countries": {"pl": {"name": "Poland", "phrases": ["poland", "polish"]}},
        "scales": [{"country": "pl", "service": "army", "ranks": {
            "pułkownik": "OF-5", "kapral": "OR-4", "major": "OF-3"}}],
    }, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    table = load_rank_table(ext)
    assert table.sha256 != default_rank_table().sha256 and table.version.endswith("+pl-1")
    assert resolve_rank("pułkownik", table).code == "OF-5"
    assert resolve_rank("Kapral", table, hint="Polish Army").country == "pl"
    uk = tmp_path / "ranks_ua.json"
    uk.write_text(json.dumps({"format": "credscore-ranks/1", "scales": [
        {"country": "ua", "service": "army", "ranks": {"генерал-майор": "OF-7",
                                                       "полковник": "OF-5"}}]},
        ensure_ascii=False), encoding="utf-8")  # fmt: skip
    t2 = load_rank_table(uk)
    assert resolve_rank("Генерал-майор", t2).code == "OF-7"
    assert resolve_rank("полковник ЗСУ", t2).code == "OF-5"


BAD = [
    ({"scales": [{"country": "us", "service": "cavalry", "ranks": {}}]}, "service"),
    ({"scales": [{"country": "us", "service": "navy", "ranks": {"captain": "XX-1"}}]}, "XX-1"),
    ({"scales": [{"country": "zz", "service": "navy", "like": "army", "ranks": {}}]}, "like"),
    ({"services": {"horse": ["cavalry"]}}, "horse"),
    ({"fuzzy": {"exclude": "marshall"}}, "fuzzy"),
    ({"word_aliases": {"staff sergeant": ["ssgt"]}}, "word_aliases"),
]


@pytest.mark.parametrize(("doc", "needle"), BAD)
def test_malformed_scales_raise(tmp_path: Path, doc: dict, needle: str) -> None:
    f = tmp_path / "bad_scale.json"
    f.write_text(json.dumps({"format": "credscore-ranks/1", **doc}))
    with pytest.raises(LexiconError, match=needle) as info:
        load_rank_table(f)
    assert "bad_scale.json" in str(info.value)


@pytest.mark.parametrize(
    ("title", "code", "below"),
    [
        # a qualifier that makes another rank than the word it qualifies
        ("Ordinary Seaman", "OR-1", "Able Seaman"),
        ("Corporal of Horse", "OR-6", None),  # the Household Cavalry's sergeant
        ("Lance Corporal of Horse", "OR-4", None),
        ("Specialist 5", "OR-5", None),  # US Army 1958-1985
        ("Spec. 6", "OR-6", None),
    ],
)
def test_ranks_of_one_corps_or_era(title: str, code: str, below: str | None) -> None:
    r = resolve_rank(title)
    assert (r.family, r.code, r.is_head) == ("military", code, False)
    if below is not None:
        assert r.level < resolve_rank(below).level
