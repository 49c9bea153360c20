"""How answers word the graph (data/phrases.yaml): a clause per claim, and a summary built from one
template per case with its one-source and several-source forms, so a count is never worded wrongly
("0 sources", "1 sources") and a hedged or single-source claim is never stated as fact."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..extract.lexicon import package_yaml
from ..graph.fuse import Claim
from ..models import Actor


@dataclass(frozen=True)
class Phrases:
    clauses: dict[str, str]
    kinds: dict[str, dict[str, str]]
    roles: tuple[dict, ...]
    shared_roles: dict[str, str]
    evidence: dict


@cache
def phrases() -> Phrases:
    raw = package_yaml("phrases.yaml")
    return Phrases(clauses={p: v["clause"] for p, v in raw["predicates"].items()},
                   kinds={p: v.get("kinds") or {} for p, v in raw["predicates"].items()},
                   roles=tuple(raw["roles"]), shared_roles=raw["shared_roles"], evidence=raw["evidence"])


def clause(claim: Claim) -> str:
    """The claim in words ('Turkey arms the SNA'), by predicate and sub-kind."""
    template = phrases().kinds[claim.predicate].get(claim.kind or "") or phrases().clauses[claim.predicate]
    return template.format(s=claim.subject.name, o=claim.object.name,
                           o2=claim.object2.name if claim.object2 else "another party")


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def counted(key: str, n: int, **values) -> str:
    """The template `key` in its form for one source or for several."""
    forms = phrases().evidence[key]
    return forms["one" if n == 1 else "many"].format(n=n, **values)


def say(claim: Claim) -> str:
    """One sentence for one claim, worded by the independent sources behind it. A claim here has
    counted evidence; what only asks or imagines is worded apart (`not_claimed_sentence`)."""
    words = phrases().evidence
    said_as = clause(claim)
    if claim.contradicted:
        return words["contradicted"].format(
            claim=said_as, asserting=counted("asserting", claim.count("asserted", "reported")),
            denying=counted("denying", claim.count("negated")))
    if claim.modality == "asserted":
        asserted = claim.count("asserted")
        said = (words["corroborated"].format(n=asserted, claim=said_as) if asserted >= 2
                else words["single"].format(claim=said_as))
        weaker = claim.sources - asserted
        return said + (counted("weaker", weaker) if weaker else "")
    if claim.modality == "reported":
        speakers = sorted({r.attributed_to for r in claim.counted if r.attributed_to})
        speaker_words = words["speakers"]
        who = " and ".join(speakers) if speakers else speaker_words["unnamed"]
        verb = speaker_words["one_verb" if len(speakers) == 1 else "many_verb"]
        return counted("reported", claim.count("reported"), who=who, say=verb, claim=said_as)
    return counted(claim.modality, claim.count(claim.modality), claim=said_as)


def not_claimed_sentence(n: int) -> str:
    return counted("not_claimed", n)


def summarise(a: Actor, b: Actor, direct: list[Claim], paths: list[dict], documents: int, not_claimed: int,
              caveat: str | None = None) -> str:
    """The answer in a few sentences: direct claims worded by their evidence, the strongest paths,
    what was only asked or imagined, and what the answer rests on."""
    sentences = []
    if direct:
        sentences.append(f"{len(direct)} direct relation{'s' if len(direct) > 1 else ''} link{'' if len(direct) > 1 else 's'} "
                         f"{a.name} and {b.name}.")
        sentences.extend(say(c) for c in direct[:5])
    else:
        sentences.append(f"No direct relation between {a.name} and {b.name} was found.")
    if not_claimed:
        sentences.append(not_claimed_sentence(not_claimed))
    if paths:
        reasons = "; ".join(p["reason"] for p in paths[:3])
        sentences.append(f"Indirect links ({len(paths)}): {reasons}.")
    if documents == 1:
        sentences.append("Everything here rests on one document" + (f", {caveat}" if caveat else "")
                         + ": treat it as a single source.")
    elif documents:
        sentences.append(f"The answer draws on {documents} documents" + (f"; {caveat}" if caveat else "") + ".")
    return " ".join(sentences)
