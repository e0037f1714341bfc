"""Built-in label writers, one per media type (kind ``label_writer``).

Importing this module registers them; the registry imports it lazily from ``BUILTIN_MODULES``.
Heavy libraries (Pillow, mutagen, pypdf) load only when a writer is created.
"""

from __future__ import annotations

from collections.abc import Callable

from beian.label.carriers.riff import WavForm
from beian.label.media import DOCX, PPTX, XLSX
from beian.label.writer import LabelWriter, WriterOptions
from beian.registry import registry


class WavOptions(WriterOptions):
    """WAV writer options: which RIFF form holds the label."""

    carrier: WavForm = "list-info"
    """``list-info`` (read by ffprobe/ffmpeg), ``riff-chunk`` (top-level ``AIGC`` chunk, the
    PG-202510A form) or ``xmp`` (a ``_PMX`` packet, read by exiftool)."""


def _png(o: WriterOptions) -> LabelWriter:
    """PNG: tEXt AIGC chunk; explicit prompt drawn at a corner."""
    from beian.label.carriers.png import PngCarrier
    from beian.label.explicit.image import ImageExplicit

    return LabelWriter(
        "image/png", PngCarrier(), ImageExplicit("PNG", o.figures().min_glyph_ratio), o
    )


def _jpeg(o: WriterOptions) -> LabelWriter:
    """JPEG: APP1 XMP TC260:AIGC; explicit prompt drawn at a corner."""
    from beian.label.carriers.jpeg import JpegCarrier
    from beian.label.explicit.image import ImageExplicit

    return LabelWriter(
        "image/jpeg", JpegCarrier(), ImageExplicit("JPEG", o.figures().min_glyph_ratio), o
    )


def _webp(o: WriterOptions) -> LabelWriter:
    """WebP: XMP chunk TC260:AIGC; explicit prompt drawn at a corner."""
    from beian.label.carriers.webp import WebpCarrier
    from beian.label.explicit.image import ImageExplicit

    return LabelWriter(
        "image/webp", WebpCarrier(), ImageExplicit("WEBP", o.figures().min_glyph_ratio), o
    )


def _mp3(o: WriterOptions) -> LabelWriter:
    """MP3: ID3v2 TXXX AIGC; Morse-rhythm cue at the start (ffmpeg)."""
    from beian.label.carriers.mp3 import Mp3Carrier
    from beian.label.explicit.audio import AudioExplicit

    return LabelWriter("audio/mpeg", Mp3Carrier(), AudioExplicit("mp3"), o)


def _wav(o: WavOptions) -> LabelWriter:
    """WAV: LIST/INFO AIGC (or a RIFF AIGC chunk, or _PMX XMP); Morse-rhythm cue at the start."""
    from beian.label.carriers.riff import WavCarrier
    from beian.label.explicit.audio import AudioExplicit

    return LabelWriter("audio/wav", WavCarrier(o.carrier), AudioExplicit("wav"), o)


def _video(media_type: str) -> Callable[[WriterOptions], LabelWriter]:
    def factory(o: WriterOptions) -> LabelWriter:
        from beian.label.carriers.mp4 import Mp4Carrier
        from beian.label.explicit.video import VideoExplicit

        fig = o.figures()
        explicit = VideoExplicit(fig.min_glyph_ratio, fig.min_video_seconds)
        return LabelWriter(media_type, Mp4Carrier(), explicit, o)

    factory.__doc__ = f"{media_type}: moov/udta/meta keys AIGC (ffmpeg); opening-frame prompt."
    return factory


def _pdf(o: WriterOptions) -> LabelWriter:
    """PDF: Info dictionary /AIGC (incremental update); explicit wording detected in text."""
    from beian.label.carriers.pdf import PdfCarrier
    from beian.label.explicit.text import TextExplicit

    return LabelWriter("application/pdf", PdfCarrier(), TextExplicit("pdf"), o)


def _ooxml(media_type: str) -> Callable[[WriterOptions], LabelWriter]:
    def factory(o: WriterOptions) -> LabelWriter:
        from beian.label.carriers.ooxml import OoxmlCarrier
        from beian.label.explicit.text import TextExplicit

        return LabelWriter(media_type, OoxmlCarrier(), TextExplicit("ooxml"), o)

    factory.__doc__ = "OOXML: docProps/custom.xml property AIGC; explicit wording detected in text."
    return factory


def _markdown(o: WriterOptions) -> LabelWriter:
    """Markdown: front matter AIGC block; wording after the front matter."""
    from beian.label.carriers.markup import MarkdownCarrier
    from beian.label.explicit.text import TextExplicit

    return LabelWriter("text/markdown", MarkdownCarrier(), TextExplicit("markdown"), o)


def _html(o: WriterOptions) -> LabelWriter:
    """HTML: <meta name="AIGC">; wording paragraph at the start of <body>."""
    from beian.label.carriers.markup import HtmlCarrier
    from beian.label.explicit.text import TextExplicit

    return LabelWriter("text/html", HtmlCarrier(), TextExplicit("html"), o)


def _plain(o: WriterOptions) -> LabelWriter:
    """Plain text: explicit wording only (no metadata container)."""
    from beian.label.explicit.text import TextExplicit

    return LabelWriter("text/plain", None, TextExplicit("plain"), o)


_PILLOW = ("pillow",)
_WRITERS: tuple[
    tuple[str, Callable[..., LabelWriter], type[WriterOptions], tuple[str, ...]], ...
] = (
    ("image/png", _png, WriterOptions, _PILLOW),
    ("image/jpeg", _jpeg, WriterOptions, _PILLOW),
    ("image/webp", _webp, WriterOptions, _PILLOW),
    ("audio/mpeg", _mp3, WriterOptions, ("mutagen", "ffmpeg")),
    ("audio/wav", _wav, WavOptions, ()),
    ("video/mp4", _video("video/mp4"), WriterOptions, ("ffmpeg",)),
    ("video/quicktime", _video("video/quicktime"), WriterOptions, ("ffmpeg",)),
    ("application/pdf", _pdf, WriterOptions, ("pypdf",)),
    (DOCX, _ooxml(DOCX), WriterOptions, ()),
    (XLSX, _ooxml(XLSX), WriterOptions, ()),
    (PPTX, _ooxml(PPTX), WriterOptions, ()),
    ("text/markdown", _markdown, WriterOptions, ()),
    ("text/html", _html, WriterOptions, ()),
    ("text/plain", _plain, WriterOptions, ()),
)

for _name, _factory, _options, _requires in _WRITERS:
    registry.register(
        "label_writer", _name, version="1", options=_options, requires=_requires, languages=("zh",)
    )(_factory)
