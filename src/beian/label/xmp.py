"""The XMP form of the implicit label: ``TC260:AIGC`` holding the Annex E JSON.

Namespace ``http://www.tc260.org.cn/ns/AIGC/1.0/`` as published by Chinese AI products
(REGULATION.md §5.2, G-XMP). Both the element form (``<TC260:AIGC>{...}</TC260:AIGC>``) and the
attribute form (``TC260:AIGC="{...}"`` on ``rdf:Description``) are read; beian writes the
element form. Existing packets are merged, not replaced, so other XMP properties survive.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from beian.label.carriers.base import FormatError

TC260_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
BEIAN_NS = "urn:beian:label:1.0"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X_NS = "adobe:ns:meta/"
_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
_TRAILER = '<?xpacket end="w"?>'
_AIGC_RE = re.compile(r"<([\w.-]+:)?AIGC\b[^>]*>(.*?)</([\w.-]+:)?AIGC>", re.S)

for _prefix, _uri in (("TC260", TC260_NS), ("beian", BEIAN_NS), ("rdf", RDF_NS), ("x", X_NS)):
    ET.register_namespace(_prefix, _uri)


class XmpError(FormatError):
    """The XMP packet is not well-formed XML."""


def packet(payload: str | None, extras: dict[str, str] | None = None) -> str:
    """A fresh XMP packet holding only the AIGC label (if any) and beian's own ``extras``."""
    extra = "".join(f"<beian:{k}>{escape(v)}</beian:{k}>" for k, v in (extras or {}).items())
    label = f"<TC260:AIGC>{escape(payload)}</TC260:AIGC>" if payload is not None else ""
    return (
        f'{_HEADER}<x:xmpmeta xmlns:x="{X_NS}"><rdf:RDF xmlns:rdf="{RDF_NS}">'
        f'<rdf:Description rdf:about="" xmlns:TC260="{TC260_NS}" xmlns:beian="{BEIAN_NS}">'
        f"{label}{extra}"
        f"</rdf:Description></rdf:RDF></x:xmpmeta>{_TRAILER}"
    )


def _parse(text: str) -> ET.Element:
    body = re.sub(r"<\?xpacket[^>]*\?>", "", text).strip().lstrip("\ufeff")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise XmpError(f"XMP packet is not well-formed: {exc}") from None


def read(text: str) -> tuple[list[tuple[str, bool]], dict[str, str]]:
    """AIGC payloads in a packet as ``(json_text, standard_namespace)``, and beian extras.

    A packet that is not XML falls back to a regex over ``<…AIGC>…</…AIGC>`` elements.
    """
    try:
        root = _parse(text)
    except XmpError:
        return [(m.group(2).strip(), m.group(1) == "TC260:") for m in _AIGC_RE.finditer(text)], {}
    found: list[tuple[str, bool]] = []
    extras: dict[str, str] = {}
    for el in root.iter():
        ns, local = _split(el.tag)
        if local == "AIGC":
            found.append(((el.text or "").strip(), ns == TC260_NS))
        elif ns == BEIAN_NS:
            extras[local] = el.text or ""
        for key, value in el.attrib.items():
            ans, alocal = _split(key)
            if alocal == "AIGC" and ans:
                found.append((value.strip(), ans == TC260_NS))
    return found, extras


def merge(existing: str | None, payload: str | None, extras: dict[str, str] | None = None) -> str:
    """``existing`` with this label (plus extras) in place of every AIGC label and beian extra.

    ``payload`` None keeps the AIGC labels there are and replaces only beian's extras.
    """
    if not existing or not existing.strip():
        return packet(payload, extras)
    root = _parse(existing)
    rdf = _remove_labels(root, labels=payload is not None)
    desc = ET.SubElement(rdf, f"{{{RDF_NS}}}Description", {f"{{{RDF_NS}}}about": ""})
    if payload is not None:
        ET.SubElement(desc, f"{{{TC260_NS}}}AIGC").text = payload
    for key, value in (extras or {}).items():
        ET.SubElement(desc, f"{{{BEIAN_NS}}}{key}").text = value
    return _HEADER + ET.tostring(root, encoding="unicode") + _TRAILER


def strip(existing: str) -> str:
    """``existing`` with every AIGC label and beian extra removed."""
    root = _parse(existing)
    _remove_labels(root)
    return _HEADER + ET.tostring(root, encoding="unicode") + _TRAILER


def _remove_labels(root: ET.Element, labels: bool = True) -> ET.Element:
    """Remove beian extras (and AIGC elements/attributes if ``labels``) in place; return rdf:RDF."""
    rdf = root if _split(root.tag) == (RDF_NS, "RDF") else root.find(f".//{{{RDF_NS}}}RDF")
    if rdf is None:
        raise XmpError("XMP packet has no rdf:RDF element")
    for el in list(root.iter()):
        for child in list(el):
            ns, local = _split(child.tag)
            if (labels and local == "AIGC") or ns == BEIAN_NS:
                el.remove(child)
        if labels:
            for key in [k for k in el.attrib if _split(k)[1] == "AIGC" and _split(k)[0]]:
                del el.attrib[key]
    return rdf


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag
