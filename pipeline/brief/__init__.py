"""Claims and hits -> a Markdown briefing with verified quotes.

build.py    gather evidence for a topic, verify quotes, assemble the Briefing
model.py    the Briefing dataclasses and strength ordering
cluster.py  group near-identical judgments, corroboration and disagreement
topic.py    actors and capabilities named in the topic
render.py   Briefing -> Markdown (every PDF-derived string made inert)
"""
