"""A tiny random-weight Llama with a real tokenizer and a Llama-3.1-style chat template, generated locally.

No model hub is needed: the weights come from a seeded `LlamaForCausalLM`, the tokenizer is a byte-level BPE
trained with `tokenizers` on Python's own standard library sources. The answers are noise, but everything
around them is real: vLLM loads the model, renders the chat template (system, developer, user, assistant with
tool calls, tool results, tool definitions), tokenizes, samples, parses tool calls with `llama3_json`, and
enforces structured outputs.

The model is written to `<cache_dir>/tiny-llama-<key>/`, where the key hashes every generator parameter, the
chat template, the training corpus and the library versions that shape the files; a changed generator
regenerates, an unchanged one is reused (about 5 s to build, well under 1 MB of weights).

    from tests.rig.tiny_llama import ensure_model
    model_dir = ensure_model(Path(".cache"))
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sysconfig
import tempfile
from pathlib import Path

GENERATOR_VERSION = 3  # bump when the code below changes what is written

# head_dim = hidden_size / num_attention_heads must be 64: vLLM's CPU attention rejects smaller heads.
MODEL_PARAMS = {
    "vocab_size": 2048,
    "hidden_size": 128,
    "intermediate_size": 256,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "max_position_embeddings": 2048,
    "rope_theta": 500000.0,
    "rms_norm_eps": 1e-5,
    "tie_word_embeddings": False,
    "seed": 1234,
}

SPECIAL_TOKENS = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|python_tag|>",
    "<|finetune_right_pad_id|>",
]
BOS, EOS, EOT, EOM = "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|eom_id|>"

# Standard-library modules present in every CPython >= 3.11: English docstrings, code, JSON-ish punctuation.
CORPUS_MODULES = (
    "argparse.py",
    "textwrap.py",
    "string.py",
    "difflib.py",
    "csv.py",
    "json/__init__.py",
    "json/decoder.py",
    "json/encoder.py",
    "dataclasses.py",
    "enum.py",
    "functools.py",
    "shlex.py",
    "calendar.py",
)

# Llama 3.1 JSON tool-calling style (as vLLM's examples/tool_chat_template_llama3.1_json.jinja), extended:
# `developer` renders as a system turn, several system/developer turns are kept in order, content may be a
# string or a list of text parts, tool results may be strings or JSON values, and assistant tool calls are
# rendered as `<|python_tag|>{"name": ..., "parameters": ...}` so that `--tool-call-parser llama3_json` reads
# back what the template writes.
CHAT_TEMPLATE = r"""{%- macro text(content) -%}
{%- if content is string -%}{{ content }}
{%- elif content is mapping -%}{{ content | tojson }}
{%- elif content is iterable -%}{%- for part in content -%}{%- if part is string -%}{{ part }}{%- elif part.type == 'text' -%}{{ part.text }}{%- endif -%}{%- endfor -%}
{%- elif content is not none -%}{{ content }}
{%- endif -%}
{%- endmacro -%}
{{- bos_token }}
{%- if tools is defined and tools %}
{{- '<|start_header_id|>system<|end_header_id|>\n\n' }}
{{- 'Environment: ipython\n' }}
{{- 'You have access to the following functions. To call a function, respond with a JSON object '
    'of the form {"name": function name, "parameters": dictionary of argument name and its value}. '
    'Do not use variables.\n\n' }}
{%- for tool in tools %}
{{- (tool.function if tool.function is defined else tool) | tojson(indent=4) }}
{{- '\n\n' }}
{%- endfor %}
{{- '<|eot_id|>' }}
{%- endif %}
{%- for message in messages %}
{%- set role = message.role %}
{%- if role == 'developer' %}{%- set role = 'system' %}{%- endif %}
{%- if role == 'tool' or role == 'function' %}{%- set role = 'ipython' %}{%- endif %}
{{- '<|start_header_id|>' + role + '<|end_header_id|>\n\n' }}
{%- if message.role == 'assistant' and message.tool_calls is defined and message.tool_calls %}
{%- if message.content %}{{- text(message.content) }}{%- endif %}
{{- '<|python_tag|>' }}
{%- for call in message.tool_calls %}
{%- set fn = call.function if call.function is defined else call %}
{%- set arguments = fn.arguments %}
{{- '{"name": ' + (fn.name | tojson) + ', "parameters": ' }}
{%- if arguments is string %}{{- arguments }}{%- else %}{{- arguments | tojson }}{%- endif %}
{{- '}' }}
{%- if not loop.last %}{{- '; ' }}{%- endif %}
{%- endfor %}
{{- '<|eom_id|>' }}
{%- else %}
{{- text(message.content) }}
{{- '<|eot_id|>' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""


def corpus_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [stdlib / name for name in CORPUS_MODULES if (stdlib / name).is_file()]
    if len(files) < 5:
        raise RuntimeError(f"tiny-llama: the Python standard library sources under {stdlib} are missing; "
                           "the tokenizer is trained on them (install the python3 stdlib sources)")
    return files


def cache_key() -> str:
    """A hash of everything that shapes the generated files."""
    import tokenizers
    import transformers

    h = hashlib.sha256()
    h.update(json.dumps({"version": GENERATOR_VERSION, "params": MODEL_PARAMS, "special": SPECIAL_TOKENS,
                         "template": CHAT_TEMPLATE, "tokenizers": tokenizers.__version__,
                         "transformers": transformers.__version__}, sort_keys=True).encode())
    for path in corpus_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def default_cache_dir() -> Path:
    """$MIGRATE_TEST_CACHE, else `.cache/` at the repository root (gitignored)."""
    env = os.environ.get("MIGRATE_TEST_CACHE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".cache"


def ensure_model(cache_dir: Path | str | None = None) -> Path:
    """Return the directory of the tiny Llama, generating it first if the cache has no current copy.

    Safe to call from several processes at once: each builds in a private temporary directory and the first
    to finish renames it into place.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache_dir / f"tiny-llama-{cache_key()}"
    if (target / ".complete").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tiny-llama-building-", dir=cache_dir))
    try:
        _build(staging)
        (staging / ".complete").write_text("ok\n")
        try:
            staging.rename(target)
        except OSError:
            if not (target / ".complete").is_file():  # someone else's half-built copy: replace it
                shutil.rmtree(target, ignore_errors=True)
                staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _build(out: Path) -> None:
    tokenizer = _train_tokenizer()
    _save_tokenizer(tokenizer, out)
    _save_model(out, bos_id=tokenizer.token_to_id(BOS), eos_ids=[tokenizer.token_to_id(t) for t in (EOT, EOM, EOS)])


def _train_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=MODEL_PARAMS["vocab_size"],
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    texts = [path.read_text(encoding="utf-8") for path in corpus_files()]
    tokenizer.train_from_iterator(texts, trainer=trainer, length=len(texts))
    return tokenizer


def _save_tokenizer(tokenizer, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=BOS,
        eos_token=EOT,
        pad_token="<|finetune_right_pad_id|>",
        model_max_length=MODEL_PARAMS["max_position_embeddings"],
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(str(out))
    # Some readers look for the template only in tokenizer_config.json: keep it there as well.
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["chat_template"] = CHAT_TEMPLATE
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False))


def _save_model(out: Path, *, bos_id: int, eos_ids: list[int]) -> None:
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    params = dict(MODEL_PARAMS)
    seed = params.pop("seed")
    config = LlamaConfig(**params, bos_token_id=bos_id, eos_token_id=eos_ids, torch_dtype="float32")
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.save_pretrained(str(out), safe_serialization=True)
    GenerationConfig(bos_token_id=bos_id, eos_token_id=eos_ids).save_pretrained(str(out))
