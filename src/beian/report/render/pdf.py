"""The PDF report: the HTML laid out by WeasyPrint on A4 pages, with a CJK font embedded.

WeasyPrint needs Debian's Pango (``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a Chinese font
(``fonts-noto-cjk`` or ``fonts-wqy-microhei``). Both are looked up when a PDF is written, never
downloaded; a missing one is a :class:`PdfUnavailableError` naming the package to install.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from beian.errors import UserError
from beian.report.render.style import PAGE_CSS

FONT_FAMILY = "BeianCJK"
FONT_PACKAGES = "fonts-noto-cjk or fonts-wqy-microhei"
# Where Debian's CJK font packages put their files, best first.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class PdfUnavailableError(UserError):
    """The PDF cannot be written on this machine; the message says what to install."""


def find_cjk_font(candidates: tuple[str, ...] = CJK_FONT_FILES) -> Path:
    """A font file that covers Simplified Chinese: a known Debian path, else fontconfig's pick."""
    for name in candidates:
        if Path(name).is_file():
            return Path(name)
    fc_list = shutil.which("fc-list")
    if fc_list:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, check=False
        ).stdout
        files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
        if files:
            return Path(files[0])
    raise PdfUnavailableError(
        f"no Chinese font found for the PDF report: apt-get install {FONT_PACKAGES}"
    )


def font_css(font: Path) -> str:
    """An ``@font-face`` that makes ``font`` the first choice for every text of the page."""
    uri = font.resolve().as_uri()
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{uri}"); }}\n'
        f'body, svg.chart text {{ font-family: "{FONT_FAMILY}", sans-serif; }}\n'
        f'code, td.id, td.hash, .cid {{ font-family: "DejaVu Sans Mono", "{FONT_FAMILY}"; }}\n'
    )


def pdf_css(font: Path) -> str:
    """Everything the PDF adds to the HTML's stylesheet: page rules and the embedded font."""
    return PAGE_CSS + font_css(font)


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
    document = weasyprint.HTML(string=html, base_url=str(path.parent))
    document.write_pdf(str(path))
    return path
