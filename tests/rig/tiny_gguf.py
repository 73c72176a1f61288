"""The tiny Llama as a GGUF file, for llama.cpp's server: converted offline from the generated model directory.

llama.cpp's own `convert_hf_to_gguf.py` identifies a BPE tokenizer by hashing how it splits a fixed text and
refuses one it does not know ("BPE pre-tokenizer was not recognized"): the tiny model's tokenizer, trained
here, is in no such list. So this writes the same file the converter would for a Llama with a GPT-2-style
byte-level BPE, with the `gguf` package (llama.cpp's own writer, from PyPI):

- architecture `llama`, hyperparameters from config.json; all tensors float32 (the weights are float32);
- q_proj / k_proj permuted back to the rotary layout llama.cpp expects (as the converter's `LlamaModel.permute`);
- tokenizer model `gpt2`, pre-tokenizer `gpt-2` (the regex of `tokenizers`' ByteLevel pre-tokenizer, which
  the tiny tokenizer uses), the vocabulary and merges from tokenizer.json, added tokens typed CONTROL;
- bos / eos / eot / eom / pad ids and the chat template from the model's tokenizer_config.json.

The file goes next to the model directory, `<cache>/<model-dir-name>-<key>.gguf`, where the key hashes this
converter's version and the `gguf` version: an unchanged model and converter reuse it (it takes about a second).

    from tests.rig.tiny_gguf import ensure_gguf
    path = ensure_gguf(ensure_model())
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

CONVERTER_VERSION = 2  # bump when the code below changes what is written
PRE_TOKENIZER = "gpt-2"


def gguf_path(model_dir: Path | str) -> Path:
    """Where `ensure_gguf` writes the GGUF of `model_dir` (next to it, keyed by converter and `gguf` version)."""
    import gguf

    model_dir = Path(model_dir)
    version = getattr(gguf, "__version__", None) or _dist_version("gguf")
    key = hashlib.sha256(json.dumps([CONVERTER_VERSION, version]).encode()).hexdigest()[:8]
    return model_dir.parent / f"{model_dir.name}-{key}.gguf"


def ensure_gguf(model_dir: Path | str) -> Path:
    """Return the GGUF file for `model_dir`, converting it first when there is no current copy.

    Safe for concurrent callers: each writes a private temporary file and renames it into place.
    """
    model_dir = Path(model_dir)
    target = gguf_path(model_dir)
    if target.is_file():
        return target
    fd, staging = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        convert(model_dir, Path(staging))
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target


def convert(model_dir: Path, out: Path) -> None:
    """Write the Llama in `model_dir` (config.json, model.safetensors, tokenizer files) to `out` as GGUF."""
    import gguf
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "llama":
        raise ValueError(f"{model_dir}/config.json: model_type {config.get('model_type')!r}; this converter writes Llama only")
    n_layers = config["num_hidden_layers"]
    n_head = config["num_attention_heads"]
    n_kv_head = config.get("num_key_value_heads", n_head)
    head_dim = config["hidden_size"] // n_head

    writer = gguf.GGUFWriter(str(out), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.LLAMA])
    writer.add_name(model_dir.name)
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_block_count(n_layers)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv_head)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(_rope_theta(config))
    writer.add_layer_norm_rms_eps(float(config["rms_norm_eps"]))
    writer.add_vocab_size(config["vocab_size"])
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)

    _add_tokenizer(writer, model_dir, config["vocab_size"])

    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, n_layers)
    for name, data in sorted(load_file(str(model_dir / "model.safetensors")).items()):
        if name.endswith("rotary_emb.inv_freq"):
            continue
        if name.endswith("q_proj.weight"):
            data = _permute(data, n_head)
        elif name.endswith("k_proj.weight"):
            data = _permute(data, n_kv_head)
        new_name = names.get_name(name, try_suffixes=(".weight", ".bias"))
        if new_name is None:
            raise ValueError(f"{model_dir}/model.safetensors: no GGUF name for tensor {name!r}")
        writer.add_tensor(new_name, data.astype("float32"))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _rope_theta(config: dict) -> float:
    """transformers >= 5 keeps it under rope_parameters; older versions at the top level."""
    nested = config.get("rope_parameters") or {}
    return float(nested.get("rope_theta") or config.get("rope_theta") or 10000.0)


def _permute(weights, n_head: int):
    """HF's rotary layout (halves) -> llama.cpp's (interleaved pairs), as convert_hf_to_gguf's LlamaModel.permute."""
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2)
            .reshape(weights.shape))


def _add_tokenizer(writer, model_dir: Path, vocab_size: int) -> None:
    import gguf

    tokenizer = json.loads((model_dir / "tokenizer.json").read_text())
    model = tokenizer["model"]
    if model.get("type") != "BPE":
        raise ValueError(f"{model_dir}/tokenizer.json: a {model.get('type')} tokenizer; this converter writes BPE only")
    by_id = {i: t for t, i in model["vocab"].items()}
    added = {t["id"]: t for t in tokenizer.get("added_tokens", [])}
    by_id.update({i: t["content"] for i, t in added.items()})
    tokens, types = [], []
    for i in range(vocab_size):
        if i not in by_id:  # a vocabulary padded past the tokenizer: llama.cpp wants a name for every id
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
        else:
            tokens.append(by_id[i])
            types.append(gguf.TokenType.CONTROL if added.get(i, {}).get("special") else gguf.TokenType.NORMAL)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(PRE_TOKENIZER)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    # merges, bos/eos/pad ids and the chat template, read the way llama.cpp's converter reads them
    gguf.SpecialVocab(model_dir, load_merges=True, n_vocab=vocab_size).add_to_gguf(writer, quiet=True)
    for name, add in (("<|eot_id|>", writer.add_eot_token_id), ("<|eom_id|>", writer.add_eom_token_id)):
        if name in model["vocab"] or any(t["content"] == name for t in added.values()):
            add(next(i for i, t in by_id.items() if t == name))


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)
