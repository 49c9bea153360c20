#!/usr/bin/env python3
"""Convert PETRARCH2's Phoenix dictionary of non-state armed actors into actorgraph's
`data/phoenix_groups.yaml`: group names and aliases the packaged gazetteer adds beneath its own
entries. The result is data only; no PETRARCH code is used or copied.

usage: scripts/phoenix_groups.py PETRARCH2_GIT_DIR > src/actorgraph/data/phoenix_groups.yaml

PETRARCH2_GIT_DIR is a clone of github.com/openeventdata/petrarch2 (MIT licence); the file read is
petrarch2/data/dictionaries/Phoenix.MilNonState.actors.txt at the clone's HEAD.

Phoenix codes people as the group they belong to ("+SHEIKH_HASSAN_NASRALLAH" under Hezbollah) and
lists names made only of everyday words ("NEW_ORDER", "DIRECT_ACTION"). actorgraph relates a person
to a group by `leads`/`member_of`, and a gazetteer name matches anywhere in a text, so a name is kept
only when it is an acronym given in brackets, or it has an organisation word (army, front,
brigade...) and at least one word that is not an everyday one, or it is an entry's own name of one word of at
least five letters that is not an everyday one (Hizbullah, Shabaab). The everyday words are the project's
own lexicons plus `phoenix_generic_words.yaml` beside this script.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

SOURCE = "petrarch2/data/dictionaries/Phoenix.MilNonState.actors.txt"
HERE = Path(__file__).resolve().parent
CUES = HERE.parent / "src" / "actorgraph" / "data" / "cues.yaml"
MAIN = re.compile(r"^([^\s+#][^\[#]*?)\s*\[([A-Z]+)\]")
BRACKETED = re.compile(r"\(([^()]*)\)")
SMALL = {"of", "the", "and", "for", "in", "on", "fi", "wa", "al", "el", "ad", "ud", "ul", "e"}


def vocabulary() -> tuple[set[str], set[str]]:
    """(organisation words, everyday words)."""
    anaphora = yaml.safe_load(CUES.read_text("utf-8"))["anaphora"]
    heads = {w.lower() for w in anaphora["organisation_heads"] + anaphora["unit_heads"]}
    generic = yaml.safe_load((HERE / "phoenix_generic_words.yaml").read_text("utf-8"))
    heads |= set(generic["organisation_words"])
    everyday = set(generic["everyday_words"]) | heads | {w.lower() for key in (
        "group_nouns", "plural_group_nouns", "fighter_nouns", "force_nouns", "victim_nouns") for w in anaphora[key]}
    return heads, everyday


def words_of(raw: str) -> list[str]:
    return [w for w in re.split(r"[_\s]+", raw.strip().strip("_")) if w]


def title(words: list[str]) -> str:
    """'MORO_ISLAMIC_LIBERATION_FRONT' -> 'Moro Islamic Liberation Front' (Phoenix is upper case)."""
    shown = []
    for n, word in enumerate(words):
        parts = [p.lower() if (n and p.lower() in SMALL) else p.capitalize() for p in word.split("-")]
        shown.append("-".join(parts))
    return " ".join(shown)


def names_in(raw: str, heads: set[str], everyday: set[str], main: bool) -> list[str]:
    """The names one dictionary line gives: the bracketed acronym, and the name without brackets
    if it passes the filter of the module docstring (one word only on an entry's main line)."""
    found = []
    for inner in BRACKETED.findall(raw):
        if re.fullmatch(r"[A-Z][A-Z0-9&/-]{2,7}", inner) and not inner.isdigit():
            found.append(inner)
    words = words_of(BRACKETED.sub(" ", raw))
    lower = [w.lower().strip("'") for w in words]
    plain = [w for w in lower if w not in everyday and w not in SMALL and not w.isdigit()]
    organised = any(w in heads or w.rstrip("s") in heads for w in lower)
    if len(words) == 1 and main and len(words[0]) >= 5 and plain:
        found.append(title(words))
    elif len(words) > 1 and organised and plain:
        found.append(title(words))
    return found


def read_entries(text: str) -> list[tuple[str, list[str], str]]:
    """(main name line, alias lines, country code) for each entry of the dictionary."""
    entries, current = [], None
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        match = MAIN.match(line)
        if match:
            current = (match.group(1), [], match.group(2)[:3])
            entries.append(current)
        elif line.startswith("+") and current is not None:
            current[1].extend(a for a in line.split("+") if a.strip())
    return entries


def actor_id(name: str) -> str:
    return "phx-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def convert(text: str) -> list[dict]:
    heads, everyday = vocabulary()
    actors: dict[str, dict] = {}
    claimed: dict[str, set[str]] = {}
    for main, aliases, _ in read_entries(text):
        names = names_in(main, heads, everyday, True)
        for alias in aliases:
            names += names_in(alias, heads, everyday, False)
        names = list(dict.fromkeys(names))
        spelled = [n for n in names if not n.isupper()]
        if not spelled:
            continue
        key = spelled[0].lower()
        entry = actors.setdefault(key, {"id": actor_id(spelled[0]), "name": spelled[0], "type": "armed_group",
                                        "aliases": []})
        for name in names:
            if name != entry["name"] and name not in entry["aliases"]:
                entry["aliases"].append(name)
            claimed.setdefault(name.lower(), set()).add(key)
    ambiguous = {name for name, keys in claimed.items() if len(keys) > 1}
    kept = []
    for key in sorted(actors):
        entry = actors[key]
        if key in ambiguous:
            continue
        entry["aliases"] = [a for a in entry["aliases"] if a.lower() not in ambiguous]
        kept.append(entry)
    return kept


def main(git_dir: str) -> None:
    text = subprocess.run(["git", "-C", git_dir, "show", f"HEAD:{SOURCE}"], check=True, capture_output=True,
                          text=True).stdout
    commit = subprocess.run(["git", "-C", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    actors = convert(text)
    print("# Non-state armed groups converted by scripts/phoenix_groups.py from PETRARCH2's Phoenix dictionary:")
    print(f"# github.com/openeventdata/petrarch2, {SOURCE}, commit {commit}.")
    print("# Licence: MIT, Copyright (c) 2014 Open Event Data (the repository's LICENSE); names from the START")
    print("# TOPS database as the dictionary's header says. Used as data only: the packaged gazetteer adds these")
    print("# names beneath its own entries (a name it already has keeps its own actor). Regenerate, do not edit.")
    yaml.safe_dump({"actors": actors}, sys.stdout, sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
