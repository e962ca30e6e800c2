"""Where the neural engine's MarianMT models are, and the only code that may download them.

Two models are needed, by direction:

========  ===============================  ==============================================
``de-en``  ``Helsinki-NLP/opus-mt-de-en``  back-translation of the German MT output
``en-de``  ``Helsinki-NLP/opus-mt-en-de``  round trip and forced-decoding scores
========  ===============================  ==============================================

Resolution order (first that is *configured* wins; it is authoritative, we never silently
fall back to other weights than the ones the user pointed at):

1. ``model_dir`` (``--model-dir DIR``): ``DIR/de-en/`` and ``DIR/en-de/``;
2. the environment variable ``AUDITOR_MODELS`` (same layout);
3. the Hugging Face cache (``$HF_HUB_CACHE``, ``$HF_HOME/hub`` or ``~/.cache/huggingface/hub``),
   looked up by model id without any network access.

Nothing here touches the network except :func:`download_models`, which only the explicit
``auditor models download`` command calls. Everything in this module is cheap (no torch,
no transformers import), so ``auditor doctor`` can call :func:`resolve_models` freely.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import ResourceMissing

#: direction → default Hugging Face model id.
DEFAULT_MODEL_IDS: dict[str, str] = {
    "de-en": "Helsinki-NLP/opus-mt-de-en",
    "en-de": "Helsinki-NLP/opus-mt-en-de",
}
DIRECTIONS: tuple[str, ...] = ("de-en", "en-de")
ENV_VAR = "AUDITOR_MODELS"
#: Written by ``auditor models download`` next to the weights: model id and hub revision.
META_FILE = "auditor-model.json"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")


@dataclass(frozen=True)
class ModelLocation:
    """One model direction, found or not. ``path`` is a folder usable by ``from_pretrained``."""

    direction: str
    model_id: str
    found: bool
    path: str | None
    revision: str | None
    origin: str  # "model-dir", "env:AUDITOR_MODELS", "hf-cache", "hub-download"
    expected: str  # where we looked (for messages)

    @property
    def name(self) -> str:
        return f"opus-mt {self.direction} ({self.model_id})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "model_id": self.model_id,
            "found": self.found,
            "path": self.path,
            "revision": self.revision,
            "origin": self.origin,
        }


def hf_cache_dir() -> Path:
    """The Hugging Face hub cache folder, computed like huggingface_hub does (no import)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def is_model_folder(path: Path) -> bool:
    """A folder ``from_pretrained`` can load a MarianMT model and tokenizer from."""
    return (
        (path / "config.json").is_file()
        and any((path / w).is_file() for w in _WEIGHT_FILES)
        and all((path / f).is_file() for f in _TOKENIZER_FILES)
    )


def folder_revision(path: Path) -> str:
    """A cheap, content-based revision of a local model folder.

    The hub commit recorded by ``auditor models download`` when present; otherwise
    ``local-`` + a hash of config.json, the weight files' sizes and their first and last MiB
    (enough to tell two trainings of one architecture apart without reading 300 MB).
    """
    meta = path / META_FILE
    if meta.is_file():
        try:
            rev = json.loads(meta.read_text(encoding="utf-8")).get("revision")
            if rev:
                return str(rev)
        except (OSError, ValueError):
            pass
    h = hashlib.sha256()
    h.update((path / "config.json").read_bytes())
    for name in _WEIGHT_FILES + ("vocab.json",):
        f = path / name
        if not f.is_file():
            continue
        size = f.stat().st_size
        h.update(f"{name}:{size}".encode())
        with f.open("rb") as fh:
            h.update(fh.read(1 << 20))
            if size > 2 << 20:
                fh.seek(-(1 << 20), os.SEEK_END)
                h.update(fh.read(1 << 20))
    return "local-" + h.hexdigest()[:12]


def _folder_model_id(path: Path, direction: str) -> str:
    meta = path / META_FILE
    if meta.is_file():
        try:
            mid = json.loads(meta.read_text(encoding="utf-8")).get("model_id")
            if mid:
                return str(mid)
        except (OSError, ValueError):
            pass
    return f"local:{direction}"


def _from_folder(root: Path, direction: str, origin: str) -> ModelLocation:
    path = root / direction
    default_id = DEFAULT_MODEL_IDS[direction]
    if is_model_folder(path):
        return ModelLocation(
            direction=direction,
            model_id=_folder_model_id(path, direction),
            found=True,
            path=str(path),
            revision=folder_revision(path),
            origin=origin,
            expected=str(path),
        )
    return ModelLocation(direction, default_id, False, None, None, origin, str(path))


def _from_hf_cache(direction: str, model_id: str) -> ModelLocation:
    repo = hf_cache_dir() / ("models--" + model_id.replace("/", "--"))
    expected = str(repo)
    ref = repo / "refs" / "main"
    candidates: list[Path] = []
    if ref.is_file():
        commit = ref.read_text(encoding="utf-8").strip()
        candidates.append(repo / "snapshots" / commit)
    snaps = repo / "snapshots"
    if snaps.is_dir():
        others = sorted(
            (p for p in snaps.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
        )
        candidates.extend(p for p in others if p not in candidates)
    for snap in candidates:
        if is_model_folder(snap):
            return ModelLocation(direction, model_id, True, str(snap), snap.name, "hf-cache", expected)
    return ModelLocation(direction, model_id, False, None, None, "hf-cache", expected)


def resolve_models(
    model_dir: str | os.PathLike[str] | None = None,
    *,
    allow_download: bool = False,
    model_ids: dict[str, str] | None = None,
) -> dict[str, ModelLocation]:
    """Locate both directions; never touches the network.

    With ``allow_download`` a model that is not found locally is reported with
    ``origin="hub-download"`` and ``path`` = its model id, so ``from_pretrained`` fetches
    it into the Hugging Face cache (the caller then loads with ``local_files_only=False``).
    """
    ids = dict(DEFAULT_MODEL_IDS, **(model_ids or {}))
    out: dict[str, ModelLocation] = {}
    env = os.environ.get(ENV_VAR)
    for direction in DIRECTIONS:
        if model_dir:
            loc = _from_folder(Path(model_dir).expanduser(), direction, "model-dir")
        elif env:
            loc = _from_folder(Path(env).expanduser(), direction, f"env:{ENV_VAR}")
        else:
            loc = _from_hf_cache(direction, ids[direction])
        if not loc.found and allow_download and loc.origin == "hf-cache":
            loc = ModelLocation(
                direction, ids[direction], True, ids[direction], None, "hub-download", loc.expected
            )
        out[direction] = loc
    return out


def install_commands(model_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """The exact commands that make the models available (for messages)."""
    target = str(model_dir) if model_dir else (os.environ.get(ENV_VAR) or "")
    if target:
        # an explicit folder is authoritative: only filling that folder helps
        return [f"auditor models download --dir {target}"]
    return [
        "auditor models download            # into the Hugging Face cache",
        "auditor models download --dir DIR  # then pass --model-dir DIR or set AUDITOR_MODELS=DIR",
        "add --allow-download to the command (score, gate or eval)   # let the engine fetch them once",
    ]


def missing_message(
    locations: dict[str, ModelLocation], model_dir: str | os.PathLike[str] | None = None
) -> str:
    missing = [loc for loc in locations.values() if not loc.found]
    lines = ["neural engine: MarianMT model(s) not found (no download was attempted):"]
    for loc in missing:
        where = {
            "model-dir": f"in --model-dir: expected {loc.expected}/ with config.json, weights and source.spm/target.spm/vocab.json",
            "hf-cache": f"in the Hugging Face cache: expected {loc.expected}",
        }.get(loc.origin, f"via {loc.origin}: expected {loc.expected}/")
        lines.append(f"  - {loc.direction} {loc.model_id}: {where}")
    lines.append("Get them with one of:")
    lines.extend(f"  {c}" for c in install_commands(model_dir))
    return "\n".join(lines)


def require_models(
    model_dir: str | os.PathLike[str] | None = None, *, allow_download: bool = False
) -> dict[str, ModelLocation]:
    """:func:`resolve_models`, raising :class:`ResourceMissing` naming what is missing."""
    locations = resolve_models(model_dir, allow_download=allow_download)
    if not all(loc.found for loc in locations.values()):
        raise ResourceMissing(missing_message(locations, model_dir))
    return locations


def download_models(
    target_dir: str | os.PathLike[str] | None = None,
    *,
    directions: tuple[str, ...] = DIRECTIONS,
    model_ids: dict[str, str] | None = None,
    revision: str | None = None,
) -> dict[str, ModelLocation]:
    """Download the models (the only network path of the auditor).

    Into ``target_dir/<direction>/`` (with :data:`META_FILE` recording id and commit) when a
    directory is given, otherwise into the Hugging Face cache.
    """
    from huggingface_hub import HfApi, snapshot_download

    ids = dict(DEFAULT_MODEL_IDS, **(model_ids or {}))
    patterns = [
        "config.json",
        "generation_config.json",
        "*.spm",
        "vocab.json",
        "tokenizer_config.json",
        "model.safetensors",
        "pytorch_model.bin",
        "*.md",
        "LICENSE*",
    ]
    out: dict[str, ModelLocation] = {}
    for direction in directions:
        model_id = ids[direction]
        sha = HfApi().model_info(model_id, revision=revision).sha
        if target_dir:
            dest = Path(target_dir).expanduser() / direction
            dest.mkdir(parents=True, exist_ok=True)
            info = HfApi().model_info(model_id, revision=sha, files_metadata=False)
            names = {s.rfilename for s in (info.siblings or [])}
            pats = list(patterns)
            if "model.safetensors" in names:  # one weights format is enough
                pats.remove("pytorch_model.bin")
            snapshot_download(model_id, revision=sha, local_dir=str(dest), allow_patterns=pats)
            (dest / META_FILE).write_text(
                json.dumps({"model_id": model_id, "revision": sha}), encoding="utf-8"
            )
            out[direction] = _from_folder(Path(target_dir).expanduser(), direction, "model-dir")
        else:
            path = snapshot_download(model_id, revision=sha, allow_patterns=patterns)
            out[direction] = ModelLocation(direction, model_id, True, path, sha, "hf-cache", path)
    return out
