"""Measure the English request entries (detect/keyword/data/english_requests.jsonl) on the tuning halves.

Same definitions as scripts/build_starter_assets.py: benign_hits and harmful_hits are texts of the
tuning halves of bench/bench_starter_precision.py on which the entry fired; benign_rate is per
10,000 benign texts; precision = harmful rate / (harmful rate + benign rate). Writes the figures
into the file. Run: PYTHONPATH=src python bench/evasion/measure_english.py
"""

import json
import sys
from collections import Counter

sys.path.insert(0, "bench")
from bench_starter_precision import corpora

from beian.detect.keyword import KeywordDetector
from beian.library.io import load_keywords

PATH = "src/beian/detect/keyword/data/english_requests.jsonl"
entries = load_keywords(PATH)
kd = KeywordDetector(entries, evasion=False)
parts = corpora(tuning=True)
ben, harm = Counter(), Counter()
nb = nh = 0
for kind, texts in parts.values():
    found = kd.detect_batch(texts)
    for fs in found:
        terms = {f.why.split(";")[0].removeprefix("term ") for f in fs}
        (ben if kind == "benign" else harm).update(terms)
    if kind == "benign":
        nb += len(texts)
    else:
        nh += len(texts)
print("benign texts", nb, "harmful texts", nh, file=sys.stderr)
with open(PATH, encoding="utf-8") as fh:
    rows = [json.loads(line) for line in fh]
for r in rows:
    b, h = ben[r["term"]], harm[r["term"]]
    br, hr = b / nb * 10000, h / nh * 10000
    r["benign_hits"], r["benign_rate"], r["harmful_hits"] = b, round(br, 3), h
    if b or h:
        r["precision"] = round(hr / (hr + br), 3)
    print(r["term"], b, h, file=sys.stderr)
with open(PATH, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
