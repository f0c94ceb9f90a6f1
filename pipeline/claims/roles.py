"""The second pass: who acts and who is acted on, from spaCy's dependency parse."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from pipeline.claims.lexicon import (
    ACCUSE_VERBS,
    ACT,
    ACTIVITY_NOUNS,
    AGENT_NOUNS,
    ANSWERABLE_WORDS,
    ATTACK_NOUNS,
    CRIMINAL_NOUNS,
    HOSTILE_NOUNS,
    LINK_PREPS,
    LINK_WORDS,
    LOCATION_PREPS,
    NOT,
    NOUNISH,
    PERCEPTION_VERBS,
    PRINCIPAL_NOUNS,
    PRINCIPAL_PREPS,
    REPORT_VERBS,
    SERVE_VERBS,
    VICTIM_NOUNS,
    VICTIM_VERBS,
)
from pipeline.claims.nlp import with_entities


def _lemma(tok: Token) -> str:
    return (tok.lemma_ or tok.lower_).lower()


# dependencies inside a noun phrase: a mention climbs them to the head of its phrase
NP_MODIFIERS = ("compound", "amod", "det", "appos", "nmod")


def phrase_head(token: Token, deps: tuple[str, ...] | frozenset[str] = NP_MODIFIERS) -> Token:
    """The head of the phrase a token modifies through `deps` ("Russian" in "Russian military
    intelligence" -> "intelligence"), at most six steps up."""
    tok = token
    for _ in range(6):
        if tok.dep_ not in deps or tok.head.i == tok.i:
            break
        tok = tok.head
    return tok


# Prepositions that name the means an act works through: "fed the footage through face recognition"
_MEANS = frozenset("through via using with".split())


def _does_act(verb: Token, trigger_tokens: set[int], *, means: bool = False) -> bool:
    """A verb that also reports ("launch", "publish", "track", "identify") does the act when it,
    or its object, is a capability trigger or an activity: "Russia launched cyber attacks",
    "Beijing tracks dissidents", unlike "CISA launched an investigation". With `means`, also when
    the means it works through is ("fed the footage through face recognition"); the role head's
    features read it without (with it, the unfitted corpus rows' actor F1 fell 0.745 -> 0.734)."""
    if verb.i in trigger_tokens:
        return True
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    if means:
        objects += [
            g for p in verb.children if p.dep_ == "prep" and p.lower_ in _MEANS for g in p.children if g.dep_ == "pobj"
        ]
    for obj in objects:
        words = [obj, *(c for c in obj.children if c.dep_ in ("amod", "compound"))]
        if _lemma(obj) in ACTIVITY_NOUNS or any(w.i in trigger_tokens for w in words):
            return True
    return False


def _role_of_anchor(tok: Token, trigger_tokens: set[int]) -> bool | None:
    lemma = _lemma(tok)
    dep = tok.dep_
    head = tok.head
    if tok.i in trigger_tokens or lemma in ACTIVITY_NOUNS:
        return ACT
    if dep in ("nsubj", "csubj"):
        hl = _lemma(head)
        if hl in REPORT_VERBS and not _does_act(head, trigger_tokens):
            return NOT
        if hl in ("suffer", "face", "experience", "receive", "fall", "become", "remain") or (
            hl == "be" and any(_lemma(c) in VICTIM_NOUNS for c in head.children if c.dep_ == "attr")
        ):
            return NOT
        return ACT
    if dep == "nsubjpass":
        return ACT if _lemma(head) in ACCUSE_VERBS | LINK_WORDS else NOT
    if dep in ("dobj", "obj", "dative"):
        hl = _lemma(head)
        if hl in ACCUSE_VERBS or hl in PERCEPTION_VERBS:
            return ACT
        if lemma in HOSTILE_NOUNS or (lemma in AGENT_NOUNS and hl not in VICTIM_VERBS):
            return ACT
        return NOT
    if dep == "attr":
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        return NOT if any(_lemma(s) in VICTIM_NOUNS for s in subj) else ACT
    if dep == "pobj":
        return ACT if lemma in HOSTILE_NOUNS else NOT
    if lemma in AGENT_NOUNS:
        return ACT
    return None


def _names_principal(noun: Token) -> bool:
    """ "on behalf", "at the request", "under the orders": what follows ("of X") names whose orders
    an act follows."""
    return noun.lower_ == "behalf" or (
        _lemma(noun) in PRINCIPAL_NOUNS and noun.dep_ == "pobj" and noun.head.lower_ in PRINCIPAL_PREPS
    )


def mention_role(token: Token, trigger_tokens: set[int]) -> bool | None:
    """ACT when the mention's state performs the action, NOT when it is victim/place/topic."""
    tok = token
    for _ in range(12):
        dep = tok.dep_
        if tok.head.i == tok.i or tok.i in trigger_tokens or _lemma(tok) in ACTIVITY_NOUNS:
            break
        if dep == "poss" and _names_principal(tok.head):
            return ACT  # "at Beijing's request"
        if dep in ("compound", "amod", "poss", "nmod", "npadvmod", "appos", "flat", "nummod", "case"):
            tok = tok.head
            continue
        if dep == "conj" and tok.head.pos_ in NOUNISH:
            tok = tok.head
            continue
        if dep == "pobj" and tok.head.dep_ in ("prep", "agent"):
            prep = tok.head
            p = prep.lower_
            h = prep.head
            hl = _lemma(h)
            if prep.dep_ == "agent" or p == "by":
                return ACT
            if p == "of" and _names_principal(h):
                return ACT
            if p == "for" and hl in SERVE_VERBS and h.pos_ == "VERB":
                return ACT
            if (
                p in ("of", "from")
                and h.pos_ in NOUNISH
                and (hl in AGENT_NOUNS or hl in ACTIVITY_NOUNS or h.i in trigger_tokens)
            ):
                tok = h
                continue
            # "hackers based in China" acts; "attacks against China" does not
            based_in = p == "in" and h.dep_ in ("acl", "amod", "relcl") and _lemma(h.head) in AGENT_NOUNS
            if hl in LINK_WORDS and (p in LINK_PREPS or based_in):
                if h.dep_ in ("acl", "amod", "relcl") and h.head.pos_ in NOUNISH:
                    tok = h.head
                    continue
                return ACT
            if p in LOCATION_PREPS or p == "from":
                return ACT if (_lemma(tok) in HOSTILE_NOUNS and p == "against") else NOT
            return None
        break
    return _role_of_anchor(tok, trigger_tokens)


def is_criminal(token: Token) -> bool:
    """A mention that qualifies criminals ("Russian-aligned cybercrime groups") names no state actor."""
    tok = token
    for _ in range(4):
        if _lemma(tok) in CRIMINAL_NOUNS or tok.lower_ in CRIMINAL_NOUNS:
            return True
        if any(
            c.dep_ in ("compound", "amod") and (_lemma(c) in CRIMINAL_NOUNS or c.lower_ in CRIMINAL_NOUNS)
            for c in tok.children
        ):
            return True
        if tok.dep_ not in ("compound", "amod", "npadvmod") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def ambiguous_attack(token: Token) -> bool:
    """A demonym or place directly on an attack noun without "on/against" ("Estonian cyber attacks"):
    it may name the attacker or the victim."""
    tok = token
    for _ in range(3):
        if tok.dep_ not in ("amod", "compound", "nmod") or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.lower_ in ATTACK_NOUNS:
            return not any(c.dep_ == "prep" and c.lower_ in ("on", "against") for c in tok.children)
    return False


# Verbs whose subject judges someone else's act (GUIDE: "the party that reports, assesses, attributes
# or advises" is `reporter`): the subject of "attribute", "assess", "accuse" is never the actor of
# what it attributes. A statement "issued"/"released" while "attributing ..." is the same.
JUDGE_VERBS = frozenset({"attribute", "assess", "accuse", "blame", "judge", "allege"})
_STATEMENT_VERBS = frozenset({"issue", "release", "publish", "make", "say", "state", "announce"})
_NP_DEPS = frozenset({"compound", "amod", "poss", "det", "appos", "nmod", "conj"})


# Verbs whose passive agent ("published by X", "observed by the FBI", "an advisory co-sealed by
# five agencies") reports, not acts.
_REPORTED_BY = frozenset(
    "publish report author co-author write release issue attribute assess document observe detect "
    "discover identify track name compile prepare produce seal co-seal sign co-sign".split()
)


def judging_subject(token: Token) -> bool:
    """The mention's noun phrase is the subject of a verb of attributing or assessing ("the UK and US
    governments attribute the campaign to APT29", "the White House released a statement, attributing
    the activity to the SVR", "Microsoft assessed that ..."), or the agent of a verb of publishing or
    observing ("the report, published by the UK government", "activity observed by the FBI")."""
    tok = phrase_head(token, _NP_DEPS)
    if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
        return _lemma(tok.head.head) in _REPORTED_BY
    if tok.dep_ != "nsubj":
        return False
    verb = tok.head
    if _lemma(verb) in JUDGE_VERBS:
        return not _accused_of(verb)
    if any(
        c.dep_ == "conj" and _lemma(c) in JUDGE_VERBS and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        for c in verb.children
    ):
        return True  # "the FBI has not identified the individuals, but assesses that ..."
    return _lemma(verb) in _STATEMENT_VERBS and any(
        c.dep_ == "advcl" and c.tag_ == "VBG" and _lemma(c) in JUDGE_VERBS for c in verb.children
    )


# What an organ does when it notices an act rather than doing it: "Latvia's CERT.LV observed a DDoS
# campaign by ...". Speech is left out: a ministry that "said" or "published" speaks for its state
# (GUIDE: its statement is the state's, an actor with no capability).
_NOTICE_VERBS = frozenset("observe detect record notice document spot log".split())


def owner_reports(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention owns the organ that observes the sentence's act, and is not itself its subject:
    "Latvia's CERT.LV observed a DDoS campaign by NoName057(16)" (Latvia reports), unlike "Latvia's
    hackers recorded the calls" (an act)."""
    head = phrase_head(token, ("conj", "compound", "amod", "appos"))
    if head.dep_ != "poss" or head.head.i == head.i:
        return False
    owned = head.head
    subject = phrase_head(owned, ("conj", "appos"))
    verb = subject.head
    return (
        subject.dep_ == "nsubj"
        and verb.i not in trigger_tokens
        and owned.i not in trigger_tokens
        and _lemma(verb) in _NOTICE_VERBS
        and not _is_one_of(owned, _HOSTILE_WORDS)  # "Latvia's hackers saw ...": its agents
    )


def _accused_of(verb: Token) -> bool:
    """A headline's reduced passive: "Ankara accused of using Interpol notices" names the accused,
    not the accuser (no object; "of" or "for" hangs on the verb)."""
    if _lemma(verb) not in ("accuse", "blame") or any(c.dep_ in ("dobj", "ccomp") for c in verb.children):
        return False
    return any(c.dep_ == "prep" and c.lower_ in ("of", "for") for c in verb.children)


_SUFFER_VERBS = frozenset({"suffer", "sustain", "endure"})
# what is done to a network or a person (not "directed", "aimed": "Russian operations directed at")
_BREACH_VERBS = frozenset(
    "target attack hack compromise breach infiltrate phish infect penetrate sabotage harass intimidate surveil".split()
)


def _breached(verb: Token, noun: Token) -> bool:
    """`verb` is a hostile participle qualifying `noun`: "ministries breached (by OceanLotus)". A
    noun that usually acts ("government", "agency") is its object only with the agent named."""
    if verb.dep_ != "acl" or _lemma(verb) not in _BREACH_VERBS:
        return False
    by_agent = any(c.dep_ == "agent" for c in verb.children)
    return by_agent if verb.tag_ == "VBD" or _lemma(noun) in AGENT_NOUNS else verb.tag_ == "VBN"


_NOUN_PARTS = tuple(d for d in NP_MODIFIERS if d != "appos")


def partisans_place(token: Token) -> bool:
    """The mention is where a government's partisans are ("pro-government outlets in Caracas",
    "pro-Kremlin accounts in Serbia"): partisans are not the state, so the place is their location
    (GUIDE: named actors only)."""
    if token.dep_ != "pobj" or token.head.lower_ != "in" or token.head.dep_ != "prep":
        return False
    noun = token.head.head
    before = [c for c in noun.children if c.i < noun.i]
    return any(c.lower_.startswith("pro-") or (c.lower_ == "pro" and c.nbor().text == "-") for c in before)


def acted_on(token: Token) -> str | None:
    """The role the parse itself gives a mention on the receiving end of a hostile act, or None:
    the passive subject of a hostile verb ("Iranian networks were targeted"), or the owner of its
    object or passive subject ("sabotage Iran's centrifuge programme", "Moldova's networks were
    attacked"), is its target; the subject of "suffer" ("Iran has suffered the most attacks") is its
    victim. A state on a noun a hostile participle qualifies is its target ("Laotian ministries
    breached by OceanLotus")."""
    if token.dep_ == "poss":
        owned = token.head
        hit = owned.dep_ in ("dobj", "obj", "nsubjpass") and _lemma(owned.head) in VICTIM_VERBS
        return "target" if hit else None
    tok = phrase_head(token)
    if tok.dep_ == "nsubjpass" and _lemma(tok.head) in VICTIM_VERBS:
        return "target"
    # the noun the mention is part of, not a phrase it stands in apposition to ("Figure 3: Chilean
    # government networks breached by ...")
    noun = phrase_head(token, _NOUN_PARTS)
    if noun.i != token.i and _lemma(noun) not in HOSTILE_NOUNS and any(_breached(c, noun) for c in noun.children):
        return "target"  # "Cambodian ministries breached by OceanLotus"
    if tok.dep_ == "nsubj" and _lemma(tok.head) in _BREACH_VERBS and any(c.dep_ == "agent" for c in tok.head.children):
        return "target"  # the same caption parsed as a finite verb with a "by" agent
    if tok.dep_ == "nsubj" and _lemma(tok.head) in _SUFFER_VERBS:
        return "victim"
    if tok.dep_ == "nsubj" and _lemma(tok.head) in _COPULAS:
        # "Manila is a frequent target of Chinese coast guard messaging", "Beijing is itself a
        # victim of hacking": what the subject is said to be ("no department was the intended
        # target" is not)
        said = next((c for c in tok.head.children if c.dep_ == "attr"), None)
        denied = any(c.dep_ == "neg" for c in tok.head.children) or any(c.lower_ == "no" for c in tok.children)
        if said is not None and not denied:
            return _RECEIVING_NOUNS.get(_lemma(said))
    return None


# Verbs that say what their subject is, and the nouns that put it on the receiving end
_COPULAS = frozenset("be remain become".split())
_RECEIVING_NOUNS = {"target": "target", "victim": "victim", "focus": "target", "object": "target"}


# Nouns that name a hostile act itself (not its tools, products or victims).
_ACT_WORDS = frozenset(
    "espionage cyberespionage hacking hack intrusion attack cyberattack disinformation propaganda "
    "censorship surveillance repression interference meddling spying phishing sabotage harassment".split()
)


def qualifies_the_act(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention qualifies the act word itself: "Chinese espionage against universities",
    "Russia's disinformation", "Iranian hacking" (TAXONOMY: the adjective names who acts), unlike
    "Chinese surveillance cameras", "a Malaysian database" or "anti-Russian propaganda"."""
    act = token.head
    if act.i != token.i and _lemma(act) in _CAMPAIGN_NOUNS:
        # "Chilean phishing campaigns", "Russian influence operations": the act word qualifies the
        # campaign beside the mention
        act = next(
            (c for c in act.children if c.dep_ in ("amod", "compound") and c.i > token.i and _lemma(c) in _ACT_WORDS),
            act,
        )
    return (
        token.dep_ in ("amod", "compound", "poss")
        and act.i != token.i
        and act.i in trigger_tokens
        and _lemma(act) in _ACT_WORDS
        and not token.lower_.startswith(("anti", "pro-", "counter"))
    )


# Nouns of a sustained act that an act word names ("phishing campaign", "influence operation")
_CAMPAIGN_NOUNS = frozenset("campaign operation wave effort activity".split())


def subject_of_an_act(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention (or the list it heads) is the subject of a verb that does an act: "the NSA hacked
    the carrier", unlike "an evaluation by CISA found" or "the FBI is aware of an actor"."""
    tok = phrase_head(token, ("conj", "compound", "amod", "appos"))
    if tok.dep_ != "nsubj" or tok.head.pos_ != "VERB":
        return False
    verb = tok.head
    if _lemma(verb) in PERCEPTION_VERBS:
        return False  # "The FBI observed Kimsuky phishing think tanks": the act is Kimsuky's
    # "compromised Belgacom to spy on its customers": the purpose or the next verb may name the act,
    # unless the verb answers someone else's act ("designated two firms for running the sites")
    verbs = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "advcl", "conj") and c.pos_ == "VERB")]
    if _lemma(verb) in _COUNTER_VERBS | _ARREST_VERBS:
        verbs = [verb]
    return any(_does_act(v, trigger_tokens, means=True) for v in verbs)


# Organs of a state placed by "in": "police in Moscow", "authorities in Tehran", "the junta in
# Guinea". Acting, they are the state of the place ("Police in Tehran paired cameras with ...").
_ORGANS_IN = frozenset(
    "police authority officer official ministry bureau junta government regime agency service "
    "administration military army".split()
)
_OUTLETS = frozenset("outlet broadcaster media channel".split())
_STATE_RUN = frozenset("state state-run state-owned state-controlled government government-run official".split())
# People who work for an organ ("staff at the Tajik embassy", "officers of Iran's intelligence
# ministry") and the organs they work for.
_STAFF = frozenset("staff officer official agent operative employee personnel member diplomat".split())
# Trades whose agencies and offices are businesses, not organs: "a PR agency", "an advertising office"
_TRADES = frozenset("pr advertising marketing consulting consultancy travel recruitment talent news".split())
_ORGANS = _ORGANS_IN | frozenset(
    "embassy consulate mission command directorate committee office secretariat department guard unit".split()
)


def _run_by_state(noun: Token) -> bool:
    """A modifier of the noun says the state runs it ("state media", "government outlets"), not
    "pro-government outlets"."""
    return any(
        c.lower_ in _STATE_RUN and not (c.i > 0 and c.nbor(-1).text == "-")
        for c in noun.children
        if c.dep_ in ("amod", "compound")
    )


def _is_one_of(tok: Token, words: frozenset[str]) -> bool:
    """By lemma, or by the bare plural where the tagger took a capitalised noun for a name
    ("Officers of ...")."""
    return _lemma(tok) in words or tok.lower_.removesuffix("s") in words


def _acts_as_subject(organ: Token, trigger_tokens: set[int]) -> bool:
    if subject_of_an_act(organ, trigger_tokens):
        return True
    # no trigger word to anchor on ("Authorities in Iran cut mobile internet ..."): the organ is
    # the subject of the sentence's main verb, which neither reports nor perceives
    verb = organ.head
    return (
        (not trigger_tokens or organ.i in trigger_tokens)  # or the organ names the act: "state media"
        and organ.dep_ == "nsubj"
        and verb.dep_ == "ROOT"
        and verb.pos_ == "VERB"
        and _lemma(verb) not in PERCEPTION_VERBS | REPORT_VERBS
    )


def _noun_by_prep(tok: Token, preps: tuple[str, ...]) -> tuple[Token, str] | None:
    """The word a phrase hangs on through one of `preps`, and the preposition: ("police", "in")
    for "Moscow" in "police in Moscow"."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in preps:
        return None
    return prep.head, prep.lower_


def organ_in(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention places or owns an organ of its state, or the people who work for one, and they
    do the act: "Police in Moscow used the city's cameras to detain ...", "Consular staff at the
    Tajik embassy summoned ...", "Staff at Thailand's Internal Security Operations Command ran
    ...", unlike "servers in Russia", "journalists in Venezuela" or "employees of a Turkish mobile
    operator"."""
    head = phrase_head(token, ("conj", "compound", "amod", "appos"))
    owner = head.dep_ == "poss"  # "Thailand's ... Command"
    tok = head.head if owner else head
    if (hung := _noun_by_prep(tok, ("in", "from", "at", "of"))) is None:
        return False
    organ, prep = hung
    if prep in ("in", "from"):
        # "from": "state outlets from China and Russia each pushed ..."; "in" only for the state's
        # own outlets ("state media in China, Iran and Russia each amplified ...")
        organs = _ORGANS_IN | _OUTLETS if prep == "from" or _run_by_state(organ) else _ORGANS_IN
        return not owner and _is_one_of(organ, organs) and _acts_as_subject(organ, trigger_tokens)
    return _states_organ(tok, token) and _is_one_of(organ, _STAFF) and _staff_act(organ, trigger_tokens)


def _states_organ(tok: Token, token: Token) -> bool:
    """People work for the state itself ("agents of Beijing": `tok` is the mention `token`) or for one
    of its organs, maybe named by a compound ("staff at an unofficial Chinese police post"), not
    for a business ("staff of a Tashkent PR agency")."""
    nouns = [tok, *(c for c in tok.children if c.dep_ == "compound")]
    if any(_lemma(n) in _TRADES for n in nouns):
        return False
    return tok.i == token.i or tok.pos_ == "PROPN" or any(_is_one_of(n, _ORGANS) for n in nouns)


# People tied to an organ by a participle: "individuals associated with the Cuban government",
# "people working for India's government"
_TIED_BY = frozenset("associate link connect affiliate tie work".split())
_PEOPLE = _STAFF | frozenset("individual people person".split())
# The act done by the people: "accounts run by staff of ...", "Pages administered by ..."
_RUN_VERBS = frozenset("run operate administer manage control create direct coordinate orchestrate".split())
# Words that tie an act or a party to someone ("tied the activity to staff of ...", "links to
# individuals ..."), and those that trace it there
_TIE_VERBS = frozenset("tie link connect attribute".split())
_TRACE_VERBS = _TIE_VERBS | frozenset("trace match".split())


def _staff_act(people: Token, trigger_tokens: set[int]) -> bool:
    """The people do the sentence's act: as its subject, as the agent of a passive that runs it
    ("accounts run by staff of ..."), or as whom it is tied to ("we tied the network to employees
    of ...", "links to individuals associated with ...")."""
    if _acts_as_subject(people, trigger_tokens):
        return True
    if people.dep_ != "pobj":
        return False
    prep, word = people.head, people.head.head
    if prep.dep_ == "agent":
        return _lemma(word) in _RUN_VERBS or word.i in trigger_tokens
    return prep.lower_ == "to" and _lemma(word) in _TRACE_VERBS


def works_for(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention names the organ that people tied to it by a participle work for, and they do
    the act: "run by individuals associated with the Royal Thai Army", "people working for India's
    government threatened ...", unlike "people working for a Nigerian consultancy"."""
    head = phrase_head(token, ("conj", "compound", "amod", "appos", "poss"))
    if (hung := _noun_by_prep(head, ("with", "to", "for"))) is None:
        return False
    verb, _ = hung
    people = verb.head
    return (
        _states_organ(head, token)
        and verb.dep_ == "acl"
        and _lemma(verb) in _TIED_BY
        and _is_one_of(people, _PEOPLE)
        and _staff_act(people, trigger_tokens)
    )


_LAW_NOUNS = frozenset("police enforcement prosecutor investigator court authority agency".split())
_TAKEDOWN_VERBS = frozenset("take seize dismantle disrupt sinkhole shut arrest indict charge extradite".split())
_CRIME_THINGS = frozenset(
    "server botnet domain infrastructure marketplace market forum malware ransomware gang operator "
    "suspect criminal member administrator".split()
)


def takes_down_crime(token: Token) -> bool:
    """Police or prosecutors taking down criminal infrastructure or arresting suspects ("The Dutch
    police took down the servers used by the botnet"): law enforcement, not a state's hostile act."""
    tok = phrase_head(token)
    if tok.dep_ != "nsubj" or _lemma(tok.head) not in _TAKEDOWN_VERBS:
        return False
    if tok.i != token.i and _lemma(tok) not in _LAW_NOUNS:
        return False  # "Russian hackers took down ..." stays an act
    objects = [c for c in tok.head.children if c.dep_ in ("dobj", "obj")]
    return any(_lemma(w) in _CRIME_THINGS for o in objects for w in o.subtree)


# What a police force, prosecutor or court does in answer to an act: it reports, arrests, charges
# or tries the suspect ("prosecutors in Texas allege ...", "a court in Munich convicted ...").
_ANSWERING_VERBS = frozenset(REPORT_VERBS) | _TAKEDOWN_VERBS | frozenset("convict sentence prosecute try jail".split())


# the dependencies a place name climbs to the phrase an "in" hangs on ("in Ethiopia, Eritrea and Sudan")
_PLACED = ("conj", "compound", "amod", "appos")


def place_role(token: Token, trigger_tokens: set[int]) -> str | None:
    """The role of a city or region named as the seat of an organ: the organ's act makes the place
    the actor ("police in Wenzhou pushed a student to ...", "the Hubei State Security Department
    hacked ..."), its report, charge or verdict the reporter ("prosecutors in Texas allege ...",
    "Toronto police said ..."). None where the place seats no organ that is the subject of a verb,
    or where the organ is another state's ("Russian-installed authorities in Kherson")."""
    if token.dep_ in ("compound", "nmod"):
        organ = phrase_head(token, ("compound", "nmod"))  # "the Shanghai public security bureau"
    elif (hung := _noun_by_prep(head := phrase_head(token, _PLACED), ("in",))) is not None:
        organ = hung[0]
        if organ.pos_ in ("VERB", "AUX"):
            return _seat_of(head, organ, token, trigger_tokens)  # "In Wenzhou, police pushed ..."
    else:
        return None
    return _organ_role(organ, token, trigger_tokens)


def _organ_role(organ: Token, token: Token, trigger_tokens: set[int]) -> str | None:
    if not (_is_one_of(organ, _ORGANS) or _is_one_of(organ, _LAW_NOUNS)) or organ.dep_ != "nsubj":
        return None
    with_entities(organ.doc)  # a people or place before the organ names its state ("Russian police in Kherson")
    if any(t.ent_type_ in ("NORP", "GPE") and t.i != token.i for c in organ.lefts for t in c.subtree):
        return None
    verb = organ.head
    if verb.i not in trigger_tokens and _lemma(verb) in _ANSWERING_VERBS:
        return "reporter"
    return "actor" if _acts_as_subject(organ, trigger_tokens) else None


def seat_of_subject(token: Token, trigger_tokens: set[int]) -> str | None:
    """The role of a state or place that a fronted "in" phrase makes the seat of the clause's subject,
    an organ named with no state of its own: "In Nicaragua, police have seized the houses of exiled
    critics" (the actor), "In Canada, prosecutors charged ..." (the reporter); unlike "In Germany,
    Russian agents ..." or "servers in Russia"."""
    head = phrase_head(token, _PLACED)
    if (hung := _noun_by_prep(head, ("in",))) is None:
        return None
    return _seat_of(head, hung[0], token, trigger_tokens)


def _seat_of(head: Token, verb: Token, token: Token, trigger_tokens: set[int]) -> str | None:
    """The role `_organ_role` gives the subject of `verb`, which the phrase `head` ("in X") precedes."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if verb.pos_ not in ("VERB", "AUX") or subject is None or head.head.i > subject.i:
        return None
    return _organ_role(subject, token, trigger_tokens)


# Nouns naming what a state does rather than what it has: "North Korea's heists", "the UAE's
# purchase of an exploit", "Beijing's promotion of ...", "Iran's capacity to conduct ...".
_ACT_NOMINALS = frozenset(
    "heist raid purchase acquisition procurement promotion capacity deployment pursuit sponsorship "
    "funding backing support outreach push drive conduct handling plan plot".split()
)


# People who work for a state: "Beijing's analysts ran the leaked lists through ...", "Tehran's
# envoys pressed ..." (its people act; its things do not)
_STATE_PEOPLE = frozenset(
    "analyst official employee staff personnel engineer technician specialist expert cadre recruiter "
    "handler censor propagandist investigator envoy ambassador consul minister".split()
)


# People or units a state acts through when they are its possession ("Pyongyang's IT workers",
# "Moscow's troll farms"), beside the agents, hostile agents and staff above.
_OWNED_AGENTS = frozenset("worker farm factory recruit hire mercenary office secretariat".split())
_HOSTILE_WORDS = frozenset(HOSTILE_NOUNS)
_AGENT_WORDS = frozenset(AGENT_NOUNS) | _HOSTILE_WORDS | _STATE_PEOPLE | _STAFF | _OWNED_AGENTS


# Organs a state owns that the gazetteer may not name ("Kyrgyzstan's security service", "Bolivia's
# vice-ministry of communication", "Indonesia's military information centre"), beside the organs above
_OWNED_ORGANS = _ORGANS | frozenset("vice-ministry centre center force navy council commission intelligence".split())


def _state_run(noun: Token) -> bool:
    """The noun's own modifiers say the state runs it: "state", "state-owned", "government-run"."""
    modifiers = noun.doc[noun.left_edge.i : noun.i].text.lower()
    return bool(_OWNED_BY_STATE.search(modifiers)) or _run_by_state(noun)


def _owned_agent(owned: Token) -> bool:
    """A possessed noun that names people or units who act: "hackers", "IT workers", "troll farms",
    an organ ("Kyrgyzstan's security service") or a business the state runs ("its state telecom")."""
    return (
        _is_one_of(owned, _AGENT_WORDS | _OWNED_ORGANS)
        or any(c.dep_ == "compound" and _is_one_of(c, _HOSTILE_WORDS) for c in owned.children)
        or (_is_one_of(owned, _RUNNABLE) and _state_run(owned))
    )


def owns_a_thing(token: Token, trigger_tokens: set[int]) -> bool:
    """A possessive on a thing, not on an agent or an act ("Iran's enrichment facilities", "Ukraine's
    grid"): the state owns what the sentence is about; it does not act through it ("Russia's GRU",
    "China's hackers", "Beijing's campaign" and "Moscow's disinformation" act)."""
    if token.dep_ != "poss" or token.head.i == token.i:
        return False
    owned = token.head
    if owned.i in trigger_tokens or owned.pos_ not in ("NOUN",) or owned.text.isupper():
        return False  # an acronym the tagger calls a noun names an organ: "Venezuela's SEBIN"
    if _names_principal(owned):
        return False  # "at Beijing's request": whose orders an act follows, not a thing it owns
    if organ_in(token, trigger_tokens):
        return False  # an organ whose people act: "run by staff of Honduras's communications office"
    lemma = _lemma(owned)
    return not _owned_agent(owned) and not any(lemma in words for words in (ACTIVITY_NOUNS, _ACT_NOMINALS))


def acts_through_owned(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention owns the agent that does the act: "Pyongyang's IT workers used ...", "Moscow's
    troll farms spread ...", unlike "Iran's nuclear programme was hit by ..." (a thing) or "China's
    critics were targeted ..." (not its agents)."""
    head = phrase_head(token, ("conj", "compound", "appos"))
    if head.dep_ != "poss" or head.head.i == head.i:
        return False
    owned = head.head
    if not _owned_agent(owned):
        return False
    # the sentence asserts an act (the caller checks) and its agent is the subject of the main verb
    verb = owned.head
    return subject_of_an_act(owned, trigger_tokens) or (
        owned.dep_ == "nsubj"
        and verb.dep_ == "ROOT"
        and verb.pos_ == "VERB"
        and _lemma(verb) not in PERCEPTION_VERBS | REPORT_VERBS | _SUFFER_VERBS | _COUNTER_VERBS
    )


# Made-up identities: the nationality a persona or a fake profile wears is not a state
_PERSONA_NOUNS = frozenset("persona profile identity alias impersonator avatar".split())


def persona_nationality(token: Token) -> bool:
    """The mention is the nationality of a made-up identity ("fake French and Spanish activist
    personas run by ...", "Iranian and Russian hacktivist personas amplified ..."): not a state
    (GUIDE: personas' nationalities are `other`), whoever runs the personas."""
    head = phrase_head(token, ("conj", "compound", "amod"))
    if head.i == token.i or not _is_one_of(head, _PERSONA_NOUNS):
        return False
    # an organ between them owns the persona: "a Russian military-intelligence persona"
    return not any(_is_one_of(t, _OWNED_ORGANS) for t in token.doc[token.i + 1 : head.i])


# What a state outlet does when it puts out the state's messaging: "CGTN aired a series portraying
# ...", "KCNA published a commentary blaming ...", "Sputnik pushed claims that ..." (TAXONOMY:
# propaganda is state media's messaging). Saying or reporting is left out: "Xinhua reported that
# ten people died" cites the outlet as a source.
_OUTLET_VERBS = frozenset(
    "publish air broadcast run release print carry portray present promote push amplify spread post "
    "feature depict frame cast accuse blame celebrate praise tout paint circulate repeat echo "
    "disseminate label brand call dub".split()
)


def outlet_messaging(token: Token) -> bool:
    """The mention (a state outlet) is the subject of a verb that puts out messaging."""
    tok = phrase_head(token, ("conj", "compound", "appos", "poss", "nmod"))
    if tok.dep_ != "nsubj" or tok.head.pos_ != "VERB":
        return False
    verb = tok.head
    verbs = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    return any(_lemma(v) in _OUTLET_VERBS for v in verbs) and not any(
        c.dep_ == "neg" or c.lower_ in ("never", "no") for c in verb.children
    )


# Nouns whose "that" clause is what is said, not what is done.
CONTENT_NOUNS = frozenset(
    "claim narrative story rumor rumour allegation theory lie falsehood message post article content "
    "video headline report accusation notion idea".split()
)


# Pieces of content whose words are a narrative when they "claim"/"say" something ("a post claimed
# that ...", "the video alleges that ..."), unlike an agency or researcher reporting.
_CONTENT_SOURCES = CONTENT_NOUNS | frozenset("account persona outlet channel site website page tweet meme".split())
_SAY_VERBS = frozenset("claim allege say suggest assert purport state insist accuse".split())
_TELL_VERBS = frozenset("report tell write broadcast announce publish".split())
_SAYING = _SAY_VERBS | _TELL_VERBS


# Words that call what is said false: "falsely claimed that ...", "alleged without evidence that ..."
_FALSELY = frozenset("falsely wrongly baselessly erroneously spuriously mistakenly groundlessly".split())
_PROOF = frozenset("evidence proof basis".split())


def said_falsely(verb: Token) -> bool:
    """A verb of saying that the sentence calls false: what it says is a narrative."""
    if _lemma(verb) not in _SAYING:
        return False
    for c in verb.children:
        if c.dep_ == "advmod" and c.lower_ in _FALSELY:
            return True
        if c.dep_ == "prep" and c.lower_ == "without" and any(_lemma(g) in _PROOF for g in c.children):
            return True
    return False


def speaks_of(token: Token, others: set[int]) -> bool:
    """The mention is the subject of a verb of saying whose clause holds one of the tokens `others`
    (another state's acting mention): "Tehran claimed that Israeli hackers disrupted ..." (Tehran
    reports another party's act). Not when the sentence calls the saying false: then the saying is
    the act ("falsely claimed that ...")."""
    tok = phrase_head(token, _NP_DEPS)
    verb = tok.head
    if tok.dep_ != "nsubj" or _lemma(verb) not in _SAYING or said_falsely(verb):
        return False
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and not (c.left_edge.i <= token.i <= c.right_edge.i)]
    return any(c.left_edge.i <= i <= c.right_edge.i for c in clauses for i in others)


def _narrative_head(head: Token) -> bool:
    if head.pos_ == "NOUN" and _lemma(head) in _PROOF and head.dep_ == "pobj" and head.head.lower_ == "without":
        # the parser may hang the clause on the missing proof: "alleged without evidence that ..."
        return said_falsely(head.head.head)
    if head.pos_ == "NOUN":
        return _lemma(head) in CONTENT_NOUNS
    if head.pos_ in ("VERB", "AUX") and said_falsely(head):
        return True
    if head.pos_ == "VERB" and _lemma(head) in _SAY_VERBS:
        # "This video claims that ...": the small parser may hang the subject on as a compound;
        # "stories claiming that ...": the verb qualifies the content noun
        if head.dep_ == "acl" and _lemma(head.head) in _CONTENT_SOURCES:
            return True
        return any(c.dep_ in ("nsubj", "compound") and _lemma(c) in _CONTENT_SOURCES for c in head.children)
    return False


def in_said_clause(token: Token) -> bool:
    """The token sits in the "that" clause of a claim, narrative or story ("amplified claims that
    Ukraine was developing weapons", "a post claimed that Ukraine created ..."): the state named
    there is the narrative's topic, not an actor. What an agency "reported that ..." keeps its actor."""
    for anc in token.ancestors:
        if (
            anc.dep_ in ("acl", "ccomp", "relcl")
            and _narrative_head(anc.head)
            and any(c.dep_ == "mark" and c.lower_ in ("that", "whether") for c in anc.children)
        ):
            return True
    return False


def tokens_in(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering a character span of the parsed sentence."""
    return doc.char_span(start, end, alignment_mode="expand")


def _phrase(tok: Token) -> str:
    """A noun phrase headed by tok, cut before relative clauses and other attachments."""
    toks = [t for t in tok.subtree]
    keep = []
    for t in toks:
        if t.i > tok.i and (
            t.dep_ in ("relcl", "acl", "advcl", "punct", "cc", "appos", "conj")
            or (t.dep_ == "prep" and t.lower_ not in ("of",))
        ):
            break
        keep.append(t)
    if not keep:
        return tok.text
    keep = keep[-12:]
    span = tok.doc[keep[0].i : keep[-1].i + 1]
    return span.text.strip(" ,;:")


TARGET_VERBS = {
    "target",
    "attack",
    "hack",
    "compromise",
    "surveil",
    "monitor",
    "harass",
    "spy",
    "infiltrate",
    "breach",
    "phish",
    "intimidate",
    "threaten",
    "track",
    "censor",
    "block",
    "infect",
    "disrupt",
    "coerce",
    "silence",
    "exploit",
    "deceive",
    "influence",
}


def find_target(doc: Doc, trigger_tokens: set[int]) -> str | None:
    """Who or what is acted on: "against X", "targeting X", or the object of a capability verb."""
    for tok in doc:
        if tok.lower_ in ("against", "targeting") and tok.dep_ == "prep":
            objs = [c for c in tok.children if c.dep_ == "pobj"]
            if objs:
                return _phrase(objs[0])
    for tok in doc:
        is_verb = tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
        if is_verb and (_lemma(tok) in TARGET_VERBS or tok.i in trigger_tokens):
            objs = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
            if objs and objs[0].pos_ != "PRON":
                return _phrase(objs[0])
            if tok.lower_ in ("targeted", "attacked", "hacked", "compromised", "surveilled"):
                subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
                if subj and subj[0].pos_ != "PRON":
                    return _phrase(subj[0])
        if tok.i in trigger_tokens and tok.pos_ in NOUNISH:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "against", "on"):
                    objs = [c for c in prep.children if c.dep_ == "pobj"]
                    if objs and _lemma(objs[0]) not in ACTIVITY_NOUNS:
                        return _phrase(objs[0])
    return None


_TRANSFER_WORDS = frozenset(
    "sell supply export provide transfer deliver donate give ship offer license lend sale delivery shipment".split()
)
_EQUIP_VERBS = frozenset("supply provide equip furnish arm".split())
# what a recipient does with what it got: "..., which turned it on opposition politicians",
# "equipment used during the protests"
_USE_VERBS = frozenset(
    "use deploy employ turn operate run wield aim point track monitor spy hack target surveil censor "
    "block filter intercept watch locate identify follow jail arrest detain map flag unmask".split()
)


def _transferred(word: Token) -> bool:
    """The word, or the act its object or "of" phrase belongs to, is a transfer: "sold a kit to",
    "the sale of a tool to", "licensed the sale of a tool to"."""
    for _ in range(4):
        if _lemma(word) in _TRANSFER_WORDS:
            return True
        if word.dep_ not in ("dobj", "pobj", "prep") or word.head.i == word.i:
            return False
        word = word.head
    return False


def _received(tok: Token) -> bool:
    """The phrase head `tok` is what a capability is sold, exported or given to."""
    if tok.dep_ == "pobj" and tok.head.lower_ in ("to", "for"):
        # "sold access to US schools": access to a place is no recipient
        return _lemma(tok.head.head) != "access" and _transferred(tok.head.head)
    return (
        tok.dep_ in ("dobj", "dative")
        and _lemma(tok.head) in _EQUIP_VERBS
        and any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.head.children)
    )


def receives_only(token: Token) -> bool:
    """A state a capability is sold, exported or given to ("sold the kit to Bangladesh's police",
    "exported its interception standard to Kazakhstan", "supplied Iran with filtering gear") and of
    which the sentence says no use: a recipient of an export, `other` (TAXONOMY: the exporter
    acts). A buyer named as the subject: buys_only."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss", "conj"))
    return _received(tok) and not _tells_of_use(tok.doc)


def _tells_of_use(doc: Doc) -> bool:
    """Some verb of the sentence uses a thing; a verb that only qualifies a noun ("filtering
    equipment") tells of no use."""
    return any(t.pos_ == "VERB" and t.dep_ not in ("amod", "compound") and _lemma(t) in _USE_VERBS for t in doc)


def _of_objects(noun: Token) -> list[Token]:
    """What an "of" phrase on the noun names: "spyware" in "buyers of spyware"."""
    return [g for p in noun.children if p.lower_ == "of" for g in p.children]


# A state that only buys equipment: "Sri Lanka's defence ministry bought a cell-site simulator from
# ...", "Turkey's purchase of Chinese drones", "the Gulf states are the largest buyers of spyware".
# Bought data is the buyer's own act (data exploitation), and so is whatever it orders.
_BUY_VERBS = frozenset("buy purchase acquire procure import".split())
_BUY_NOUNS = frozenset("purchase acquisition procurement import buyer customer client purchaser importer".split())
_GOODS = frozenset(
    "spyware malware exploit tool toolkit kit equipment gear hardware software system platform camera drone "
    "capability technology licence license appliance firewall simulator catcher reader scanner implant "
    "pegasus predator finfisher finspy graphite".split()
)


def buys_only(token: Token) -> bool:
    """The mention (or the organ it names) buys or imports equipment, and the sentence tells of no
    use of it and no other act of the buyer: a buyer named only as a buyer is no actor (GUIDE: the
    seller's state transfers capability; the buyer acts only where it uses what it bought)."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss", "conj"))
    if tok.dep_ == "nsubj" and _lemma(tok.head) in _BUY_VERBS:
        verb = tok.head
        goods = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    elif tok.dep_ == "nsubj" and any(c.dep_ == "attr" and _lemma(c) in _BUY_NOUNS for c in tok.head.children):
        verb = tok.head  # "Israel and India are the largest buyers of ..."
        goods = [g for c in verb.children if c.dep_ == "attr" for g in _of_objects(c)]
    elif token.dep_ == "poss" and _lemma(token.head) in _BUY_NOUNS:
        verb = token.head  # "Turkey's purchase of ..."
        goods = _of_objects(verb)
    else:
        return False
    if not any(_lemma(t) in _GOODS for g in goods for t in g.subtree):
        return False  # data, access, stakes or ads: the buyer's own act, or no capability at all
    if any(c.dep_ in ("xcomp", "advcl", "conj", "relcl", "ccomp") and c.pos_ == "VERB" for c in verb.children):
        return False  # "bought spyware to spy on ...", "bought ... and turned it on ..."
    return not _tells_of_use(tok.doc)


def uses_what_it_got(token: Token, trigger_tokens: set[int]) -> bool:
    """A recipient of an export (or the organs of one: "sold systems to the governments of Azerbaijan
    and the UAE") that a "which"/"who" clause says uses it: "sold the kit to Benin's intelligence
    unit, which turned it on a bishop", "..., which used them to spy on journalists"."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss", "conj"))
    named = [tok, *tok.conjuncts]
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and _is_one_of(tok.head.head, _AGENT_WORDS | _ORGANS):
        tok = tok.head.head
    if not _received(tok):
        return False
    heads = {t.i: t for t in (tok, *tok.conjuncts, *named)}  # each once: `tok` may be one of `named`
    for verb in (c for h in heads.values() for c in h.children if c.dep_ == "relcl"):
        if not any(c.dep_ == "nsubj" and c.lower_ in ("which", "who") for c in verb.children):
            continue
        # what was given, used again: "used them to ...", "turned it on ..."
        reused = _lemma(verb) in _USE_VERBS and any(c.dep_ == "dobj" and c.pos_ == "PRON" for c in verb.children)
        verbs = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "advcl") and c.pos_ == "VERB")]
        if reused or any(_does_act(v, trigger_tokens) for v in verbs):
            return True
    return False


# What an accomplice lends an act: "with help from Kenyan police", "with the agreement of Kyrgyz authorities"
_HELP = frozenset("help assistance cooperation co-operation agreement complicity connivance collusion consent".split())


def helps_the_act(token: Token) -> bool:
    """The mention lends its help to the sentence's act: "Vietnamese agents seized a blogger in
    Bangkok with the help of Thai police" (the accomplice acts too): the state or one of its organs,
    not its nationals ("with help from Chinese engineers")."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss", "conj"))
    if tok.dep_ != "pobj" or tok.head.lower_ not in ("of", "from"):
        return False
    if tok.i != token.i and not _is_one_of(tok, _ORGANS | _STAFF):
        return False
    help_ = tok.head.head
    return _lemma(help_) in _HELP and help_.dep_ == "pobj" and help_.head.lower_ == "with"


def principal_of(token: Token) -> bool:
    """The state on whose behalf, request or orders others act ("accounts that Nigerian operators
    ran on behalf of a Russian consultancy", "At the request of Tehran, two employees passed ...",
    "under instructions from Russia's military intelligence", "deported at Beijing's request"): the
    principal acts (GUIDE: tie, not origin)."""
    owner = phrase_head(token, (*NP_MODIFIERS, "conj"))
    if owner.dep_ == "poss" and _names_principal(owner.head):
        return True  # "at Beijing's request", "on the Kremlin's orders"
    tok = phrase_head(token, (*NP_MODIFIERS, "poss", "conj"))
    if tok.dep_ != "pobj" or tok.head.lower_ not in ("of", "from"):
        return False
    return _names_principal(tok.head.head)


def acts_through_others(token: Token, trigger_tokens: set[int]) -> bool:
    """The state (or organ) the mention names acts through, or with, others the sentence names, in
    a sentence that asserts an act (the caller checks):
    - it makes them act: "persuading Kazakhstan and Pakistan to hand the teachers over";
    - its organ, placed or staffed, acts: "Police in Tehran paired cameras ...", "staff at the Tajik
      embassy summoned ...", "accounts run by staff of Honduras's communications office";
    - people tied to it act: "accounts run by individuals associated with the Cuban government";
    - its own agents act: "Moscow's troll farms spread ...";
    - it uses what it was sold: "sold the kit to Benin's intelligence unit, which turned it on a bishop";
    - it lends its help: "seized a blogger in Bangkok with the help of Thai police";
    - others act for it: "ran on behalf of a Russian consultancy", "at the request of Tehran"."""
    return (
        made_to_act(token, trigger_tokens)
        or organ_in(token, trigger_tokens)
        or works_for(token, trigger_tokens)
        or acts_through_owned(token, trigger_tokens)
        or uses_what_it_got(token, trigger_tokens)
        or helps_the_act(token)
        or principal_of(token)
    )


_REFUSE_VERBS = frozenset("refuse decline".split())
_COMPLY_VERBS = frozenset("act comply extradite deport return hand arrest detain execute enforce honour honor".split())
# Verbs by which one party makes another do an act: the act is done, by the one made to do it.
_CAUSE_VERBS = frozenset("persuade convince induce get force compel lead".split())


def made_to_act(token: Token, trigger_tokens: set[int]) -> bool:
    """The mention (or the list it heads) is made to do the act: "persuading Kazakhstan, Moldova and
    Pakistan to hand some of them over", "forced Thai police to deport ..." (unlike "asked Interpol
    to detain ...", where nothing says the act was done)."""
    tok = phrase_head(token, ("conj", "compound", "amod", "appos"))
    verb = tok.head
    if tok.dep_ != "dobj" or _lemma(verb) not in _CAUSE_VERBS:
        return False
    acts = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"]
    return any(_does_act(c, trigger_tokens) or _lemma(c) in _COMPLY_VERBS for c in acts)


# "not only by Russia": a party added, not set aside
_ONLY = frozenset("only just merely solely simply".split())


def ruled_out(token: Token) -> bool:
    """A party the sentence sets aside: "Chilean hackers, not Peruvian ones, defaced ...", "run by
    Russia, not China", "Not China but Russia ran ...", "Russia rather than China ran ...", or one
    that refuses the act ("a red notice, which Warsaw declined to act on": TAXONOMY, refused acts
    carry no capability)."""
    tok = phrase_head(token, ("compound", "amod", "det", "nmod", "poss"))
    head = tok.head
    if tok.dep_ == "nsubj" and _lemma(head) in _REFUSE_VERBS:
        # refusing another's request ("declined to act on", "refused to extradite him"), not
        # refusing as the act ("declined to extend the passports of critics")
        return any(c.dep_ == "xcomp" and _lemma(c) in _COMPLY_VERBS for c in head.children)
    if tok.dep_ == "appos" and any(c.dep_ == "neg" and head.i < c.i < tok.i for c in head.children):
        return True
    children = list(tok.children)
    if any(c.dep_ == "neg" and c.i < tok.i for c in children) and any(c.lower_ == "but" for c in children):
        return True
    if tok.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in ("to", "by"):
        # "traced the outage to a faulty update, not to Russian hackers": the cause set aside (not
        # "not only by Russia"; "not in Havana" still places the photo)
        marks = [c for c in head.children if c.i < head.i]
        if any(c.dep_ == "neg" for c in marks) and not any(c.lower_ in _ONLY for c in marks):
            return True
    return tok.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "than" for c in head.children)


_DENY_VERBS = frozenset("deny reject dismiss refute rebuff".split())
# nouns and verbs of a tie whose denial is about the party tied: "could not tie the accounts to X",
# "no connection between the network and X", "no coordination with X"
_TIE_WORDS = _TIE_VERBS | frozenset("connection coordination attribution involvement relationship association".split())


def denied_party(token: Token) -> bool:
    """In a negated sentence, the party the denial is about: the one who denies ("Hanoi rejects
    report that ..."), or the one a tie is denied to ("no connection between the network and the
    Kenyan government"). GUIDE, worked example 4: its role is `actor`, with no capability."""
    tok = phrase_head(phrase_head(token, (*NP_MODIFIERS, "poss")), ("conj",))  # the first of a list
    if tok.dep_ == "nsubj":
        return _lemma(tok.head) in _DENY_VERBS
    return tok.dep_ == "pobj" and tok.head.lower_ in ("to", "with", "between") and _lemma(tok.head.head) in _TIE_WORDS


# what an outlet produces: "repackaged articles by Sputnik", "reused content from Russian state
# media", "hashtags promoting the Kremlin's narrative"
_CONTENT_NOUNS = frozenset("article content post video story material footage narrative point segment piece".split())


def content_source(token: Token) -> bool:
    """The party is the source of content others pass on (the content is an object, not the
    subject: "articles by Sputnik claimed ..." keeps Sputnik acting). As the labellers read it
    (eval/claims/probe/README.md, fourteenth round): the outlet that reposts acts; the one reposted
    is `other`."""
    tok = phrase_head(phrase_head(token), ("conj",))  # "articles by Sputnik and RT"
    if tok.dep_ == "poss" or (tok.dep_ == "compound" and _lemma(tok.head) in _CONTENT_NOUNS):
        content = tok.head
    elif tok.dep_ == "pobj" and tok.head.lower_ in ("by", "from", "of"):
        content = tok.head.head
        if content.pos_ == "VERB" and not any(c.dep_ == "auxpass" for c in content.children):
            # "repackaged articles by Sputnik" with "by" hung on the active verb: not its agent
            content = next((c for c in content.children if c.dep_ == "dobj"), content)
    else:
        return False
    return _lemma(content) in _CONTENT_NOUNS and content.dep_ in ("dobj", "pobj")


def contrasted(token: Token) -> bool:
    """A party the sentence compares its actor with: "Unlike Beijing, Ankara has seldom ...",
    "unlike Moscow's outlets, ..." (the caller checks that another party acts)."""
    tok = phrase_head(token, ("compound", "amod", "det", "nmod", "poss"))
    return tok.dep_ == "pobj" and tok.head.lower_ == "unlike"


# What a state does in answer to another's act: "Washington sanctioned four Iranian firms",
# "Israel's foreign ministry summoned the Turkish ambassador", "Britain expelled two Russian diplomats"
_COUNTER_VERBS = frozenset("sanction summon expel indict charge condemn denounce designate".split())
# An exile's kin, whom the same verbs press rather than answer: "summoned the parents of a blogger"
_KIN = frozenset("parent relative family mother father brother sister son daughter wife husband child sibling".split())


def counters(token: Token, foreign: set[int]) -> bool:
    """The mention is the subject of a sanction, summons, expulsion or charge whose object names
    another state (`foreign`: token indices of candidates of other states): it answers that
    state's act and reports it (TAXONOMY: sanctioning and attributing governments report). "China
    charged a Uyghur activist" names no other state and is left to the role head."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss"))
    if tok.dep_ != "nsubj" or _lemma(tok.head) not in _COUNTER_VERBS:
        return False
    objects = [c for c in tok.head.children if c.dep_ in ("dobj", "obj")]
    if any(_is_one_of(o, _KIN) for o in objects):
        return False  # "summoned the parents of a Berlin-based blogger": pressure on an exile's kin
    return any(w.i in foreign for o in objects for w in o.subtree)


# What law enforcement does to a person it accuses: "Police in Oslo arrested two men accused of acting
# for Eritrea's embassy ...", "prosecutors charged a man with spying on exiles for the MSS"
_ARREST_VERBS = frozenset("arrest detain charge indict convict prosecute sentence jail".split())
_ASKING_NOUNS = frozenset("request behest demand instruction order tip".split())


def answers_accusation(token: Token, foreign_actors: set[int]) -> bool:
    """The mention (or its police, prosecutors or court) arrests, charges or convicts someone for an
    act of another state that acts in the sentence (`foreign_actors`: its mentions' token indices, in the
    object or its "with"/"of"/"for" phrase): the state answers that act and reports it. "Police in
    Dhaka arrested a cartoonist over a post" names no other actor and is left to the role head."""
    tok = phrase_head(token, (*NP_MODIFIERS, "poss"))
    if (hung := _noun_by_prep(tok, ("in",))) is not None:
        tok = phrase_head(hung[0], NP_MODIFIERS)  # "police in Oslo"
    if tok.dep_ != "nsubj" or _lemma(tok.head) not in _ARREST_VERBS:
        return False
    parts = [
        c
        for c in tok.head.children
        if c.dep_ in ("dobj", "obj") or (c.dep_ == "prep" and c.lower_ in ("with", "of", "for"))
    ]
    # "detained a Uyghur poet at China's request": the arrest is done for the other state, not in
    # answer to it
    return any(
        w.i in foreign_actors and not any(_lemma(h) in _ASKING_NOUNS for h in w.ancestors)
        for p in parts
        for w in p.subtree
    )


# Lists that name their members: "more than ten governments, including Azerbaijan and Rwanda, ...",
# "states such as Iran", "countries like Vietnam"
_MEMBER_PREPS = frozenset({"including", "like", "among"})
_GROUP_NOUNS = frozenset("government state country regime nation power autocracy actor adversary".split())


def listed_member(token: Token) -> Token | None:
    """The noun of states a mention is listed under ("governments" in "governments, including
    Azerbaijan, ..."), or None: the members do what the list does."""
    tok = phrase_head(token, (*NP_MODIFIERS, "conj"))
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in ("those", "that"):
        tok = tok.head.head  # "governments, including those of Ethiopia and Nicaragua, ..."
    if tok.dep_ != "pobj" or tok.head.dep_ != "prep":
        return None
    prep = tok.head
    # "such as" hangs "as" on "such" or on the noun
    named = prep.lower_ in _MEMBER_PREPS or (prep.lower_ == "as" and any(c.lower_ == "such" for c in prep.head.subtree))
    group = prep.head if prep.head.lower_ != "such" else prep.head.head
    return group if named and _lemma(group) in _GROUP_NOUNS else None


def list_acts(group: Token, trigger_tokens: set[int]) -> bool:
    """The noun a list of states hangs on does the act: "governments, including ..., are likely to
    hire ...", unlike "other countries are also worth noting, including: ..." (a copula whose only
    verb reports)."""
    if mention_role(group, trigger_tokens) is not ACT:
        return False
    verb = group.head
    if group.dep_ != "nsubj" or _lemma(verb) != "be":
        return True
    verbs = [w for w in verb.subtree if w.dep_ in ("xcomp", "ccomp") and w.pos_ == "VERB"]
    return any(_lemma(w) not in REPORT_VERBS for w in verbs)


_PRECEDENT_NOUNS = frozenset("lead example footstep playbook".split())
_FOLLOW_VERBS = frozenset("follow copy emulate mirror walk tread".split())


def _follower(precedent: Token) -> Token | None:
    """The subject that follows a lead or example ("Cairo" in "Cairo might follow Riyadh's lead",
    "Minsk is following in Moscow's footsteps"): the one followed did the same."""
    noun = precedent
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        noun = noun.head  # "following in Moscow's footsteps"
    verb = noun.head
    if noun.dep_ not in ("dobj", "prep") or _lemma(verb) not in _FOLLOW_VERBS:
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def companion_of(token: Token) -> Token | None:
    """The party a mention is said to act with or like: "Along with Moscow and Tehran, Beijing is
    named ...", "Israel, like the UAE, has exported ...", "Minsk, alongside Moscow, ran ...": the
    subject of the clause (or the noun "like" hangs on). None for "unlike", "compared with"."""
    tok = phrase_head(token, (*NP_MODIFIERS, "conj"))
    if tok.dep_ == "poss" and _lemma(tok.head) in _PRECEDENT_NOUNS:
        return _follower(tok.head)  # "Cairo might follow Riyadh's lead and hire ..."
    if tok.dep_ != "pobj":
        return None
    prep = tok.head
    word = prep.lower_
    if word == "with" and prep.head.lower_ in ("along", "together"):
        prep = prep.head
    elif word not in ("alongside", "like"):
        return None
    host = prep.head
    while host.pos_ == "PUNCT" and host.head.i != host.i:
        host = host.head  # "Israel, like the UAE, ...": "like" may hang on the comma
    if host.pos_ in ("VERB", "AUX"):
        subjects = [c for c in host.children if c.dep_ in ("nsubj", "nsubjpass")]
        return subjects[0] if subjects else None
    return host if word == "like" and host.pos_ in ("PROPN", "NOUN") else None


def answerable_for(token: Token) -> Token | None:
    """What the mention is said to be behind or responsible for ("North Korea, Iran and China were
    behind 72 percent of the intrusions", "China and Turkey were responsible for more than half of
    the incidents", "Russia accounted for a third of the takedowns"): the phrase that names the act,
    or None."""
    tok = phrase_head(token, (*NP_MODIFIERS, "conj"))
    verb = tok.head
    if tok.dep_ != "nsubj" or verb.i == tok.i:
        return None
    for k in verb.children:
        if k.dep_ == "prep" and (k.lower_ == "behind" or (k.lower_ == "for" and _lemma(verb) == "account")):
            return k
        if _lemma(verb) != "be":
            continue
        if k.dep_ == "acomp" and k.lower_ in ANSWERABLE_WORDS:
            return next((c for c in k.children if c.dep_ == "prep" and c.lower_ == "for"), None)
        if k.dep_ == "attr" and k.left_edge.lower_ == "behind":
            return k  # "were behind 72 percent of ...", parsed with "behind" inside the number
    return None


# Businesses: owned by the state, they are an organ of it ("a Chilean state-owned company sold ...")
_FIRMS = frozenset(
    "company firm vendor exporter enterprise corporation conglomerate contractor supplier bank telecom operator".split()
)
_OWNED_BY_STATE = re.compile(r"\b(?:state|government)[- ](?:owned|run|controlled)\b|\bstate$")
# Businesses and outlets that are organs only when the state runs them ("Kyrgyzstan's state
# telecom", "Venezuela's state-owned carrier"), not "Russia's largest carrier"
_RUNNABLE = _FIRMS | _OUTLETS | frozenset("carrier provider isp television network".split())


def state_owned_firm(token: Token) -> bool:
    """The mention qualifies a business its state owns that acts or sells: "a Chilean state-owned
    company sold ...", "bought from a Peruvian state firm"; not "a Chilean company"."""
    head = phrase_head(token, ("conj",))
    if head.dep_ not in ("amod", "compound", "poss", "nmod"):
        return False
    firm = head.head
    if not _is_one_of(firm, _FIRMS):
        return False
    # the firm does the act or sells ("bought from a Chilean state firm"), not buys or receives
    # ("installed a filtering system for Bolivia's state operator")
    seller = firm.dep_ == "nsubj" or (firm.dep_ == "pobj" and firm.head.lower_ == "from")
    return seller and bool(_OWNED_BY_STATE.search(firm.doc[head.i + 1 : firm.i].text.lower()))
