"""Sources and their independence. A relation's corroboration is the number of independent
sources asserting it, so a wire story syndicated by twenty papers must count once: copies are
found by MinHash over word shingles (datasketch LSH). Outlets are graded A-F from a registry the
user can edit, information 1-6 from how many independent sources assert, report, hedge or deny
it (the Admiralty code). Thresholds live in data/sources.yaml."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import yaml

from ..extract.lexicon import package_yaml
from ..names import normalize

if TYPE_CHECKING:  # datasketch loads scipy: imported where a signature is made, never to read the graph
    from datasketch import MinHash

RELIABILITY = "ABCDEF"
UNKNOWN = "F"
AFFIRMING = ("asserted", "reported", "hedged")
# The stored signature format: changing any of these five makes stored signatures incomparable.
NUM_PERM = 128
SHINGLE = 5
MIN_WORDS = 20
SEED = 20240605
SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_HOST_LIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


@dataclass(frozen=True)
class SourceProfile:
    """One outlet in the registry."""

    name: str
    reliability: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class CredibilityRules:
    """How many independent sources each credibility grade needs (see sources.yaml)."""

    confirmed: int
    probable: int
    unconfirmed: int


@dataclass(frozen=True)
class DuplicateRules:
    """When two signatures are one story, and the LSH banding that finds candidates."""

    threshold: float
    slack: float
    bands: int
    rows: int

    def cutoff(self, num_perm: int = NUM_PERM) -> float:
        """The estimated similarity that confirms a candidate: the threshold less `slack`
        standard errors of a MinHash estimate there, so true pairs at the threshold pass."""
        t = self.threshold
        return t - self.slack * (t * (1 - t) / num_perm) ** 0.5


@dataclass(frozen=True)
class Registry:
    """Outlets indexed by normalised name, alias and web domain."""

    profiles: dict[str, SourceProfile]
    by_name: dict[str, str]
    by_domain: dict[str, str]
    credibility: CredibilityRules
    duplicates: DuplicateRules
    seen: dict = field(default_factory=dict, compare=False, repr=False)

    def profile(self, source: str | None, url: str | None = None) -> SourceProfile | None:
        """The outlet named `source` (name, alias or bare host), else the one owning `url`'s host."""
        return self.profile_at(source, host_of(url))

    def profile_at(self, source: str | None, host: str) -> SourceProfile | None:
        """`profile` given the url's host ('' for none); remembered, since an answer asks about the
        same few outlets thousands of times."""
        if (source, host) not in self.seen:
            self.seen[(source, host)] = self._lookup(source, host)
        return self.seen[(source, host)]

    def _lookup(self, source: str | None, host: str) -> SourceProfile | None:
        key = self.by_name.get(normalize(source)) if source else None
        if key is None and source and _HOST_LIKE.match(source.strip().lower()):
            key = self._by_host(source)
        if key is None and host:
            key = self._by_host(host)
        return self.profiles[key] if key is not None else None

    def reliability(self, source: str | None, url: str | None = None) -> str:
        """A-F; F (cannot be judged) for any outlet the registry does not know."""
        return self.reliability_at(source, host_of(url))

    def reliability_at(self, source: str | None, host: str) -> str:
        found = self.profile_at(source, host)
        return found.reliability if found else UNKNOWN

    def folded(self, origin: str) -> str:
        """An origin (`origin_of`) as one independent source: outlet names and aliases folded;
        remembered, as `profile` is."""
        if origin not in self.seen:
            kind, _, name = origin.partition(":")
            known = self.profile(name) if kind == "source" else None
            self.seen[origin] = "source:" + normalize(known.name if known else name) if kind == "source" else origin
        return self.seen[origin]

    def _by_host(self, host: str) -> str | None:
        """Match the host or any parent domain of it: news.un.org -> un.org."""
        parts = host.strip().lower().rstrip(".").split(".")
        suffixes = (".".join(parts[i:]) for i in range(len(parts) - 1))
        return next((self.by_domain[d] for d in suffixes if d in self.by_domain), None)

    @cached_property
    def fingerprint(self) -> str:
        """What every grade depends on (outlets, their aliases and domains, the credibility rules)
        as a short hash: a claim graded when written (`grades.py`) is read as graded only under the
        same registry."""
        content = repr((sorted(self.profiles.items()), sorted(self.by_name.items()),
                        sorted(self.by_domain.items()), self.credibility))
        return hashlib.sha256(content.encode()).hexdigest()[:16]


def _profile(raw: dict, kinds: set[str]) -> SourceProfile:
    name = str(raw["name"])
    reliability = str(raw.get("reliability", UNKNOWN)).upper()
    if len(reliability) != 1 or reliability not in RELIABILITY:
        raise ValueError(f"sources: {name!r} has reliability {reliability!r}, not one of A-F")
    kind = raw.get("kind")
    if kind is not None and kind not in kinds:
        raise ValueError(f"sources: {name!r} has unknown kind {kind!r}")
    return SourceProfile(name=name, reliability=reliability, kind=kind,
                         aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                         domains=tuple(str(d).lower().removeprefix("www.") for d in raw.get("domains") or ()),
                         note=raw.get("note"))


def load_registry(path: str | Path | None = None) -> Registry:
    """The packaged registry, with the user's file (if any) merged over it field by field."""
    base = package_yaml("sources.yaml")
    user = (yaml.safe_load(Path(path).read_text("utf-8")) if path else None) or {}
    kinds = set(base["kinds"]) | set(user.get("kinds") or ())
    merged: dict[str, dict] = {normalize(s["name"]): dict(s) for s in base["sources"]}
    overridden: list[str] = []
    for entry in user.get("sources") or ():
        key = normalize(entry["name"])
        merged[key] = {**merged.get(key, {}), **entry}
        overridden.append(key)
    profiles = {key: _profile(raw, kinds) for key, raw in merged.items()}
    by_name: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for key in [k for k in profiles if k not in overridden] + list(dict.fromkeys(overridden)):
        item = profiles[key]
        for alias in (item.name, *item.aliases):
            by_name[normalize(alias)] = key
        for domain in item.domains:
            by_domain[domain] = key
    credibility = CredibilityRules(**{**base["credibility"], **(user.get("credibility") or {})})
    if not 1 <= credibility.probable <= credibility.confirmed or credibility.unconfirmed < 1:
        raise ValueError("sources: credibility needs 1 <= probable <= confirmed and unconfirmed >= 1")
    duplicates = DuplicateRules(**{**base["duplicates"], **(user.get("duplicates") or {})})
    if duplicates.bands * duplicates.rows > NUM_PERM:
        raise ValueError(f"sources: duplicates bands x rows must be at most {NUM_PERM}")
    return Registry(profiles=profiles, by_name=by_name, by_domain=by_domain, credibility=credibility,
                    duplicates=duplicates)


@cache
def registry() -> Registry:
    """The packaged registry merged with the file named by ACTORGRAPH_SOURCES, loaded once."""
    return load_registry(os.environ.get("ACTORGRAPH_SOURCES") or None)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Word k-grams of the case- and punctuation-folded text; a text shorter than
    MIN_WORDS (or than k) is one shingle, so it only ever matches the same text."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < max(k, MIN_WORDS):
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


@cache
def _permutations(num_perm: int) -> tuple:
    """The seeded permutations, drawn once: drawing them dominates building a MinHash."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def signature(text: str, num_perm: int = NUM_PERM) -> list[int]:
    """MinHash hash values with a fixed seed and scheme: plain ints, safe to store as JSON and
    comparable with signatures computed in another run (rebuild with `as_minhash`)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, permutations=_permutations(num_perm))
    minhash.update_batch(s.encode("utf-8") for s in shingles(text))
    return [int(v) for v in minhash.hashvalues]


def as_minhash(sig: Iterable[int]) -> MinHash:
    """A stored signature back as a datasketch MinHash."""
    from datasketch import MinHash

    values = np.asarray(list(sig), dtype=np.uint64)
    return MinHash(seed=SEED, scheme=SCHEME, hashvalues=values, permutations=_permutations(len(values)))


class DuplicateIndex:
    """Clusters of near-duplicate documents; each cluster is named by its first document."""

    def __init__(self, rules: DuplicateRules | None = None, num_perm: int = NUM_PERM):
        from datasketch import MinHashLSH

        self.rules = rules or registry().duplicates
        self._lsh = MinHashLSH(threshold=self.rules.threshold, num_perm=num_perm,
                               params=(self.rules.bands, self.rules.rows))
        self._cutoff = self.rules.cutoff(num_perm)
        self._sigs: dict[str, np.ndarray] = {}
        self._roots: dict[str, str] = {}
        self._order: dict[str, int] = {}

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._roots

    def root(self, doc_id: str) -> str:
        """The cluster root recorded for an indexed document."""
        return self._roots[doc_id]

    def match(self, sig: Sequence[int]) -> str | None:
        """The root of the earliest-added cluster this signature near-duplicates, if any: LSH
        proposes candidates and the estimated Jaccard similarity confirms them."""
        values = np.asarray(sig, dtype=np.uint64)
        roots = {self._roots[key] for key in self._lsh.query(as_minhash(values))
                 if float(np.mean(self._sigs[key] == values)) >= self._cutoff}
        return min(roots, key=lambda r: self._order.get(r, -1)) if roots else None

    def add(self, doc_id: str, sig: Sequence[int], root: str | None = None) -> str:
        """Index a document; its cluster root (the earliest copy), or its own id if it is new.
        `root`: what `match` said of it a moment ago, when the index has not changed since."""
        if doc_id in self._roots:
            return self._roots[doc_id]
        root = root or self.match(sig) or doc_id
        self._insert(doc_id, sig, root)
        return root

    def _insert(self, doc_id: str, sig: Sequence[int], root: str) -> None:
        values = np.asarray(sig, dtype=np.uint64)
        self._lsh.insert(doc_id, as_minhash(values), check_duplication=False)
        self._sigs[doc_id] = values
        self._roots[doc_id] = root
        self._order[doc_id] = len(self._order)

    @classmethod
    def from_signatures(cls, items: Iterable[tuple[str, Sequence[int], str]],
                        rules: DuplicateRules | None = None) -> DuplicateIndex:
        """Rebuild from stored (doc_id, signature, root) rows in ingest order; roots are kept
        as stored, so clusters do not change when thresholds do."""
        index = cls(rules)
        for doc_id, sig, root in items:
            if doc_id not in index._roots:
                index._insert(doc_id, sig, root)
        return index


@lru_cache(maxsize=1 << 16)
def host_of(url: str | None) -> str:
    """A url's host, '' for none."""
    return (urlsplit(url).hostname or "") if url else ""


def origin_of(source: str | None, doc_id: str, root_id: str, root_source: str | None) -> str:
    """The independent origin of a document as stored, before the registry folds outlet aliases:
    a copy's is its cluster root's outlet (or the root document), an original's its own outlet,
    else itself."""
    if root_id != doc_id:
        source, doc_id = root_source, root_id
    return "source:" + source if source else "doc:" + doc_id


def independent_key(source: str | None, doc_id: str, root_id: str, root_source: str | None) -> str:
    """What counts as one independent source: a copy counts under its cluster root's outlet (or
    the root document); an original under its outlet, aliases folded by the registry, else itself."""
    return registry().folded(origin_of(source, doc_id, root_id, root_source))


def credibility(asserted: int, reported: int, hedged: int, negated: int, other: int) -> int:
    """Admiralty information credibility 1-6 from independent-source counts per modality.

    1 and 2 need asserting sources and no denial (2 also for a confirmed claim a minority
    denies); a claim only reported or hedged is at best 3, and a hedged single source is 4.
    Denials that outnumber every affirming source make a claim 5, as many denials as
    assertions 4; questions and conditionals alone cannot be judged (6). Count each source
    once, under its firmest modality (`modality_counts`), or affirmations are overcounted.
    """
    rules = registry().credibility
    affirming = asserted + reported + hedged
    if not affirming:
        return 5 if negated else 6
    if negated:
        if negated > affirming:
            return 5
        if negated >= asserted:
            return 4
        return 2 if asserted >= rules.confirmed else 3
    if asserted >= rules.confirmed:
        return 1
    if asserted >= rules.probable:
        return 2
    if asserted or reported + hedged >= rules.unconfirmed:
        return 3
    return 4


def modality_counts(instances: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The keyword arguments of `credibility` from (independent_key, modality) pairs: a source
    counts once among the affirming modalities (its firmest), once if it denies, and as `other`
    (question, conditional) only when it does nothing else."""
    by_source: dict[str, set[str]] = {}
    for key, modality in instances:
        by_source.setdefault(key, set()).add(modality)
    counts = dict.fromkeys((*AFFIRMING, "negated", "other"), 0)
    for modalities in by_source.values():
        firmest = next((m for m in AFFIRMING if m in modalities), None)
        denies = "negated" in modalities
        counts[firmest or ("negated" if denies else "other")] += 1
        counts["negated"] += bool(firmest and denies)
    return counts


def grade(reliabilities: Iterable[str], credibility: int) -> str:
    """The Admiralty grade, e.g. "B2": the best reliability among the asserting sources (F if
    none is known) and the information's credibility."""
    letters = [r.upper() for r in reliabilities]
    if not 1 <= credibility <= 6 or any(len(r) != 1 or r not in RELIABILITY for r in letters):
        raise ValueError(f"grade: invalid reliabilities {letters} or credibility {credibility}")
    return f"{min(letters, default=UNKNOWN)}{credibility}"
