"""Loading MarianMT models and tokenizers (imports torch and transformers: run time only)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from auditor.errors import ResourceMissing
from auditor.resources.models import ModelLocation, install_commands

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A model direction ready to run: tokenizer, eager-attention model, device."""

    location: ModelLocation
    tokenizer: Any
    model: Any
    device: Any

    @property
    def name(self) -> str:
        return self.location.model_id

    @property
    def revision(self) -> str:
        return self.location.revision or "unknown"

    # -- the tokenizer's internals we rely on (checked in tests against tokenizer(...)) --
    @property
    def src_spm(self) -> Any:
        return self.tokenizer.spm_source

    @property
    def tgt_spm(self) -> Any:
        return self.tokenizer.spm_target

    @property
    def src_vocab(self) -> dict[str, int]:
        return self.tokenizer.encoder

    @property
    def tgt_vocab(self) -> dict[str, int]:
        return getattr(self.tokenizer, "target_encoder", None) or self.tokenizer.encoder

    @property
    def unk_id(self) -> int:
        return int(self.tokenizer.unk_token_id)

    @property
    def eos_id(self) -> int:
        return int(self.tokenizer.eos_token_id)

    @property
    def pad_id(self) -> int:
        return int(self.tokenizer.pad_token_id)

    @property
    def decoder_start_id(self) -> int:
        start = self.model.config.decoder_start_token_id
        return int(start if start is not None else self.pad_id)

    @property
    def max_len(self) -> int:
        return int(min(512, getattr(self.model.config, "max_position_embeddings", 512) or 512))


def pick_device(device: str = "auto") -> Any:
    import torch

    if device in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ResourceMissing(
            f"neural engine: device {device!r} requested but CUDA is not available (use --device cpu)"
        )
    return torch.device(device)


def set_threads(threads: int | None) -> None:
    """Set torch's intra-op threads (only when asked: never at import time)."""
    if threads:
        import torch

        torch.set_num_threads(int(threads))


def load_model(location: ModelLocation, device: Any, *, allow_download: bool = False) -> LoadedModel:
    """Load one direction. ``local_files_only=True`` unless downloads were explicitly allowed."""
    import warnings

    from transformers import MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    if not location.found or not location.path:
        raise ResourceMissing(
            f"neural engine: model {location.name} not found at {location.expected}\n"
            + "\n".join("  " + c for c in install_commands())
        )
    # Offline unless the user explicitly allowed a download of this hub model.
    local_only = not (allow_download and location.origin == "hub-download")
    kwargs: dict[str, Any] = {}
    if location.origin == "hub-download" and location.revision:
        kwargs["revision"] = location.revision
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            tokenizer = MarianTokenizer.from_pretrained(location.path, local_files_only=local_only, **kwargs)
        model = MarianMTModel.from_pretrained(
            location.path, local_files_only=local_only, attn_implementation="eager", **kwargs
        )
    except OSError as exc:
        raise ResourceMissing(
            f"neural engine: could not load {location.name} from {location.path}: {exc}\n"
            + "\n".join("  " + c for c in install_commands())
        ) from exc
    model.eval()
    model.to(device)
    if location.origin == "hub-download":
        import dataclasses

        commit = getattr(model.config, "_commit_hash", None)
        location = dataclasses.replace(location, revision=commit or location.revision)
    if os.environ.get("AUDITOR_DEBUG"):
        log.debug("loaded %s (%s) on %s", location.model_id, location.revision, device)
    return LoadedModel(location=location, tokenizer=tokenizer, model=model, device=device)
