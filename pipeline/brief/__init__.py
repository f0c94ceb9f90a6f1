"""A question -> a briefing an analyst can sign: bottom line, judgments, verified quotes, timeline, gaps.

build.py     the run: search, candidates, judgments, evidence, assembled into a Briefing
topic.py     the question: named actors, capabilities, targets, time window
evidence.py  every sentence of the retrieved passages, scored for relevance to the question
select.py    which sentences are quoted (whole prose passages, verified twice)
prose.py     prose or not: headings, TOC lines, table rows, references refused; block types
verify.py    quotes checked in the stored text and in PDFium's own text of the PDF page (a scan: a second OCR)
cluster.py   claims grouped by actor and capability; near-duplicates; conflicting pairs
judge.py     a group -> a judgment: who, does what, to whom, how likely, independent sources
means.py     a "how" question: the techniques the cited passages name, for the bottom line
sources.py   publisher kind, document number, OCR pages, source mix
events.py    dates of events in sentences; timeline.py orders them
gaps.py      what the question asked that the index cannot answer, and why
model.py     the Briefing dataclasses (the JSON) and small helpers
render.py    Briefing -> Markdown or HTML (every PDF-derived string made inert)
"""
