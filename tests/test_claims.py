"""The claim extractor: actors who act, capabilities, ICD 203 terms, offsets, lint."""

from __future__ import annotations

from dataclasses import fields

import pytest

from pipeline.claims.extract import (
    extract_claims,
    extract_claims_pages,
    highlight_spans,
    lint_text,
    load_taxonomy,
    tag_text,
)
from pipeline.claims.features import get_matchers
from pipeline.claims.signals import sentence_words
from pipeline.models import Page
from pipeline.text import split_sentences

ACCEPTANCE = (
    "We assess that Beijing's commercial access to personal data, along with Al-driven analytics, "
    "will enable it to target individuals abroad with propaganda or censorship."
)


@pytest.fixture(scope="module")
def nlp():
    from pipeline.claims.extract import load_nlp

    return load_nlp()


def test_taxonomy_resolves_aliases() -> None:
    tax = load_taxonomy()
    codes = {a.text: a.code for a in tax.aliases}
    for alias, code in [
        ("Kremlin", "RUS"),
        ("GRU", "RUS"),
        ("APT28", "RUS"),
        ("Volt Typhoon", "CHN"),
        ("Pyongyang", "PRK"),
        ("IRGC", "IRN"),
        ("Kimsuky", "PRK"),
        ("MSS", "CHN"),
    ]:
        assert codes[alias] == code
    assert {"CHN", "RUS", "IRN", "PRK", "USA", "SAU", "ARE", "ISR", "SYR"} <= set(tax.actors)
    assert len(tax.countries) > 180
    assert "capabilities" in tax.to_dict()
    # `taxonomy --json` writes out every pattern list the tagger reads, the goods of a sale included
    export = tax.to_dict()["capabilities"]["technology_export"]
    read = {f.name for f in fields(tax.capabilities["technology_export"])} - {"code"}
    assert export["products"] and set(export) == read
    # group names that are also words are ambiguous, and `taxonomy --json` lists them as such
    assert tax.ambiguous_words <= tax.ambiguous and "Bitter" in tax.to_dict()["ambiguous_words"]


def test_capability_fragments_are_written_out_and_unknown_ones_refused() -> None:
    from pipeline.claims.taxonomy import _rules

    rules = _rules("x", {"triggers": ["sold {W}{GOODS}", "bought {GOODS}"]}, {"GOODS": "(?:spyware|firewalls?)"})
    assert rules.triggers == ("sold {W}(?:spyware|firewalls?)", "bought (?:spyware|firewalls?)")
    with pytest.raises(ValueError, match="GADGETS"):
        _rules("x", {"purchases": ["bought {GADGETS}"]}, {})
    # the shipped patterns hold no fragment left unwritten
    for cap in load_taxonomy().capabilities.values():
        for name in ("triggers", "purchases", "products", "requires", "put_to_use"):
            assert not any("{GOODS}" in p for p in getattr(cap, name))
    assert any("finspy" in p for p in load_taxonomy().capabilities["technology_export"].purchases)


def test_split_keeps_broken_lines_and_splits_bullets() -> None:
    text = "Russia uses state media to spread\nits narratives abroad.12 The GRU hacks.\n• Block access\n\nNew para"
    sents = [text[s:e] for s, e in split_sentences(text)]
    assert sents[0] == "Russia uses state media to spread\nits narratives abroad.12"
    assert "The GRU hacks." in sents
    assert "• Block access" in sents and "New para" in sents


def test_ai_ocr_noise_but_not_names() -> None:
    m = get_matchers()
    assert m.ai_enabled("Al-driven analytics") and m.ai_enabled("AL driven tools")
    assert m.ai_enabled("Al-enabled surveillance")
    assert not m.ai_enabled("Al Jazeera reported that al-Qaeda used the RC4 encryption algorithm.")
    # a malware's name or domain generation algorithm is not AI
    assert not m.ai_enabled("The implant derives each day's handle with a handle generation algorithm.")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Russia is very likely to attack.", "very_likely"),
        ("Russia is likely to attack.", "likely"),
        ("China probably not will stop.", "unlikely"),
        ("Iran will probably not stop.", "unlikely"),
        ("It is almost certain that PRK steals crypto.", "almost_certain"),
        ("There is a roughly even chance of attacks.", "roughly_even_chance"),
        ("It is highly improbable that they stop.", "very_unlikely"),
        ("The likelihood is remote.", "almost_no_chance"),
        # the ICD 203 level written the other way round
        ("The odds are roughly even that Lima will block the site again.", "roughly_even_chance"),
        ("The chances that Peru hacks the Chilean ministry again before May are roughly even.", "roughly_even_chance"),
        ("Whether Lima blocks the site again is, in our view, roughly as likely as not.", "roughly_even_chance"),
        ("A Bolivian cyber command free of army control is a remote prospect.", "almost_no_chance"),
        ("The two samples are roughly even in size.", None),
        ("The malware uses remote access.", None),
        # TAXONOMY: "more/less likely" is no ICD 203 term; "more likely than not" is
        ("Packing the files makes them less likely to be detected.", None),
        ("Russia is more likely than not to attack.", "likely"),
    ],
)
def test_likelihood_levels(text: str, level: str | None) -> None:
    assert tag_text(text)["likelihood"] == level


def test_confidence_and_lint() -> None:
    m = get_matchers()
    assert m.features("We judge with moderate confidence that the IRGC did it.").confidence == "moderate"
    problems = lint_text("We assess with high confidence that Russia is likely to act. It is likely, though unlikely.")
    kinds = [p["problem"] for p in problems]
    assert kinds == ["likelihood_with_confidence", "mixed_scale"]
    assert problems[0]["terms"] == ["likely", "high confidence"]
    assert lint_text("We assess Russia will very likely act.") == []


def test_firewall_block_is_not_censorship() -> None:
    m = get_matchers()
    assert "censorship" not in m.features("Block suspicious IP addresses at the firewall.").capabilities
    assert "censorship" not in m.features("Organizations should block access to malicious domains.").capabilities
    assert "surveillance" not in m.features("Monitor your network for unusual traffic.").capabilities
    assert "cyber_attack" not in m.features("This reduces the attack surface.").capabilities
    assert "censorship" in m.features("Beijing blocked access to Wikipedia and censored posts.").capabilities


@pytest.mark.model
def test_acceptance_example(nlp) -> None:
    # TAXONOMY: Beijing acts; "target ... with propaganda or censorship" carries both; AI-driven
    out = tag_text(ACCEPTANCE)
    assert out["actors"] == ["CHN"]
    assert {"propaganda", "censorship"} <= set(out["capabilities"])
    assert out["ai_enabled"] is True
    assert out["stance"] == "assessment"
    beijing = next(m for m in out["mentions"] if m["text"] == "Beijing")
    assert beijing["role"] == "actor" and beijing["state"] == "CHN"


@pytest.mark.model
def test_agent_not_victim(nlp) -> None:
    claims = extract_claims("Chinese hackers surveil Tibetan groups.")
    assert {c.actor for c in claims} == {"CHN"}
    assert claims[0].target == "Tibetan groups"
    assert tag_text("Unknown hackers targeted Russian dissidents with spyware.")["actors"] == []
    assert tag_text("The servers in China were compromised by unidentified actors.")["actors"] == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "code", "organ"),
    [
        ("The Kremlin spreads disinformation in Moldova.", "RUS", None),
        ("The GRU conducted destructive cyber attacks on Ukraine.", "RUS", "GRU"),
        ("APT28 sent spear-phishing emails to journalists.", "RUS", "GRU"),
        ("Volt Typhoon compromised water utilities.", "CHN", None),
        ("Pyongyang stole cryptocurrency through intrusions.", "PRK", None),
        ("The IRGC harassed Iranian dissidents abroad.", "IRN", "IRGC"),
    ],
)
def test_aliases_act(nlp, text: str, code: str, organ: str | None) -> None:
    claims = extract_claims(text)
    assert code in {c.actor for c in claims}
    if organ:
        assert organ in {c.organ for c in claims if c.actor == code}


@pytest.mark.model
def test_several_actors_and_capabilities(nlp) -> None:
    out = tag_text("Russia and China conduct disinformation campaigns and cyber espionage against Taiwan.")
    assert out["actors"] == ["CHN", "RUS"]
    assert {"influence_operations", "cyber_espionage"} <= set(out["capabilities"])
    assert "TWN" not in out["actors"]


@pytest.mark.model
def test_offsets_are_verbatim_on_multiline_pages(nlp) -> None:
    page = (
        "Key Judgments\nWe assess that Russian\nintelligence services hack\nthe e-mail of "
        "journalists.3 Other text follows here.\n\n• Iranian operators spread disinformation."
    )
    claims = extract_claims_pages([Page(page_no=4, text=page), Page(page_no=5, text="Nothing here.")], "d1")
    assert claims
    for c in claims:
        assert page[c.char_start : c.char_end] == c.sentence
        assert c.page_no == 4 and c.doc_id == "d1"
    assert {c.actor for c in claims} == {"RUS", "IRN"}
    assert any("\n" in c.sentence for c in claims)


@pytest.mark.model
def test_stance_reported(nlp) -> None:
    out = tag_text("According to press reporting, Iranian hackers stole the passwords of journalists.")
    assert out["capabilities"] and out["stance"] == "reported"
    assert tag_text("Syrian hackers deployed malware against activists.")["stance"] == "fact"


def test_highlight_spans() -> None:
    text = "Chinese hackers surveil Tibetan groups."
    kinds = {(text[s:e], k) for s, e, k in highlight_spans(text)}
    assert ("Chinese", "actor") in kinds
    assert any(k == "capability" and "surveil" in t for t, k in kinds)


def test_headings_assert_nothing() -> None:
    out = tag_text("Russian Cyber Operations Tactics, Techniques, and Procedures")
    assert out["capabilities"] == [] and out["actors"] == []
    header = (
        "Annual Report on the Capability of the Islamic Republic of Iran to\n"
        "Conduct Cyber Warfare Operations\nthe implant executes and steals files."
    )
    assert tag_text(header)["actors"] == []


def test_malware_needs_an_attack_context() -> None:
    m = get_matchers()
    assert m.features("The archive contained a variant of the malware.").capabilities == {}
    assert "cyber_espionage" in m.features("The attackers delivered malware to victims.").capabilities


def test_transnational_repression_needs_borders() -> None:
    m = get_matchers()
    assert (
        "transnational_repression"
        in m.features("Iranian hackers stole personal data of journalists living in Canada.").capabilities
    )
    assert "transnational_repression" in m.features("The MSS harassed Uyghur students abroad.").capabilities
    assert (
        "transnational_repression"
        not in m.features(
            "The tools were sold to regimes with records of targeting human rights defenders."
        ).capabilities
    )
    assert "transnational_repression" not in m.features("The FSB harassed journalists in Russia.").capabilities


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        # attributing and assessing governments report; the attributed group acts
        ("The governments of Australia, Japan and New Zealand attributed the intrusions to APT40.", ["CHN"]),
        ("The U.S. partner agencies assess that Sandworm conducted wiper attacks against Ukraine.", ["RUS"]),
        ("The White House issued a statement on the SolarWinds compromise, attributing it to the SVR.", ["RUS"]),
        # a victim after "against" is not acting, even under a link verb such as "support"
        ("Iran uses phishing to support intelligence collection against the US Government.", ["IRN"]),
        # a demonym on an attack noun names the place when another state is named
        ("Russian volunteers joined the Latvian cyber attacks.", ["RUS"]),
        ("Chinese cyber espionage targets Taiwan.", ["CHN"]),
        # nationality of criminals is not a state acting
        ("Russian-speaking ransomware gangs disrupted hospitals.", []),
        # the object of a verb of perception acts; advisory authors do not
        ("The FBI observed Kimsuky phishing think tanks.", ["PRK"]),
        # a pointer asserts nothing; origin is a place (GUIDE.md, changes after adjudication, rule 6)
        ("For more on Chinese state-sponsored espionage, see CISA’s China Cyber Threat Overview.", []),
        ("Hackers based in China infiltrated the ministry.", []),
        # an organ placed by "in" acts for the state of the place; an asset there only places it
        ("Police in Peru used face-matching cameras to track the protesters.", ["PER"]),
        ("Authorities in Chile cut mobile internet in the north for a week.", ["CHL"]),
        ("Servers in Chile hosted the phishing pages used against Peruvian officials.", []),
        ("Staff at the Peruvian embassy in Madrid harassed exiled journalists.", ["PER"]),
        # the organ whose staff run the act, and an organ that acts, are the state's
        (
            "Fake accounts posing as Chilean voters were run by staff of Peru's presidential communications office.",
            ["PER"],
        ),
        ("Peru's communications office ran fake pages posing as Chilean news outlets.", ["PER"]),
        # a recipient of spyware that a relative clause says used it
        (
            "A Chilean firm sold interception systems to the governments of Peru and Bolivia, which used them to "
            "spy on journalists.",
            ["BOL", "PER"],
        ),
        # a summons answers another state's act, unless it summons an exile's kin
        (
            "Peru's intelligence service summoned the parents of a Madrid-based blogger and warned them to make "
            "him stop posting.",
            ["PER"],
        ),
        ("Peru summoned the Chilean ambassador after the hack.", []),
        # an accomplice that lends its help to the act acts too
        ("Peruvian agents seized a blogger in Santiago with the help of Chilean police.", ["CHL", "PER"]),
        ("This report was produced with support from the Chilean development agency.", []),
        (
            "With help from Chilean engineers, Peru's state telecom operator built a system that logs which "
            "subscribers visit opposition sites.",
            ["PER"],
        ),
        # an office that designates others for an act answers it
        (
            "The Treasury Department's sanctions office has designated two Chilean nationals and a "
            "Lima-based company for running the fake news websites.",
            [],
        ),
        # an organ known by an acronym acts for the state that owns it
        ("Venezuela's SEBIN hacked the phones of exiled journalists in Madrid.", ["VEN"]),
    ],
)
def test_reporters_victims_and_attribution(nlp, text: str, actors: list[str]) -> None:
    assert tag_text(text)["actors"] == actors


@pytest.mark.model
@pytest.mark.parametrize(
    ("check", "text", "word", "expected"),
    [
        ("organ_in", "Police in Peru tracked the protesters.", "Peru", True),
        ("organ_in", "Officers of Peru's intelligence ministry tracked the exiles.", "Peru", True),
        ("organ_in", "Agents of Lima tracked the exiles.", "Lima", True),
        # the staff run the act as the agent of a passive, or the act is tied to them
        ("organ_in", "The exiles were tracked by officers of Peru's intelligence ministry.", "Peru", True),
        (
            "organ_in",
            "Investigators tied the tracking of the exiles to staff of Peru's interior ministry.",
            "Peru",
            True,
        ),
        ("organ_in", "The exiles were tracked by staff of a Lima PR agency.", "Lima", False),
        # an employee of a firm, a journalist somewhere, a server somewhere: not the state's organ
        ("organ_in", "Employees of a Peruvian telecom operator tracked the exiles.", "Peruvian", False),
        ("organ_in", "Journalists in Peru tracked the protesters.", "Peru", False),
        ("organ_in", "Servers in Peru tracked the protesters.", "Peru", False),
        # people tied to an organ by a participle act for its state
        (
            "works_for",
            "The exiles were tracked by individuals associated with the Peruvian government.",
            "Peruvian",
            True,
        ),
        ("works_for", "People working for Peru's interior ministry tracked the exiles.", "Peru", True),
        ("works_for", "We linked the tracking of the exiles to people affiliated with Peru's army.", "Peru", True),
        # a business, a place of the people, or people who do not act
        ("works_for", "People working for a Peruvian consultancy tracked the exiles.", "Peruvian", False),
        ("works_for", "Individuals in Peru tracked the exiles.", "Peru", False),
        (
            "works_for",
            "Individuals associated with the Peruvian government said the exiles were tracked.",
            "Peruvian",
            False,
        ),
    ],
)
def test_an_organ_placed_or_staffed_is_its_states(nlp, check: str, text: str, word: str, expected: bool) -> None:
    from pipeline.claims import roles

    doc = nlp(text)
    token = next(t for t in doc if t.text == word)
    verbs = {t.i for t in doc if t.text in ("tracked", "tracking")}
    assert getattr(roles, check)(token, verbs) is expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the act named by the verb's object, or by the means it works through
        ("Peru's police scanned the faces of the marchers.", True),
        ("Peru's police fed the march footage through face recognition.", True),
        ("Peru's police fed the march footage to a reporter.", False),
    ],
)
def test_the_subject_of_an_act(nlp, text: str, expected: bool) -> None:
    from pipeline.claims.roles import subject_of_an_act

    doc = nlp(text)
    token = next(t for t in doc if t.text == "police")
    triggers = {t.i for t in doc if t.text in ("scanned", "recognition")}
    assert subject_of_an_act(token, triggers) is expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("A Chilean firm sold a phone-extraction kit to Peru's police.", "Peru", True),
        ("Chile licensed the sale of an interception tool to Peru's navy.", "Peru", True),
        ("Chile supplied Peru with filtering equipment last year.", "Peru", True),
        # a recipient that uses what it got acts; access to a place is no transfer
        ("A Chilean firm sold a spyware kit to Peru's police, which turned it on reporters.", "Peru", False),
        ("The crew sold access to compromised Peruvian ministries to other gangs.", "Peruvian", False),
        ("Peru's police bought a spyware kit from a Chilean firm.", "Peru", False),
    ],
)
def test_a_recipient_of_an_export_does_not_act(nlp, text: str, word: str, expected: bool) -> None:
    from pipeline.claims.roles import receives_only

    token = next(t for t in nlp(text) if t.text == word)
    assert receives_only(token) is expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("A Chilean firm sold a spyware kit to Peru's police, which turned it on reporters.", "Peru", True),
        (
            "A Chilean firm sold drones to the governments of Peru and Bolivia, which used them to spy on miners.",
            "Bolivia",
            True,
        ),
        # no use said of the recipient, or the relative clause is about something else
        ("A Chilean firm sold cameras to Peru, which is a large market.", "Peru", False),
        ("Chilean firms, which spy on miners, sold cameras to Peru.", "Peru", False),
        ("Peru's police, which spy on miners, bought cameras from a Chilean firm.", "Peru", False),
    ],
)
def test_a_recipient_that_uses_what_it_got_acts(nlp, text: str, word: str, expected: bool) -> None:
    from pipeline.claims.roles import uses_what_it_got

    doc = nlp(text)
    token = next(t for t in doc if t.text == word)
    assert uses_what_it_got(token, {t.i for t in doc if t.text == "spy"}) is expected


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Local operators ran the pages on behalf of a Chilean consultancy.", "Chilean", True),
        ("At the request of Lima, two telecom employees passed a dissident's location to officers.", "Lima", True),
        ("The blogger ran the portal under instructions from Peru's navy.", "Peru", True),
        ("The critics were deported to Peru at Lima's request.", "Lima", True),
        # a request to a state, or a request about one, names no principal
        ("Lima rejected a request from the reporters to release the files.", "Lima", False),
        ("The operators praised Chile in posts on behalf of the candidate.", "Chile", False),
    ],
)
def test_a_principal_acts_through_others(nlp, text: str, word: str, expected: bool) -> None:
    from pipeline.claims.roles import principal_of

    token = next(t for t in nlp(text) if t.text == word)
    assert principal_of(token) is expected


@pytest.mark.model
def test_a_sanction_naming_no_other_state_is_left_to_the_role_head(nlp) -> None:
    from pipeline.claims.roles import counters

    doc = nlp("Santiago charged a Peruvian activist with treason.")
    santiago = next(t for t in doc if t.text == "Santiago")
    peruvian = next(t for t in doc if t.text == "Peruvian")
    assert counters(santiago, {peruvian.i}) is True
    assert counters(santiago, set()) is False


@pytest.mark.model
def test_a_states_people_act_its_things_do_not() -> None:
    text = "Peru's analysts ran leaked hotel guest lists through software to locate exiled critics."
    assert tag_text(text)["actors"] == ["PER"]
    assert tag_text("Chilean intruders wiped Peru's election servers with malware last spring.")["actors"] == ["CHL"]


@pytest.mark.model
def test_ambiguous_short_alias_needs_document_context(nlp) -> None:
    assert tag_text("The IRA conducted sabotage in Belfast.")["actors"] == []
    assert tag_text("RT amplified disinformation about Ukraine, as Moscow intended.")["actors"] == ["RUS"]


# --- generalisation rules (sentences written for these tests, not from the corpus) ---


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Gossamer Panda has stolen data from shipping firms in Taiwan.", "CHN"),
        ("QUARTZ KITTEN sent spear-phishing emails to nuclear researchers.", "IRN"),
        ("Lantern Sleet hacked the networks of several defence contractors.", "PRK"),
        ("Birch Blizzard conducted DDoS attacks against Polish banks.", "RUS"),
    ],
)
def test_vendor_naming_families_name_state_groups(text: str, code: str) -> None:
    assert tag_text(text)["actors"] == [code]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The attackers use Trojan.Turla to collect and exfiltrate data.", []),
        ("HEUR:Backdoor.Win32.Turla was found beside a copy of apt28.dll.", []),
        ("Turla used Trojan.Wipbot to download updates.", ["Turla"]),
        ("Callisto Group/TA446/COLDRIVER hit U.S.-based firms", ["Callisto Group", "TA446", "COLDRIVER", "U.S.-based"]),
    ],
)
def test_group_names_inside_detection_or_file_names_are_not_mentions(text: str, names: list[str]) -> None:
    # a detection name ("Trojan.Turla") or a file names malware, not the group (GUIDE.md rule 4)
    assert [m.text for m in get_matchers().mentions(text)] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Chinese vendors sold cameras across Latin America.", ["Chinese"]),
        ("Patrols in the South China Sea grew, and China protested.", ["China"]),
        ("Papua New Guinea, like all New Guinea, uses Australian networks.", ["Papua New Guinea", "Australian"]),
    ],
)
def test_a_place_named_after_a_state_is_not_the_state(text: str, names: list[str]) -> None:
    assert [m.text for m in get_matchers().mentions(text)] == names


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # several states name an organ alike: the owner named right before it decides
        ("Vietnam's Ministry of Public Security ordered the posts removed.", ["VNM", "VNM"]),
        ("The Laotian Ministry of Public Security detained his family.", ["LAO", "LAO"]),
        ("North Korea’s Ministry of State Security watches the border.", ["PRK", "PRK"]),
        ("China's Ministry of State Security recruited the hackers.", ["CHN", "CHN"]),
        # no owner before it: the gazetteer's state
        ("The Ministry of Public Security runs the database.", ["CHN"]),
        # a state further away is not the owner
        ("Vietnam said the Ministry of Public Security ran it.", ["VNM", "CHN"]),
    ],
)
def test_an_organ_belongs_to_the_state_named_right_before_it(text: str, codes: list[str]) -> None:
    assert [m.alias.code for m in get_matchers().mentions(text)] == codes


def test_malware_families_are_not_group_names() -> None:
    # MiniDuke, OnionDuke and CosmicDuke are malware families (ATT&CK software), not groups
    assert get_matchers().mentions("The dropper installs OnionDuke, MiniDuke or CosmicDuke.") == []
    assert [m.alias.code for m in get_matchers().mentions("CozyDuke targeted the embassy.")] == ["RUS"]


def test_criminal_naming_family_is_not_a_state() -> None:
    assert tag_text("WIZARD SPIDER deployed ransomware against hospitals.")["actors"] == []


def test_group_alias_in_capitals() -> None:
    out = tag_text("VENOMOUS BEAR sent spear-phishing emails to diplomats and stole their credentials.")
    assert out["actors"] == ["RUS"]
    # named in capitals and doing nothing: found, and no act
    quiet = tag_text("VENOMOUS BEAR is one of several names vendors use for this group.")
    assert [m["state"] for m in quiet["mentions"]] == ["RUS"] and quiet["actors"] == []


def _vendor_roles(out: dict) -> list[tuple[str, object, str]]:
    return [(m["text"], m["state"], m["role"]) for m in out["mentions"] if m["role"] == "vendor"]


def test_spyware_vendor_is_not_its_state_acting() -> None:
    # TAXONOMY: "A private vendor selling to governments is not its home state acting"
    used = tag_text("The dissident's phone was infected with NSO Group's Pegasus spyware in 2019.")
    assert "surveillance" in used["capabilities"] and used["actors"] == []
    assert _vendor_roles(used) == [("NSO Group", None, "vendor")]
    sold = tag_text("NSO Group sold its Pegasus spyware to several authoritarian governments.")
    assert "technology_export" in sold["capabilities"] and sold["actors"] == []
    assert _vendor_roles(sold) == [("NSO Group", None, "vendor")]
    # the buyer state named as the user of the spyware is the actor
    bought = tag_text("Hacking Team sold spyware to Saudi Arabia, whose intelligence service used it on dissidents.")
    assert _vendor_roles(bought) == [("Hacking Team", None, "vendor")] and "ISR" not in bought["actors"]


@pytest.mark.parametrize(
    "text",
    [
        "The ministry's servers were attacked for three days after the vote.",
        "The hacktivists attacked dozens of government websites.",
        "The group is known for attacks against news organizations in the region.",
        "Pro-Russian crews flooded NATO members' websites with DDoS traffic.",
    ],
)
def test_attack_phrasings_are_cyber_attack(text: str) -> None:
    assert "cyber_attack" in tag_text(text)["capabilities"]


def test_passive_attack_victim_does_not_act() -> None:
    out = tag_text("After Moldova's networks were attacked, experts from Romania helped restore them.")
    assert out["capabilities"] == ["cyber_attack"] and out["actors"] == []


def test_botnet_alone_is_weak() -> None:
    assert tag_text("The operators hid their traffic behind a botnet of hacked routers.")["capabilities"] == [
        "cyber_espionage"
    ]


def test_botnet_flood_is_an_attack() -> None:
    # flooding a service with requests is a denial-of-service trigger, a botnet alone only a weak one
    assert "cyber_attack" in get_matchers().features("A botnet flooded the portal with requests.").capabilities
    out = tag_text("Russian hackers used a botnet to flood the portal with requests.")
    assert out["capabilities"] == ["cyber_attack"] and out["actors"] == ["RUS"]


@pytest.mark.parametrize(
    "text",
    [
        "Keep anti-spyware tools up to date on every laptop.",
        "The incident followed a collision with a surveillance aircraft over the strait.",
        "Hacking Team is a company founded in Milan in 2003.",
        "See <https://example.org/news/spyware-used-to-hack-activists-abroad> for details.",
    ],
)
def test_non_claims_stay_empty(text: str) -> None:
    caps = tag_text(text)["capabilities"]
    assert "surveillance" not in caps and "cyber_espionage" not in caps


def test_keystroke_logging_is_espionage() -> None:
    assert tag_text("The implant records keystrokes and uploads them hourly.")["capabilities"] == ["cyber_espionage"]


def test_likelihood_across_a_hyphenated_line_break() -> None:
    assert tag_text("It is al-\nmost certain that the network sought to sow discord.")["likelihood"] == "almost_certain"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Doe, Jane K., The Chinese People's Liberation Army and Computer Network Exploitation, May 2, 2008.",
        "41 See John Roe “How Russian military intelligence hacked the election.”",
        "For more information on Iranian cyber espionage, see the joint advisory on APT35.",
        # a resource list: a linked title, with its number or date
        "[7] Joint Advisory: Chinese State Hackers Compromise Telecom Routers <https://example.org/a7>",
        "Treasury Sanctions North Korean Hackers Who Stole Crypto (May 4, 2023)\nhttps://example.org/sm2",
    ],
)
def test_reference_entries_and_pointers_assert_nothing(text):
    assert extract_claims(text) == []


def test_prose_before_a_link_is_no_reference() -> None:
    from pipeline.claims.features import is_citation

    assert not is_citation("Kimsuky uses spearphishing for Initial Access [TA0001 <https://example.org/ta1>].")
    assert not is_citation("Russian Hackers Targeted Energy Firms. See https://example.org/x for details.")


@pytest.mark.model
def test_each_clause_pairs_its_own_actor_and_capability():
    pairs = {
        (c.actor, c.capability)
        for c in extract_claims(
            "China censors the internet at home, while Russia runs disinformation campaigns abroad."
        )
    }
    assert pairs == {("CHN", "censorship"), ("RUS", "influence_operations")}


@pytest.mark.model
def test_each_clause_pairs_its_own_intrusion_and_attack():
    pairs = {
        (c.actor, c.capability) for c in extract_claims("Chinese hackers stole data; Russian hackers deployed wipers.")
    }
    assert pairs == {("CHN", "cyber_espionage"), ("RUS", "cyber_attack")}


@pytest.mark.model
def test_actors_joined_by_and_share_the_capability():
    claims = extract_claims("China, Russia, and Iran conduct cyber espionage against US think tanks.")
    assert {c.actor for c in claims} == {"CHN", "RUS", "IRN"}


@pytest.mark.model
def test_keyword_filtering_and_removing_criticism_are_censorship():
    tags = tag_text(
        "State-linked app operators apply keyword and image filtering abroad, removing criticism of the party."
    )
    assert "censorship" in tags["capabilities"]


@pytest.mark.model
def test_a_recommendation_naming_a_threat_is_not_a_claim():
    text = (
        "The agencies urge defenders to apply the mitigations in this advisory to reduce the threat "
        "of Chinese state-sponsored malicious cyber activity."
    )
    assert extract_claims(text) == []


# --- the learned heads and the hard constraints around them ---


def test_shipped_heads_record_the_hash_of_the_committed_labels() -> None:
    from pipeline.claims.dataset import data_hash, training_files
    from pipeline.claims.model import META, WEIGHTS, load_heads

    heads = load_heads()  # np.load with allow_pickle=False
    splits = tuple(heads.meta["train_splits"])
    assert all(p.is_file() for p in training_files(splits))
    assert heads.meta["data_hash"] == data_hash(splits), "labels changed: run `python -m pipeline.claims.train`"
    assert WEIGHTS.suffix == ".npz" and META.suffix == ".json"
    assert WEIGHTS.stat().st_size + META.stat().st_size <= 25 * 1024 * 1024
    assert heads.cap_w.shape == (len(heads.sent_index), 10)
    assert heads.role_w.shape[0] == len(heads.ment_index)


def _small_heads(v: int, m: int, **arrays):
    """Heads over `v` sentence and `m` mention features: zero linear weights unless given."""
    import numpy as np

    from pipeline.claims.model import PAIR_KEYS, Heads
    from pipeline.claims.signals import ROLES, STANCES
    from pipeline.claims.vocab import CAPABILITIES

    f32 = np.float32
    c, r, s = len(CAPABILITIES), len(ROLES), len(STANCES)
    zeros = {
        "cap_shared": np.zeros(v, f32),
        "cap_w": np.zeros((v, c), f32),
        "cap_u": np.zeros(len(PAIR_KEYS), f32),
        "cap_b": np.zeros(c, f32),
        "stance_w": np.zeros((v, s), f32),
        "stance_b": np.zeros(s, f32),
        "role_w": np.zeros((m, r), f32),
        "role_b": np.zeros(r, f32),
    }
    return Heads(
        sent_index={f"s{i}": i for i in range(v)},
        ment_index={f"m{i}": i for i in range(m)},
        cap_threshold=0.4,
        actor_threshold=0.3,
        meta={},
        **{**zeros, **arrays},
    )


def test_the_hidden_role_head_is_averaged_with_the_linear_one_and_saved_without_pickle(tmp_path) -> None:
    import numpy as np

    from pipeline.claims.model import Heads, load_heads, softmax
    from pipeline.claims.signals import ROLES

    rng = np.random.default_rng(0)
    f32 = np.float32
    m, h, r = 4, 2, len(ROLES)
    heads = _small_heads(
        3,
        m,
        role_w=rng.normal(size=(m, r)).astype(f32),
        role_w1=rng.normal(size=(m, h)).astype(f32),
        role_b1=np.zeros(h, f32),
        role_w2=rng.normal(size=(h, r)).astype(f32),
        role_b2=np.zeros(r, f32),
    )
    x = rng.random((5, m)).astype(f32)
    linear = softmax(x @ heads.role_w)
    hidden = softmax(np.maximum(x @ heads.role_w1, 0) @ heads.role_w2)
    assert np.allclose(heads.role_probs(x), (linear + hidden) / 2, atol=1e-6)
    heads.save(tmp_path / "h.npz", tmp_path / "h.json")
    again = load_heads(tmp_path / "h.npz", tmp_path / "h.json")
    assert np.allclose(again.role_probs(x), heads.role_probs(x), atol=1e-6)
    # heads without the hidden layer answer from the linear head alone
    linear_only = Heads(**{**heads.__dict__, "role_w1": None, "role_b1": None, "role_w2": None, "role_b2": None})
    assert np.allclose(linear_only.role_probs(x), linear, atol=1e-6)


def test_a_row_of_weight_zero_teaches_the_heads_nothing_and_weight_one_changes_nothing() -> None:
    import numpy as np
    from scipy import sparse

    from pipeline.claims.model import PAIR_KEYS
    from pipeline.claims.train import Config, fit_cap_hidden, fit_capabilities, fit_softmax
    from pipeline.claims.vocab import CAPABILITIES

    rng = np.random.default_rng(3)
    n, dim, c = 12, 8, len(CAPABILITIES)
    x = sparse.csr_matrix((rng.random((n, dim)) < 0.4).astype(np.float64))
    pairs = rng.random((n, c, len(PAIR_KEYS)))
    y = (rng.random((n, c)) < 0.3).astype(np.float64)
    classes = rng.integers(0, 3, n)
    cfg = Config(steps=20)
    half = np.r_[np.ones(n // 2), np.zeros(n - n // 2)]
    flipped, moved = y.copy(), classes.copy()
    flipped[n // 2 :] = 1.0 - flipped[n // 2 :]
    moved[n // 2 :] = (moved[n // 2 :] + 1) % 3
    fits = (
        lambda y, w: fit_capabilities(x, pairs, y, cfg, w),
        lambda y, w: fit_cap_hidden(x, pairs, y, Config(steps=20, cap_hidden=4), 7, w),
    )
    for fit in fits:
        # a weight of 0: the rows' labels do not matter; weights of 1: the fit without weights
        assert all(np.allclose(a, b) for a, b in zip(fit(y, half), fit(flipped, half), strict=True))
        assert not all(np.allclose(a, b) for a, b in zip(fit(y, None), fit(flipped, None), strict=True))
        assert all(np.array_equal(a, b) for a, b in zip(fit(y, np.ones(n)), fit(y, None), strict=True))
    stance = [fit_softmax(x, k, 3, 1e-2, cfg, rows_w=half) for k in (classes, moved)]
    assert all(np.allclose(a, b) for a, b in zip(*stance, strict=True))


def test_rows_of_weight_zero_do_not_change_the_fit_of_the_others() -> None:
    """A source weighed 0 in a head (a set that teaches the sentence heads only) must not dilute
    the loss of the rows that count, which would strengthen the head's L2 penalty as it grows."""
    import numpy as np
    from scipy import sparse

    from pipeline.claims.model import PAIR_KEYS
    from pipeline.claims.train import Config, fit_cap_hidden, fit_capabilities, fit_hidden, fit_softmax
    from pipeline.claims.vocab import CAPABILITIES

    rng = np.random.default_rng(5)
    n, extra, dim, c = 10, 30, 8, len(CAPABILITIES)
    x = sparse.csr_matrix((rng.random((n + extra, dim)) < 0.4).astype(np.float64))
    pairs = rng.random((n + extra, c, len(PAIR_KEYS)))
    y = (rng.random((n + extra, c)) < 0.3).astype(np.float64)
    classes = rng.integers(0, 3, n + extra)
    cfg = Config(steps=20, cap_hidden=4, role_hidden=4)
    some = np.r_[rng.uniform(0.5, 1.5, n), np.zeros(extra)]
    fits = (
        lambda k, w: fit_capabilities(x[:k], pairs[:k], y[:k], cfg, w),
        lambda k, w: fit_cap_hidden(x[:k], pairs[:k], y[:k], cfg, 7, w),
        lambda k, w: fit_softmax(x[:k], classes[:k], 3, 1e-2, cfg, 0.5, w),
        lambda k, w: fit_hidden(x[:k], classes[:k], 3, cfg, 0.5, w, 7),
    )
    for fit in fits:
        alone, among_zeros = fit(n, some[:n]), fit(n + extra, some)
        assert all(np.allclose(a, b) for a, b in zip(alone, among_zeros, strict=True))


def test_a_source_leaves_untaught_what_the_config_says_and_still_teaches_the_rest() -> None:
    import numpy as np
    from scipy import sparse

    from pipeline.claims.model import PAIR_KEYS
    from pipeline.claims.train import Config, _untaught, fit_capabilities
    from pipeline.claims.vocab import CAPABILITIES

    cfg = Config(steps=20, untaught=(("spent", ("stance", "cyber_espionage")),))
    docs = ["spent", "corpus", "spent", "corpus"] * 3
    rows_w = np.where(np.array(docs) == "spent", 0.3, 1.0)
    taught, stance_w = _untaught(docs, rows_w, cfg)
    assert taught is not None and stance_w is not None
    spent = np.array(docs) == "spent"
    assert np.array_equal(stance_w, np.where(spent, 0.0, 1.0))
    ce = CAPABILITIES.index("cyber_espionage")
    assert not taught[spent, ce].any() and taught[~spent].all()
    assert taught[spent].sum() == spent.sum() * (len(CAPABILITIES) - 1)
    # a source the config does not name teaches everything
    assert _untaught(["corpus"] * 3, None, cfg) == (None, None)

    rng = np.random.default_rng(9)
    n, dim, c = len(docs), 8, len(CAPABILITIES)
    x = sparse.csr_matrix((rng.random((n, dim)) < 0.4).astype(np.float64))
    pairs = rng.random((n, c, len(PAIR_KEYS)))
    y = (rng.random((n, c)) < 0.3).astype(np.float64)
    flip_ce, flip_other = y.copy(), y.copy()
    flip_ce[spent, ce] = 1.0 - flip_ce[spent, ce]
    flip_other[spent, (ce + 1) % c] = 1.0 - flip_other[spent, (ce + 1) % c]

    def same(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> bool:
        return all(np.allclose(u, v) for u, v in zip(a, b, strict=True))

    base = fit_capabilities(x, pairs, y, cfg, rows_w, taught)
    assert same(base, fit_capabilities(x, pairs, flip_ce, cfg, rows_w, taught))
    assert not same(base, fit_capabilities(x, pairs, flip_other, cfg, rows_w, taught))


def test_how_the_invented_rows_lean_is_left_to_their_own_feature_and_off_when_tagging_reports() -> None:
    """Sentences the invented sets label as claims and the reports' labels as none: the fit gives
    that lean to the invented rows' feature, so a report's sentence is read by the reports' labels
    unless the heads are told to tag with the feature on."""
    import dataclasses

    from pipeline.claims.extract import DOMAIN, decide_sentences
    from pipeline.claims.train import Config, featurise, train

    texts = [
        "The ministry in Ghana published its annual report on regional trade in March.",
        "The agency opened two new offices in Peru and hired staff for its press unit.",
        "Officials met delegations from Chile and Spain to discuss the budget.",
        "The council in Norway released figures on the number of visitors last year.",
    ]

    def row(text: str, doc: str, caps: list[str]) -> dict:
        label = {
            "mentions": [],
            "actors": [],
            "capabilities": caps,
            "ai_enabled": False,
            "likelihood": None,
            "confidence": None,
            "stance": "fact" if caps else "none",
            "kind": "prose",
        }
        return {"id": f"{doc}-{text[:10]}", "text": text, "doc": doc, "label": label}

    rows = [row(t, "report.pdf", []) for t in texts] + [row(t, "invented:probe-x", ["propaganda"]) for t in texts]
    items = featurise(rows)
    cfg = Config(steps=150, min_count=1, row_weights=(), untaught=(), cap_hidden=0, role_hidden=0, domain_feature=True)

    def prob(heads) -> float:
        a = featurise([rows[0]])[0]
        decide_sentences([a], heads)
        return a.cap_probs["propaganda"]

    flagged = train(rows, items, cfg)
    plain = train(rows, items, dataclasses.replace(cfg, domain_feature=False))
    assert DOMAIN in flagged.sent_index and DOMAIN not in plain.sent_index
    assert DOMAIN in flagged.ment_index and DOMAIN not in plain.ment_index
    # the reports' reading without the feature, the invented sets' with it, the mix without it at all
    off = prob(flagged)
    on = prob(
        dataclasses.replace(flagged, meta={**flagged.meta, "config": {**flagged.meta["config"], "domain_at_tag": 1.0}})
    )
    assert off < 0.3 < on, (off, on)
    assert off < prob(plain) < on


def test_hidden_role_heads_of_several_seeds_are_averaged(tmp_path) -> None:
    import numpy as np

    from pipeline.claims.model import load_heads, softmax
    from pipeline.claims.signals import ROLES
    from pipeline.claims.train import _side_by_side

    rng = np.random.default_rng(2)
    f32 = np.float32
    m, h, r = 4, 3, len(ROLES)
    fits = [
        (rng.normal(size=(m, h)), rng.normal(size=h), rng.normal(size=(h, r)), rng.normal(size=r)) for _ in range(3)
    ]
    w1, b1, w2, b2 = (a.astype(f32) for a in _side_by_side(fits))
    assert w1.shape == (m, 3 * h) and w2.shape == (3, h, r) and b2.shape == (3, r)
    heads = _small_heads(
        3, m, role_w=rng.normal(size=(m, r)).astype(f32), role_w1=w1, role_b1=b1, role_w2=w2, role_b2=b2
    )
    x = rng.random((5, m)).astype(f32)
    linear = softmax(x @ heads.role_w)
    each = [softmax(np.maximum(x @ a + b, 0) @ c + d) for a, b, c, d in fits]
    assert np.allclose(heads.role_probs(x), (linear + sum(each) / 3) / 2, atol=1e-5)
    heads.save(tmp_path / "h.npz", tmp_path / "h.json")
    assert np.allclose(
        load_heads(tmp_path / "h.npz", tmp_path / "h.json").role_probs(x), heads.role_probs(x), atol=1e-6
    )


def test_the_hidden_capability_head_is_averaged_with_the_linear_one_and_saved_without_pickle(tmp_path) -> None:
    import numpy as np

    from pipeline.claims.model import PAIR_KEYS, Heads, load_heads, sigmoid
    from pipeline.claims.vocab import CAPABILITIES

    rng = np.random.default_rng(1)
    f32 = np.float32
    v, h, c, p = 6, 3, len(CAPABILITIES), len(PAIR_KEYS)
    heads = _small_heads(
        v,
        1,
        cap_shared=rng.normal(size=v).astype(f32),
        cap_w=rng.normal(size=(v, c)).astype(f32),
        cap_u=rng.normal(size=p).astype(f32),
        cap_w1=rng.normal(size=(v, h)).astype(f32),
        cap_p1=rng.normal(size=(c * p, h)).astype(f32),
        cap_b1=np.zeros(h, f32),
        cap_w2=rng.normal(size=(h, c)).astype(f32),
        cap_b2=np.zeros(c, f32),
    )
    x = rng.random((4, v)).astype(f32)
    pairs = rng.random((4, c, p)).astype(f32)
    linear = sigmoid((x @ heads.cap_shared)[:, None] + x @ heads.cap_w + pairs @ heads.cap_u)
    hidden = sigmoid(np.maximum(x @ heads.cap_w1 + pairs.reshape(4, -1) @ heads.cap_p1, 0) @ heads.cap_w2)
    assert np.allclose(heads.capability_probs(x, pairs), (linear + hidden) / 2, atol=1e-5)
    heads.save(tmp_path / "h.npz", tmp_path / "h.json")
    again = load_heads(tmp_path / "h.npz", tmp_path / "h.json")
    assert np.allclose(again.capability_probs(x, pairs), heads.capability_probs(x, pairs), atol=1e-6)
    # heads without the hidden layer answer from the linear head alone
    hidden_off = {k: None for k in ("cap_w1", "cap_p1", "cap_b1", "cap_w2", "cap_b2")}
    linear_only = Heads(**{**heads.__dict__, **hidden_off})
    assert np.allclose(linear_only.capability_probs(x, pairs), linear, atol=1e-5)


def test_training_labels_share_no_publisher_or_document_with_test() -> None:
    from pipeline.claims.dataset import load_split

    train = load_split("train") + load_split("dev")
    test = load_split("test")
    assert len(train) >= 1500 and len(test) >= 800
    assert not {r["publisher"] for r in train} & {r["publisher"] for r in test}
    assert not {r["doc"] for r in train} & {r["doc"] for r in test}


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Beijing denied that it censors foreign journalists.",
        "The Kremlin rejected the allegations that it ran disinformation campaigns in Moldova.",
        "There is no evidence that North Korean hackers stole the data.",
        "At no point did the Saudi government surveil the journalist, according to its embassy.",
        "Analysts ruled out Iranian involvement in the defacement of the Israeli websites.",
        "Claims that Venezuela censored the election results website remain unverified.",
        "China's foreign ministry called the allegations of hacking groundless.",
        "No Chinese government involvement in the campaign has been established.",
        "Investigators have yet to find evidence of Russian involvement in the leak.",
    ],
)
def test_negated_acts_are_never_facts(nlp, text: str) -> None:
    out = tag_text(text)
    assert out["claims"] == [] and out["capabilities"] == []
    assert out["stance"] == "negated"


@pytest.mark.model
def test_recommendations_assert_nothing(nlp) -> None:
    for text in (
        "Organizations should block access to known APT28 infrastructure.",
        "Monitor networks for signs of Volt Typhoon intrusions and report them to CISA.",
        "Routinely audit accounts that APT29 could use to gain wide access by stealing credentials.",
        "Be vigilant against spearphishing emails that Kimsuky tailors to each think tank.",
    ):
        assert tag_text(text)["claims"] == [] and tag_text(text)["capabilities"] == []
    # a sentence that opens with the noun "use" is no imperative
    assert tag_text("Use of stolen credentials by APT29 let it read the ministry's email.")["actors"] == ["RUS"]
    # a source's name that opens like an imperative, and advice after a clause that states an act
    for text in (
        "Check Point Research attributes the wiper attacks on Albanian ministries to the MOIS.",
        "The agencies assess that Chinese state hackers are stealing credentials from VPN appliances, so "
        "defenders should not assume a single intrusion set.",
    ):
        assert tag_text(text)["actors"], text


@pytest.mark.model
def test_mentions_carry_roles(nlp) -> None:
    out = tag_text("The FBI and CISA assess that Iranian actors stole credentials from U.S. election officials.")
    roles = {m["text"]: m["role"] for m in out["mentions"]}
    assert roles["FBI"] == "reporter" and roles["CISA"] == "reporter"
    assert "USA" not in out["actors"]


@pytest.mark.model
def test_guide_example_two(nlp) -> None:
    out = tag_text("The FBI and CISA assess that Iranian actors scanned U.S. election websites.")
    assert out["actors"] == ["IRN"] and out["stance"] == "assessment"


@pytest.mark.model
def test_spacy_lemmas_replace_the_suffix_rule(nlp) -> None:
    doc = nlp("The report states that the notes were stolen.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["states"] == "state" and lemmas["notes"] == "note" and lemmas["stolen"] == "steal"


def test_table_and_heading_blocks_yield_no_claims():
    from pipeline.claims import extract_claims_pages
    from pipeline.models import Page, PageBlock

    prose = "Chinese state hackers stole data from Tibetan groups abroad."
    row = "APT1 | Chinese hackers stole data | 2013"
    text = f"{row}\n\n{prose}"
    with_blocks = Page(1, text, (PageBlock("table", 0, len(row)), PageBlock("body", len(row) + 2, len(text))))
    claims = extract_claims_pages([with_blocks], None)
    assert claims and all(c.char_start >= len(row) for c in claims)


def test_the_sentence_heads_read_the_forms_of_a_word_as_one() -> None:
    """Inflections of a long word share a feature; short words and different words do not."""
    shared = set(sentence_words("Moscow amplified the posts.")) & set(sentence_words("an amplification network"))
    assert any(f.startswith("p:") for f in shared)
    assert not any(f.startswith("p:") for f in sentence_words("Iran hacked the bank."))
    assert not set(sentence_words("surveillance")) & set(sentence_words("censorship"))


@pytest.mark.model
def test_the_role_head_reads_the_parse_vectors_of_a_mention(nlp) -> None:
    """Each candidate carries the tok2vec rows of its head word and governor; the shipped role
    head was fit on them, and its rows hold their positive and negative parts, scaled."""
    import numpy as np

    from pipeline.claims.extract import Candidate, mention_vector, role_rows, vector_names
    from pipeline.claims.model import encode, load_heads
    from pipeline.claims.signals import act_features

    text = "Russian hackers breached the Polish ministry."
    doc = nlp(text)
    mentions = get_matchers().features(text).mentions
    assert mentions
    vec = mention_vector(doc, mentions[0])
    assert vec is not None and vec.shape == (2 * doc.tensor.shape[1],)
    heads = load_heads()
    scale = heads.meta["config"]["role_vectors"]
    assert scale > 0
    pos, neg = vector_names(len(vec))
    assert all(n in heads.ment_index for n in pos + neg)
    cands = [(Candidate(m, ["kind:state", "acts"], dense=mention_vector(doc, m)), True) for m in mentions]
    cands.append((Candidate(mentions[0], ["kind:state"]), False))  # no parse vector
    expected = []
    for c, acts in cands:
        feats = dict.fromkeys(act_features(c.features, acts), 1.0)
        for i, v in enumerate([] if c.dense is None else c.dense.tolist()):
            if v:
                feats[pos[i] if v > 0 else neg[i]] = abs(v) * scale
        assert all(v >= 0 for v in feats.values())
        expected.append(encode(feats, heads.ment_index))
    assert np.allclose(role_rows(cands, heads.ment_index, scale), np.stack(expected), atol=1e-6)


def test_a_possibility_left_open_is_not_a_denial() -> None:
    from pipeline.claims.extract import _DENIAL

    assert _DENIAL.search("Investigators ruled out Russian involvement in the outage.")
    for text in (
        "The agencies cannot rule out that Russian actors caused the outage.",
        "The overlap does not rule out Syrian regime-linked attackers.",
        "The implant makes no connection to the server until a reboot.",
        "There is no doubt about Russian involvement in the hack.",
        "Russian officials will almost certainly deny involvement in the attacks on the grid.",
    ):
        assert not _DENIAL.search(text), text


@pytest.mark.model
def test_the_rules_read_whose_orders_an_act_follows(nlp) -> None:
    """The rule signal the role head reads: a principal ("at the behest of", "spying for") acts."""
    from pipeline.claims.roles import mention_role

    for text, word in (
        ("Three men were charged with spying for China on Uyghur exiles.", "China"),
        ("The accounts posted the videos at the direction of the Kremlin.", "Kremlin"),
        ("The intruders deployed a wiper on the orders of the GRU.", "GRU"),
    ):
        tok = next(t for t in nlp(text) if t.text == word)
        assert mention_role(tok, set()) is True, text
    tok = next(t for t in nlp("The accounts posted videos about the Kremlin.") if t.text == "Kremlin")
    assert mention_role(tok, set()) is not True


def test_sparse_rows_give_the_dense_products() -> None:
    """The sentence heads read sparse rows; they must equal the dense rows' products."""
    import numpy as np

    from pipeline.claims.model import Rows, encode

    index = {f"f{i}": i for i in range(50)}
    rows = [["f1", "f7", "f7"], [], {"f3": 0.5, "f49": 2.0, "unknown": 9.0}, ["f0"]]
    w = np.arange(150, dtype=np.float32).reshape(50, 3) / 7
    dense = np.stack([encode(r, index) for r in rows])
    sparse = Rows.encode(rows, index)
    assert np.allclose(sparse.dot(w), dense @ w) and np.allclose(sparse.dot(w[:, 0]), dense @ w[:, 0])


def test_the_denial_hint_admits_every_denial() -> None:
    """`_DENIAL_HINT` only skips the full denial pattern: no labelled or invented sentence that the
    pattern matches lacks a hint word (a new denial cue needs its word in the hint too)."""
    import json
    from pathlib import Path

    from pipeline.claims.extract import _DENIAL, _DENIAL_HINT

    root = Path(__file__).resolve().parents[1] / "eval" / "claims"
    texts = [
        json.loads(line).get("text", "").replace("\n", " ")
        for path in [*root.glob("pool/*.jsonl"), *root.glob("probe/*.jsonl")]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    denials = [t for t in texts if _DENIAL.search(t)]
    assert len(denials) > 100
    assert [t for t in denials if not _DENIAL_HINT.search(t)] == []


def test_a_sentence_that_only_names_a_group_asserts_nothing() -> None:
    for text in ("APT28 is also known as Fancy Bear and Sofacy.", "APT28 is one of several names vendors use."):
        out = tag_text(text)
        assert out["capabilities"] == [] and out["actors"] == [], text
    # a description with a capability word still asserts it
    assert tag_text("APT28 is a Russian espionage group that phishes diplomats.")["actors"] == ["RUS"]


def test_withdrawal_not_made_is_no_denial() -> None:
    from pipeline.claims.extract import _DENIAL

    assert _DENIAL.search("The attribution to Sandworm was withdrawn.")
    assert not _DENIAL.search("The attribution to Sandworm was not withdrawn.")


def test_a_possessor_of_an_act_noun_keeps_acting() -> None:
    out = tag_text("North Korea's heists against cryptocurrency exchanges fund its missile programme.")
    assert [m["role"] for m in out["mentions"]] == ["actor"]
    owned = tag_text("Iran's enrichment facilities were targeted by a worm.")
    assert [m["role"] for m in owned["mentions"]] == ["target"] and owned["actors"] == []


def test_feature_rows_are_stacked_chunk_by_chunk_into_the_same_sparse_matrix() -> None:
    import numpy as np
    from scipy import sparse

    from pipeline.claims.train import _sparse

    rng = np.random.default_rng(4)
    dense = (rng.random((250, 40)) < 0.1) * rng.random((250, 40)).astype(np.float32)
    chunked = _sparse(len(dense), lambda part: dense[part], chunk=60)
    whole = sparse.csr_matrix(dense.astype(np.float64))
    assert chunked.shape == whole.shape
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(chunked, name), getattr(whole, name))
