"""How large one imported row's fields may be. A row over a limit is rejected with that reason and
never run: real samples are far smaller (a flywheel question is < 1,000 characters, its code a few
KB, its figure < 200 KB), and a file of huge rows must not take the importer's memory or the sandbox's time.

Kept apart from flywheel/io/importing.py (numpy, pyarrow, PIL) so `flywheel import --help` can name them.
"""

from __future__ import annotations

MAX_LABEL_CHARS = 256  # id, knowledge_id, domain, generator
MAX_QUESTION_CHARS = 20_000
MAX_ANSWER_CHARS = 1_000
MAX_CODE_CHARS = 200_000  # original_img_code, tool_code
MAX_TRACE_CHARS = 400_000  # CoT_with_code: the tool code and the reasoning around it
MAX_IMAGE_BYTES = 10_000_000  # image, edited_image: the encoded PNG
MAX_IMAGE_PIXELS = 4096 * 4096  # any figure, stored or re-rendered: checked before it is decoded

TEXT_LIMITS = {
    "id": MAX_LABEL_CHARS, "question": MAX_QUESTION_CHARS, "answer": MAX_ANSWER_CHARS,
    "original_img_code": MAX_CODE_CHARS, "tool_code": MAX_CODE_CHARS, "python_code": MAX_CODE_CHARS,
    "CoT_with_code": MAX_TRACE_CHARS,
    "knowledge_id": MAX_LABEL_CHARS, "domain": MAX_LABEL_CHARS, "generator": MAX_LABEL_CHARS,
}


def limits_help() -> str:
    return (f"Rows over a size limit are rejected without being run: question {MAX_QUESTION_CHARS:,} characters, "
            f"answer {MAX_ANSWER_CHARS:,}, original_img_code, tool_code and python_code {MAX_CODE_CHARS:,} each, CoT_with_code "
            f"{MAX_TRACE_CHARS:,}, id, knowledge_id, domain and generator {MAX_LABEL_CHARS:,}; images {MAX_IMAGE_BYTES:,} bytes and "
            f"{MAX_IMAGE_PIXELS:,} pixels.")
