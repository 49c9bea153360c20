# %% [markdown]
# # actorgraph in a notebook
#
# The demo corpus (short articles on the war in Sudan, written for the project) ingested and
# questioned through the Python API, end to end. This file is a notebook in jupytext's percent
# format: open it in Jupyter with jupytext, or run it as a script (a test does, so it cannot rot).
# Set `ACTORGRAPH_NOTEBOOK_DB` to choose where the database goes.

# %%
import os
import tempfile
from importlib import resources
from pathlib import Path

import actorgraph as ag

db = os.environ.get("ACTORGRAPH_NOTEBOOK_DB") or str(Path(tempfile.mkdtemp()) / "sudan.sqlite")
demo = Path(str(resources.files("actorgraph").joinpath("data", "demo")))
g = ag.open(db)

# %% [markdown]
# ## Ingest
# Each document is written in its own transaction; a bad file is an error line in the report, not a crash.

# %%
report = g.ingest(demo)
print(f"{report.added} documents added, {report.relations} relations, {len(report.errors)} errors")
g.stats()

# %% [markdown]
# ## Ask
# The same answer `actorgraph ask --format json` prints: direct claims with their evidence and grade,
# paths through a common backer or parent, what is only asked or imagined, and caveats about the sources.

# %%
answer = g.ask("RSF", "United Arab Emirates")
print(answer["summary"])
[(c["clause"], c["modality"], c["grade"]) for c in answer["direct"]]

# %% [markdown]
# ## Actors and relations as tables
# With pandas installed (`pip install actorgraph[notebook]`) these are DataFrames.

# %%
actors = g.actors()
actors.head(10)

# %%
supports = g.relations(actor="RSF", predicate="supports")
supports[["subject", "predicate", "object", "modality", "grade"]].assign(
    subject=lambda d: d["subject"].map(lambda s: s["name"]), object=lambda d: d["object"].map(lambda o: o["name"]))

# %% [markdown]
# ## The graph in networkx

# %%
import networkx as nx

graph = g.to_networkx()
central = sorted(nx.degree_centrality(graph).items(), key=lambda kv: -kv[1])[:5]
[(graph.nodes[node]["name"], round(score, 2)) for node, score in central]

# %% [markdown]
# ## A text without storing it, and an export

# %%
g.extract("The RSF seized El Fasher in October 2025, according to UN monitors.")

# %%
ftm = g.export("ftm")
print(f"{len(ftm.splitlines())} FollowTheMoney entities")
g.close()
