"""Steps of the end-to-end flow shared by the HTTP and the browser tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.registry_service.conftest import COMPANY, MODEL, beian
from tests.web.conftest import PASSWORD

PW_ENV = {"REG_PW": PASSWORD}


def cli_submit(url: str, run: Path, dossier: int | None = None) -> tuple[int, dict[str, Any]]:
    """``beian registry submit`` as the provider runs it: (exit code, the dossier as JSON)."""
    args: list[str | Path] = ["registry", "submit", "--url", url, "--user", "xinghe",
                              "--password-env", "REG_PW", "--json"]  # fmt: skip
    if dossier is None:
        args += ["--company", COMPANY, "--model-name", MODEL, "--number-name", "XingHeDuiHua",
                 "--province", "北京"]  # fmt: skip
    else:
        args += ["--dossier", str(dossier)]
    done = beian(*args, run, check=False, env=PW_ENV)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def provider_picks_up(ws: Path, url: str, number: str, tmp: Path) -> None:
    """The provider's register takes the published number: import the CSV, look it up, and
    record it on the register's own record."""
    csv_path = tmp / "published.csv"
    csv_path.write_bytes(httpx.get(f"{url}/list.csv").content)
    done = beian("filing", "import-list", "-w", ws, csv_path, "--label", "registry", "--json")
    counts = json.loads(done.stdout)["counts"]
    assert counts["imported"] == 1, done.stdout
    assert counts["rejected"] == counts["header_or_empty"] == 1, done.stdout  # the header row
    planted = tmp / "transcribed.csv"  # a hand transcription with a bad date in one number
    bad = number.replace(number[-12:-4], "20261399")
    planted.write_text(csv_path.read_text("utf-8-sig") + f"2,北京,另一模型,某公司,{bad},2026-12-01\r\n",
                       "utf-8")  # fmt: skip
    flagged = json.loads(beian("filing", "import-list", "-w", ws, planted, "--json").stdout)
    row = next(r for r in flagged["rows"] if r["values"].get("number") == bad)
    assert row["outcome"] == "rejected" and "does not exist" in row["reason"], row
    found = beian("filing", "lookup", "-w", ws, MODEL, "--json")
    assert number in found.stdout
    beian("filing", "add", "-w", ws, "--type", "model_filing", "--name", MODEL,
          "--owner", COMPANY, "--province", "北京")  # fmt: skip
    beian("filing", "status", "-w", ws, "1", "submitted", "--on", "2026-12-01")
    beian("filing", "status", "-w", ws, "1", "filed", "--number", number)
    shown = beian("filing", "show", "-w", ws, "1", "--json")
    record = json.loads(shown.stdout)["record"]
    assert (record["status"], record["number"]) == ("filed", number)
