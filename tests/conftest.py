"""Shared fixtures: a seed-corpus index in a temp folder, the shared datasets, a running server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.tools.api import Desk
from newsdesk.tools.settings import DEFAULT_MODEL, Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_ID = "000-a621f7fa4f80e312"


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline, loaded once for the whole test session."""
    from newsdesk.tools.extract.nlp import load_pipeline

    return load_pipeline(DEFAULT_MODEL)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared datasets are not at {SHARED} (they are never part of the repository)")
    return SHARED


@pytest.fixture(scope="session")
def gold(shared_dir: Path) -> dict:
    path = shared_dir / "gold" / "seed_article.gold.json"
    if not path.is_file():
        pytest.skip(f"no seed gold at {path}")
    return json.loads(path.read_text())


@pytest.fixture
def seed_settings(tmp_path: Path) -> Settings:
    return Settings(index_path=tmp_path / "index.sqlite3")


@pytest.fixture
def seed_desk(seed_settings: Settings):
    desk = Desk.open(seed_settings)
    yield desk
    desk.close()
