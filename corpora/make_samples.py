"""Render the SAMPLE reports in corpora/samples/*.txt into corpora/*.pdf.

    python corpora/make_samples.py

The texts are synthetic, written for testing threatbrief; the output is
deterministic (fixed dates, no timestamps), so rerunning gives identical bytes.

Sample text format: lines starting with "#" are comments, "## " starts a
heading, "|a|b|c" lines form a table (first row is the header), "===page==="
forces a page break, and blank lines separate paragraphs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from tests.helpers.pdfgen import (  # noqa: E402
    Item,
    Line,
    Rect,
    TextItem,
    text_width,
    wrap_text,
    write_pdf,
)

BANNER = "SAMPLE — synthetic text for testing threatbrief"
MARGIN = 72.0
PAGE_W, PAGE_H = 612.0, 792.0
BODY_TOP = 724.0
BODY_BOTTOM = 76.0
BODY_SIZE = 10.0
BODY_LEADING = 13.0


@dataclass(frozen=True)
class Sample:
    """One sample report: its text file, layout and what goes on its first page."""

    source: str
    output: str
    title: str
    byline: str
    date_line: str
    header: str
    footer: str
    metadata: dict[str, str]
    columns: int = 1


SAMPLES = [
    Sample(
        source="ai_propaganda_brief.txt",
        output="sample_ai_propaganda_brief.pdf",
        title="AI-Enabled Propaganda and Censorship Abroad: How China and Russia Use Generative Tools",
        byline="Harbourview Institute for Digital Affairs (fictional) — Research Brief No. 7",
        date_line="Published 14 March 2024",
        header="Harbourview Institute | AI-Enabled Propaganda and Censorship Abroad",
        footer="harbourview.example/briefs/7",
        metadata={
            "Title": "AI-Enabled Propaganda and Censorship Abroad (SAMPLE)",
            "Author": "Harbourview Institute for Digital Affairs",
            "Publisher": "Harbourview Institute",
            "Subject": "SAMPLE — synthetic text for testing threatbrief",
            "CreationDate": "D:20240314090000Z",
            "ModDate": "D:20240315120000Z",
        },
        columns=2,
    ),
    Sample(
        source="infrastructure_intrusions_advisory.txt",
        output="sample_infrastructure_advisory.pdf",
        title="Joint Advisory: State-Sponsored Intrusions into Critical Infrastructure",
        byline="Northgate Cyber Coordination Centre (fictional) with partner agencies",
        date_line="Release Date: September 5, 2023",
        header="TLP:CLEAR | Joint Advisory NCCC-23-0905 | SAMPLE",
        footer="Northgate Cyber Coordination Centre",
        metadata={
            "Title": "Joint Advisory: State-Sponsored Intrusions into Critical Infrastructure",
            "Author": "Northgate Cyber Coordination Centre",
            "Publisher": "Northgate Cyber Coordination Centre",
            "CreationDate": "D:20230905140000Z",
        },
    ),
    Sample(
        source="surveillance_exports_report.txt",
        output="sample_surveillance_exports.pdf",
        title="Exporting the Watchtower: Surveillance Technology and Transnational Repression",
        byline="Meridian Centre for Rights and Technology (fictional)",
        date_line="November 2022",
        header="Exporting the Watchtower",
        footer="Meridian Centre for Rights and Technology",
        metadata={
            # A junk title like many real files carry: the parser must fall back to the page.
            "Title": "Microsoft Word - exports_draft_v3.docx",
            "Author": "M. Okafor; L. Brandt",
            "Company": "Meridian Centre for Rights and Technology",
            "CreationDate": "D:20221130101500+01'00'",
        },
    ),
]


@dataclass
class _Flow:
    """Places blocks into columns and pages, top to bottom."""

    columns: list[tuple[float, float]]
    pages: list[list[Item]] = field(default_factory=lambda: [[]])
    col: int = 0
    y: float = BODY_TOP
    top: float = BODY_TOP

    @property
    def x(self) -> float:
        return self.columns[self.col][0]

    @property
    def width(self) -> float:
        return self.columns[self.col][1]

    def need(self, height: float) -> None:
        if self.y - height >= BODY_BOTTOM:
            return
        if self.col + 1 < len(self.columns):
            self.col += 1
            self.y = self.top
        else:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.col = 0
        self.y = self.top = BODY_TOP

    def add(self, items: list[Item]) -> None:
        self.pages[-1].extend(items)


def _blocks(text: str) -> Iterator[tuple[str, object]]:
    """Yield ("heading", str), ("para", str), ("table", rows) and ("page", None) blocks."""
    para: list[str] = []
    table: list[list[str]] = []
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("|"):
            if para:
                yield "para", " ".join(para)
                para = []
            table.append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        if table:
            yield "table", table
            table = []
        if line.startswith("#") and not line.startswith("## "):
            continue
        if not line or line.startswith("## ") or line == "===page===":
            if para:
                yield "para", " ".join(para)
                para = []
            if line.startswith("## "):
                yield "heading", line[3:]
            elif line == "===page===":
                yield "page", None
            continue
        para.append(line)


def _table(flow: _Flow, rows: list[list[str]]) -> None:
    weights = [0.18, 0.24, 0.29, 0.29]
    total = sum(weights[: len(rows[0])])
    widths = [flow.width * w / total for w in weights[: len(rows[0])]]
    size, leading, pad = 9.0, 11.0, 4.0
    for r, row in enumerate(rows):
        font = "Helvetica-Bold" if r == 0 else "Helvetica"
        wrapped = [wrap_text(cell, w - 2 * pad, size, font) for cell, w in zip(row, widths, strict=False)]
        height = max(len(cell) for cell in wrapped) * leading + 2 * pad
        flow.need(height)
        top = flow.y
        items: list[Item] = []
        x = flow.x
        for lines, w in zip(wrapped, widths, strict=False):
            for i, text in enumerate(lines):
                items.append(TextItem(x + pad, top - pad - size - i * leading + 2, text, size, font))
            items.append(Rect(x, top - height, w, height, width=0.6))
            x += w
        flow.add(items)
        flow.y = top - height
    flow.y -= 10


def render_sample(sample: Sample, text: str) -> list[list[Item]]:
    """Lay out one sample report into pages of drawing items."""
    full = (MARGIN, PAGE_W - 2 * MARGIN)
    if sample.columns == 2:
        gutter = 24.0
        col_w = (PAGE_W - 2 * MARGIN - gutter) / 2
        columns = [(MARGIN, col_w), (MARGIN + col_w + gutter, col_w)]
    else:
        columns = [full]
    flow = _Flow(columns=columns)

    # First page: banner, title block and date set full width above the body.
    first: list[Item] = [TextItem(MARGIN, BODY_TOP, BANNER, 9, "Helvetica-Bold")]
    y = BODY_TOP - 34
    for line in wrap_text(sample.title, full[1], 18, "Helvetica-Bold"):
        first.append(TextItem(MARGIN, y, line, 18, "Helvetica-Bold"))
        y -= 22
    y -= 6
    first.append(TextItem(MARGIN, y, sample.byline, 11, "Helvetica-Oblique"))
    y -= 16
    first.append(TextItem(MARGIN, y, sample.date_line, 10, "Helvetica"))
    y -= 14
    first.append(Line(MARGIN, y, PAGE_W - MARGIN, y, 0.8))
    flow.add(first)
    flow.y = flow.top = y - 24

    for kind, value in _blocks(text):
        if kind == "page":
            flow.new_page()
        elif kind == "heading":
            assert isinstance(value, str)
            flow.need(40)
            if flow.y < flow.top:
                flow.y -= 6
            flow.add([TextItem(flow.x, flow.y, value, 12, "Helvetica-Bold")])
            flow.y -= 19
        elif kind == "para":
            assert isinstance(value, str)
            for line in wrap_text(value, flow.width, BODY_SIZE):
                flow.need(BODY_LEADING)
                flow.add([TextItem(flow.x, flow.y, line, BODY_SIZE)])
                flow.y -= BODY_LEADING
            flow.y -= 8
        elif kind == "table":
            assert isinstance(value, list)
            _table(flow, value)

    n = len(flow.pages)
    for number, page in enumerate(flow.pages, start=1):
        page.append(TextItem(MARGIN, PAGE_H - 40, sample.header, 8))
        page.append(Line(MARGIN, PAGE_H - 46, PAGE_W - MARGIN, PAGE_H - 46, 0.4))
        page.append(TextItem(MARGIN, 40, sample.footer, 8))
        label = f"Page {number} of {n}"
        page.append(TextItem(PAGE_W - MARGIN - text_width(label, 8), 40, label, 8))
    return flow.pages


def main() -> None:
    """Regenerate every sample PDF next to this script."""
    for sample in SAMPLES:
        text = (ROOT / "samples" / sample.source).read_text(encoding="utf-8")
        pages = render_sample(sample, text)
        out = ROOT / sample.output
        write_pdf(out, pages, sample.metadata)
        print(f"{out.relative_to(ROOT.parent)}: {len(pages)} pages, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
