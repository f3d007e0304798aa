"""Mentions resolve to country, PLOVER sectors and the role held at the date."""

from __future__ import annotations

import pytest

from dateline.actors.coref import Coref
from dateline.actors.resolve import ActorResolver


@pytest.mark.parametrize("text, date, country, sector", [
    ("Recep Tayyip Erdogan", "2020-03-04", "TUR", "GOV"),
    ("Russian President Vladimir Putin", "2020-03-04", "RUS", "GOV"),
    ("Kremlin Spokesman Dmitry Peskov", "2020-03-04", "RUS", "GOV"),
    ("The Syrian military", "2020-03-04", "SYR", "MIL"),
    ("36 Turkish soldiers", "2020-03-04", "TUR", "MIL"),
    ("the Turkish armed forces", "2020-03-04", "TUR", "MIL"),
    ("Syrian positions", "2020-03-04", "SYR", "MIL"),
    ("Syrian forces", "2020-03-04", "SYR", "MIL"),
    ("Ankara", "2020-03-04", "TUR", "GOV"),
    ("Kremlin", "2020-03-04", "RUS", "GOV"),
    ("the Russian Defense Ministry", "2020-03-04", "RUS", "GOV"),
    ("the Kremlin press service", "2020-03-04", "RUS", "GOV"),
    ("Erdoğan", "2020-03-04", "TUR", "GOV"),
    ("Syria's army", "2020-03-04", "SYR", "MIL"),
    ("ordinary Kazakhs", "2022-01-06", "KAZ", "CVL"),
    ("Mexican authorities", "2022-01-06", "MEX", "GOV"),
    ("Kyiv police", "2022-01-06", "UKR", "COP"),
    ("the Pentagon", "2022-01-06", "USA", "MIL"),
    ("Hezbollah", "2022-01-06", "LBN", "REB"),
    ("HTS", "2020-03-04", "SYR", "REB"),
    ("Houthi rebels", "2020-03-04", "YEM", "REB"),
    ("the United Nations", "2020-03-04", "IGO", None),
    ("Transnistria", "2020-03-04", "MDA", "PRE"),
])
def test_mention_resolves_to_country_and_sector(resolver, text, date, country, sector):
    result = resolver.resolve(text, date)
    assert result is not None, text
    assert result.actor.country == country
    if sector is not None:
        assert sector in result.actor.sectors
    assert result.reasons


@pytest.mark.parametrize("text, sector", [("militants", "REB"), ("protesters", "CVL"), ("police", "COP"),
                                          ("one person", "CVL")])
def test_bare_role_word_codes_a_sector_and_no_country(resolver, text, sector):
    result = resolver.resolve(text)
    assert result.actor.country is None and sector in result.actor.sectors


def test_context_supplies_the_country_of_a_bare_role(resolver):
    assert resolver.resolve("militants", "2020-01-01", "clashes in Idlib, Syria").actor.country == "SYR"


@pytest.mark.parametrize("text", ["a cat named Frank", "puppies", "yesterday", "Marcus Beam", "who"])
def test_non_actors_do_not_resolve(resolver, text):
    assert resolver.resolve(text) is None


@pytest.mark.parametrize("date, sector", [("2019-04-01", "GOV"), ("2022-04-01", "ELI"), ("2025-06-01", "GOV")])
def test_trump_is_gov_only_during_his_terms(resolver, date, sector):
    assert resolver.resolve("Trump", date).actor.sectors == [sector]


def test_former_president_is_not_government(resolver):
    result = resolver.resolve("former President Nursultan Nazarbayev", "2023-01-01")
    assert result.actor.country == "KAZ" and result.actor.sectors == ["ELI"]


def test_leader_out_of_office_at_the_date_is_eli(resolver):
    assert resolver.resolve("Angela Merkel", "2022-06-01").actor.sectors == ["ELI"]
    assert resolver.resolve("Angela Merkel", "2017-04-01").actor.sectors == ["GOV"]


def test_title_names_the_office_holder_at_the_date(resolver):
    result = resolver.resolve("the Russian leader", "2020-03-04")
    assert result.actor.country == "RUS" and result.actor.name == "Vladimir Putin"
    assert resolver.resolve("French President", "2016-01-01").actor.name == "Francois Hollande"


def test_compound_mentions_split_into_one_actor_each(resolver):
    pair = resolver.resolve_all("Putin and Erdogan", "2020-03-04")
    assert [(r.actor.country, r.actor.sectors) for r in pair] == [("RUS", ["GOV"]), ("TUR", ["GOV"])]
    officials = resolver.resolve_all("Hungarian and Romanian officials", "2020-03-04")
    assert [(r.actor.country, r.actor.sectors) for r in officials] == [("HUN", ["GOV"]), ("ROU", ["GOV"])]


def test_a_country_name_with_and_is_one_actor(resolver):
    assert [r.actor.country for r in resolver.resolve_all("Trinidad and Tobago")] == ["TTO"]


def test_pronoun_takes_the_last_person_in_memory(resolver):
    memory = Coref()
    memory.observe(resolver.resolve("Kremlin Spokesman Dmitry Peskov", "2020-03-04"))
    memory.observe(resolver.resolve("Ankara", "2020-03-04"))
    result = resolver.resolve_all("he", "2020-03-04", memory=memory)
    assert [r.actor.name for r in result] == ["Dmitry Peskov"]


def test_definite_description_recalls_a_person_seen_earlier(resolver):
    memory = resolver.new_memory()
    memory.observe(resolver.resolve("Kremlin Spokesman Dmitry Peskov", "2020-03-04"))
    memory.observe(resolver.resolve("Recep Tayyip Erdogan", "2020-03-04"))
    assert resolver.resolve_all("the Kremlin spokesman", "2020-03-04", memory=memory)[0].actor.name == "Dmitry Peskov"
    assert resolver.resolve_all("the Turkish leader", "2020-03-04", memory=memory)[0].actor.name == (
        "Recep Tayyip Erdogan")


def test_pronoun_without_memory_resolves_to_nothing(resolver):
    assert resolver.resolve_all("he", "2020-03-04", memory=Coref()) == []


def test_overlay_adds_actors_and_role_words(tmp_path):
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        "actors:\n"
        "  - {name: Jane Roe, kind: person, country: NZL, sectors: GOV, start: 2020-01-01, aliases: Roe}\n"
        "role_words:\n"
        "  - {phrase: peacemakers, sectors: NGO}\n", encoding="utf-8")
    custom = ActorResolver.load(overlay)
    assert (custom.resolve("Roe", "2021-01-01").actor.country, custom.resolve("Roe", "2021-01-01").actor.sectors) == (
        "NZL", ["GOV"])
    assert custom.resolve("peacemakers").actor.sectors == ["NGO"]


def test_overlay_csv_rows_are_read(tmp_path):
    overlay = tmp_path / "mine.csv"
    overlay.write_text("name,kind,country,sectors,aliases\nAcme Militia,organisation,KEN,PRM,Acme\n",
                       encoding="utf-8")
    assert ActorResolver.load(overlay).resolve("Acme").actor.sectors == ["PRM"]


def test_a_cached_resolution_is_a_copy_the_caller_may_change(resolver):
    # speed is measured by bench/actors.py; here: the cache hands out copies, never its own record
    first = resolver.resolve("36 Turkish soldiers", "2020-03-04")
    first.actor.sectors.append("XXX")
    first.actor.start = 5
    again = resolver.resolve("36 Turkish soldiers", "2020-03-04")
    assert again.actor.sectors == ["MIL"] and again.actor.start is None


@pytest.mark.model
def test_resolve_span_splits_a_conjoined_span(resolver):
    from dateline.nlp import load_nlp

    doc = load_nlp()("Senior Hungarian and Romanian officials agreed on Wednesday.")
    span = doc[1:5]
    result = resolver.resolve_span(span, "2020-03-04")
    assert [r.actor.country for r in result] == ["HUN", "ROU"]
    assert all(r.actor.start is not None and r.actor.start >= span.start_char for r in result)


@pytest.mark.model
def test_resolve_span_maps_a_pronoun_through_memory(resolver):
    from dateline.nlp import load_nlp

    doc = load_nlp()("Peskov spoke. He said nothing.")
    memory = resolver.new_memory()
    resolver.resolve_span(doc[0:1], "2020-03-04", memory)  # observed as it resolves
    he = next(t for t in doc if t.text == "He")
    assert [r.actor.name for r in resolver.resolve_span(doc[he.i:he.i + 1], "2020-03-04", memory)] == [
        "Dmitry Peskov"]


@pytest.mark.parametrize("text, name", [
    ("Vladimir Poutin", "Vladimir Putin"),          # rapidfuzz over multi-word names
    ("Ukhnaagiin Khürelsükh", "Ukhnaagiin Khurelsukh"),  # accents folded
])
def test_misspelt_or_transliterated_names_still_resolve(resolver, text, name):
    assert resolver.resolve(text, "2022-03-01").actor.name == name


def test_the_fuzzy_name_index_counts_each_names_characters_as_the_query_is_counted():
    from dateline.actors.resolve import _NameIndex

    names = ["vladimir putin", "recep tayyip erdogan", "al-qaeda in iraq", "côte d'ivoire army", "x y"]
    index = _NameIndex(names)
    for row, name in enumerate(index.names):
        counts = index._counts(name)  # how a query is counted: other characters share the last slot
        assert index.counts[row].tolist() == counts and int(index.masks[row]) == index._mask(counts)
    assert index.nearest("vladimir poutin", 80)[0] == "vladimir putin"


@pytest.mark.parametrize("text, country", [("Dehli police", "IND"), ("Kazahks", "KAZ")])
def test_one_misspelt_place_word_is_corrected(resolver, text, country):
    assert resolver.resolve(text).actor.country == country


def test_a_title_in_the_mention_counts_when_no_date_is_given(resolver):
    # PETRARCH's Saddam Hussein left office in 2003; "Iraqi President" says the text is older
    assert resolver.resolve("Iraqi President Saddam Hussein").actor.sectors == ["GOV"]
    assert resolver.resolve("Iraqi President Saddam Hussein", "2010-01-01").actor.sectors == ["ELI"]


def test_a_possessor_country_beats_a_generic_alias(resolver):
    result = resolver.resolve("Chile's Defense Department", "2022-01-01")
    assert result.actor.country == "CHL" and "GOV" in result.actor.sectors


def test_former_official_of_an_organisation_is_eli(resolver):
    result = resolver.resolve("a former CIA official", "2022-01-01")
    assert (result.actor.country, result.actor.sectors) == ("USA", ["ELI"])


def test_leader_of_a_parliament_takes_its_sector(resolver):
    assert resolver.resolve("president of the Riigikogu").actor.sectors == ["LEG"]


def test_a_sentence_context_only_lends_a_place_not_a_nationality(resolver):
    sentence = "Militants attacked Turkish positions near Idlib on Thursday."
    assert resolver.resolve("militants", "2020-02-27", sentence).actor.country == "SYR"
    assert resolver.resolve("militants", "2020-02-27", "Turkish troops shelled them on Thursday night.").actor.country is None


def test_a_mention_cached_in_one_sentence_still_reads_the_next_one():
    resolver = ActorResolver.load()  # its own caches: the order of look-ups is the point
    assert resolver.resolve("gunmen", "2020-02-27").actor.country is None
    assert resolver.resolve("gunmen", "2020-02-27", "Gunmen opened fire near Kabul.").actor.country == "AFG"
    assert resolver.resolve("gunmen", "2020-02-27", "Gunmen opened fire near Idlib.").actor.country == "SYR"
    assert resolver.resolve("gunmen", "2020-02-27").actor.country is None


def test_a_mention_that_names_its_country_is_resolved_once_for_every_sentence():
    resolver = ActorResolver.load()
    first = resolver.resolve("Syrian troops", "2020-02-27", "Syrian troops shelled Turkish posts near Idlib.")
    again = resolver.resolve("Syrian troops", "2020-02-27", "Syrian troops advanced near Saraqib.")
    assert first.actor == again.actor and first.actor.country == "SYR"
    assert resolver._resolve_in.cache_info().currsize == 0  # no sentence was needed, none was kept


@pytest.mark.parametrize("text", ["Leon Bobb", "Douglas Paul James", "Plans", "Olive Branch"])
def test_towns_and_words_inside_personal_names_are_not_actors(resolver, text):
    assert resolver.resolve(text) is None


@pytest.mark.parametrize("date, sector", [("2018", "GOV"), ("2022-03", "ELI")])
def test_year_and_month_dates_are_read_as_their_middle(resolver, date, sector):
    assert resolver.resolve("Angela Merkel", date).actor.sectors == [sector]


@pytest.mark.parametrize("text, date, name", [
    ("36 Turkish soldiers", "2020-02-27", "Turkish Armed Forces"),
    ("Syrian forces", "2020-02-27", "Syrian Arab Army"),
    ("Syrian forces", "2025-03-01", "Syrian Armed Forces"),   # the army rebuilt after December 2024
])
def test_soldiers_of_a_country_are_named_after_its_armed_forces_at_the_date(resolver, text, date, name):
    assert resolver.resolve(text, date).actor.name == name


def test_a_country_named_after_the_name_picks_that_namesake(resolver):
    # 'Hassan' alone is Jordan's prince in PETRARCH; 'of Morocco' means King Hassan II
    result = resolver.resolve("King Hassan of Morocco", "1993-09-01")
    assert (result.actor.country, result.actor.name) == ("MAR", "Hassan Ii")


def test_an_igo_title_before_a_name_says_whom_the_person_acts_for(resolver):
    result = resolver.resolve("U.N. mediator Diego Cordovez", "1988-04-14")
    assert result.actor.country == "IGO"
    assert any("official of" in reason for reason in result.reasons)
    assert resolver.resolve("Kremlin spokesman Dmitry Peskov", "2020-03-04").actor.country == "RUS"


def test_a_people_of_a_country_belongs_to_that_country(resolver):
    assert resolver.resolve("The Albanians of southern Serbia", "2001-03-01").actor.country == "SRB"
    assert resolver.resolve("Russian soldiers in Syria", "2020-03-04").actor.country == "RUS"


@pytest.mark.parametrize("text, country, sector", [
    ("APEC", "IGO", None),
    ("the ILO", "IGO", None),
    ("Xinhua", "CHN", "JRN"),
    ("the official Saudi Press Agency", "SAU", "JRN"),
    ("Harvard University", "USA", "EDU"),
    ("MONUSCO peacekeepers", "IGO", "MIL"),
])
def test_curated_igos_media_and_institutions_resolve(resolver, text, country, sector):
    result = resolver.resolve(text, "2020-03-04")
    assert result.actor.country == country
    assert sector is None or sector in result.actor.sectors


def test_an_acronym_that_is_also_a_place_needs_capitals(resolver):
    assert resolver.resolve("ILO", "2020-03-04").actor.country == "IGO"
    assert resolver.resolve("Ilo", "2020-03-04").actor.country == "PER"  # the Peruvian port


def test_antarctica_is_no_country(resolver):
    result = resolver.resolve("Antarctica", "2020-03-04")
    assert result is None or result.actor.country is None


def test_a_title_and_a_surname_name_the_one_office_holder_then(resolver):
    result = resolver.resolve("Defense Minister Molano", "2022-04-01")
    assert (result.actor.name, result.actor.country) == ("Diego Molano", "COL")
    # no one of that surname in office: the title alone codes the sector, no person is guessed
    assert resolver.resolve("President Brown", "2022-04-01").actor.name is None
