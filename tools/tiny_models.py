"""Random tiny models for the training tests and offline demos, built from SmolLM2's tokenizer.

    python tools/tiny_models.py tiny-vlm        # prints the model directory, for `--model DIR`
    python tools/tiny_models.py tiny-smolvlm

* `tiny-vlm` — a randomly initialised LLaVA (2-layer CLIP tower on 56 px images, 2-layer Llama) with
  a locally built processor: enough to prove SFT with images, GRPO on image prompts, and
  tool-returned images fed back into GRPO's rollouts and forward pass;
* `tiny-smolvlm` — the same idea in the Idefics3 (SmolVLM) layout, whose tool replies stay text
  (see `flywheel.train.models.tool_images_supported`).

They live here, not in the package: nobody trains a random model for its own sake. Each is built
once per machine into `flywheel.train.models.cache_dir()`; the package itself only builds
`local:smollm2-135m`, whose tokenizer these reuse.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flywheel.train.models import cache_dir, save_model, smollm2


def text_config(tok) -> dict:
    """A 2-layer Llama sized for tests, on SmolLM2's tokenizer (with the image tokens added)."""
    return {"model_type": "llama", "vocab_size": len(tok), "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
            "max_position_embeddings": 4096, "bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id,
            "pad_token_id": tok.pad_token_id}


def _tokenizer_with(tokens: list[str]):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(smollm2())
    tok.add_special_tokens({"additional_special_tokens": tokens})
    return tok


def tiny_vlm() -> Path:
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
        vision_feature_layer=-1, text_config=text_config(tok),
        vision_config={"model_type": "clip_vision_model", "hidden_size": 32, "intermediate_size": 64,
                       "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 56, "patch_size": 14},
    )
    torch.manual_seed(0)
    save_model(out, LlavaForConditionalGeneration(config), proc)
    return out


def tiny_smolvlm() -> Path:
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
        image_token_id=tok.convert_tokens_to_ids("<image>"), scale_factor=2, text_config=text_config(tok),
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "image_size": 64, "patch_size": 16},
    )
    torch.manual_seed(0)
    save_model(out, Idefics3ForConditionalGeneration(config), proc)
    return out


BUILDERS = {"tiny-vlm": tiny_vlm, "tiny-smolvlm": tiny_smolvlm}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python tools/tiny_models.py", description=__doc__.split("\n")[0])
    ap.add_argument("model", choices=sorted(BUILDERS), help="which tiny model to build (once; then cached)")
    print(BUILDERS[ap.parse_args(argv).model]())


if __name__ == "__main__":
    main()
