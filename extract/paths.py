"""Where the data folders of the repo are: corpora/ (documents, gold, gazetteers) and models/."""
from __future__ import annotations

import os
from pathlib import Path

# extract/ sits at the top of the repo (installed editable as kehoach.extract).
REPO = Path(os.environ.get("KEHOACH_HOME", Path(__file__).resolve().parents[1]))
CORPORA = REPO / "corpora"
MODELS = REPO / "models"
