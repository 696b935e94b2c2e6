"""One chat template for models whose own cannot render tool calls (SmolLM2, Idefics3, Qwen2.5-VL …):
ChatML turns, tools listed in the system turn, calls as `<tool_call>{json}</tool_call>` (Qwen's
convention), tool replies as user turns, images as the processor's image token. It is
prefix-preserving, as TRL's multi-turn GRPO requires, and parsed back by `RESPONSE_TEMPLATE`
(no `<think>` field: the trace keeps `<think>` open across a tool call, and a reasoning field
would swallow the call).
"""

from __future__ import annotations

import contextlib
import json

from flywheel.core.errors import FlywheelError

_CONTENT = (
    "{%- macro render(content) -%}{%- if content is string -%}{{ content }}{%- else -%}"
    "{%- for part in content -%}{%- if part.type == 'image' or 'image' in part -%}IMAGE_TOKEN"
    "{%- elif part.type == 'text' -%}{{ part.text }}{%- endif -%}{%- endfor -%}{%- endif -%}{%- endmacro -%}"
)
CHAT_TEMPLATE = _CONTENT + (
    "{%- if messages and messages[0].role == 'system' -%}{%- set system = render(messages[0].content) -%}"
    "{%- else -%}{%- set system = '' -%}{%- endif -%}"
    "{%- if tools -%}<|im_start|>system\n{{ system }}\n\n# Tools\n\nYou may call functions. Their signatures are "
    "within <tools></tools>:\n<tools>{%- for tool in tools %}\n{{ tool | tojson }}{%- endfor %}\n</tools>\n\n"
    "For each call, return a JSON object with the function name and arguments within <tool_call></tool_call>:\n"
    "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
    "{%- elif system -%}<|im_start|>system\n{{ system }}<|im_end|>\n{%- endif -%}"
    "{%- for message in messages -%}"
    "{%- if message.role == 'system' -%}"
    "{%- elif message.role == 'tool' -%}<|im_start|>user\n<tool_response>\n{{ render(message.content) }}\n"
    "</tool_response><|im_end|>\n"
    "{%- else -%}<|im_start|>{{ message.role }}\n{{ render(message.content) if message.content else '' }}"
    "{%- for call in message.tool_calls or [] -%}{%- set fn = call.function if call.function is defined else call -%}"
    "<tool_call>\n{{ {'name': fn.name, 'arguments': fn.arguments} | tojson }}\n</tool_call>{%- endfor -%}"
    "<|im_end|>\n{%- endif -%}{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|im_start|>assistant{{ '\\n' }}{%- endif -%}"
).replace("<|im_end|>\n{%-", "<|im_end|>{{ '\\n' }}{%-")  # `{%-` would eat the newline ChatML keeps
RESPONSE_TEMPLATE = {
    "defaults": {"role": "assistant"},
    "start_anchor": "<|im_start|>assistant\n",
    "fields": {
        "tool_calls": {"open": "<tool_call>", "close_pattern": r"</tool_call>\s*", "repeats": True, "content": "json",
                       "transform": {"type": "function", "function": "{content}"}},
        "content": {"close_pattern": r"<\|im_end\|>\s*", "content": "text"},
    },
}


def prepare_chat(processing_class):
    """Give the processing class a tool-capable template and a response parser, keeping the model's own
    where it already renders tool calls. Raises a user error for tokenizers without ChatML tokens."""
    from transformers import ProcessorMixin
    from trl.chat_template_utils import add_response_schema, supports_tool_calling

    tokenizer = processing_class.tokenizer if isinstance(processing_class, ProcessorMixin) else processing_class
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if processing_class.chat_template and _renders_tools(processing_class, supports_tool_calling):
        with contextlib.suppress(ValueError):  # a template TRL does not know: its own parser, if any, is used
            add_response_schema(processing_class)
        return processing_class
    if "<|im_start|>" not in tokenizer.get_vocab():
        raise FlywheelError("the model's chat template cannot render tool calls and its tokenizer has no ChatML "
                            "tokens (<|im_start|>) for flywheel's own template; use a tool-capable model")
    image_token = getattr(processing_class, "image_token", None) or "<image>"
    if "<|vision_start|>" in tokenizer.get_vocab():  # Qwen-VL family: the vision markers wrap the pad token
        image_token = "<|vision_start|><|image_pad|><|vision_end|>"
    template = CHAT_TEMPLATE.replace("IMAGE_TOKEN", image_token)
    processing_class.chat_template = template
    if processing_class is not tokenizer:
        tokenizer.chat_template = template
    tokenizer.response_template = RESPONSE_TEMPLATE
    return processing_class


def _renders_tools(processing_class, check) -> bool:
    try:
        return bool(check(processing_class))
    except Exception:  # noqa: BLE001 - a template that fails on a tool conversation cannot render one
        return False


def with_default_tools(template: str, tools: list[dict]) -> str:
    """`template`, rendering `tools` whenever the caller passes none. TRL's vision SFT collator never
    passes a dataset's `tools` column to the template; without this the system turn a VLM is
    fine-tuned on would lack the tool list its GRPO prompts carry."""
    return "{%- if not tools -%}{%- set tools = " + json.dumps(tools) + " -%}{%- endif -%}" + template
