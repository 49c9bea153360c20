"""Noun-phrase patterns that carry relations without a verb: "Khalifa Haftar's Libyan National Army"
(leads), "Russia's Wagner Group" (member_of), "the Pakistan-based Lashkar-e-Taiba" (hosts), "the
Kabul-backed TTP" (supports), "swore allegiance to X's emir" (member_of), "their role in brokering
talks between A and B" (mediates), and coalitions listed with their members ("the alliance - A, B
and C -", "made up of A and B")."""
from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from .lexicon import cues, gazetteer
from .token_mention import TokenMention
from .syntax import Arguments, child, subject_tokens
from .tokens import table

COALITION_WORDS = {"alliance", "coalition", "front", "council", "force", "union", "bloc", "platform",
                   "movement", "axis", "operations", "room"}
LIST_OPENERS = {"-", "\u2013", "\u2014", ":", "("}
LIST_CLOSERS = {"-", "\u2013", "\u2014", ")", ";", "."}
MEMBERSHIP_VERBS = {"comprise", "include", "consist", "compose", "make", "unite", "group", "bring"}
GROUP_TYPES = {"armed_group", "organisation", "government"}


@dataclass(frozen=True)
class Candidate:
    """A relation before modality, time and evidence are attached."""

    subject: TokenMention
    predicate: str
    object: TokenMention
    trigger: Token
    extractor: str
    confidence: float
    kind: str | None = None
    object2: TokenMention | None = None


def _possessives(doc: Doc, mentions: list[TokenMention], args: Arguments) -> list[Candidate]:
    """"Khalifa Haftar's LNA" (leads), "Iran's Quds Force" and "Hezbollah's Radwan Force" (member_of),
    "Hamas's armed wing, the Qassam Brigades" (member_of, through the unit noun's apposition)."""
    units = cues().anaphora["unit_heads"]
    found = []
    for item in mentions:
        last = doc[item.end - 1]
        if last.dep_ != "poss" and not (item.end < len(doc) and doc[item.end].tag_ == "POS"):
            continue
        owned = args.at.get(last.head.i)
        if owned is None and last.head.lower_ in units:
            owned = next((args.at[c.i] for c in last.head.children if c.dep_ == "appos" and c.i in args.at), None)
        if owned is None or owned is item or owned.mention.actor.id == item.mention.actor.id:
            continue
        owner_type, owned_type = item.mention.actor.type, owned.mention.actor.type
        if owner_type == "person" and owned_type in GROUP_TYPES:
            found.append(Candidate(item, "leads", owned, last.head, "np-pattern", 0.65))
        elif owner_type == "state" and owned_type in {"armed_group", "organisation"}:
            found.append(Candidate(owned, "member_of", item, last.head, "np-pattern", 0.6))
        elif owner_type in GROUP_TYPES and owned_type in {"armed_group", "contingent"}:
            found.append(Candidate(owned, "member_of", item, last.head, "np-pattern", 0.55))
    return found


def _hyphen_compounds(doc: Doc, args: Arguments) -> list[Candidate]:
    """"the Pakistan-based LeT" (hosts), "the Kabul-backed TTP" (supports): the actor before the hyphen
    stands in the compound's relation to the actor the compound describes, whoever else the
    sentence names (the clause's subject is no party to it)."""
    compounds = cues().compounds
    found = []
    for token in (doc[i] for i, lower in enumerate(table(doc).lower) if lower in compounds):
        spec = compounds[token.lower_]
        if token.i < 2 or doc[token.i - 1].text not in {"-", "\u2013"}:
            continue
        base = args.at.get(token.i - 2)
        target = args.actor(token.head) if token.head.i != token.i else None
        if target is None:
            target = next((args.at[i] for i in range(token.i + 1, min(token.i + 8, len(doc))) if i in args.at),
                          None)
        if base and target and base.mention.actor.id != target.mention.actor.id:
            predicate, kind = spec
            found.append(Candidate(base, predicate, target, token, "np-pattern", 0.6, kind))
    return found


def _allegiance(doc: Doc, args: Arguments) -> list[Candidate]:
    """"swore allegiance to the Taliban's emir": whoever pledges is a member of the organisation the
    pledge names, or of the one whose leader it names (the annotation guide's rule)."""
    words = cues().allegiance
    found = []
    for token in (doc[i] for i in table(doc).having(words["nouns"])):
        targets = [t for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "to"
                   for t in prep.children if t.dep_ == "pobj"]
        groups = []
        for target in targets:
            item = args.actor(target)
            owner = next((c for c in target.children if c.dep_ == "poss"), None)
            if target.lemma_.lower() in words["leader_nouns"] and owner is not None and args.actor(owner):
                item = args.actor(owner)
            elif item is not None and item.mention.actor.type == "person":
                led = gazetteer().led_by(item.mention.actor.id)
                item = None if led is None else TokenMention(replace(item.mention, actor=led), item.start, item.end)
            if item is not None:
                groups.append(item)
        verb = token.head if token.head.pos_ in {"VERB", "AUX"} else None
        pledgers = [m for t in subject_tokens(verb) for m in args.expand(t)] if verb is not None else []
        if not pledgers:
            start = token.sent.start
            pledgers = next(([args.at[i]] for i in range(token.i - 1, start - 1, -1) if i in args.at), [])
        found += [Candidate(p, "member_of", g, token, "np-pattern", 0.65, None)
                  for p in pledgers for g in groups if p.mention.actor.id != g.mention.actor.id]
    return found


def between_parties(token: Token, args: Arguments) -> list[TokenMention]:
    """The actors named under 'between' below `token`, in text order, however the parser hung the
    'A and B' (as conjuncts, or one inside the other's name)."""
    found: dict[str, TokenMention] = {}
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "between"):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            for i in range(pobj.left_edge.i, pobj.right_edge.i + 1):
                item = args.at.get(i)
                if item is not None:
                    found.setdefault(item.mention.actor.id, item)
            for other in args.expand(pobj):
                found.setdefault(other.mention.actor.id, other)
    return sorted(found.values(), key=lambda m: m.start)


def _brokered_talks(doc: Doc, args: Arguments) -> list[Candidate]:
    """"their role in brokering talks between Islamabad and the TTP": talks between two sides, made
    a brokering by a word around them, are mediated by the owner of the role (or the clause's
    subject)."""
    words = cues().mediation
    found = []
    for talks in (doc[i] for i in table(doc).having(words["talk_nouns"])):
        parties = [m for m in between_parties(talks, args) if m.mention.actor.type != "place"]
        brokered = any(c.lower_ in words["broker_words"] or c.lemma_.lower() in words["broker_words"]
                       for c in [*talks.children, talks.head])
        if len(parties) < 2 or not brokered:
            continue
        mediators = []
        for ancestor in talks.ancestors:
            owner = next((c for c in ancestor.children if c.dep_ == "poss"), None)
            if ancestor.lemma_.lower() in words["role_nouns"] and owner is not None:
                mediators = args.expand(owner)
                break
            if ancestor.pos_ in {"VERB", "AUX"}:
                mediators = [m for t in subject_tokens(ancestor) for m in args.expand(t)]
                break
        taken = {p.mention.actor.id for p in parties[:2]}
        found += [Candidate(m, "mediates", parties[0], talks, "np-pattern", 0.65, None, parties[1])
                  for m in mediators if m.mention.actor.id not in taken]
    return found


def _is_coalition(item: TokenMention, doc: Doc) -> bool:
    words = set(table(doc).lower[item.start:item.end]) | set(item.mention.actor.name.lower().split())
    return bool(words & COALITION_WORDS) and item.mention.actor.type in GROUP_TYPES


def _listed_members(doc: Doc, mentions: list[TokenMention]) -> list[Candidate]:
    """'the Three Brotherhood Alliance - the Arakan Army, the MNDAA and the TNLA - launched'."""
    found = []
    starts = {m.start: m for m in mentions}
    for item in mentions:
        if not _is_coalition(item, doc) or item.end >= len(doc) or doc[item.end].text not in LIST_OPENERS:
            continue
        members = []
        i = item.end + 1
        sentence_end = doc[item.start].sent.end
        while i < sentence_end and doc[i].text not in LIST_CLOSERS:
            if doc[i].text == "(":
                while i < sentence_end and doc[i].text != ")":
                    i += 1
                i += 1
                continue
            if i in starts and starts[i].mention.actor.id != item.mention.actor.id:
                members.append(starts[i])
                i = starts[i].end
            else:
                i += 1
        if len(members) >= 2:
            found.extend(Candidate(m, "member_of", item, doc[item.end], "np-pattern", 0.65) for m in members)
    return found


def _membership_verbs(doc: Doc, args: Arguments) -> list[Candidate]:
    """'The MNJTF, made up mainly of troops from A, B and C' / 'the coalition comprises A and B'."""
    found, parse = [], table(doc)
    for token in (doc[i] for i, lemma in enumerate(parse.lemma) if lemma in MEMBERSHIP_VERBS and parse.pos[i] == "VERB"):
        if token.lemma_ == "make" and not child(token, "prt"):
            continue
        whole = args.actor(token.head) if token.dep_ in {"acl", "relcl"} else args.actor(child(token, "nsubj"))
        if whole is None or whole.mention.actor.type not in GROUP_TYPES:
            continue
        parts = []
        for t in token.subtree:
            item = args.at.get(t.i)
            if t.i > token.i and item and item is not whole and item not in parts:
                parts.append(item)
        found.extend(Candidate(p, "member_of", whole, token, "np-pattern", 0.6) for p in parts
                     if p.mention.actor.type != "place" and p.mention.actor.id != whole.mention.actor.id)
    return found


def _under_leader(doc: Doc, args: Arguments) -> list[Candidate]:
    """'the remaining JAS faction under Bakura' / 'forces under General X': the person leads it."""
    found, parse = [], table(doc)
    for token in (doc[i] for i, lower in enumerate(parse.lower) if lower == "under" and parse.dep[i] == "prep"):
        group = args.actor(token.head)
        leaders = [args.at[c.i] for c in token.children if c.dep_ == "pobj" and c.i in args.at]
        for leader in leaders:
            if group and group.mention.actor.type in GROUP_TYPES and leader.mention.actor.type == "person":
                found.append(Candidate(leader, "leads", group, token, "np-pattern", 0.55))
    return found


def _killed_in_attack(doc: Doc, args: Arguments) -> list[Candidate]:
    """'Yuldashev died in a US drone strike' / 'Shekau dies during an attack by ISWAP fighters'."""
    found, parse, verbs = [], table(doc), {"die", "kill", "wound", "injure", "assassinate"}
    for token in (doc[i] for i, lemma in enumerate(parse.lemma) if lemma in verbs and parse.pos[i] == "VERB"):
        if token.lemma_ not in verbs:  # the table's lemmas are lower-cased
            continue
        victims = [args.actor(c) for c in token.children if c.dep_ in {"nsubj", "nsubjpass"} and args.actor(c)]
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in {"in", "during", "by"}):
            for event in (c for c in prep.children if c.dep_ == "pobj"):
                attackers = [args.at[c.i] for c in event.children if c.dep_ in {"compound", "amod", "nmod"}
                             and c.i in args.at]
                attackers += [args.actor(p) for p in event.children if p.dep_ == "prep" and p.lower_ == "by"
                              for p in p.children if args.actor(p)]
                found.extend(Candidate(a, "hostile_to", v, event, "np-pattern", 0.55, "material")
                             for a in attackers for v in victims if a.mention.actor.id != v.mention.actor.id)
    return found


def _contingents_within(doc: Doc, mentions: list[TokenMention], args: Arguments) -> list[Candidate]:
    """'the Uzbek factions within the Taliban': fighters placed inside a group belong to it (the
    parser often hangs the preposition on the verb, so the word right after the mention counts too)."""
    found = []
    for item in mentions:
        if item.mention.actor.type != "contingent":
            continue
        preps = [c for c in doc[item.end - 1].children if c.dep_ == "prep"]
        if item.end < len(doc) and doc[item.end].dep_ == "prep":
            preps.append(doc[item.end])
        for prep in (p for p in preps if p.lower_ in {"within", "inside", "among"}):
            for group in (args.actor(c) for c in prep.children if c.dep_ == "pobj"):
                if group and group.mention.actor.type in GROUP_TYPES:
                    found.append(Candidate(item, "member_of", group, prep, "np-pattern", 0.6))
    return found


def structural_relations(doc: Doc, mentions: list[TokenMention], args: Arguments) -> list[Candidate]:
    return [*_possessives(doc, mentions, args), *_hyphen_compounds(doc, args), *_allegiance(doc, args),
            *_brokered_talks(doc, args), *_listed_members(doc, mentions),
            *_membership_verbs(doc, args), *_under_leader(doc, args),
            *_killed_in_attack(doc, args), *_contingents_within(doc, mentions, args)]
