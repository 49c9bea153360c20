"""Reading the graph does not load the extractor: `actorgraph ask`, `actors` and `show` start
without spaCy, its model or scipy (a second and more, and a larger heap for the collector)."""
import json
import subprocess
import sys

HEAVY = ("spacy", "thinc", "scipy", "sklearn", "datasketch")

ASK_IN_A_FRESH_PROCESS = """
import json, sys
HEAVY = sys.argv[2].split(",")
import actorgraph.cli
from actorgraph.workspace import open as open_workspace
with open_workspace(sys.argv[1], create=False) as ws:
    name = ws.store.actors()[0]["name"]
    other = ws.store.actors()[1]["name"]
    answer = ws.ask(name, other)
    ws.actor(name)
print(json.dumps({"loaded": sorted(m for m in HEAVY if m in sys.modules), "direct": len(answer["direct"])}))
"""


def test_asking_loads_neither_spacy_nor_scipy(demo_db):
    done = subprocess.run([sys.executable, "-c", ASK_IN_A_FRESH_PROCESS, str(demo_db), ",".join(HEAVY)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["loaded"] == []
    assert "direct" in found


def test_extracting_still_loads_the_pipeline_when_asked_to(tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("Turkey armed the Syrian National Army in 2019, officials said.\n", encoding="utf-8")
    code = ("import sys, actorgraph.workspace as w; found = w.extract_text(sys.argv[1]); "
            "print(int('spacy' in sys.modules), len(found))")
    done = subprocess.run([sys.executable, "-c", code, str(text)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    loaded, relations = done.stdout.split()
    assert loaded == "1" and int(relations) >= 1
