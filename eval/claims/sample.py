"""Draw the sentences to label for the by-publisher claim set (deterministic).

Reads the per-document sentence dumps made by `dump` (page text through the
parser and the shared sentence splitter), and writes one pool per labeller
under eval/claims/pool/. About 60 % of each document's draw are sentences
that name a state-like word or a capability-like word (so claims are well
represented), the rest are drawn at random (most of a report asserts
nothing: headings, table rows, recommendations, methods).

    python eval/claims/sample.py dump   # parse ../shared/corpus into /tmp/tb_sents
    python eval/claims/sample.py draw   # write eval/claims/pool/*.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parents[2] / "shared" / "corpus"
DUMP = Path("/tmp/tb_sents")
PER_DOC = 48
SEED = 20261202

INTERESTING = re.compile(
    r"\b(China|Chinese|PRC|Beijing|Russia|Russian|Moscow|Kremlin|Iran|Iranian|Tehran|North Korea|DPRK|"
    r"Pyongyang|Korean|Syria|Syrian|India|Indian|Israel|Pakistan|Vietnam|Bahrain|Ethiopia|UAE|Saudi|"
    r"United States|U\.S\.|US|American|Ukraine|Estonia|Georgia|APT\d+|Bear|Panda|Kitten|Typhoon|Blizzard|"
    r"GRU|FSB|SVR|MSS|PLA|IRGC)\b|"
    r"(espionage|phish|intrusion|hack|attack|disinform|propaganda|influence|censor|surveil|monitor|"
    r"spyware|exfiltrat|steal|stole|deepfake|generated|dissident|diaspora|harass|export|sold|"
    r"artificial intelligence|machine learning|\bAI\b|likely|assess|confidence)",
    re.I,
)


def publisher_key(file: str) -> str:
    return file.split("_")[1]


def splits() -> dict[str, str]:
    data = tomllib.loads((HERE / "splits.toml").read_text())
    return {pub: split for split, pubs in data.items() for pub in pubs["publishers"]}


def dump() -> None:
    sys.path.insert(0, str(HERE.parents[1]))
    from pipeline.parse.document import parse_pdf
    from pipeline.text import split_sentences

    DUMP.mkdir(exist_ok=True)
    for pdf in sorted(CORPUS.glob("*.pdf")):
        try:
            doc = parse_pdf(pdf)
        except Exception as exc:  # noqa: BLE001 - scans have no text layer yet
            print(f"skip {pdf.name}: {exc}")
            continue
        with (DUMP / f"{pdf.stem}.jsonl").open("w") as f:
            for page in doc.pages:
                for s, e in split_sentences(page.text):
                    text = page.text[s:e]
                    if len(text.split()) >= 4:
                        f.write(json.dumps({"doc": pdf.name, "page": page.page_no, "text": text}) + "\n")


def draw() -> None:
    split_of = splits()
    rng = random.Random(SEED)
    pools: dict[str, list[dict]] = {}
    for path in sorted(DUMP.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open()]
        pub = publisher_key(rows[0]["doc"]) if rows else ""
        split = split_of.get(pub)
        if split is None:
            continue
        hot = [r for r in rows if INTERESTING.search(r["text"])]
        cold = [r for r in rows if not INTERESTING.search(r["text"])]
        n_hot = min(len(hot), int(PER_DOC * 0.6))
        pick = rng.sample(hot, n_hot) + rng.sample(cold, min(len(cold), PER_DOC - n_hot))
        pick.sort(key=lambda r: (r["page"], rows.index(r)))
        for r in pick:
            r["publisher"] = pub
            r["split"] = split
        pools.setdefault(split, []).extend(pick)
    out = HERE / "pool"
    out.mkdir(exist_ok=True)
    n = 0
    for split, rows in pools.items():
        for i, r in enumerate(rows):
            r["id"] = f"{split}-{i:04d}"
        with (out / f"{split}.jsonl").open("w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
        print(split, len(rows), "sentences from", len({r["doc"] for r in rows}), "documents")
        n += len(rows)
    print("total", n)


if __name__ == "__main__":
    {"dump": dump, "draw": draw}[sys.argv[1]]()
