"""Child process that parses one PDF under a memory cap and prints JSON on stdout.

Run as `python -m pipeline.parse.worker PATH MEMORY_MB MAX_PAGES [BACKEND [OCR]]` (BACKEND:
auto, pdfium or pdfplumber; OCR: auto, always or never; auto when left out). OCR runs
here too, under the same cap. The parent never
imports the PDF stack; whatever a hostile file does happens here.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from dataclasses import asdict
from typing import Any

MAX_PAGE_SIDE_PT = 14400.0  # the PDF specification's largest page side


def _result(path: str, max_pages: int, backend: str = "auto", ocr: str = "auto") -> dict[str, Any]:
    from pipeline.errors import ParseError
    from pipeline.parse.document import parse_pdf

    try:
        _precheck_pages(path, max_pages)
        doc = parse_pdf(path, max_pages=max_pages, backend=backend, ocr=ocr)
    except ParseError as exc:
        return {"ok": False, "reason": exc.reason, "detail": exc.detail}
    except MemoryError:
        return {"ok": False, "reason": "memory_cap", "detail": "the parser exceeded its memory cap"}
    except RecursionError:
        return {"ok": False, "reason": "recursion", "detail": "the PDF nests objects too deeply"}
    except Exception as exc:  # noqa: BLE001 - the worker reports, never raises
        return {"ok": False, "reason": "parse_error", "detail": f"{type(exc).__name__}: {exc}"[:500]}
    return {
        "ok": True,
        "meta": asdict(doc.meta),
        "pages": [
            {
                "page_no": p.page_no,
                "text": p.text,
                "blocks": [[b.kind, b.start, b.end] for b in p.blocks],
                "source": p.source,
                "ocr_confidence": p.ocr_confidence,
                "quality": p.quality,
            }
            for p in doc.pages
        ],
        "warnings": list(doc.warnings),
    }


def _precheck_pages(path: str, max_pages: int) -> None:
    """Page count and absurd page sizes, from PDFium (fast) where it can open the file."""
    from pipeline.errors import ParseError

    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
    except Exception:  # noqa: BLE001 - pdfplumber gets its own chance and reason
        return
    try:
        n = len(pdf)
        if n > max_pages:
            raise ParseError(path, "too_many_pages", f"{n} pages, the limit is {max_pages}")
        for i in range(min(n, 50)):
            w, h = pdf.get_page_size(i)
            if w > MAX_PAGE_SIDE_PT or h > MAX_PAGE_SIDE_PT:
                raise ParseError(path, "too_large", f"page {i + 1} is {w:.0f}x{h:.0f} pt")
    finally:
        pdf.close()


def main(argv: list[str]) -> int:
    path, memory_mb, max_pages = argv[1], int(argv[2]), int(argv[3])
    backend = argv[4] if len(argv) > 4 else "auto"
    ocr = argv[5] if len(argv) > 5 else "auto"
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pipeline.parse import ocr as page_ocr
    from pipeline.parse.isolate import OCR_PAGE_MARK

    # each OCR'd page earns the file more time from the parent (isolate._communicate)
    page_ocr.on_page = lambda: os.write(2, OCR_PAGE_MARK + b"\n")
    out = _result(path, max_pages, backend, ocr)
    data = json.dumps(out, ensure_ascii=True).encode("ascii")
    view = memoryview(data)
    while view:
        written = os.write(1, view)
        view = view[written:]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
