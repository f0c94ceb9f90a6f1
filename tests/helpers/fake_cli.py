"""The real CLI with the fake embedder in place of the model, for output tests.

    python -m tests.helpers.fake_cli search QUERY --index DIR [--json]
    python -m tests.helpers.fake_cli nightly --corpus DIR --index DIR --reports DIR

Claims are not extracted (the tagger returns none).
"""

from __future__ import annotations

import pipeline.embed.model
import pipeline.index.search
import pipeline.ingest
from pipeline.cli import main
from tests.conftest import FakeEmbedder

pipeline.embed.model.EMBEDDERS["minilm"] = lambda **kwargs: FakeEmbedder()
pipeline.index.search.MODEL_ID = FakeEmbedder.model_id
pipeline.ingest.MODEL_ID = FakeEmbedder.model_id
pipeline.ingest.DIMENSION = FakeEmbedder.dimension
pipeline.ingest.Tagger = lambda: lambda doc: []  # type: ignore[assignment,misc]

if __name__ == "__main__":
    main()
