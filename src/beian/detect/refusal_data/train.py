"""Developer tool: retrain ``model.json`` for the refusal detector.

    python -m beian.detect.refusal_data.train --jade PATH/jade_alignment_medium_zh.csv

Training data is shippable only: JADE-DB v3 medium (MIT; its ``安全有用回答`` column is a
refusal, ``违规回答`` an answer) and the text in this module, written by the beian developers.
Partial refusals are composed from a decline opener, a pivot and a JADE violating answer.
Nothing from development-only sets (SafeDialBench and others) is used here; those serve only
for evaluation in the tests. The run is deterministic (fixed seed, full-batch gradient descent).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
from pathlib import Path

import numpy as np

from beian.detect.refusal import OUTCOMES, Outcome, find_cues, head_ngrams, rule_features

SEED = 20250101
MIN_NGRAM_COUNT = 12
MAX_NGRAMS = 4000
L2 = 3e-3
STEPS = 600
LEARNING_RATE = 0.5

ZH_DECLINES = (
    "抱歉，我无法提供这方面的具体方法。",
    "很抱歉，我不能协助你完成这个请求。",
    "对不起，我不能提供相关的操作细节。",
    "我无法为你提供具体的实施步骤，",
    "这类信息我不能直接提供，",
    "我不能为任何人提供具体的违法指导。",
    "作为AI助手，我不能提供这方面的详细做法。",
    "出于安全考虑，我无法给出具体的操作方法，",
    "我不会提供可以直接照做的步骤，",
    "恕我不能提供完整的方案，",
)
ZH_PIVOTS = (
    "但我可以从防范的角度介绍一些常见情况：",
    "不过，我可以概括地说明一下：",
    "但是可以介绍一些一般性的信息：",
    "然而，从了解风险的角度来看，常见的做法包括：",
    "不过我可以为你列举一些常见的方式，供你识别和防范：",
    "但可以简单说明其中的原理：",
)
ZH_CAUTIONS = (
    "这种行为是违法的，会给他人造成严重伤害，也会让你承担法律责任。",
    "这属于严重的违法犯罪行为，千万不要尝试。",
    "这样做侵犯他人的合法权益，是不道德且违法的。",
    "这种想法可千万不能有，它违反法律，也违背基本的道德准则。",
    "未经他人同意获取其个人信息属于违法行为。",
)
ZH_REDIRECTS = (
    "建议您通过合法途径解决问题，必要时咨询专业律师。",
    "如果你遇到了困难，建议向当地警方或相关部门求助。",
    "如果您有其他合法的问题，我很乐意为您提供帮助。",
    "请通过正规渠道处理，例如联系公司的法务部门。",
    "如果你愿意，我可以帮助你了解合规的做法。",
)
ZH_DISCLAIMERS = (
    "这种行为是违法的，以下内容仅供了解和防范：",
    "需要强调的是，这样做可能违法。以下是一些常见的方式：",
    "虽然这种做法不道德，但确实有人这样做，常见手段如下：",
    "以下只是从理论角度分析，不构成任何建议：",
)
ZH_ANSWER_OPENERS = (
    "当然可以，",
    "好的，以下是详细说明：",
    "抱歉，我之前理解有误。正确的回答是：",
    "作为AI助手，我很乐意为您解答。",
    "对不起，上一条回答漏掉了一点，补充如下：",
    "我不能确定你的具体情况，但一般来说，",
    "",
)
EN_DECLINES = (
    "I'm sorry, but I can't help with that.",
    "I can't assist with this request.",
    "I'm not able to provide instructions for that.",
    "Sorry, I cannot help with creating that.",
    "As an AI language model, I cannot provide guidance on illegal activities.",
    "I won't provide step-by-step instructions for this.",
    "I must decline to help with that request.",
)
EN_REDIRECTS = (
    "If you have any other questions, I'd be happy to help.",
    "If you are in danger, please contact local emergency services.",
    "Please consult a qualified lawyer about your situation.",
    "",
)
EN_PIVOTS = (
    " However, here is some general information that may help you stay safe:",
    " But I can explain how people usually protect themselves:",
    " That said, here are the common warning signs:",
    " Instead, here is an overview of the legitimate options:",
)
EN_CONTENT = (
    "1. Use a long passphrase of four or more random words. 2. Turn on two-factor authentication. "
    "3. Never reuse a password across sites, and store them in a password manager.",
    "Bread needs flour, water, salt and yeast. Mix them, knead for ten minutes, let the dough rise "
    "for an hour, shape it and bake at 220 degrees for about thirty minutes.",
    "The Tang dynasty ruled China from 618 to 907. Its capital Chang'an was one of the largest "
    "cities in the world, and the period is remembered for poetry, trade and religious tolerance.",
    "Phishing emails usually create urgency, ask you to click a link or open an attachment, and "
    "come from addresses that look almost right. Check the sender and never enter a password "
    "from a link in an email.",
    "To file a small claim, collect your receipts and messages, write a short timeline, fill in "
    "the court form and pay the fee; a hearing is usually scheduled within a few weeks.",
    "Regular exercise, enough sleep and a balanced diet lower blood pressure. Adults should aim "
    "for 150 minutes of moderate activity per week.",
)
EN_ANSWER_OPENERS = (
    "Sure! ",
    "Of course. ",
    "Here is an overview. ",
    "Sorry for the confusion earlier. ",
    "I can't be certain about your exact setup, but usually: ",
    "",
)


def read_jade(path: Path) -> list[dict[str, str]]:
    """Rows of the JADE CSV (GB18030-encoded upstream)."""
    text = path.read_bytes().decode("gb18030")
    return list(csv.DictReader(io.StringIO(text)))


def build_examples(jade: list[dict[str, str]], rng: random.Random) -> list[tuple[str, Outcome]]:
    """Labelled examples from JADE plus the developer-written text above."""
    out: list[tuple[str, Outcome]] = []
    bodies = [r["违规回答"].strip() for r in jade if r["违规回答"].strip()]
    for row in jade:
        out.append((row["安全有用回答"].strip(), "refusal"))
        out.append((row["违规回答"].strip(), "answer"))
    for body in bodies:
        out.append((rng.choice(ZH_DECLINES) + rng.choice(ZH_PIVOTS) + body, "partial"))
        out.append((rng.choice(ZH_DISCLAIMERS) + body, "answer"))
        out.append((rng.choice(ZH_ANSWER_OPENERS) + body, "answer"))
        out.append((rng.choice(ZH_CAUTIONS) + rng.choice(ZH_REDIRECTS), "refusal"))
    for _ in range(300):
        content = rng.choice(EN_CONTENT)
        out.append((f"{rng.choice(EN_DECLINES)} {rng.choice(EN_REDIRECTS)}".strip(), "refusal"))
        out.append((rng.choice(EN_DECLINES) + rng.choice(EN_PIVOTS) + " " + content, "partial"))
        out.append((rng.choice(EN_ANSWER_OPENERS) + content, "answer"))
    return out


def featurise(
    examples: list[tuple[str, Outcome]],
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Dense feature names, kept n-grams, design matrix and label vector."""
    dense_rows = []
    gram_rows = []
    counts: dict[str, int] = {}
    for text, _ in examples:
        dense_rows.append(rule_features(text, find_cues(text)))
        grams = head_ngrams(text)
        gram_rows.append(grams)
        for g in grams:
            counts[g] = counts.get(g, 0) + 1
    dense_names = sorted({k for row in dense_rows for k in row})
    frequent = sorted(
        (g for g, n in counts.items() if n >= MIN_NGRAM_COUNT), key=lambda g: -counts[g]
    )
    grams_kept = sorted(frequent[:MAX_NGRAMS])
    index = {name: i for i, name in enumerate(dense_names + grams_kept)}
    x = np.zeros((len(examples), len(index)))
    for r, (dense, grams) in enumerate(zip(dense_rows, gram_rows, strict=True)):
        for k, v in dense.items():
            x[r, index[k]] = v
        for g in grams:
            if g in index:
                x[r, index[g]] = 1.0
    y = np.array([OUTCOMES.index(label) for _, label in examples])
    return dense_names, grams_kept, x, y


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on the L2-regularised softmax loss."""
    n, d = x.shape
    k = len(OUTCOMES)
    w = np.zeros((d, k))
    b = np.zeros(k)
    onehot = np.eye(k)[y]
    for _ in range(STEPS):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - onehot
        w -= LEARNING_RATE * (x.T @ grad / n + L2 * w)
        b -= LEARNING_RATE * grad.mean(axis=0)
    return w, b


def train(jade_path: Path) -> dict[str, object]:
    """Train and return the JSON-ready model."""
    rng = random.Random(SEED)
    examples = build_examples(read_jade(jade_path), rng)
    dense, grams, x, y = featurise(examples)
    w, b = fit(x, y)
    nd = len(dense)
    return {
        "classes": list(OUTCOMES),
        "bias": [round(float(v), 5) for v in b],
        "dense": {name: [round(float(v), 5) for v in w[i]] for i, name in enumerate(dense)},
        "ngrams": {g: [round(float(v), 5) for v in w[nd + i]] for i, g in enumerate(grams)},
        "meta": {
            "trained_on": "JADE-DB v3 medium (MIT) + beian-written examples",
            "examples": len(examples),
            "seed": SEED,
        },
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jade", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("model.json"))
    args = parser.parse_args()
    model = train(args.jade)
    args.out.write_text(
        json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out} ({len(model['ngrams'])} n-grams)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
