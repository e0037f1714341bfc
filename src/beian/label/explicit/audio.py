"""Audible labels: the rhythm "short-long-short-short" (Morse "AI", GB 45438 §5.3, L-04).

The cue is generated here (1 kHz tones, 100 ms unit, 5 ms fades) and put before the audio. WAV
samples are kept byte for byte after the cue (every other RIFF chunk is kept); MP3 is decoded
and re-encoded with ffmpeg. The detector decodes the first and last seconds, finds tonal bursts from a 10 ms
RMS envelope and looks for four consecutive bursts whose lengths read short-long-short-short.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt

from beian.errors import UserError
from beian.label.atomic import Scratch
from beian.label.carriers.base import FormatError, Reading
from beian.label.carriers.riff import pack, wave_chunks
from beian.label.model import ExplicitStatus, LabelSpec, Problem
from beian.label.tools import probe, run, tool

Floats = npt.NDArray[np.float64]
UNIT = 0.1
TONE_HZ = 1000.0
WINDOW_S = 4.0
_FRAME_S = 0.01
# (tone units, gap units after): · − then · · ; 3-unit gap between letters, 5 before the audio.
_CUE = ((1, 1), (3, 3), (1, 1), (1, 5))


def cue(rate: int) -> Floats:
    """The Morse "AI" cue as mono samples in [-0.5, 0.5]."""
    parts: list[Floats] = []
    fade = int(rate * 0.005)
    for tone, gap in _CUE:
        n = int(rate * UNIT * tone)
        t = np.arange(n) / rate
        burst = 0.5 * np.sin(2 * np.pi * TONE_HZ * t)
        ramp = np.linspace(0.0, 1.0, fade)
        burst[:fade] *= ramp
        burst[n - fade :] *= ramp[::-1]
        parts += [burst, np.zeros(int(rate * UNIT * gap))]
    return np.concatenate(parts)


def _segments(x: Floats, rate: int) -> list[tuple[int, int]]:
    """``(start_frame, length_frames)`` of loud, tonal bursts in a 10 ms RMS envelope."""
    hop = max(1, int(rate * _FRAME_S))
    n = len(x) // hop
    if n == 0:
        return []
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))
    on = rms > max(0.2 * float(rms.max()), 1e-3)
    segs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if on[i]:
            j = i
            while j < n and on[j]:
                j += 1
            if _tonal(x[i * hop : j * hop]):
                segs.append((i, j - i))
            i = j
        else:
            i += 1
    return segs


def _tonal(burst: Floats) -> bool:
    """Whether most of the burst's energy sits in one narrow band (a beep, not speech/noise)."""
    if len(burst) < 16:
        return False
    power = np.abs(np.fft.rfft(burst * np.hanning(len(burst)))) ** 2
    peak = int(np.argmax(power))
    band = power[max(0, peak - 3) : peak + 4].sum()
    return bool(band / max(float(power.sum()), 1e-12) > 0.5)


def find_rhythm(x: Floats, rate: int) -> bool:
    """Whether four consecutive tonal bursts read short-long-short-short."""
    segs = _segments(x, rate)
    for k in range(len(segs) - 3):
        four = segs[k : k + 4]
        lengths = [length for _s, length in four]
        short = [lengths[0], lengths[2], lengths[3]]
        gaps = [four[i + 1][0] - (four[i][0] + four[i][1]) for i in range(3)]
        unit = min(short)
        if unit < 3 or max(short) > 1.6 * unit:  # shorts ≥ 30 ms and alike
            continue
        if lengths[1] < 2 * max(short) or max(gaps) > 5 * unit:
            continue
        return True
    return False


def _pcm_format(fmt: bytes) -> tuple[int, int, int, int]:
    """``(format_tag, channels, rate, bits)`` of a WAVE ``fmt `` chunk."""
    tag, channels, rate, _byterate, _align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 26:
        tag = struct.unpack("<H", fmt[24:26])[0]
    return tag, channels, rate, bits


def _decode(data: bytes, tag: int, bits: int, channels: int) -> Floats:
    if tag == 3 and bits == 32:
        arr = np.frombuffer(data[: len(data) // 4 * 4], "<f4").astype(np.float64)
    elif tag == 1 and bits in (8, 16, 24, 32):
        width = bits // 8
        raw = np.frombuffer(data[: len(data) // width * width], np.uint8).reshape(-1, width)
        if bits == 8:
            arr = (raw[:, 0].astype(np.float64) - 128) / 128
        else:
            padded = np.zeros((len(raw), 4), np.uint8)
            padded[:, 4 - width :] = raw
            arr = padded.view("<i4").ravel().astype(np.float64) / 2**31
    else:
        raise FormatError(f"WAV encoding {tag}/{bits}-bit is not supported (use PCM)")
    frames = len(arr) // channels
    return arr[: frames * channels].reshape(frames, channels)


def _encode(x: Floats, tag: int, bits: int) -> bytes:
    flat = np.clip(x, -1.0, 1.0).ravel()
    if tag == 3:
        return flat.astype("<f4").tobytes()
    if bits == 8:
        return (np.round(flat * 127) + 128).astype(np.uint8).tobytes()
    ints = np.round(flat * (2 ** (bits - 1) - 1)).astype("<i4")
    width = bits // 8
    return bytes(ints.view(np.uint8).reshape(-1, 4)[:, :width].tobytes())


def read_wav(
    path: Path,
) -> tuple[Floats, int, list[tuple[bytes, bytes]], tuple[int, int, int, int]]:
    """Samples (frames × channels), rate, chunks and format of a PCM WAV."""
    parts = wave_chunks(path.read_bytes())
    fmts = [b for f, b in parts if f == b"fmt "]
    datas = [b for f, b in parts if f == b"data"]
    if not fmts or not datas:
        raise FormatError("WAV has no fmt or data chunk")
    fmt = _pcm_format(fmts[0])
    return _decode(datas[0], fmt[0], fmt[3], fmt[1]), fmt[2], parts, fmt


def _decode_ffmpeg(path: Path, tail: bool) -> tuple[Floats, int]:
    rate = 16000
    args = [tool("ffmpeg"), "-v", "error"]
    args += ["-sseof", f"-{WINDOW_S}"] if tail else []
    args += ["-i", str(path), "-t", str(WINDOW_S), "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"]
    raw = run(args, what=f"ffmpeg decode {path.name}")
    return np.frombuffer(raw, "<i2").astype(np.float64) / 32768, rate


class AudioExplicit:
    """Morse-rhythm cue for WAV (direct) and MP3 (via ffmpeg)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Put the cue before the audio (``position`` start, the default)."""
        if spec.position not in (None, "start"):
            raise UserError("beian puts the audio cue at the start only")
        if self.kind == "wav":
            x, rate, parts, (tag, channels, _r, bits) = read_wav(src)
            c = np.repeat(cue(rate)[:, None], channels, axis=1)
            # Only the cue is encoded; the original sample bytes follow untouched (a decode /
            # encode round trip shifted 8-bit samples by one step, reliability.md L4).
            original = next(b for f, b in parts if f == b"data")
            width = max(1, bits // 8) * channels
            pcm = _encode(c, tag, bits) + original[: len(original) // width * width]
            frames = len(c) + len(x)
            parts = [(f, pcm if f == b"data" else b) for f, b in parts]
            parts = [(f, struct.pack("<I", frames) if f == b"fact" else b) for f, b in parts]
            dst.write_bytes(pack(parts, b"WAVE"))
        else:
            self._mp3(src, dst, scratch)
        return "Morse 'AI' rhythm cue (short-long-short-short) at the start", {}

    @staticmethod
    def _mp3(src: Path, dst: Path, scratch: Scratch) -> None:
        streams = [s for s in probe(src).get("streams", []) if s.get("codec_type") == "audio"]
        if not streams:
            raise FormatError("no audio stream")
        rate, channels = int(streams[0]["sample_rate"]), int(streams[0]["channels"])
        bitrate = streams[0].get("bit_rate") or "192000"
        c = np.repeat(cue(rate)[:, None], channels, axis=1)
        wav = scratch.path(".wav")
        fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
        wav.write_bytes(pack([(b"fmt ", fmt), (b"data", _encode(c, 1, 16))], b"WAVE"))
        args = [tool("ffmpeg"), "-v", "error", "-y", "-i", str(wav), "-i", str(src)]
        args += ["-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1[a]", "-map", "[a]"]
        args += ["-map_metadata", "1", "-c:a", "libmp3lame", "-b:a", str(bitrate)]
        run([*args, "-id3v2_version", "3", "-f", "mp3", str(dst)], what=f"ffmpeg (cue {src.name})")

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """Look for the rhythm in the first and last seconds."""
        del reading
        for tail, where in ((False, "start"), (True, "end")):
            if self.kind == "wav":
                x, rate, _parts, _fmt = read_wav(path)
                mono = x.mean(axis=1)
                n = int(rate * WINDOW_S)
                mono = mono[-n:] if tail else mono[:n]
            else:
                mono, rate = _decode_ffmpeg(path, tail)
            if find_rhythm(mono, rate):
                return ExplicitStatus("detected", "short-long-short-short rhythm", where), []
        detail = "no short-long-short-short rhythm in the first/last seconds (spoken cues are not detected)"
        return ExplicitStatus("absent", detail), []
