"""Claims on phrasings the labelled reports rarely use: influence operations, coordinated actors,
reporting agencies of many states, references to the actor of the previous sentence."""

from __future__ import annotations

import pytest

from pipeline.claims.extract import extract_claims, tag_text
from pipeline.claims.features import get_matchers
from pipeline.claims.taxonomy import load_taxonomy


def _roles(out: dict) -> dict[str, str]:
    """Mention text -> role in a `tag_text` answer."""
    return {m["text"]: m["role"] for m in out["mentions"]}


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("Moscow tries to denigrate democratic institutions in Europe.", "influence_operations"),
        ("The network worked to undermine voters' confidence in the count.", "influence_operations"),
        ("Tehran aims to sow division among its rivals' citizens.", "influence_operations"),
        ("The accounts amplified conspiracy theories about vaccines.", "influence_operations"),
        ("The outlets published fabricated articles under invented bylines.", "influence_operations"),
        ("The operators ran fake personas that claimed to be local farmers.", "influence_operations"),
        ("Several websites posing as independent news outlets carried the story.", "influence_operations"),
        ("The unit stole $40 million in cryptocurrency from an exchange.", "cyber_espionage"),
        ("The operators set up fake local news pages in three languages.", "influence_operations"),
        ("The accounts impersonated environmental activists in Germany.", "influence_operations"),
        ("Coordinated accounts flooded the protesters' hashtags with spam.", "influence_operations"),
        ("The network kept posting anti-government memes every evening.", "influence_operations"),
        ("The agency interfered in the 2020 Taiwanese presidential election.", "influence_operations"),
        ("A state-funded outlet repackaged the ministry's statement for foreign readers.", "propaganda"),
        ("The country's embassies amplified the minister's speech on social media.", "propaganda"),
        # TAXONOMY: interception is surveillance; outages are disruption
        ("The authorities ran a man-in-the-middle attack on traffic to the search engine.", "surveillance"),
        ("The law lets the security service tap subscribers' calls without a warrant.", "surveillance"),
        ("Cameras on the metro were used to identify women who removed their headscarves.", "surveillance"),
        ("The outage at the rail operator lasted nine hours.", "cyber_attack"),
        ("The embassy paid influencers to post the ministry's videos without disclosing it.", "influence_operations"),
        ("Staff ran Facebook accounts disguised as garment workers.", "influence_operations"),
        ("The regulator's blocklist now holds 4,000 news sites.", "censorship"),
        ("The unit's crypto heists fund the missile programme.", "cyber_espionage"),
        ("The intrusion froze the customs agency's servers for two days.", "cyber_attack"),
        ("The ministry pressed advertisers to suppress coverage of the protests.", "censorship"),
    ],
)
def test_influence_and_theft_phrasings_fire(text: str, capability: str) -> None:
    assert capability in get_matchers().features(text).capabilities


@pytest.mark.parametrize(
    "text",
    [
        "Defenders should build threat personas for their tabletop exercises.",
        # umbrella terms carry no capability (TAXONOMY, "A capability needs an act")
        "The agency's cyber operations have posed a long-standing threat to its neighbours.",
        "The report describes malicious cyber activity of several governments.",
        "Administrators should scan networks for the indicators listed below.",
    ],
)
def test_defender_wording_does_not_fire(text: str) -> None:
    caps = get_matchers().features(text).capabilities
    assert "influence_operations" not in caps and "cyber_espionage" not in caps


def test_a_plant_shutdown_is_not_censorship() -> None:
    assert "censorship" not in get_matchers().features("The plant shutdowns cut output for a month.").capabilities


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        # a defender's object ("monitor for ...", "block ports") must be the whole word: "foreign"
        # is not "for", "portals" not "ports"
        ("Peru's intelligence service monitors foreign journalists in Lima.", "surveillance"),
        ("Chile's regulator blocked independent news portals during the vote.", "censorship"),
    ],
)
def test_a_defenders_object_is_a_whole_word(text: str, capability: str) -> None:
    assert capability in get_matchers().features(text).capabilities


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("Administrators should monitor for unusual logins.", "surveillance"),
        ("The team blocked ports 445 and 139 at the border.", "censorship"),
    ],
)
def test_a_defenders_object_still_denies(text: str, capability: str) -> None:
    assert capability not in get_matchers().features(text).capabilities


@pytest.mark.parametrize(
    "text",
    [
        # TAXONOMY: transferring surveillance or censorship capabilities to other states, by any verb of giving
        "Chile offered facial recognition cameras to Bolivia's police.",
        "Peru passed its internet-filtering know-how to Ecuador's regulator.",
        "Santiago lent spyware to the Bolivian army through a broker.",
        "Peru may share its AI-enabled surveillance systems with partners in the Andes.",
        # the buyer's side names the sale too
        "Bolivia's regulator blocked opposition sites with a filtering system bought from a Chilean firm.",
    ],
)
def test_giving_surveillance_goods_is_export(text: str) -> None:
    assert "technology_export" in get_matchers().features(text).capabilities


@pytest.mark.parametrize(
    "text",
    [
        "The domains had been bought from a reseller in Lima days before the lures went out.",
        "Peru's ministry is likely to exploit the health records it acquired from hospitals in Chile.",
        "The group delivered spyware to Chilean officers through a fake dating app.",
        # what surveillance yields is no surveillance good
        "Peru's police shared surveillance footage of the marchers with Bolivian officers.",
        "Chile would not pass facial recognition data on exiles to Lima.",
    ],
)
def test_buying_or_delivering_other_things_is_not_export(text: str) -> None:
    assert "technology_export" not in get_matchers().features(text).capabilities


@pytest.mark.parametrize(
    ("text", "repression"),
    [
        ("Peruvian agents poisoned a defector living in Spain.", True),
        ("Chilean officers murdered an exiled journalist in Buenos Aires.", True),
        ("A Peruvian group poisoned a software update that Lima's journalists installed.", False),
    ],
)
def test_killing_a_critic_abroad_is_repression(text: str, repression: bool) -> None:
    assert ("transnational_repression" in get_matchers().features(text).capabilities) is repression


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("Hong Kong", "CHN"),
        ("Xinjiang", "CHN"),
        ("Roskomnadzor", "RUS"),
        ("ODNI", "USA"),
        ("NCSC", "GBR"),
        ("RCMP", "CAN"),
        ("GCSB", "NZL"),
        ("MIVD", "NLD"),
        ("ANSSI", "FRA"),
        ("SBU", "UKR"),
        ("Zvezda", "RUS"),
        ("Telesur", "VEN"),
        ("Inter-Services Public Relations", "PAK"),
        ("Sidewinder", "IND"),
        ("UNC1151", "BLR"),
    ],
)
def test_agencies_and_places_resolve_to_states(alias: str, code: str) -> None:
    assert {a.text: a.code for a in load_taxonomy().aliases}[alias] == code


@pytest.mark.model
def test_coordinated_states_all_act() -> None:
    out = tag_text("Iran, China and Russia exploited the protests to denigrate the French government.")
    assert {"CHN", "IRN", "RUS"} <= set(out["actors"])
    assert "FRA" not in out["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The operators routed their traffic through rented servers in Peru, Chile and Bolivia before reaching it.",
        "Phishing emails reached diplomats posted in Peru, Chile, Bolivia and Paraguay during the summit.",
    ],
)
def test_coordinated_places_share_the_first_place_role(text: str) -> None:
    # a list of places shares the role of its first member, as a list of actors or targets does
    roles = _roles(tag_text(text))
    assert {roles[name] for name in ("Peru", "Chile", "Bolivia")} == {"location"}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Russia seeks to weaken trust in the electoral process across Europe.", "RUS"),
        ("Chinese operatives set up inauthentic accounts to praise the party.", "CHN"),
        ("North Korean hackers stole cryptocurrency from a bridge protocol.", "PRK"),
        # GUIDE: a caption or table row that names an act of a named actor asserts it
        ("Figure 3. Sandworm attacks on Ukrainian power substations, 2015-2022", "RUS"),
        ("Sandworm | Russia (GRU) | energy, telecoms | wipers", "RUS"),
    ],
)
def test_plain_statements_name_their_actor(text: str, code: str) -> None:
    assert code in tag_text(text)["actors"]


@pytest.mark.model
def test_reporting_agencies_are_not_actors() -> None:
    out = tag_text("The NCSC and ASD assess that Chinese hackers compromised routers across the region.")
    assert out["actors"] == ["CHN"]
    roles = _roles(out)
    assert roles["NCSC"] == "reporter"


@pytest.mark.model
def test_assessed_targeting_names_its_actor_and_not_the_assessors() -> None:
    out = tag_text("FBI and CISA assess that Chinese state-sponsored actors target US telecommunications networks.")
    assert out["actors"] == ["CHN"] and out["capabilities"]
    roles = _roles(out)
    assert roles["Chinese"] == "actor" and roles["FBI"] == "reporter" and roles["US"] != "actor"


@pytest.mark.model
def test_the_group_resolves_to_the_actor_of_the_previous_sentence() -> None:
    text = (
        "APT28 sent spear-phishing emails to defence ministries in 2021. "
        "The group also deployed a backdoor to steal documents from diplomats."
    )
    claims = extract_claims(text)
    second = [c for c in claims if c.sentence.startswith("The group")]
    assert second and {c.actor for c in second} == {"RUS"}
    assert second[0].actor_mention == "The group"


@pytest.mark.model
def test_the_group_stays_unresolved_when_two_states_precede() -> None:
    text = (
        "APT28 and APT1 sent spear-phishing emails to defence ministries in 2021. "
        "The group also deployed a backdoor to steal documents from diplomats."
    )
    second = [c for c in extract_claims(text) if c.sentence.startswith("The group")]
    assert all(c.actor is None for c in second)


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Tehran did not compromise the water utility's network.",
        "Beijing has never been tied to the intrusions at the port, officials said.",
        "No North Korean hackers were seen stealing funds from the exchange.",
        "The implant does not wipe disks and does not disrupt the host's services.",
        "Pyongyang has repeatedly rejected accusations that it steals cryptocurrency.",
        "Nothing in the logs we reviewed indicates that Iranian operators exfiltrated data.",
        "Analysts could not tie the wiper attack to any Russian military unit.",
        "We have seen nothing linking the Belarusian KGB to the leaked documents.",
        "A review of the tender papers debunked claims that Huawei had sold spyware to the Zambian police.",
        "We searched the mail logs for signs that APT41 had exfiltrated data and found nothing.",
        "The embassy rejected as baseless the report that its staff had monitored exiles in Paris.",
        "None of the accounts we reviewed shows any link to the Russian state.",
        "The attribution to Sandworm was later withdrawn after the vendor found a coding error.",
        "The investigation found nothing showing that Tehran ordered the hacking of the exiles.",
        "The blackout was first blamed on Russian hackers, but engineers later traced it to a failed transformer.",
        "We now think the code overlap that tied the intrusions to Iran was planted, and we withdraw that attribution.",
        "The model declined prompts from Iranian operators who wanted help writing phishing emails.",
        # others' blame or suspicion that the sentence refutes
        "Officials in Managua blamed Honduran hackers for the outage, but engineers said there was no evidence "
        "of an attack.",
        "Reports from users suggest that Baku briefly blocked WhatsApp during the vote, but our measurements "
        "show no disruption.",
        "Although several outlets linked the port outage to Russian military intelligence, the responders "
        "found nothing in the logs.",
    ],
)
def test_negated_acts_are_never_claims(text: str) -> None:
    out = tag_text(text)
    assert out["actors"] == [] and out["claims"] == [] and out["capabilities"] == []
    assert out["stance"] == "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Moscow not only spread disinformation but also hacked regional election offices.",
        "Chinese operatives did not stop running fake accounts after the takedown.",
        # an attribution not withdrawn stands
        "The vendor did not withdraw its attribution of the intrusions to APT41.",
        "APT41 stole the designs; the vendor has not retracted that attribution.",
        # a refusal beside an act done anyway leaves the act
        "Our models refused the requests, but the Russian operators then wrote the disinformation articles themselves.",
        # an act the sentence states, beside evidence it did not find
        "Russian hackers breached the ministry's mail server, but found no classified files.",
        "Chinese operators hacked the carrier's intercept console, but we saw no sign that any order was read.",
    ],
)
def test_not_only_and_did_not_stop_still_assert(text: str) -> None:
    assert tag_text(text)["actors"] in (["RUS"], ["CHN"])


@pytest.mark.model
def test_the_actor_of_a_reported_act_acts() -> None:
    # "reported that X ..." is not the content of a claim noun: X keeps its role
    out = tag_text("Estonia's CERT reported that Sandworm attempted to disrupt electrical substations.")
    assert out["actors"] == ["RUS"] and out["stance"] == "reported"


@pytest.mark.model
def test_the_state_a_narrative_is_about_does_not_act() -> None:
    out = tag_text("Moscow used state media to amplify claims that Ukraine was developing biological weapons.")
    roles = _roles(out)
    assert roles["Ukraine"] != "actor" and "UKR" not in out["actors"]
    # what a post or video "claims" is its narrative too
    post = tag_text("A viral post claimed that Poland had staged the drone incident to provoke NATO.")
    assert "POL" not in post["actors"]
    # and what "stories claiming that ..." say
    stories = tag_text("Bot accounts amplified stories claiming that Ukrainian soldiers were selling donated weapons.")
    assert [m["role"] for m in stories["mentions"] if m["state"] == "UKR"] == ["other"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The report, published by the Canadian government, details Chinese espionage against universities.",
        "Intrusions observed by the FBI in 2023 were attributed to APT41.",
    ],
)
def test_publishers_and_observers_are_reporters(text: str) -> None:
    out = tag_text(text)
    assert out["actors"] == ["CHN"]
    assert [m["role"] for m in out["mentions"] if m["state"] in ("CAN", "USA")] == ["reporter"]


@pytest.mark.model
def test_a_possible_act_is_hypothetical_and_keeps_its_actor() -> None:
    # GUIDE, changes after adjudication, rule 2: a hypothetical act by a named state keeps its actor
    out = tag_text("Tehran could use cyberattacks to retaliate against Israel.")
    assert out["stance"] == "hypothetical" and out["actors"] == ["IRN"]


@pytest.mark.parametrize(
    ("text", "state", "role"),
    [
        ("Foreign services tried to sabotage Iran's uranium enrichment programme.", "IRN", "target"),
        ("Estonian government networks were targeted by the worm in 2007.", "EST", "target"),
        ("Iran has suffered more intrusions than any other country this year.", "IRN", "victim"),
        ("Georgia suffered a wave of disruptive cyber attacks from Russian hackers.", "GEO", "victim"),
    ],
)
def test_a_state_on_the_receiving_end_in_the_parse_is_not_the_actor(text: str, state: str, role: str) -> None:
    tagged = tag_text(text)
    assert state not in tagged["actors"]
    assert [m["role"] for m in tagged["mentions"] if m["state"] == state] == [role]


def test_the_attacker_beside_a_victim_still_acts() -> None:
    tagged = tag_text("Georgia suffered a wave of disruptive cyber attacks from Russian hackers.")
    assert tagged["actors"] == ["RUS"]
    tagged = tag_text("Russian hackers sabotaged Ukraine's power grid.")
    assert tagged["actors"] == ["RUS"]
    assert [m["role"] for m in tagged["mentions"] if m["state"] == "UKR"] == ["target"]


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("The group spread Russian-language disinformation on Telegram.", "RUS"),
        ("Persian speakers in Europe were targeted by the campaign.", "IRN"),
        ("Separatist officials were spied on in Operation Nightjar (Russian: Kozodoy) for a year.", "RUS"),
        # what a text is in, what someone speaks
        ("The fake news sites published articles in French, German and Italian that praised Lima.", "ITA"),
        ("Posts in Chinese and Korean amplified the hashtag within minutes, according to the platform.", "CHN"),
        ("Most residents of the eastern provinces use Ukrainian at home.", "UKR"),
    ],
)
def test_a_language_or_its_speakers_is_not_the_state(text: str, state: str) -> None:
    tagged = tag_text(text)
    assert state not in tagged["actors"]
    assert [m["role"] for m in tagged["mentions"] if m["state"] == state] == ["other"]
    assert tag_text("Russian hackers spread disinformation on Telegram.")["actors"] == ["RUS"]
    assert "RUS" in tag_text("Russian operators (GRU: Unit 26165) compromised the network.")["actors"]
    # a state's own name after "in" is the state
    assert "TJK" in tag_text("Police in Tajikistan detained two exiled bloggers at Turkey's request.")["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # voice cloning and face swaps are generated media: AI whether or not the sentence says "AI"
        "Russian operatives used voice cloning to impersonate a European minister on a call.",
        # making content counts as synthetic media where the sentence names the AI that made it
        "The Iranian campaign relied on neural networks to generate photos of staged rallies.",
        "Accounts run by the Russian embassy posted generated profile photos of invented teachers.",
        "The Chinese network's personas used portraits made by a face-synthesis model.",
    ],
)
def test_generated_media_is_ai_enabled(text: str) -> None:
    out = tag_text(text)
    assert "synthetic_media" in out["capabilities"] and out["ai_enabled"] is True
    assert all(c["ai_enabled"] for c in out["claims"] if c["capability"] == "synthetic_media")


def test_making_content_without_ai_is_not_synthetic_media() -> None:
    assert "synthetic_media" not in get_matchers().features("The group wrote articles for a blog.").capabilities
    # forged images need no AI
    assert not get_matchers().features("The outlet circulated forged images of the minister.").ai_enabled
    # "generated" as the verb of a campaign is not generated media
    assert not get_matchers().features("The campaign generated images of soldiers for its posters.").ai_enabled


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "code"),
    [
        # verbs that also report ("launch", "publish", "release", "track") do the act when their
        # object is one
        ("Russia launched cyber attacks against NATO members.", "RUS"),
        ("Iran published fake articles on spoofed news sites.", "IRN"),
        ("Russia released fabricated documents about the minister.", "RUS"),
        ("Beijing tracks Uyghur dissidents in Turkey.", "CHN"),
    ],
)
def test_a_reporting_verb_with_an_act_for_object_acts(text: str, code: str) -> None:
    assert code in tag_text(text)["actors"]


@pytest.mark.model
def test_a_reporting_verb_with_a_report_for_object_reports() -> None:
    out = tag_text("The US and UK issued a joint statement on Chinese cyber espionage.")
    assert _roles(out).keys() >= {"US", "UK"}
    assert "USA" not in out["actors"] and "GBR" not in out["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Neither China nor Russia deployed deepfakes during the campaign.",
        "China neither hacked the ministry nor stole its data.",
    ],
)
def test_neither_nor_negates(text: str) -> None:
    out = tag_text(text)
    assert out["claims"] == [] and out["stance"] == "negated"


@pytest.mark.parametrize(
    "text",
    [
        "14 Jane Roe, “Ministry confirms infection of industrial systems,” Daily Outlet, May 25, 2010.",
        "31 “Officials Characterize the Worm as ‘Cyber War’,” Open Source Center,\nOctober 20, 2010.",
        "7 Ann Lee and Bo Park, “Are the Centrifuges the Target?,” Example Institute, November 17, 2010.",
    ],
)
def test_a_footnote_reference_asserts_nothing(text: str) -> None:
    from pipeline.claims.features import is_citation

    assert is_citation(text)
    assert not is_citation("14 “Iranian” hackers were arrested in 2012.")


@pytest.mark.model
def test_a_state_owning_a_thing_does_not_act_through_it() -> None:
    owned = tag_text("Iran's enrichment facilities seem a more likely target for a cyber attack than the reactor.")
    assert "IRN" not in owned["actors"]
    # a state's organ, agents and campaigns still act
    assert "RUS" in tag_text("Russia's GRU hacked the party's email servers.")["actors"]
    assert "CHN" in tag_text("China's hackers stole the aircraft designs.")["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Further evaluation by CISA and the FBI found that the scanning of state election websites was "
        "an intentional effort to interfere with the election.",
        "CISA and the FBI are aware of an Iranian APT actor targeting state websites.",
    ],
)
def test_advisory_agencies_report_what_they_describe(text: str) -> None:
    out = tag_text(text)
    assert "USA" not in out["actors"]
    assert {m["role"] for m in out["mentions"] if m["text"] in ("CISA", "FBI")} <= {"reporter", "other"}


@pytest.mark.model
def test_an_agency_that_does_the_act_acts() -> None:
    assert "USA" in tag_text("The NSA hacked the networks of a foreign telecommunications company.")["actors"]


@pytest.mark.model
def test_police_taking_down_criminal_infrastructure_is_not_a_hostile_act() -> None:
    assert "NLD" not in tag_text("The Dutch police took down the servers used by the botnet.")["actors"]
    assert "DEU" not in tag_text("German police seized the command-and-control servers of the botnet.")["actors"]
    assert "RUS" in tag_text("Russian hackers took down the servers of the ministry.")["actors"]


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("The embassy paid local bloggers to post flattering stories about the minister.", "influence_operations"),
        ("Hundreds of accounts pushed identical talking points within an hour.", "influence_operations"),
        ("The troupe staged videos of fake refugees and circulated doctored photos.", "influence_operations"),
        ("The regime imposed a communications blackout on the northern province.", "censorship"),
        ("A new law criminalizes online criticism of the armed forces.", "censorship"),
        ("Posts about the strike were quietly removed from the platform.", "censorship"),
        ("The outlet signed content-sharing agreements with regional newspapers.", "propaganda"),
        ("Security officers pressured exiled students in Germany to return home.", "transnational_repression"),
        ("The agency kept files on foreign users, including their contacts.", "data_exploitation"),
    ],
)
def test_non_intrusion_phrasings_fire(text: str, capability: str) -> None:
    assert capability in get_matchers().features(text).capabilities


def test_exported_goods_are_not_the_sellers_surveillance() -> None:
    sold = get_matchers().features("The firm sold facial recognition cameras and spyware to three governments.")
    assert "technology_export" in sold.capabilities and "surveillance" not in sold.capabilities
    # an act of monitoring named beside the sale still counts
    used = get_matchers().features("The firm sold spyware to a government that used it to monitor journalists.")
    assert {"technology_export", "surveillance"} <= set(used.capabilities)


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "We found no deepfakes attributable to Moscow among the videos reviewed.",
        "Officials have no information indicating that Beijing altered voter records.",
        "The prosecutors did not allege that Tehran directed the surveillance of the activists.",
        "There is little evidence that Peruvian hackers stole the ministry's files.",
        # "none" with a modal before what it denies
        "The researchers reviewed thirty cloned voice clips, and none could be linked to Hungarian intelligence.",
        # a claim called a myth, a rumour that proved false, an actor cleared of a role
        "It is a myth that Bolivia sold its internet filtering system to Paraguay.",
        "The rumour that Peruvian hackers wiped the court's servers turned out to be false.",
        "An independent audit cleared Quito of any role in the phishing campaign against the opposition.",
        "We have no reason to believe that Peru's army deployed Pegasus against the commission.",
        "The deepfake was falsely attributed to Chilean state media.",
        "The bot accounts showed no connection to Peruvian state media.",
        "It remains unproven that Bolivia commissioned the deepfake of the opposition leader.",
        # the thing ruled out at the end, with who would have made it
        "The recording was genuine, not a deepfake made by Chilean military intelligence.",
        # a stand against an act is no act
        "Chile's foreign ministry said that Chile firmly opposes all forms of hacking.",
        "The Peruvian interior ministry condemned cyberattacks on hospitals.",
    ],
)
def test_denials_in_report_wording_are_never_claims(text: str) -> None:
    out = tag_text(text)
    assert out["actors"] == [] and out["claims"] == []


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Peru ran the campaign through paid influencers, not a bot network.",
        "Chilean operators built the fake personas by hand, not a tool made by a vendor.",
    ],
)
def test_what_a_tail_rules_out_leaves_the_named_act_before_it(text: str) -> None:
    # ", not a bot network." rules out only how, not the act its sentence's named party did
    out = tag_text(text)
    assert out["actors"] and out["claims"] and out["stance"] != "negated"


@pytest.mark.model
def test_none_that_fails_to_notice_the_act_leaves_it_asserted() -> None:
    out = tag_text("Russian hackers breached twelve ministries, and none could detect the implant for months.")
    assert out["actors"] == ["RUS"] and "cyber_espionage" in out["capabilities"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The EU condemned Peru's cyberattacks on Chilean banks.",
        "NATO condemned the cyberattacks by Peruvian military hackers on Chilean banks.",
    ],
)
def test_condemning_someone_elses_act_asserts_it(text: str) -> None:
    assert tag_text(text)["actors"] == ["PER"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Censorship, as used in this paper, refers to state blocking of online content.",
        "Figure 7: Websites blocked by the regulator, 2019-2023.",
        "Russian Espionage Against Ministries of Foreign Affairs",
    ],
)
def test_definitions_and_captions_assert_nothing(text: str) -> None:
    assert tag_text(text)["capabilities"] == []


@pytest.mark.model
def test_a_revised_attribution_beside_a_new_act_still_asserts_it() -> None:
    out = tag_text("The attacks were first blamed on China in 2019, but Chinese hackers kept targeting the ministries.")
    assert out["actors"] == ["CHN"] and out["stance"] != "negated"


@pytest.mark.model
def test_a_surveillance_vendor_is_not_its_state_acting() -> None:
    out = tag_text("Hikvision installed face-matching cameras for the Kenyan police in Nairobi.")
    assert "CHN" not in out["actors"]
    assert _roles(out).get("Hikvision") == "vendor"


@pytest.mark.model
def test_a_list_of_names_asserts_nothing() -> None:
    assert tag_text("APT28, APT29 and Turla")["capabilities"] == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Tehran probably will not conduct a large-scale effort to influence the upcoming midterms.", "IRN"),
        ("Moscow probably does not intend to launch destructive cyber attacks on NATO members this year.", "RUS"),
        # the estimative adverb on the negated verb, with or without a condition
        ("Lima probably would not order its hackers to wipe Chilean bank servers while talks go on.", "PER"),
        ("Peru probably wouldn't flood Chilean forums with forged ballots unless the vote were close.", "PER"),
    ],
)
def test_probably_not_is_an_unlikely_act_not_a_denial(text: str, actor: str) -> None:
    # TAXONOMY: "probably not" is the ICD 203 level `unlikely`; only denied acts are negated
    out = tag_text(text)
    assert out["likelihood"] == "unlikely" and out["stance"] != "negated"
    assert actor in out["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The agency retracted its attribution of the router intrusions to Volt Typhoon.",
        "A tribunal cleared the Bahraini interior ministry of hacking the activists' phones.",
        "Reports that Beijing ran the bot network have been debunked by three independent teams.",
        "Pakistan's ISI played no role in the defacement of the Indian ministry websites, investigators said.",
        "None of the phishing waves we examined were attributable to North Korean operators.",
        "It is false that Iranian hackers disrupted the Albanian border system last spring.",
        "The Egyptian government said it had never ordered telecom firms to block news websites.",
        "Turkish police concluded that the journalist was not surveilled by Saudi agents.",
        "Minsk's foreign ministry called the hacking reports a fabrication and denied that Belarusian units stole "
        "data.",
        # nobody saw the act; nobody has what it takes to judge it
        "The agencies have not observed these intruders disrupting water treatment at any Chilean utility.",
        "We lack the information to judge whether Peruvian officers directed the accounts that harassed exiles.",
        # the act the sentence ends on is the one it rules out
        "The blackout at the Chilean port was traced to a storm-damaged substation, not to any cyber attack.",
        # the adjective before what it qualifies; quotes inside the denial
        "Lima called 'baseless' Santiago's accusation that Peruvian hackers stole the ministry files.",
        "A Peruvian spokesman said Lima had 'nothing to do' with the hacking of the exiles' phones.",
        # nobody saw the act, said with an adverb; what was examined showed no trace of it
        "We have not independently observed Peruvian hackers disrupting the Chilean grid.",
        "Of the forty profiles we examined, none showed signs of Peruvian coordination.",
        # a quotation mark between the rejecting verb and what it rejects
        "Lima's foreign ministry 'categorically rejects' reports that Peruvian agents followed exiles in Santiago.",
        # the dismissal's words before the report they dismiss
        "A Peruvian spokesman labelled as 'false' a report that Lima's hackers breached the Chilean senate.",
        "Peruvian officials brushed off a report that army-run pages bought AI-made ads attacking Chilean migrants.",
        # the sentence corrects what others reported
        "Contrary to some reports, the Peruvian government did not block messaging apps in Chilean border towns.",
        # the act ruled out at the end, with whoever blamed it
        "Engineers traced the blackout in Arica to a failed transformer, not to Peruvian hackers as local "
        "politicians had claimed.",
        # ... with the tail hung on a relative clause by the parser
        "Investigators traced the outage that halted trains in Arica to a faulty update, not to Peruvian hackers "
        "as first feared.",
        # no tie, in the singular
        "The pages were run from Lima; no tie to the Peruvian government surfaced in our review.",
        # a judgement not made; an act refrained from
        "We do not judge that Lima ordered the outage at the Chilean grid operator.",
        "Unlike Bolivia, Peru has so far refrained from hack-and-leak operations against Chilean politicians.",
        # absent evidence, said as a noun
        "There is a lack of evidence that Peru hacked the Chilean foreign ministry.",
        # the denial before a semicolon, which the parser hangs on the clause after it
        "Contrary to rumours online, the clip of Peru's interior minister was not a deepfake; it was genuine "
        "footage edited to reverse its meaning.",
        # the event put down to a cause that is no act
        "Reports that Peruvian hackers wiped the Chilean ministry's servers are false; the outage came from a "
        "failed storage controller.",
        # a further fact added by "and", with no act word in it
        "We found no evidence that Peruvian agents were behind the break-in at the exiled editor's office in "
        "Santiago, and Chilean police have closed the case.",
        # who did it denied by name
        "We judge that the intrusion at the Chilean rail operator was not the work of Peru but of a ransomware crew.",
    ],
)
def test_more_denials_are_never_claims(text: str) -> None:
    out = tag_text(text)
    assert out["claims"] == [] and out["stance"] == "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # the stance head reads no stance; the act found after all must not take `negated` unless a
        # negation reaches it
        "Whether Lima coordinates its messaging in Bolivia with Quito is contested; we found parallel narratives "
        "yet nothing showing joint planning.",
        "Whether Caracas coordinates its broadcasts in the Andes with Havana remains disputed; we saw similar "
        "stories but nothing that shows shared planning.",
        "We found no evidence that Peruvian agents were behind the break-in at the exiled editor's office in "
        "Santiago, and Chilean police have closed the case.",
    ],
)
def test_a_sentence_read_as_negated_asserts_nothing(text: str) -> None:
    out = tag_text(text)
    assert out["stance"] != "negated" or (out["claims"] == [] and out["capabilities"] == [])


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Russia, which denies the allegations, hacked the email accounts of Czech diplomats.", "RUS"),
        (
            "Belarusian officials, who deny harassing exiles, revoked the passports of opposition bloggers living "
            "in Vilnius.",
            "BLR",
        ),
        (
            "We found no evidence that the campaign reached real voters, but it was run by Iran's IRGC through "
            "fake news sites.",
            "IRN",
        ),
        (
            "Sandworm did not need new malware: it reused an old wiper to destroy data at the Ukrainian grid operator.",
            "RUS",
        ),
        ("Moscow did not deny that its hackers had breached the Dutch parliament's network.", "RUS"),
        # what a factive verb reports stays true under its negation
        ("Nobody at the ministry noticed that APT29 had hacked its mail server for a year.", "RUS"),
        ("The embassy did not realise that Chinese hackers had stolen its cables.", "CHN"),
        # not deterred / not prevented: the act went on
        ("Sanctions did not deter Lazarus, which stole a further $300 million from crypto exchanges.", "PRK"),
        (
            "Although the platform has not identified any data theft, Chinese hackers breached its servers in May.",
            "CHN",
        ),
        # a contrast inside the sentence rules out one party, not the act
        ("Chilean hackers, not Peruvian ones, defaced the ministry websites in March.", "CHL"),
        # "not a single one of which" qualifies the victims, not the act
        ("Chilean hackers defaced the ministry websites, not a single one of which had been patched.", "CHL"),
        # what is set aside is the target or the channel, not the act
        ("Peruvian hackers breached the Chilean senate's mail server, not the chamber's as first reported.", "PER"),
        ("Lima's army spread the forged ballots through Telegram channels, not through covert networks.", "PER"),
        # an act that will not be refrained from is asserted
        ("We judge that Lima will not refrain from hacking the phones of Chilean officials before the vote.", "PER"),
        # a negated verb of need denies a means, and the clause after the colon says how the act was done
        (
            "The Peruvian government did not need bots: party youth members posted the same slogans about Chilean"
            " judges under their own names.",
            "PER",
        ),
        (
            "Lima did not rely on fake accounts: volunteers from the ruling party repeated the talking points about"
            " Chile in their own names.",
            "PER",
        ),
        (
            "The Peruvian campaign did not rely on deepfakes; ordinary volunteers reposted doctored screenshots aimed"
            " at Chilean voters.",
            "PER",
        ),
        # a clause that contradicts a state's denial says what the state's own organs did
        (
            "Peru denies spying on exiles in Chile, but court records show its intelligence service tapped the"
            " phones of two exiled editors in Santiago.",
            "PER",
        ),
        (
            "Lima denied running the fake accounts, yet the platform's data show their operators worked from a"
            " Peruvian army base and targeted Chilean voters.",
            "PER",
        ),
        # "both" after "neither ... nor ..." stands for the two states
        (
            "Neither Peru nor Bolivia has admitted running the accounts, but both governments' press offices later"
            " reposted the forged ballots aimed at Chilean voters.",
            "PER",
        ),
        # what is denied is an end to the act
        ("We do not expect Lima to stop hacking the phones of Chilean journalists after the election.", "PER"),
        ("We do not believe Peru will abandon its campaign of fake accounts targeting Chilean voters.", "PER"),
        # the denial is of who did it or where it came from: the act stands
        (
            "The spear-phishing campaign against Chilean defence firms was not the work of criminals; its servers"
            " overlap with infrastructure we tied to Peru's army last year.",
            "PER",
        ),
        (
            "The fake-news campaign aimed at Chilean voters did not originate in Bolivia as first reported; we"
            " traced it to a marketing firm paid by Peru's government.",
            "PER",
        ),
        # the cause given is an act
        ("The blackout at the Chilean port was caused by Peruvian army hackers who deployed a wiper.", "PER"),
        # an act withheld unless a demand is met is a threat: the pressure is the act
        (
            "Peruvian embassy staff in Madrid would not renew exiled reporters' passports unless they stopped"
            " writing about the president.",
            "PER",
        ),
    ],
)
def test_a_denial_that_does_not_reach_the_act_leaves_it_asserted(text: str, actor: str) -> None:
    """A denial in a relative or adverbial clause, or beside a clause that asserts an act of its own,
    denies nothing there."""
    out = tag_text(text)
    assert actor in out["actors"] and out["stance"] != "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actor", "set_aside"),
    [
        ("Chilean hackers, not Peruvian ones, defaced the ministry websites in March.", "CHL", "PER"),
        ("The influence campaign was run by Chile, not Peru.", "CHL", "PER"),
        ("Not Peru but Chile ran the influence campaign against the exiles.", "CHL", "PER"),
        ("Chile rather than Peru ran the influence campaign against the exiles.", "CHL", "PER"),
        ("The wiper attack was traced to Chile's army, not to Peruvian hackers.", "CHL", "PER"),
    ],
)
def test_a_party_set_aside_does_not_act(text: str, actor: str, set_aside: str) -> None:
    out = tag_text(text)
    assert actor in out["actors"] and set_aside not in out["actors"]


@pytest.mark.model
def test_cannot_rule_out_is_a_possibility() -> None:
    out = tag_text("We cannot rule out that APT41 also compromised the ministry's backup servers.")
    assert out["actors"] == ["CHN"] and out["stance"] == "hypothetical"


@pytest.mark.parametrize(
    "text",
    [
        "The network's profile photos were produced by a GAN.",
        "Police installed facial-recognition cameras at every metro station.",
        "The faces were rendered with a diffusion model before the accounts went live.",
        "The operators used our models to translate the articles into Hebrew.",
        "The comments were machine-translated from Russian.",
        # AI tools named in plain words, and an AI provider's own phrasing
        "The police used an automated system that reads licence plates at checkpoints.",
        "The operators asked its models to write posts in Hebrew.",
        "Officers matched faces from metro cameras against a watch list.",
        "The operation had our models translate the op-eds into German.",
        "The network called voters with synthetic robocalls in the governor's voice.",
        "Generative voice tools let the operatives impersonate officials.",
        "The operators asked our model to work out which commenters lived abroad.",
        "The unit had our models transcribe and tag audio from the exiles' livestreams.",
    ],
)
def test_ai_words_in_their_usual_spellings(text: str) -> None:
    assert get_matchers().features(text).ai_enabled


def test_a_model_that_only_writes_code_is_no_ai_enabled_act() -> None:
    # the labellers' call: a language model that helps write code does not make the act AI-enabled
    assert not get_matchers().features("The operators asked our model to help write code for a scraper.").ai_enabled


def test_a_quoted_term_that_means_something_is_a_definition() -> None:
    from pipeline.claims.extract import _DEFINITION

    assert _DEFINITION.search("Here, 'cyber espionage' means intrusions to collect intelligence.")
    assert not _DEFINITION.search("This means that Russian hackers stole the data.")


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "stance"),
    [
        # a third party tells of the act or attributes it (GUIDE: "reported")
        (
            "Investigators traced the campaign against Chilean voters to Peru's military intelligence service.",
            "reported",
        ),
        ("Peruvian police monitored the exiles' phones in Madrid, two former officers said.", "reported"),
        # the author's own finding is a fact
        ("We traced the campaign against Chilean voters to Peru's military intelligence service.", "fact"),
    ],
)
def test_a_third_partys_report_is_reported(text: str, stance: str) -> None:
    out = tag_text(text)
    assert out["actors"] == ["PER"] and out["stance"] == stance


@pytest.mark.model
def test_no_sign_of_slowing_asserts_the_act() -> None:
    out = tag_text("Peruvian hackers keep breaching Chilean ministries and show no sign of slowing.")
    assert "PER" in out["actors"] and out["stance"] != "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "acting"),
    [
        # members of a list of states do what the list does
        (
            "More than ten governments, including Chile, Peru and Bolivia, hired spyware vendors to hack "
            "journalists abroad.",
            {"CHL", "PER", "BOL"},
        ),
        (
            "Several governments, including those of Peru, Bolivia and Ecuador, have adopted Chilean ways of "
            "blocking independent news sites.",
            {"PER", "BOL", "ECU"},
        ),
        # a party said to act along with or like another shares its role
        ("Along with Peru and Ecuador, Chile ran disinformation campaigns against exiles.", {"CHL", "PER", "ECU"}),
        ("Bolivia, like Peru, has exported spyware to autocrats.", {"BOL", "PER"}),
        # the one whose lead another follows did the same
        ("Peru might follow Chile's lead and hire troll farms to smear exiles.", {"PER", "CHL"}),
        # the principal named by a possessive
        ("Several exiles were deported to Peru at the Peruvian government's request.", {"PER"}),
    ],
)
def test_states_acting_through_a_list_a_companion_or_a_request(text: str, acting: set[str]) -> None:
    assert acting <= set(tag_text(text)["actors"])


@pytest.mark.model
def test_a_state_that_sanctions_another_reports_its_act() -> None:
    out = tag_text("Chile sanctioned four Peruvian officers for running disinformation websites.")
    assert "CHL" not in out["actors"] and "PER" in out["actors"]
    roles = _roles(out)
    assert roles["Chile"] == "reporter"


@pytest.mark.model
def test_a_state_on_a_breached_noun_is_the_target() -> None:
    for text in (
        "Chilean ministries breached by Peruvian hackers in 2020.",
        "Figure 3: Chilean government networks breached by Peruvian hackers",
    ):
        assert tag_text(text)["actors"] == ["PER"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actor", "capability"),
    [
        # a state named once by its capital
        ("Police in Tashkent detained a blogger's mother over his posts from Istanbul.", "UZB", None),
        ("Baku's security service held an exiled vlogger's sister for a week.", "AZE", "transnational_repression"),
        # capabilities said in other words
        ("Peru's raids on three newsrooms were an attempt to silence them, press groups said.", "PER", "censorship"),
        ("Investigators linked the covert network to Peruvian army staff.", "PER", "influence_operations"),
        ("Peruvian operators went on looting crypto exchanges to fund the navy.", "PER", "cyber_espionage"),
        # an organ "from" a state acts as one "in" it
        ("State outlets from Chile and Peru pushed an invented story.", "CHL", "influence_operations"),
    ],
)
def test_states_and_acts_in_other_words(text: str, actor: str | None, capability: str | None) -> None:
    out = tag_text(text)
    assert actor is None or actor in out["actors"]
    assert capability is None or capability in out["capabilities"]


@pytest.mark.model
def test_cctv_is_a_camera_unless_china_is_named() -> None:
    """ "CCTV" is China's broadcaster and also closed-circuit television: it names China only where
    the text names China otherwise."""
    out = tag_text("The so-called AI cameras that Peruvian police installed turned out to be ordinary CCTV.")
    assert "CHN" not in out["actors"] and all(m["text"] != "CCTV" for m in out["mentions"])


@pytest.mark.model
def test_a_state_that_refuses_the_act_does_not_act() -> None:
    out = tag_text("Chilean police lodged a red notice against an exiled blogger, which Peru declined to act on.")
    assert "CHL" in out["actors"] and "PER" not in out["actors"]


@pytest.mark.model
def test_refusing_as_the_act_is_still_the_act() -> None:
    out = tag_text("Chile's consulate in Madrid declined to renew the passports of exiles who criticised it.")
    assert "CHL" in out["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "acting", "capability"),
    [
        (
            "Chile, Peru and Bolivia were behind 72 percent of the intrusions we handled in 2023.",
            {"CHL", "PER", "BOL"},
            "cyber_espionage",
        ),
        (
            "Peru accounted for a third of the disinformation networks removed last year.",
            {"PER"},
            "influence_operations",
        ),
    ],
)
def test_who_a_statistic_pins_the_act_on_acts(text: str, acting: set[str], capability: str) -> None:
    out = tag_text(text)
    assert acting <= set(out["actors"]) and capability in out["capabilities"]


@pytest.mark.model
def test_behind_none_of_the_acts_asserts_none() -> None:
    assert tag_text("Peru was behind none of the intrusions we handled.")["actors"] == []


@pytest.mark.model
def test_a_city_names_where_not_who() -> None:
    # the city of a victim is where the act happened, and gives the repression its border
    out = tag_text("Authorities in Minsk asked Interpol to detain a Belarusian blogger living in Lisbon.")
    assert _roles(out)["Lisbon"] == "location"
    assert "BLR" in out["actors"] and "PRT" not in out["actors"]
    assert "transnational_repression" in out["capabilities"]
    # a city is never the actor by itself ...
    alone = tag_text("Hackers in Rotterdam stole the credentials of port staff.")
    assert _roles(alone)["Rotterdam"] != "actor" and "NLD" not in alone["actors"]
    # ... but the seat of an organ that acts, or that reports, takes the organ's part
    seat = tag_text("Police in Izmir detained two Uyghur activists at the request of Beijing.")
    assert _roles(seat)["Izmir"] == "actor" and {"CHN", "TUR"} <= set(seat["actors"])
    court = tag_text("A court in Hamburg convicted a man of spying on Iranian exiles for Tehran.")
    assert _roles(court)["Hamburg"] == "reporter"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "city"),
    [
        (
            "The Shanghai public security bureau runs a facial recognition system that flags Tibetan "
            "visitors at railway stations.",
            "Shanghai",
        ),
        (
            "The Guangzhou public security bureau deployed spyware against the phones of Hong Kong activists.",
            "Guangzhou",
        ),
    ],
)
def test_a_city_before_a_bureau_seats_it(text: str, city: str) -> None:
    # the parser hangs the city on the bureau as a modifier ("nmod"), not as a compound
    out = tag_text(text)
    assert _roles(out)[city] == "actor" and "CHN" in out["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "buyers"),
    [
        ("Sri Lanka's defence ministry bought a cell-site simulator from a firm in Cyprus.", ["Sri Lanka"]),
        ("Peru and Chile are the largest buyers of Israeli phone-hacking tools in the region.", ["Peru", "Chile"]),
        ("Bolivia's purchase of Chinese surveillance drones has drawn criticism.", ["Bolivia"]),
    ],
)
def test_a_state_named_only_as_a_buyer_is_no_actor(text: str, buyers: list[str]) -> None:
    # GUIDE: the seller's state transfers the capability; the buyer acts only where it uses it
    out = tag_text(text)
    assert all(_roles(out)[name] == "other" for name in buyers)
    assert out["actors"] == []


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Peru's police bought Predator from a reseller and used it against two journalists.", "PER"),
        ("Chile's intelligence agency bought spyware to spy on exiled activists in Argentina.", "CHL"),
        (
            "Should Bolivia acquire Chinese face recognition systems, its interior ministry could identify "
            "protesters at scale.",
            "BOL",
        ),
        ("Ecuador's interior ministry bought location data on 40,000 exiles from a broker.", "ECU"),
    ],
)
def test_a_buyer_that_uses_what_it_bought_acts(text: str, code: str) -> None:
    # use, a purpose, the state's organ named again, or bought data (its own data exploitation)
    assert code in tag_text(text)["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Bolivia's police purchased facial recognition cameras from a Chinese vendor to track protest leaders in "
        "La Paz.",
        "Ecuador's interior ministry bought an interception platform from a Chilean supplier to monitor "
        "opposition lawmakers.",
    ],
)
def test_goods_bought_for_a_purpose_are_put_to_use(text: str) -> None:
    # the purpose says what the buyer does with the goods: their own capability stands beside the
    # purchase (a purchase alone names only the goods)
    out = tag_text(text)
    assert {"surveillance", "technology_export"} <= set(out["capabilities"])


@pytest.mark.model
def test_a_newspaper_named_after_a_place_is_not_the_state() -> None:
    out = tag_text("The Washington Post reported that Rwandan agents followed a critic in Brussels.")
    assert "USA" not in {m["state"] for m in out["mentions"]}
    assert out["actors"] == ["RWA"]


@pytest.mark.model
def test_a_state_made_to_do_the_act_does_it() -> None:
    out = tag_text("Ankara persuaded Georgia and Kyrgyzstan to deport several exiled journalists.")
    assert {"TUR", "GEO", "KGZ"} <= set(out["actors"])
    # asked is not done
    asked = tag_text("Ankara asked Georgia to deport several exiled journalists.")
    assert "GEO" not in asked["actors"] and "TUR" in asked["actors"]


@pytest.mark.model
def test_states_listed_after_a_remark_do_not_act() -> None:
    out = tag_text(
        "Chile and Peru lead the list of spyware buyers, although other states are also worth noting, "
        "including Bolivia, Ecuador and Uruguay."
    )
    assert not {"BOL", "ECU", "URY"} & set(out["actors"])


@pytest.mark.model
def test_state_outlets_in_a_state_act_for_it() -> None:
    out = tag_text("State media in Cuba and Venezuela amplified the false claim about the vaccine trial.")
    assert {"CUB", "VEN"} <= set(out["actors"])
    pro = tag_text("Pro-government outlets in Havana amplified a forged letter from the Chilean embassy.")
    assert "CUB" not in pro["actors"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Pro-government accounts in Ecuador posted near-identical posts accusing a leader of terrorism.", "Ecuador"),
        ("Pro-Kremlin channels in Serbia spread the forged memo within hours.", "Serbia"),
    ],
)
def test_where_a_governments_partisans_are_is_their_location(text: str, place: str) -> None:
    out = tag_text(text)
    assert out["actors"] == []
    assert [m["role"] for m in out["mentions"] if m["text"] == place] == ["location"]


@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("The network's articles were machine-translated rewrites of state agency copy.", "synthetic_media"),
        ("The channel doxxed the relatives of exiled reporters.", "data_exploitation"),
        ("The embassy paid informants inside the student association.", "surveillance"),
        ("The regulator slowed access to the video platform for three weeks.", "censorship"),
        ("The ministry ordered the platform to withhold 400 accounts of exiled reporters.", "censorship"),
        ("Party volunteers mass-reported the exile's livestreams.", "censorship"),
        ("Security officers hid a GPS tracker under the lawyer's car.", "surveillance"),
        ("Consular staff photographed demonstrators outside the consulate.", "surveillance"),
        ("The embassy kept a register of students who attended the vigil.", "surveillance"),
        ("Two agents mapped the daily routines of an exiled editor.", "surveillance"),
        ("A state firm shipped interception gear to the junta's police.", "technology_export"),
        ("The pages passed themselves off as local news sites in Chad.", "influence_operations"),
        ("Operators seeded the same hashtags across hundreds of new accounts.", "influence_operations"),
        ("The ministry covertly funded two Arabic-language news startups in Paris.", "influence_operations"),
        ("Anonymous accounts repeated the ministry's talking points within minutes.", "influence_operations"),
    ],
)
def test_capabilities_in_other_words(text: str, capability: str) -> None:
    assert capability in get_matchers().capabilities(text, advice=False)


@pytest.mark.parametrize(
    "text",
    [
        "Characterization: File Hash Watchlist",  # an indicator list, not a list of people
        "Microsoft tracks this cluster as Storm-1234.",  # a vendor's name for a group
        "Defenders should photograph the screen before rebooting the host.",  # no person watched
    ],
)
def test_look_alikes_of_surveillance_assert_none(text: str) -> None:
    assert "surveillance" not in get_matchers().capabilities(text, advice=False)


@pytest.mark.model
def test_the_party_a_denial_is_about_is_its_actor_without_a_claim() -> None:
    out = tag_text("Investigators were unable to link the harassing calls to Peruvian government agencies.")
    assert out["stance"] == "negated" and out["claims"] == [] and out["actors"] == []
    assert _roles(out)["Peruvian"] == "actor"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "The accounts posed as farmers to spread fabricated stories, but we found no link to the Kazakh government.",
        "There is no evidence that the Nigerian authorities ordered the blackout; a cut fibre line caused it.",
        "We know of no case in which the Tajik security service abducted a critic in Austria.",
        # a role or link left unproven, an act not yet tied to the state or unknown to it
        "Quito's role in the DDoS attacks on Lima remains unproven.",
        "Chilean involvement in the hack of the Peruvian ministry remains unverified, officials said.",
        "Any link between the phishing wave and Bolivian intelligence is still unconfirmed.",
        "Ecuador's government has yet to be tied to the bot network.",
        "Peru has yet to be publicly linked to the hack of the Chilean senate.",
        "The ministry said it had no knowledge of any Bolivian surveillance of exiles in Santiago.",
    ],
)
def test_a_denial_of_every_actor_is_no_claim(text: str) -> None:
    # what else the sentence says is no act of a state it names (GUIDE: negated claims never count)
    out = tag_text(text)
    assert out["actors"] == [] and out["claims"] == [] and out["stance"] == "negated"


@pytest.mark.model
def test_a_denial_inside_a_subordinate_clause_leaves_the_act() -> None:
    out = tag_text("Sandworm no longer relies only on custom wipers; it now pushes payloads through admin tools.")
    assert out["actors"] == ["RUS"] and out["stance"] != "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Turla poses a growing threat to ministries in Central Asia.",
        "Lazarus has developed a family of macOS backdoors.",
        "We attribute this cluster to APT33 with high confidence.",
        "Gamaredon has been linked by several vendors to the FSB.",
    ],
)
def test_what_an_actor_is_or_has_made_is_no_act(text: str) -> None:
    # GUIDE, adjudication rule 1: an actor with no capability
    out = tag_text(text)
    assert out["capabilities"] == [] and out["actors"] == []
    assert "actor" in _roles(out).values()


@pytest.mark.model
def test_tools_made_for_an_act_still_assert_it() -> None:
    out = tag_text("Lazarus has developed backdoors that it uses to steal funds from exchanges.")
    assert out["actors"] == ["PRK"] and out["capabilities"] == ["cyber_espionage"]


@pytest.mark.model
def test_the_foil_of_a_comparison_does_not_act() -> None:
    out = tag_text("Unlike Tehran, Riyadh has rarely used fake personas against dissidents in London.")
    assert _roles(out)["Tehran"] != "actor" and "IRN" not in out["actors"]


@pytest.mark.model
def test_the_actors_of_a_later_clause_keep_the_act_beside_a_negated_one() -> None:
    text = "Unlike past Sandworm intrusions, this one did not use a wiper; the attackers instead cut power to a plant."
    out = tag_text(text)
    assert out["actors"] == ["RUS"] and out["stance"] != "negated"


@pytest.mark.model
def test_an_agency_that_assesses_in_a_second_verb_reports() -> None:
    out = tag_text("Norway's police have not named the operators, but assess that Russia's GRU ran the campaign.")
    assert _roles(out)["Norway"] == "reporter" and out["actors"] == ["RUS"]


@pytest.mark.model
def test_the_kgb_of_today_is_belarus_and_bitter_is_india() -> None:
    out = tag_text("The KGB phoned the parents of an exiled blogger in Vilnius and threatened them.")
    assert out["actors"] == ["BLR"]
    out = tag_text("Bitter, an India-linked group, sent CHM files to officials in Dhaka to install a downloader.")
    assert "IND" in out["actors"]


@pytest.mark.model
def test_the_party_a_denied_tie_is_about_is_the_actor_with_no_capability() -> None:
    # GUIDE, worked example 4
    out = tag_text("Our review found no connection between the pages and the Zambian government.")
    assert out["claims"] == [] and out["stance"] == "negated"
    assert _roles(out)["Zambian"] == "actor"


@pytest.mark.model
def test_states_listed_under_a_noun_that_does_not_act_are_not_actors() -> None:
    out = tag_text("The vendor supplied face recognition cameras to 12 governments, including Ghana, Peru and Laos.")
    assert not {"GHA", "PER", "LAO"} & set(out["actors"])


@pytest.mark.model
def test_an_outlet_whose_articles_others_repost_does_not_act() -> None:
    for text in (
        "The pages recycled articles by CGTN to attack the Lithuanian government.",
        "The accounts reposted videos from Sputnik to mock the Latvian government.",
    ):
        out = tag_text(text)
        assert out["actors"] == [] and "actor" not in _roles(out).values()


@pytest.mark.model
def test_claims_called_fabricated_are_denied() -> None:
    out = tag_text("Rwanda's ministry said claims that its agents had hacked exiles in Brussels were 'fabricated'.")
    assert out["claims"] == [] and out["stance"] == "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "capability"),
    [
        ("The regulator throttled messaging apps in the capital during the vote.", "censorship"),
        ("The interior ministry cut mobile data in three provinces on election day.", "censorship"),
        ("The embassy's informers spied on exiles in Vienna.", "surveillance"),
    ],
)
def test_throttling_cutting_data_and_spying_on_exiles_are_acts(text: str, capability: str) -> None:
    assert capability in tag_text(text)["capabilities"]


@pytest.mark.parametrize(
    "text",
    [
        "The channel aired a bulletin read by a synthetic newsreader.",
        "The operators fed stolen identities into a voice-changing model.",
        "Supporters shared a cloned-voice recording of the mayor.",
        "The cameras came with ethnicity-detection features.",
    ],
)
def test_more_ways_of_saying_ai(text: str) -> None:
    assert get_matchers().ai_enabled(text)


@pytest.mark.model
def test_the_party_accused_of_an_act_is_not_its_reporter() -> None:
    # the reduced passive names the accused; the active verb still names the accuser
    out = tag_text("Hanoi accused of spying on bloggers in Berlin")
    assert out["actors"] == ["VNM"] and _roles(out)["Hanoi"] == "actor"
    out = tag_text("Seoul accused Pyongyang of hacking the phones of defectors in Japan.")
    assert out["actors"] == ["PRK"] and _roles(out)["Seoul"] == "reporter"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Sea Turtle", "TUR"),
        ("Marbled Dust", "TUR"),
        ("COSMIC WOLF", "TUR"),
        ("Canvas Cyclone", "VNM"),
        ("MYTHIC LEOPARD", "PAK"),
        ("VICEROY TIGER", "IND"),
        ("MirrorFace", "CHN"),
        ("TA453", "IRN"),
        ("Cold River", "RUS"),
        ("Iron Viking", "RUS"),
        ("Project Lakhta", "RUS"),
        ("50 Cent Army", "CHN"),
        ("IUVM", "IRN"),
        ("Boyusec", "CHN"),
        # groups and organs added in the twenty-third round
        ("Earth Estries", "CHN"),
        ("UNC4841", "CHN"),
        ("Poison Carp", "CHN"),
        ("Shuckworm", "RUS"),
        ("News Front", "RUS"),
        ("Seedworm", "IRN"),
        ("UNC4899", "PRK"),
        ("InkySquid", "PRK"),
        ("CEIEC", "CHN"),
        ("ZANU-PF", "ZWE"),
        ("TELCOR", "NIC"),
        ("EYP", "GRC"),
    ],
)
def test_group_vendor_and_organ_names_of_more_states_resolve(name: str, code: str) -> None:
    mentions = get_matchers().mentions(f"Analysts attributed the phishing wave to {name} last week.")
    assert [(m.alias.text, m.alias.code) for m in mentions] == [(name, code)]


def test_animal_names_outside_the_vendor_convention_are_not_groups() -> None:
    assert get_matchers().mentions("Snow Leopard and the Tamil Tiger flag were on the poster.") == []


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # a dismissal in the words of the one dismissing: after "as" or inside quotation marks
        "A Peruvian spokesman dismissed the Chilean report as 'anti-Peruvian propaganda' and said nothing more.",
        "Lima's interior ministry called the spyware story 'Chilean fiction' when asked about the exiles.",
        "The Peruvian envoy waved the allegations aside as 'fantasies' and left the briefing.",
        # the adjective first, then a report named with an article
        "Peru's foreign ministry called 'groundless' a Chilean report that Peruvian hackers breached the senate.",
        # nothing ties the act to a state, in the past tense
        "Nothing linked the defacements of the Chilean news sites to the Peruvian government.",
        # opposing an act (a gerund the parser hangs on the verb), with a denial coordinated after it
        "Lima 'firmly opposes' hacking of any kind and has never asked anyone to break into Chilean ministries, a "
        "Peruvian embassy spokesman told local radio.",
        # a clause that adds to a denial, not one that contradicts it
        "Neither Peru nor Bolivia has hacked Chilean ministries, and both deny any plan to do so.",
        "Peru denies spying on exiles in Chile, and its intelligence service says it only watches domestic threats.",
    ],
)
def test_dismissals_and_denials_in_other_words_are_never_claims(text: str) -> None:
    out = tag_text(text)
    assert out["claims"] == [] and out["stance"] == "negated"


@pytest.mark.model
def test_nothing_in_a_clause_of_its_own_denies_nothing() -> None:
    # "nothing" before a colon starts a sentence of its own; what follows is asserted
    out = tag_text("There was nothing subtle about it: Peruvian accounts linked to Lima's army spread forged ballots.")
    assert out["actors"] == ["PER"] and out["stance"] != "negated"


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Maduro's government ordered the block.", "Maduro", "VEN"),
        ("Officials close to Hun Manet ran the pages.", "Hun Manet", "KHM"),
        ("A decree signed by Abdel Fattah el-Sisi took effect.", "Abdel Fattah el-Sisi", "EGY"),
        ("Khamenei's office published the list.", "Khamenei", "IRN"),
    ],
)
def test_leaders_resolve_to_their_state(text: str, name: str, code: str) -> None:
    assert [(m.alias.text, m.alias.code) for m in get_matchers().mentions(text)] == [(name, code)]


@pytest.mark.model
def test_agencies_that_co_seal_an_advisory_report_it() -> None:
    out = tag_text(
        "The advisory, co-sealed by Chilean and Argentine agencies, describes wipers deployed by Peruvian "
        "state hackers against power utilities."
    )
    assert out["actors"] == ["PER"]
    assert _roles(out)["Chilean"] == "reporter" and _roles(out)["Argentine"] == "reporter"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lima's troll farms spread claims that the Chilean vote was rigged.", "Lima"),
        ("Peru's IT workers used forged identities to spread posts smearing Chilean ministers.", "Peru"),
    ],
)
def test_a_state_acts_through_the_agents_it_owns(text: str, name: str) -> None:
    out = tag_text(text)
    assert out["actors"] == ["PER"] and _roles(out)[name] == "actor"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Peru's state telecom blocked the Chilean news site for eleven days.",
        "Peru's state-owned carrier blocked the Chilean news site for eleven days.",
        "Peru's military information centre ran accounts that impersonated Chilean church leaders.",
    ],
)
def test_a_state_acts_through_an_organ_or_a_business_it_runs(text: str) -> None:
    # an organ the gazetteer does not name, or a firm the sentence says the state runs, is the state
    out = tag_text(text)
    assert out["actors"] == ["PER"] and _roles(out)["Peru"] == "actor"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        ("In Peru, police have seized the houses of at least 90 exiled critics of the government.", ["PER"]),
        ("In Peru and Bolivia, authorities have cut the internet during protests.", ["BOL", "PER"]),
        # the seat of an organ that answers an act, or of another state's agents, does not act
        ("In Peru, police arrested two men who spied on Chilean exiles for Santiago.", []),
        ("In Peru, Chilean hackers defaced the websites of two ministries.", ["CHL"]),
    ],
)
def test_a_state_that_a_fronted_in_phrase_makes_the_seat_of_the_acting_organ_acts(text: str, actors: list[str]) -> None:
    assert tag_text(text)["actors"] == actors


@pytest.mark.model
def test_a_state_whose_organ_observes_an_act_reports_it() -> None:
    out = tag_text(
        "Chile's CERT observed a sustained DDoS campaign by NoName057(16) against the websites of Peruvian ports."
    )
    assert "CHL" not in out["actors"] and _roles(out)["Chile"] == "reporter"
    # its agents noticing an opening act
    assert tag_text("Chile's hackers spotted an opening and defaced Peruvian ministry websites.")["actors"] == ["CHL"]


@pytest.mark.model
def test_the_nationality_a_persona_wears_is_not_a_state() -> None:
    out = tag_text("Chilean and Bolivian activist personas spread claims that the Peruvian vote was rigged.")
    assert out["actors"] == [] and _roles(out)["Chilean"] == "other" and _roles(out)["Bolivian"] == "other"
    # a persona an organ owns is the organ's
    out = tag_text(
        "The hoax bore the signature of a Chilean military-intelligence persona used against Peruvian officials."
    )
    assert _roles(out)["Chilean"] == "actor"


@pytest.mark.model
def test_a_state_does_not_act_through_a_business_it_is_not_said_to_run() -> None:
    assert tag_text("Peru's largest carrier blocked the Chilean news site for eleven days.")["actors"] == []


@pytest.mark.model
def test_a_state_does_not_act_through_the_things_or_the_critics_it_has() -> None:
    assert tag_text("Peru's critics abroad were hacked by an unknown group.")["actors"] == []
    assert tag_text("Peru's election servers suffered a wave of cyber attacks.")["actors"] == []


def test_pro_state_groups_name_no_state() -> None:
    # TAXONOMY: non-state "pro-Russian" groups are not actors; "pro-Kremlin" names no organ either
    assert get_matchers().mentions("In March, pro-Kremlin channels and pro-Assad pages shared the clip.") == []


@pytest.mark.model
def test_a_state_named_in_a_claim_called_false_does_not_act() -> None:
    # what a speaker "falsely claimed" is a narrative: its subject is the topic, not an actor
    out = tag_text("Peruvian state media falsely claimed that Chilean hackers had wiped the ballots.")
    assert "CHL" not in out["actors"] and _roles(out)["Chilean"] != "actor"
    out = tag_text("Lima alleged without evidence that Chilean saboteurs had disrupted the grid.")
    assert "CHL" not in out["actors"]


@pytest.mark.model
def test_who_claims_another_state_acted_reports_it() -> None:
    out = tag_text("Lima claimed that Chilean hackers had disrupted the payment systems of its banks.")
    assert out["actors"] == ["CHL"] and _roles(out)["Lima"] == "reporter"


@pytest.mark.model
def test_state_media_putting_out_messaging_is_propaganda() -> None:
    out = tag_text("Xinhua aired a series portraying the Peruvian strikes as a plot hatched in Santiago.")
    assert out["actors"] == ["CHN"] and "propaganda" in out["capabilities"]
    # a state outlet cited as a source asserts nothing
    assert tag_text("Xinhua reported that ten people died in the Peruvian floods.")["claims"] == []


@pytest.mark.model
def test_police_who_arrest_another_states_agents_report_the_act() -> None:
    out = tag_text(
        "Police in Lima arrested two men accused of spying on Bolivian exiles on behalf of Chile's "
        "intelligence service."
    )
    assert out["actors"] == ["CHL"] and _roles(out)["Lima"] == "reporter"
    # an arrest that answers no other state's act is left to the heads: here it is the act
    out = tag_text("Police in Lima arrested a cartoonist over a post mocking the president and blocked his blog.")
    assert _roles(out)["Lima"] != "reporter"


@pytest.mark.model
def test_how_a_state_sees_a_means_is_no_act_of_it() -> None:
    # an outlook: the state is the actor, with no capability (GUIDE: an actor, no capability)
    for text in (
        "Lima views disinformation campaigns as a cheap way to weaken the government in Santiago.",
        "Peru's military doctrine regards Chilean social media as a battlefield to contest.",
    ):
        out = tag_text(text)
        assert out["claims"] == [] and out["capabilities"] == [], text
        assert ("actor", "PER") in {(m["role"], m["state"]) for m in out["mentions"]}, text
    # an act told beside the outlook is asserted
    out = tag_text(
        "Lima has treated sabotage of Chilean ministry websites as a routine tool since 2019, often using "
        "rented botnets to knock them offline."
    )
    assert out["actors"] == ["PER"] and out["capabilities"]


@pytest.mark.model
def test_an_umbrella_term_carried_out_is_no_capability() -> None:
    # TAXONOMY: neutral umbrella terms ("cyber activity", "cyber operations") carry no capability
    for text in (
        "Peruvian state hackers have conducted cyber activity against Chilean ministries since at least 2015.",
        "Peruvian cyber activity against Chilean ministries has risen since the border dispute, according to "
        "Chile's cyber agency.",
    ):
        out = tag_text(text)
        assert out["claims"] == [] and out["capabilities"] == [], text
    # "offensive cyber operations" are attacks (TAXONOMY), and a named act is an act
    assert tag_text("Peru's army conducted offensive cyber operations against Chilean ministries.")["actors"] == ["PER"]
    assert tag_text("Peru's army conducted cyber activity that wiped Chilean ministry servers.")["actors"] == ["PER"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        # a group name that is also a word counts where the sentence uses it as a name
        ("Patchwork emailed RTF lures to Peruvian naval officers in Lima.", ["IND"]),
        ("Bitter's phishing pages harvested logins from Peruvian port engineers.", ["IND"]),
        ("Analysts tied the phishing of Peruvian diplomats to Bitter last week.", ["IND"]),
        ("Tick trojanised a software update used by Peruvian defence contractors.", ["CHN"]),
        # not where it is the word
        ("Bitter fighting between the factions cut the internet in the capital.", []),
        ("Tick marks on the chart show each wave of arrests in Lima.", []),
    ],
)
def test_group_names_that_are_also_words_count_where_used_as_names(text: str, actors: list[str]) -> None:
    assert tag_text(text)["actors"] == actors


def test_a_word_is_a_name_mid_sentence_or_before_a_verb() -> None:
    from pipeline.claims.context import used_as_name

    def first(sentence: str) -> bool:
        (m,) = [m for m in get_matchers().mentions(sentence) if m.alias.text in ("Bitter", "Patchwork")]
        return used_as_name(sentence, m)

    assert first("Bitter sent CHM files.") and first("Patchwork's lures.") and first("Bitter, a group, phished.")
    assert first("Analysts linked it to Bitter.") and first("Patchwork emailed lures.")
    assert first("Patchwork re-registered lookalike domains.") and first("Bitter co-opted a router.")
    assert not first("Bitter disputes continue.") and not first("Patchwork regulation leaves gaps.")


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        # a state-media acronym counts where the sentence names it as an outlet
        ("RT published videos mocking the Chilean president's handling of the floods.", ["RUS"]),
        ("The state broadcaster CCTV aired a forged interview with a Peruvian minister.", ["CHN"]),
        ("TASS now publishes daily stories casting Chilean protesters as paid agents.", ["RUS"]),
        # not where it is the common term, even in a sentence that names the outlet's state
        ("Beijing sold Peruvian police a network of CCTV cameras with face recognition.", None),
    ],
)
def test_state_media_acronyms_count_where_named_as_outlets(text: str, actors: list[str] | None) -> None:
    out = tag_text(text)
    assert actors is None or out["actors"] == actors
    assert ("CCTV" in [m["text"] for m in out["mentions"]]) == ("broadcaster CCTV" in text)


def test_an_acronym_is_an_outlet_beside_a_broadcaster_noun_another_outlet_or_a_verb_of_publishing() -> None:
    from pipeline.claims.context import named_as_outlet

    def first(sentence: str) -> bool:
        (m, *_) = [m for m in get_matchers().mentions(sentence) if m.alias.text in ("RT", "CCTV")]
        return named_as_outlet(sentence, m, get_matchers().tax)

    assert first("RT's Arabic channel ran it.") and first("Sputnik and RT ran it.") and first("RT Balkan stories.")
    assert first("the state broadcaster CCTV showed it") and first("RT later aired the clip.")
    assert not first("RT @minister: the vote is rigged") and not first("CCTV showed the suspect.")
    assert not first("ordinary CCTV with no face recognition")


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        # a clause that says what a state is, beside a denial of its act, asserts no act
        ("Peru is the most capable state in the region, yet nothing suggests Lima has hacked its neighbours.", []),
        ("Chilean cameras are common in La Paz, but we found no evidence that Bolivia uses them on exiles.", []),
        # a clause of being that governs a verb of its own still tells of an act
        ("We do not assess that Peru has used deepfakes, but Lima is likely to adopt them for propaganda.", ["PER"]),
    ],
)
def test_a_clause_of_being_beside_a_denial_asserts_no_act(text: str, actors: list[str]) -> None:
    assert tag_text(text)["actors"] == actors


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # the subject of "is a target of" or "is a victim of" is on the receiving end
        ("Peru is a frequent target of Chilean phishing campaigns.", {"Peru": "target", "Chilean": "actor"}),
        ("Bolivia has long been a victim of Chilean hacking.", {"Bolivia": "victim", "Chilean": "actor"}),
        ("Ecuador remains a favourite target of Peruvian disinformation.", {"Ecuador": "target", "Peruvian": "actor"}),
        # not where the sentence says it was no target
        ("No Peruvian ministry was the intended target, but two installed the bad update.", {"Peruvian": "victim"}),
    ],
)
def test_the_subject_of_a_target_or_victim_noun_is_acted_on(text: str, roles: dict[str, str]) -> None:
    assert _roles(tag_text(text)) == roles


@pytest.mark.parametrize(
    ("capital", "code"),
    [("La Paz", "BOL"), ("Nicosia", "CYP"), ("Valletta", "MLT"), ("Dili", "TLS"), ("Honiara", "SLB"), ("Suva", "FJI")],
)
def test_a_capital_names_its_state(capital: str, code: str) -> None:
    # a capital stands for its government ("Bolivian exiles said La Paz pressured their families")
    (m,) = [m for m in get_matchers().mentions(f"Exiles said {capital} pressured their families.")]
    assert (m.text, m.alias.code) == (capital, code)


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # an estimative opener with no comma before its subject: the state still acts
        "In our judgement Lima is very unlikely to use destructive cyber attacks against Chile's power grid.",
        "In our assessment Lima has hacked Chilean ministries.",
        "In our view Lima will likely spread forged letters to discredit Chilean officials.",
    ],
)
def test_an_opener_without_its_comma_leaves_the_subject_acting(text: str) -> None:
    out = tag_text(text)
    assert out["actors"] == ["PER"] and _roles(out)["Lima"] == "actor"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # a firm its state owns acts for the state when it sells or does the act
        ("A Chilean state-owned company sold spyware to Bolivia's police.", {"Chilean": "actor"}),
        ("Bolivia bought face recognition cameras from a Peruvian state firm.", {"Peruvian": "actor"}),
        # a private firm does not, nor a state firm that buys or receives
        ("A Chilean company sold spyware to Bolivia's police.", {"Chilean": "vendor"}),
        ("A Chilean firm sold a filtering system to a Bolivian state telecom.", {"Bolivian": "other"}),
        ("Lima paid for a Bolivian state telecom's purchase of interception gear.", {"Bolivian": "other"}),
    ],
)
def test_a_state_owned_firm_that_sells_acts_for_its_state(text: str, roles: dict[str, str]) -> None:
    got = _roles(tag_text(text))
    assert {k: got[k] for k in roles} == roles


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "actors"),
    [
        # the party something is attributed or tied to is no sign that the sentence tells of an act
        ("We attribute the GoldenFox loader to Kimsuky with moderate confidence, because it reuses a key.", []),
        ("The toolset belongs to Volt Typhoon, an attribution we make with moderate confidence.", []),
        # a subject tied to a state still acts for it
        ("Hackers tied to Peru's army took over a Chilean broadcaster's website and posted fake news.", ["PER"]),
    ],
)
def test_what_an_attribution_names_does_not_make_the_sentence_assert_an_act(text: str, actors: list[str]) -> None:
    assert tag_text(text)["actors"] == actors


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # a denied act is negated although the heads assert no capability (GUIDE, adjudication rule 2)
        "Bolivia's telecoms ministry said it had never purchased Pegasus, despite invoices showing a meeting with NSO.",
        "The Peruvian embassy in Santiago said it has never gathered information on Peruvian students in Chile.",
        # a denial that reaches every actor, with no act word ("we found no link to Lima")
        "Contrary to the rumours, none of the 40 accounts we examined shows any link to the Peruvian state; most were "
        "run by a marketing agency in Quito.",
        "Among Andean states, Bolivia alone has not been linked to a takedown of coordinated inauthentic behaviour.",
    ],
)
def test_a_denied_act_with_no_capability_is_negated(text: str) -> None:
    out = tag_text(text)
    assert out["capabilities"] == [] and out["stance"] == "negated"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "capability"),
    [
        # a negation after a semicolon does not reach the clause before it
        (
            "A DDoS flood knocked the Chilean senate's website offline for six hours; no group has claimed it.",
            "cyber_attack",
        ),
        (
            "Hackers stole the voter rolls of two Peruvian provinces from the electoral office; investigators have not "
            "identified who did it.",
            "cyber_espionage",
        ),
    ],
)
def test_a_negation_after_a_semicolon_leaves_the_act_before_it(text: str, capability: str) -> None:
    out = tag_text(text)
    assert capability in out["capabilities"] and out["stance"] != "negated"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Consular staff compiled lists of Peruvian activists living in Santiago.", "data_exploitation"),
        ("Hackers wiped the networks of two Chilean copper firms.", "cyber_attack"),
        ("Chilean government portals went down under a flood of junk traffic.", "cyber_attack"),
        ("A new decree lets the ministry block any site that criticises the president.", "censorship"),
        ("A contractor planted malware on the Bolivian ministry's servers.", "cyber_espionage"),
    ],
)
def test_capability_words_for_lists_wipes_junk_traffic_blocks_and_planted_malware(text: str, code: str) -> None:
    assert code in get_matchers().capabilities(text, False)


def test_a_list_of_devices_is_no_data_exploitation() -> None:
    assert "data_exploitation" not in get_matchers().capabilities(
        "Network owners should compile a list of all internet-facing devices.", False
    )


@pytest.mark.parametrize(
    "text",
    [
        "The accounts used profile photos made with StyleGAN to pose as Chilean students.",
        "Each video was narrated by a cloned copy of a well-known Peruvian anchor's voice.",
        "Bolivian police installed 'smart' cameras at every bus terminal in La Paz.",
        "The app lets Peruvian police scan ID cards and faces at road checkpoints.",
    ],
)
def test_ai_words_for_named_gans_cloned_voices_smart_cameras_and_face_scans(text: str) -> None:
    assert get_matchers().ai_enabled(text)


def test_a_cloned_copy_of_a_voice_is_synthetic_media() -> None:
    text = "Each video was narrated by a cloned copy of a well-known Peruvian anchor's voice."
    assert "synthetic_media" in get_matchers().capabilities(text, False)


def test_matching_photos_is_no_ai() -> None:
    assert not get_matchers().ai_enabled("Investigators matched the photos against a list of Chilean exiles.")


@pytest.mark.parametrize(
    "text",
    [
        "Hackers copied the names, phone numbers and home towns of 2,000 Peruvian students in Chile.",
        "The intruders took the passport scans of every applicant to the Bolivian consulate.",
        "A contractor passed the work addresses and employers of 300 Chilean exiles to Lima.",
    ],
)
def test_the_personal_details_of_many_people_are_data_exploitation(text: str) -> None:
    assert "data_exploitation" in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "Appendix B lists the IP addresses of the servers, current as of 3 May.",
        "The names of all three Peruvian ministers appear in the report.",
    ],
)
def test_a_date_or_a_few_names_are_no_data_exploitation(text: str) -> None:
    assert "data_exploitation" not in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bolivian state accounts ran a smear against a Peruvian reporter living in Santiago.", "influence_operations"),
        ("A doctored memo from the Chilean ministry circulated on Telegram.", "influence_operations"),
        ("The network recycled footage from an old earthquake as proof of Chilean looting.", "influence_operations"),
        ("Hundreds of accounts swarmed the posts of a Peruvian senator within minutes.", "influence_operations"),
        ("Bolivian outlets pushed identical claims that Chilean troops had crossed over.", "influence_operations"),
        ("Hackers posted fake evacuation orders on the websites of two Peruvian towns.", "influence_operations"),
        ("The sites imitated Chilean newspapers down to their fonts and bylines.", "influence_operations"),
        ("Bolivia flew Peruvian vloggers to La Paz before the vote.", "influence_operations"),
        ("Dozens of automated accounts repeated one slogan about Lima.", "influence_operations"),
        ("Consular staff passed the names of Bolivian activists in Lima to police at home.", "surveillance"),
        ("The regulator ordered providers to log subscribers who used VPNs in Peru.", "surveillance"),
        ("Police collected DNA samples from every Chilean migrant held at the border.", "surveillance"),
        ("Police read the messages of two Chilean lawyers with Pegasus for a year.", "cyber_espionage"),
        ("Peruvian officers installed spyware on the laptops of three Bolivian journalists.", "cyber_espionage"),
        ("The group sent lures to engineers at a Chilean shipyard.", "cyber_espionage"),
        ("State messaging on Bolivian radio casts the Chilean port dispute as theft.", "propaganda"),
        ("Police in La Paz questioned the relatives of a Bolivian exile in Lima.", "transnational_repression"),
        ("Agents threatened Bolivian-American critics of the government on the phone.", "transnational_repression"),
    ],
)
def test_capability_words_for_smears_doctored_media_swarms_logs_spyware_and_relatives(text: str, code: str) -> None:
    assert code in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The Bolivian embassy called the report a smear and denied any role.", "influence_operations"),
        ("The administrators logged in from IP addresses in Lima.", "surveillance"),
        ("Accounts targeted by the group belonged to Chilean officials.", "influence_operations"),
    ],
)
def test_a_smear_named_in_a_denial_a_login_and_targeted_accounts_trigger_nothing(text: str, code: str) -> None:
    assert code not in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hackers switched off the pumps at a Chilean water plant for a day.", "cyber_attack"),
        ("The intrusion halted trains on two Peruvian lines for six hours.", "cyber_attack"),
        ("The operators wiped the configuration of 40 Bolivian routers.", "cyber_attack"),
        ("Attackers opened the breakers at a substation near Arequipa.", "cyber_attack"),
        ("The channel posted AI-made images of flooded streets in Lima.", "synthetic_media"),
        ("His face was digitally grafted onto a Chilean actor's body.", "synthetic_media"),
        ("The cover letter was written by a language model, investigators in Lima said.", "synthetic_media"),
        ("Bolivian state television used an animated avatar to read the news.", "synthetic_media"),
    ],
)
def test_capability_words_for_switching_off_halting_wiping_and_made_media(text: str, code: str) -> None:
    assert code in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A pro-government tabloid published the workplaces of Peruvian exiles in Lima.", "data_exploitation"),
        ("Officers mined the records of a Bolivian delivery app to find the organisers.", "data_exploitation"),
        ("Chilean diplomats pressed a museum to cancel a screening about the Atacama strike.", "censorship"),
        ("Bolivian police used Interpol notices to hunt critics living in Argentina.", "transnational_repression"),
    ],
)
def test_capability_words_for_published_workplaces_mined_records_cancelled_events_hunts(text: str, code: str) -> None:
    assert code in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "Peruvian military intelligence flooded TikTok with synthetic videos of the opposition leader.",
        "The accounts used synthetic profile pictures to pose as Chilean students.",
        "Bolivian police scan commuters' faces at checkpoints in La Paz.",
        "Chilean police use street cameras to identify protesters by face.",
        "The vendor sold Peru cameras that claim to detect Aymara ethnicity.",
        "Uruguayan officers ran a face-search engine over photos of the march.",
        "Audio of the candidate, made with a speech synthesiser, spread on Bolivian channels.",
        "An operator working for Paraguay's intelligence agency used Claude to write the complaints.",
        "Ecuador's intelligence service used Gemini to draft phishing emails.",
        "Venezuelan officers fed our models screenshots of exiles' group chats.",
        "A Cuban state-linked operation generated articles with our models about the election.",
    ],
)
def test_ai_words_for_synthetic_pictures_face_searches_synthesisers_and_named_assistants(text: str) -> None:
    assert get_matchers().ai_enabled(text)


@pytest.mark.parametrize(
    "text",
    [
        "Claude Moraes used the report to question the Chilean minister.",
        "Our analysts identified the accounts by their profile pictures.",
        "We compared the findings with our models of Peruvian network traffic.",
    ],
)
def test_names_and_models_that_are_no_ai_use(text: str) -> None:
    assert not get_matchers().ai_enabled(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bolivia and Peru imposed the longest regional blackouts of the period.",
        "The regulator ordered a blackout of social media on the eve of the Chilean vote.",
        "Peruvian platforms suppressed search results for the detained lawyer's name.",
    ],
)
def test_censorship_words_for_imposed_blackouts_and_suppressed_search_results(text: str) -> None:
    assert "censorship" in get_matchers().capabilities(text, False)


def test_malware_that_deletes_files_is_no_attack() -> None:
    text = "The implant deletes files from the Chilean victims' disks after sending them."
    assert "cyber_attack" not in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "A Bolivian student in Lima reported on classmates to officers of the consulate.",
        "Peruvian intelligence recruited a Chilean student to inform on exile groups in Santiago.",
    ],
)
def test_reporting_on_classmates_and_recruiting_informers_are_surveillance(text: str) -> None:
    assert "surveillance" in get_matchers().capabilities(text, False)


def test_selling_intrusion_tools_is_technology_export() -> None:
    text = "A Chilean firm sold intrusion tools to police forces in Bolivia and Peru."
    assert "technology_export" in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The Chilean case is a textbook example of a well-run election.", "propaganda"),
        ("The ruling opened the floodgates to lawsuits against Peruvian mining firms.", "cyber_attack"),
        ("Lima pushed back on claims that its police had bought the tool.", "influence_operations"),
        ("The form asks for names and postal addresses of the Bolivian applicants.", "data_exploitation"),
        ("La Paz cancelled talks with Santiago over the border dispute.", "censorship"),
        ("The Bolivian hackers halted operations for a month after the exposure.", "cyber_attack"),
        ("The Chilean army tested drone swarms over the Atacama.", "influence_operations"),
        ("Police in La Paz harassed anti-American protesters outside the embassy.", "transnational_repression"),
    ],
)
def test_idioms_and_look_alikes_of_the_new_capability_words_trigger_nothing(text: str, code: str) -> None:
    assert code not in get_matchers().capabilities(text, False)


def test_hiring_influencers_is_influence_operations() -> None:
    text = "Bolivia's embassy in Lima is hiring influencers for a new campaign about gas exports."
    assert "influence_operations" in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "Guatemala's intelligence service bought commercial spyware from a broker in Cyprus in 2021.",
        "Officials in Tegucigalpa purchased Predator licences through a reseller in Athens.",
        "Several Andean governments imported surveillance technology for their new police stations.",
        "The Bolivian interior ministry acquired facial recognition systems from a foreign state-owned firm.",
        "Panama's police paid a foreign integrator to install deep packet inspection on two mobile networks.",
        "A Swiss firm stopped selling mobile-forensics kits to police in Honduras after the coup.",
        "Cuban specialists advised Nicaraguan counterparts on throttling messaging apps during protests.",
        "Venezuelan trainers coached Bolivian police in phone hacking at a course in Caracas.",
    ],
)
def test_export_words_for_purchases_integrators_and_advisers(text: str) -> None:
    assert "technology_export" in get_matchers().capabilities(text, False)


@pytest.mark.parametrize(
    "text",
    [
        "The Peruvian ministry bought new laptops for its staff from a local retailer.",
        "The Chilean operators bought domains from a registrar in Panama.",
        "The regulator in Quito purchased office space in the capital.",
    ],
)
def test_purchases_of_ordinary_goods_are_no_export(text: str) -> None:
    assert "technology_export" not in get_matchers().capabilities(text, False)


def test_a_purchase_names_the_goods_unless_the_buyer_uses_them() -> None:
    # like a sale ("sold spyware to ..."), a purchase names the goods: the buyer does not spy by
    # buying; a buyer that installs what it bought does
    bought = "Guatemala's intelligence service bought spyware from a broker in Cyprus."
    used = "Guatemala's intelligence service bought spyware from a broker and installed it on reporters' phones."
    assert set(get_matchers().capabilities(bought, False)) == {"technology_export"}
    assert set(get_matchers().capabilities(used, False)) - {"technology_export"}


@pytest.mark.model
def test_a_buyer_that_only_buys_is_no_actor() -> None:
    # GUIDE: the sale is technology_export at sentence level; a buyer that is only a recipient is `other`
    out = tag_text("Honduras bought commercial spyware from a broker in Cyprus.")
    assert "technology_export" in out["capabilities"] and out["actors"] == []
    assert _roles(out)["Honduras"] == "other"


@pytest.mark.parametrize(
    "text",
    [
        "Peru's telecom regulator blocked the news sites of exiled journalists based in Madrid.",
        "Bolivian authorities ordered the platform to withhold the accounts of exiles in Argentina.",
    ],
)
def test_censoring_exiles_abroad_is_transnational_repression(text: str) -> None:
    assert {"censorship", "transnational_repression"} <= set(get_matchers().capabilities(text, False))


def test_censoring_journalists_at_home_is_not_transnational_repression() -> None:
    text = "Peru's telecom regulator blocked the news sites of journalists in Lima."
    caps = get_matchers().capabilities(text, False)
    assert "censorship" in caps and "transnational_repression" not in caps


def test_a_sale_keeps_the_goods_words_when_the_buyer_puts_them_to_use() -> None:
    sold = "A broker sold spyware to Guatemala's intelligence service."
    used = "A broker sold spyware to Guatemala's intelligence service, which used it against exiled reporters."
    assert set(get_matchers().capabilities(sold, False)) == {"technology_export"}
    assert set(get_matchers().capabilities(used, False)) - {"technology_export", "transnational_repression"}


@pytest.mark.parametrize(
    "text",
    [
        "Peruvian provincial offices bought software that uses natural-language processing to flag critical posts.",
        "Bolivian police run sentiment analysis over the posts of exiled students.",
    ],
)
def test_ai_words_for_language_processing_and_sentiment_analysis(text: str) -> None:
    assert get_matchers().ai_enabled(text)


def test_a_natural_language_is_no_ai() -> None:
    assert not get_matchers().ai_enabled("The Chilean report was written in plain, natural language.")


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # advice to states, platforms or hosts asserts nothing of the states it names (TAXONOMY)
        "Host governments, Chile and Uruguay among them, should stop extraditing exiled journalists on the "
        "strength of Interpol notices from Bolivia.",
        "Lima and its partners should coordinate export controls on spyware instead of licensing sales one by one.",
        "Platforms ought to refuse takedown demands from Paraguay that target the accounts of exiled reporters.",
        "Banks in Peru and Chile should assume that Bolivian operators have already stolen their staff's passwords.",
    ],
)
def test_advice_in_the_main_clause_asserts_nothing(text: str) -> None:
    out = tag_text(text)
    assert out["capabilities"] == [] and out["actors"] == []


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # a condition, a factive frame and a clause of its own before the advice keep their acts
        "Should Lima expel its diplomats, Bolivian hackers would probably knock Peruvian ministries offline with "
        "DDoS attacks.",
        "Recipients of this alert should be aware that Bolivia's intelligence service monitors exiled journalists "
        "in Peru.",
        "Bolivian operators stole the passwords of Chilean diplomats last spring, so ministries should reset every "
        "account.",
    ],
)
def test_advice_leaves_conditions_facts_it_frames_and_earlier_clauses_alone(text: str) -> None:
    out = tag_text(text)
    assert out["capabilities"] and "BOL" in out["actors"]
