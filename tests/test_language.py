"""Language check: non-English text is skipped, English (even a short headline) never is."""

from __future__ import annotations

import pytest

from dateline.errors import SKIP_KINDS, ErrorKind
from dateline.language import check, declared

ENGLISH = [
    "Kremlin expects Putin, Erdogan to agree on steps to end crisis in Idlib",
    "KREMLIN EXPECTS PUTIN, ERDOGAN TO AGREE ON STEPS TO END CRISIS IN IDLIB",
    "Putin, Erdogan meet in Moscow",
    "Turkey strikes Syrian army positions",
    "U.S. Lifts Travel Ban to Lebanon.",
    "Congo government rejects demands from rebel group.",
    "Recep Tayyip Erdogan, Vladimir Putin, Bashar al-Assad",
    "On Tuesday, Nigerian junior foreign minister Dubem Oniya summoned Niger's ambassador Brah Mohamane.",
    "The minister said: «Мы не допустим этого» and left the room in Moscow on Friday after the talks.",
    "12:30 GMT",
]
OTHER = {
    "fr": "Le président a déclaré à Genève que les négociations reprendraient après l'été.",
    "de": "Die Regierung hat am Mittwoch neue Sanktionen gegen Russland beschlossen.",
    "es": "El gobierno anunció nuevas sanciones contra el país vecino el miércoles.",
    "ru": "Президент России Владимир Путин провел переговоры с турецким коллегой.",
    "ar": "قال الرئيس التركي إن القوات ستنسحب من المنطقة.",
    "zh": "中国外交部发言人周三表示，双方将继续谈判。",
    "tr": "Cumhurbaşkanı Erdoğan, Suriye'deki saldırıyı kınadı ve misilleme sözü verdi.",
}


@pytest.mark.parametrize("text", ENGLISH)
def test_english_text_is_coded_even_when_short(text):
    assert check(text).english


@pytest.mark.parametrize("code", sorted(OTHER))
def test_other_languages_are_detected_and_named(code):
    verdict = check(OTHER[code])
    assert not verdict.english
    assert verdict.language == code and repr(code) in verdict.reason


LONG_ENGLISH = (
    "Turkish troops struck Syrian army positions overnight after an air strike in Idlib killed 36 "
    "soldiers, the defence ministry said on Friday. Officials in Ankara said that the operation, which "
    "had been planned for weeks, would go on until the government's forces withdrew from the area. "
    "Russia, whose aircraft have supported them, called for talks."
)
#: Long texts whose languages share a few of the English marker words ("was", "had", "of").
LONG_OTHER = {
    "de": "Die Bundesregierung hat am Mittwoch nach langen Beratungen neue Sanktionen gegen Russland "
          "beschlossen. Was der Kanzler dazu sagte, war deutlich: Man will die Lage in der Region nicht "
          "weiter eskalieren lassen, aber auch nicht tatenlos zusehen. Die Opposition kritisierte, dass "
          "das Paket zu spät komme und zu schwach sei, und forderte weitere Schritte.",
    "nl": "De regering had woensdag na lang overleg nieuwe sancties tegen Rusland aangekondigd. Of die "
          "maatregelen effect zullen hebben, was volgens de oppositie nog maar de vraag. De minister van "
          "Buitenlandse Zaken zei dat het kabinet de situatie in de regio nauwlettend volgt en dat er "
          "binnenkort overleg met de Europese partners is gepland.",
    "fr": "The minister said the talks would resume. Le président a déclaré mercredi à Genève que les "
          "négociations reprendraient après l'été, mais que les deux parties devaient d'abord s'entendre "
          "sur un calendrier. Selon le ministère des Affaires étrangères, les délégations se rencontreront "
          "de nouveau dans la capitale suisse au début du mois de septembre pour discuter du cessez-le-feu.",
}


def test_a_long_story_dense_with_english_function_words_needs_no_model():
    verdict = check(LONG_ENGLISH)
    assert verdict.english and verdict.language == "en" and "function words" in verdict.reason


@pytest.mark.parametrize("code", sorted(LONG_OTHER))
def test_languages_sharing_a_few_marker_words_still_go_to_the_model(code):
    verdict = check(LONG_OTHER[code])
    assert "function words" not in verdict.reason
    assert not verdict.english and verdict.language == code


def test_a_declared_language_is_taken_at_its_word():
    assert check(OTHER["fr"], "en-GB").english
    verdict = check(ENGLISH[0], "fr")
    assert (verdict.english, verdict.language) == (False, "fr") and "'fr'" in verdict.reason
    assert not check(OTHER["de"], "und").english  # "undetermined" is no declaration: detect


def test_declared_tags_are_read_as_primary_subtags():
    assert [declared(v) for v in ("EN_us", "eng", "English", " fr-CA ", "und", "", None)] == \
        ["en", "eng", "english", "fr", None, None, None]


def test_not_english_is_a_skip_not_a_failure():
    assert ErrorKind.NOT_ENGLISH in SKIP_KINDS and ErrorKind.NOT_ENGLISH.status == "skipped"
    assert ErrorKind.MALFORMED.status == "failed" and ErrorKind.CODING.status == "failed"


@pytest.mark.shared
def test_no_dev_gold_text_is_taken_for_another_language():
    import json

    from tests.conftest import shared_path

    rejected = []
    for path in sorted(shared_path("eval", "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if isinstance(record.get("text"), str) and not check(record["text"], record.get("language")).english:
                rejected.append((path.name, record.get("id")))
    assert rejected == []  # every dev set is English


def test_letters_are_weighed_in_utf8_bytes_before_judging():
    assert check("Путин, 1234").reason == "too little text to judge its language"     # 10 bytes
    assert check("Путин Эрдог").reason != "too little text to judge its language"     # 20 bytes
    assert check("Putin met Erdogan, 9:00").reason == "too little text to judge its language"  # 15
    assert check("Putin met Erdogan in Sochi").reason != "too little text to judge its language"  # 22
