"""The real trainers on the exported files: TRL's DPOTrainer, KTOTrainer and SFTTrainer take
2 steps each on the bundle's training files, on a tiny randomly initialised Llama built
here (with a byte-level BPE tokenizer trained here on the files' own text).

Everything is offline (HF_HUB_OFFLINE=1; nothing comes from a hub) and on the CPU. The
files are loaded exactly as the bundle's README says: ``load_dataset("json", data_files=
{"train": …/train.jsonl, "validation": …/validation.jsonl})``, extra ``metadata`` column
included. Versions: the pins of the ``test`` extra (torch, transformers, trl, datasets).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

# Before any Hugging Face import: never reach for a hub (the constants are read at import).
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

torch = pytest.importorskip("torch")
trl = pytest.importorskip("trl")
transformers = pytest.importorskip("transformers")
datasets = pytest.importorskip("datasets")

from align_studio.exchange.bundle import build_bundle_files, export_folder  # noqa: E402

SPEC = Path(__file__).resolve().parents[1] / "data" / "training" / "shop-help.yaml"
# the chat template of the tiny model (ChatML-like; TRL needs one for conversational data)
TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
            "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    files, _manifest, _warnings = build_bundle_files([SPEC])
    export_folder(files, folder)
    return folder / "engineers" / "training"


def _texts(training: Path) -> list[str]:
    out = []
    for f in sorted(training.rglob("*.jsonl")):
        out += [json.dumps(json.loads(line), ensure_ascii=False)
                for line in f.read_text("utf-8").splitlines()]
    return out


@pytest.fixture(scope="module")
def model_dir(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer Llama and its tokenizer, saved like a hub model."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from tokenizers import trainers as tok_trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(_texts(exported), tok_trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<pad>", "<s>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
        eos_token="<|im_end|>")
    tokenizer.chat_template = TEMPLATE
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-llama")
    transformers.LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _train(exported: Path, model_dir: Path, fmt: str, trainer_name: str,
           tmp_path: Path) -> tuple[Any, Any]:
    data = datasets.load_dataset("json", data_files={
        "train": str(exported / fmt / "train.jsonl"),
        "validation": str(exported / fmt / "validation.jsonl")})
    config_class = getattr(trl, f"{trainer_name}Config")
    trainer_class = getattr(trl, f"{trainer_name}Trainer")
    args = config_class(output_dir=str(tmp_path / fmt), max_steps=2,
                        per_device_train_batch_size=2, per_device_eval_batch_size=2,
                        use_cpu=True, report_to=[], save_strategy="no", logging_steps=1,
                        disable_tqdm=True, seed=0)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    trainer = trainer_class(model=str(model_dir), args=args, train_dataset=data["train"],
                            eval_dataset=data["validation"], processing_class=tokenizer)
    result = trainer.train()
    assert result.global_step == 2
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert len(losses) == 2 and all(math.isfinite(x) for x in losses)
    metrics = trainer.evaluate()  # the validation file loads and runs too
    assert math.isfinite(metrics["eval_loss"])
    return trainer, data


@pytest.mark.timeout(300)
def test_dpo_trainer_takes_two_steps(exported: Path, model_dir: Path, tmp_path: Path) -> None:
    trainer, data = _train(exported, model_dir, "dpo", "DPO", tmp_path)
    assert set(data["train"].column_names) == {"prompt", "chosen", "rejected", "metadata"}
    # what TRL trains toward is the accepted answer of the file's first row
    row = trainer.train_dataset[0]
    tok = trainer.processing_class
    assert "30 days of delivery" in tok.decode(row["chosen_ids"])
    assert "60 days" in tok.decode(row["rejected_ids"])


@pytest.mark.timeout(300)
def test_kto_trainer_takes_two_steps(exported: Path, model_dir: Path, tmp_path: Path) -> None:
    trainer, data = _train(exported, model_dir, "kto", "KTO", tmp_path)
    assert set(data["train"].column_names) == {"prompt", "completion", "label", "metadata"}
    assert trainer.train_dataset["label"] == data["train"]["label"]
    assert set(data["train"]["label"]) == {True, False}


@pytest.mark.timeout(300)
def test_sft_trainer_takes_two_steps(exported: Path, model_dir: Path, tmp_path: Path) -> None:
    _trainer, data = _train(exported, model_dir, "sft", "SFT", tmp_path)
    assert data["train"].column_names == ["messages"]  # OpenAI-compatible: provenance aside
