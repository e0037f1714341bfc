"""The PDF report: the HTML laid out by WeasyPrint on A4 pages, with a CJK font embedded.

The Chinese font is Noto Sans SC (SIL Open Font License 1.1), installed with beian as the
Python package ``pylopdf-fonts-zh-cn`` (its licence is in that package's ``dist-info``).
WeasyPrint gets it through an ``@font-face`` with a ``file:`` URL and every rule of the PDF
names only that family, so a PDF looks the same on every machine and a fresh machine with no
system CJK font still renders Chinese (no tofu). WeasyPrint itself needs Debian's Pango
(``libpango-1.0-0``, ``libpangoft2-1.0-0``); a missing piece is a :class:`PdfUnavailableError`
naming what to install.
"""

from __future__ import annotations

from pathlib import Path

from beian.errors import UserError
from beian.report.render.style import PAGE_CSS

FONT_FAMILY = "BeianCJK"
FONT_PACKAGE = "pylopdf-fonts-zh-cn"


class PdfUnavailableError(UserError):
    """The PDF cannot be written on this machine; the message says what to install."""


def bundled_font() -> Path:
    """Noto Sans SC from the font package beian depends on."""
    try:
        import pylopdf_fonts_zh_cn  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise PdfUnavailableError(
            f"the PDF report needs its Chinese font: pip install {FONT_PACKAGE}"
        ) from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise PdfUnavailableError(
            f"{path}: font file missing; reinstall it: pip install --force-reinstall {FONT_PACKAGE}"
        )
    return path


def find_cjk_font(font: Path | None = None) -> Path:
    """The font the PDF embeds: ``font`` when given (it must exist), else the bundled one.

    There is deliberately no fontconfig look-up: a system font would make the PDF depend on
    the machine it was written on.
    """
    if font is None:
        return bundled_font()
    if not font.is_file():
        raise PdfUnavailableError(f"{font}: no such font file")
    return font


def font_css(font: Path) -> str:
    """An ``@font-face`` that makes ``font`` the only family of every text of the page."""
    uri = font.resolve().as_uri()
    # ``!important`` on every element, and on the page's margin boxes (which match no element):
    # naming any other family, even a monospace one for hashes, would be a system font look-up.
    # Noto Sans SC covers Latin letters and digits too.
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{uri}"); }}\n'
        f'html, html * {{ font-family: "{FONT_FAMILY}" !important; }}\n'
        f'@page {{ font-family: "{FONT_FAMILY}"; }}\n'
    )


def pdf_css(font: Path) -> str:
    """Everything the PDF adds to the HTML's stylesheet: page rules and the embedded font."""
    return PAGE_CSS + font_css(font)


def svg_font(html: str) -> str:
    """``html`` with the report font named on every chart's ``<svg>`` element.

    WeasyPrint draws inline SVG with its own renderer, which does not take the font from the
    page's stylesheet: without this, chart labels fall back to whatever system font exists.
    """
    return html.replace('<svg class="chart', f'<svg font-family="{FONT_FAMILY}" class="chart')


def write_pdf(html: str, path: Path) -> Path:
    """Lay ``html`` (already carrying :func:`pdf_css`) out as a PDF at ``path``."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError:
        raise PdfUnavailableError(
            "the PDF report needs the Python package 'weasyprint': pip install weasyprint"
        ) from None
    except OSError as exc:  # WeasyPrint loads Pango through cffi at import time
        raise PdfUnavailableError(
            "the PDF report needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"({exc.__class__.__name__})"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    document = weasyprint.HTML(string=svg_font(html), base_url=str(path.parent))
    document.write_pdf(str(path))
    return path
