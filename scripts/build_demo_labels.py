"""Build the demo workspace's label samples (src/beian/demo/labels/), deterministically.

Three AI-generated samples labelled by beian (explicit + implicit) and one sample left without
any label, so that `beian assess` on the demo shows what a missing label looks like.
Run: python scripts/build_demo_labels.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from beian.label.fields import make_provider_code
from beian.label.model import AigcFields, LabelSpec
from beian.label.service import Writers, label_file

OUT = Path(__file__).resolve().parents[1] / "src" / "beian" / "demo" / "labels"
# The USCC is the public example from GB 32100's documentation, not a real provider's.
PRODUCER = make_provider_code("91350100M000100Y43", service="10001")


def _image(path: Path, colour: tuple[int, int, int]) -> None:
    img = Image.new("RGB", (640, 400), colour)
    draw = ImageDraw.Draw(img)
    for i in range(0, 640, 40):
        draw.line([(i, 0), (640 - i, 400)], fill=(255, 255, 255), width=3)
    img.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    writers = Writers()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        _image(src / "poster.png", (30, 90, 160))
        (src / "article.md").write_text(
            "# 城市绿化建议\n\n多种植本地树种，合理规划绿地，提升居民生活质量。\n", encoding="utf-8"
        )
        (src / "answer.html").write_text(
            "<!doctype html><html><head><meta charset='utf-8'><title>回答</title></head>"
            "<body><p>建议每天适量运动，保持规律作息。</p></body></html>\n",
            encoding="utf-8",
        )
        for n, name in enumerate(("poster.png", "article.md", "answer.html"), start=1):
            fields = AigcFields(ContentProducer=PRODUCER, ProduceID=f"DEMO{n:04d}")
            label_file(src / name, OUT / name, LabelSpec(fields=fields, explicit=True), writers)
        _image(src / "unlabelled.png", (120, 60, 40))
        shutil.copy(src / "unlabelled.png", OUT / "unlabelled.png")


if __name__ == "__main__":
    main()
