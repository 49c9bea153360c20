#!/usr/bin/env python3
"""Convert PETRARCH2's CAMEO verb dictionary into actorgraph's `data/cameo_verbs.yaml`: each verb
(and each synonym in its block) with the CAMEO root codes its block and patterns give. The result
is data only; no PETRARCH code is used or copied.

usage: scripts/cameo_verbs.py PETRARCH2_GIT_DIR > src/actorgraph/data/cameo_verbs.yaml

PETRARCH2_GIT_DIR is a clone of github.com/openeventdata/petrarch2 (MIT licence); the file read is
petrarch2/data/dictionaries/CAMEO.2.0.txt at the clone's HEAD.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

SOURCE = "petrarch2/data/dictionaries/CAMEO.2.0.txt"
BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]+)\]\s+---")
CODE = re.compile(r"\[(\d{3,4})")
ROOT_NAMES = {
    "01": "make public statement", "02": "appeal", "03": "express intent to cooperate", "04": "consult",
    "05": "engage in diplomatic cooperation", "06": "engage in material cooperation", "07": "provide aid",
    "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove", "12": "reject", "13": "threaten",
    "14": "protest", "15": "exhibit military posture", "16": "reduce relations", "17": "coerce",
    "18": "assault", "19": "fight", "20": "use unconventional mass violence",
}


def lemma_of(word: str) -> str | None:
    """'+STEP_IN' -> 'step in'; lines that are not plain verbs give None."""
    word = word.strip().lstrip("+").rstrip("_").lower().replace("_", " ")
    return word if re.fullmatch(r"[a-z][a-z ]*[a-z]", word) else None


def read_blocks(text: str) -> dict[str, Counter]:
    """Verb -> Counter of CAMEO roots (two digits) from its block's default code and patterns."""
    verbs: dict[str, Counter] = {}
    members: list[str] = []
    roots: Counter = Counter()

    def close() -> None:
        for verb in members:
            verbs.setdefault(verb, Counter()).update(roots)

    in_patterns = False
    for line in text.splitlines():
        if line.startswith("####### VERB PATTERNS"):
            in_patterns = True
            continue
        if not in_patterns or not line.strip() or line.startswith("#"):
            continue
        block = BLOCK.match(line)
        if block:
            close()
            members, roots = [], Counter()
            if block.group(2) != "---":
                roots[block.group(2)[:2]] += 10
            continue
        if line.startswith("-"):
            roots.update(code[:2] for code in CODE.findall(line.split("#")[0]))
            continue
        head = line.split("#")[0].split("{")[0].split("[")
        lemma = lemma_of(head[0])
        if lemma:
            members.append(lemma)
            if len(head) > 1 and CODE.match("[" + head[1]):
                roots[head[1][:2]] += 10
    close()
    return {v: c for v, c in verbs.items() if c and all(r in ROOT_NAMES for r in c)}


def main(git_dir: str) -> None:
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    text = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{SOURCE}"], check=True,
                          capture_output=True, text=True).stdout
    verbs = read_blocks(text)
    print("# CAMEO root codes of English verbs, converted by scripts/cameo_verbs.py from PETRARCH2's verb")
    print(f"# dictionary: github.com/openeventdata/petrarch2, {SOURCE}, commit {commit}.")
    print("# Licence: MIT, Copyright (c) 2015 Open Event Data Alliance (the dictionary's own header; the")
    print("# repository's LICENSE is MIT, Copyright (c) 2014 Open Event Data). Used as data only: each verb")
    print("# lists the CAMEO roots (two digits) its block and patterns code, most frequent first.")
    print("roots:")
    for code, name in ROOT_NAMES.items():
        print(f'  "{code}": {name}')
    print("verbs:")
    for verb in sorted(verbs):
        ranked = [root for root, _ in sorted(verbs[verb].items(), key=lambda kv: (-kv[1], kv[0]))]
        print(f'  "{verb}": [{", ".join(repr(r) for r in ranked[:4])}]'.replace("'", '"'))


if __name__ == "__main__":
    main(sys.argv[1])
