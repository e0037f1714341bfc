"""Start-up stays cheap: building the CLI loads no heavy library, and shortcuts change nothing.

Every ``beian`` call (and every test that runs the CLI in a subprocess) pays for what
``beian.cli.main`` imports, so the command modules import numpy, SQLAlchemy, openpyxl, the
renderers, the gateway … only inside the commands that use them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from beian import __version__
from tests.cli.conftest import Runner

HEAVY = (
    "numpy",
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "openai",
    "weasyprint",
    "starlette",
    "uvicorn",
    "pyarrow",
    "PIL",
    "hyperscan",
    "ahocorasick_rs",
    "opencc",
    "httpx",
)


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (nothing already imported) and return its stdout."""
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def _heavy_after(statement: str) -> list[str]:
    code = f"""
        import contextlib, io, sys
        {statement}
        print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))
    """
    return list(json.loads(_python(code).strip().replace("'", '"')))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _heavy_after("import beian.cli.main") == []


def test_root_help_loads_no_heavy_library() -> None:
    # --help builds every command's options, so it also checks the option declarations.
    statement = (
        "import beian.cli.main as m\n"
        "        with contextlib.redirect_stdout(io.StringIO()), "
        "contextlib.suppress(SystemExit):\n"
        "            m.run(['--help'])"
    )
    assert _heavy_after(statement) == []


def test_the_command_table_names_what_each_module_registers() -> None:
    # run() wires only the module that owns the command named; the table must list exactly
    # the top-level commands and groups each module registers.
    code = """
        import importlib, json, typer
        from beian.cli.main import COMMANDS
        found = {}
        for module in COMMANDS:
            app = typer.Typer()
            importlib.import_module(module).register(app)
            names = [c.name for c in app.registered_commands]
            names += [g.name for g in app.registered_groups]
            found[module] = names
        print(json.dumps([found, {m: list(n) for m, n in COMMANDS.items()}]))
    """
    found, table = json.loads(_python(code))
    assert found == table


def test_detect_imports_no_other_command_nor_the_store() -> None:
    statement = (
        "import beian.cli.main as m\n"
        "        with contextlib.redirect_stdout(io.StringIO()), "
        "contextlib.suppress(SystemExit):\n"
        "            m.run(['detect', '你好', '-d', 'keyword'])\n"
        "        print([n for n in sys.modules if n.startswith(('beian.cli.', 'beian.store',"
        " 'beian.workspace', 'beian.detect.pii', 'beian.detect.guard'))])"
    )
    code = f"""
        import contextlib, io, sys
        {statement}
        print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))
    """
    lines = _python(code).strip().splitlines()
    loaded = json.loads(lines[-2].replace("'", '"'))
    assert sorted(loaded) == ["beian.cli._common", "beian.cli._jsonl", "beian.cli.detect",
                              "beian.cli.examples", "beian.cli.main"]  # fmt: skip
    heavy = json.loads(lines[-1].replace("'", '"'))
    assert not [m for m in heavy if m.split(".")[0] in ("sqlalchemy", "alembic", "openpyxl")]


def test_detect_with_the_default_detectors_imports_no_store_evaluation_nor_yaml(
    tmp_path: Path,
) -> None:
    # ``beian detect TEXT`` with keyword, solicit and harm: once the caches are warm it reads no
    # YAML (profile, lexicon) and never reaches the store, the evaluation code or SQLAlchemy.
    import os

    code = """
        import contextlib, io, sys
        import beian.cli.main as m
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            m.run(["detect", "加我薇信 日结兼职"])
        print(sorted(n for n in sys.modules if n.split(".")[0] in ("yaml", "sqlalchemy", "alembic")
                     or n.startswith(("beian.store", "beian.evaluate", "beian.workspace",
                                      "beian.cli.corpus", "beian.scan."))))
    """
    env = {**os.environ, "BEIAN_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )  # fmt: skip
        for _ in range(2)  # the first run fills the caches
    ]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert runs[1].stdout.strip() == "['beian.scan.strict_json']"


def test_root_help_lists_every_command(beian: Runner) -> None:
    from beian.cli.main import COMMANDS

    r = beian("--help")
    assert r.returncode == 0
    for names in COMMANDS.values():
        for name in names:
            assert f" {name} " in r.stdout, name


def test_version_through_the_eager_option(beian: Runner) -> None:
    # ``beian --version`` alone takes a shortcut; with more arguments the eager option answers.
    r = beian("--version", "corpus")
    assert r.returncode == 0 and r.stdout.strip() == f"beian {__version__}"


def test_resolving_annotations_keeps_every_option() -> None:
    # main.run() evaluates the commands' annotations once before Typer builds the tree; the
    # options (names, types, defaults, help) must be exactly those of the unresolved tree.
    code = """
        import json
        import typer.main
        import beian.cli.main as m

        def describe(p):
            row = {k: repr(v) for k, v in vars(p).items() if k not in ("callback", "type_descriptor")}
            row["callback"] = getattr(p.callback, "__qualname__", None)
            row["annotation"] = repr(p.type_descriptor.annotation)
            return row

        def params(cmd, path=()):
            rows = {" ".join(path): [cmd.help, cmd.hidden]}
            for p in cmd.params:
                rows[" ".join(path) + " " + p.name] = describe(p)
            for name, sub in getattr(cmd, "commands", {}).items():
                rows.update(params(sub, (*path, name)))
            return rows

        before = params(typer.main.get_command(m.app))
        m._resolve_annotations(m.app)
        after = params(typer.main.get_command(m.app))
        print(json.dumps([len(before), before == after]))
    """
    count, same = json.loads(_python(code))
    assert count > 100  # every command's parameters were compared, not an empty tree
    assert same


def test_the_cli_turns_off_pydantic_plugin_discovery_unless_told() -> None:
    # pydantic reads every installed distribution's entry points to find plugins; the CLI sets
    # PYDANTIC_DISABLE_PLUGINS before any model is built, and a user's own setting wins.
    code = """
        import contextlib, io, os
        from beian.cli.main import run
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            run(["plugins"])
        import pydantic.plugin._loader as loader
        print(repr(os.environ.get("PYDANTIC_DISABLE_PLUGINS")), loader._plugins is not None)
    """
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    for value, expected, looked_up in ((None, "'__all__'", "False"), ("", "''", "True")):
        if value is not None:
            env["PYDANTIC_DISABLE_PLUGINS"] = value
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True, text=True, timeout=120, check=False, env=env,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        setting, looked = r.stdout.split()
        assert (setting, looked) == (expected, looked_up)  # "": models built, plugins sought


def test_plugin_options_are_described_by_their_field_docstrings(beian: Runner) -> None:
    # the docstrings under the fields are read when the options are listed (not on import)
    from beian.cli.plugins import attribute_docstrings
    from beian.scan.read_lines import TextOptions
    from beian.scan.reader_base import ReaderOptions

    docs = attribute_docstrings(TextOptions)
    assert docs["split"] == "One document per file, or one per non-blank line."
    assert docs["encoding"].startswith("``auto``: BOM, else UTF-8")  # from the base class
    assert ReaderOptions.model_fields["encoding"].description is None  # not read on import
    done = beian("plugins", "--options", "--json")
    assert done.returncode == 0, done.stderr
    rows = {(p["kind"], p["name"]): p for p in json.loads(done.stdout)}
    keyword = {o["name"]: o for o in rows[("detector", "keyword")]["options"]}
    assert keyword["library"]["description"].startswith("Path of a keyword library file")


def test_a_one_process_corpus_assess_imports_no_pool_logging_nor_workspace(tmp_path: Path) -> None:
    # a run that starts no pool needs neither multiprocessing nor the futures machinery; with
    # Hyperscan the Aho-Corasick engine is not loaded; no -w: no workspace models; the manifest
    # and the profile come from the YAML cache; no bar off a terminal; the store at head is
    # written with sqlite3
    (tmp_path / "c.jsonl").write_text('{"text": "你好"}\n', encoding="utf-8")
    (tmp_path / "m.yaml").write_text(
        "sources:\n  - {name: s, type: open-source, languages: [zh], modality: text,\n"
        "     origin: domestic, licence: 'https://opensource.org/license/mit', files: [c.jsonl]}\n",
        encoding="utf-8",
    )
    argv = ["corpus", "assess", str(tmp_path / "m.yaml"), "--out", str(tmp_path / "out"),
            "--json", "-j", "1", "-d", "keyword,pii", "--restart"]  # fmt: skip
    # the first run creates the store (SQLAlchemy and Alembic, which load more); the second
    # finds it at head and writes it with sqlite3
    _python(
        f"from beian.cli.main import run\nimport contextlib\nwith contextlib.suppress(SystemExit): run({argv!r})"
    )
    code = f"""
        import contextlib, io, sys
        from beian.cli.main import run
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            run({argv!r})
        import json
        from beian.detect.keyword.engine import hyperscan_available
        names = ("multiprocessing", "concurrent.futures", "logging", "beian.workspace",
                 "ahocorasick_rs", "yaml", "importlib.metadata", "rich.progress", "socket",
                 "sqlalchemy", "alembic", "rich")
        print(json.dumps([hyperscan_available(), [n for n in names if n in sys.modules]]))
    """
    hyperscan, loaded = json.loads(_python(code).strip().splitlines()[-1])
    assert (tmp_path / "out" / "summary.json").exists()
    expected = [] if hyperscan else ["ahocorasick_rs"]
    assert loaded == expected


def test_with_plugins_off_pydantic_never_imports_importlib_metadata() -> None:
    # The CLI puts a stand-in for pydantic.plugin._loader in place while plugins are off; it
    # answers "no plugins" as the real module would, and hands over to the real module (which
    # then reads the entry points) once the variable allows plugins again.
    code = """
        import contextlib, io, os, sys
        from beian.cli.main import run
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            run(["detect", "你好", "-d", "keyword"])
        print("importlib.metadata" in sys.modules, end=" ")
        from pydantic.plugin._loader import get_plugins
        print(list(get_plugins()), "importlib.metadata" in sys.modules, end=" ")
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""
        print(list(get_plugins()), "importlib.metadata" in sys.modules, end=" ")
        import pydantic.plugin._loader as loader
        print(type(loader).__name__, loader._plugins == {})
    """
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "[]", "False", "[]", "True", "module", "True"]


def test_the_cli_runs_blas_on_one_thread_unless_told() -> None:
    # numpy's OpenBLAS starts a spinning thread per core when it loads (0.04-0.1 CPU-s per
    # process); the CLI asks for one thread before numpy loads, and a thread count the user
    # set (any of the variables OpenBLAS reads) is left as it is.
    import os

    code = """
        import contextlib, gc, io, json, os, sys
        from beian.cli.main import run
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            run(["detect", "你好", "-d", "keyword"])
        names = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
        tasks = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None
        print(json.dumps([{n: os.environ.get(n) for n in names}, "numpy" in sys.modules, tasks,
                          gc.get_threshold()[0], gc.isenabled()]))
    """
    base = {k: v for k, v in os.environ.items()
            if k not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")}  # fmt: skip
    seen = []
    for extra in ({}, {"OMP_NUM_THREADS": "2"}, {"OPENBLAS_NUM_THREADS": "3"}):
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True, text=True, timeout=120, check=False, env={**base, **extra},
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        seen.append(json.loads(r.stdout.strip().splitlines()[-1]))
    (alone, numpy, tasks, threshold, enabled) = seen[0]
    assert alone == {"OPENBLAS_NUM_THREADS": "1", "GOTO_NUM_THREADS": None, "OMP_NUM_THREADS": None}
    assert numpy and tasks in (1, None)  # one thread: numpy's BLAS started none
    assert (threshold, enabled) == (100_000, True)  # the collector still runs, less often
    assert seen[1][0] == {"OPENBLAS_NUM_THREADS": None, "GOTO_NUM_THREADS": None,
                          "OMP_NUM_THREADS": "2"}  # fmt: skip
    assert seen[2][0]["OPENBLAS_NUM_THREADS"] == "3"


_EXIT_PROBE = """
import gc, io, json, os, sqlite3, sys
real_exit = os._exit

def probed_exit(code):
    # at the moment of the quick exit: every object, frozen ones too, for a file still open
    # for writing or a database transaction left open
    gc.unfreeze()
    streams = (sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__, sys.__stderr__)
    std = {id(s) for s in streams} | {id(getattr(s, "buffer", None)) for s in streams}
    left = []
    for o in gc.get_objects():
        # an unbuffered file (FileIO) holds nothing back: it writes as it is called
        buffered = isinstance(o, (io.BufferedIOBase, io.TextIOBase))
        if buffered and id(o) not in std and not o.closed:
            try:
                writable = o.writable()
            except ValueError:
                writable = False
            if writable:
                left.append(repr(o))
        elif type(o).__name__ == "_TemporaryFileWrapper" and not o.closed:
            left.append(repr(o))
        elif isinstance(o, sqlite3.Connection):  # open: its close would still write
            try:
                o.total_changes
                left.append("open sqlite3 connection")
            except sqlite3.ProgrammingError:
                pass
    fd = os.open(os.environ["PROBE_REPORT"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.write(fd, json.dumps({"code": code, "left": left}).encode())
    os.close(fd)
    real_exit(code)

os._exit = probed_exit
sys.argv = ["beian", *json.loads(os.environ["PROBE_ARGS"])]
from beian.cli.main import main
main()
"""


def _exit_run(tmp: Path, name: str, args: list[str], full: bool) -> tuple[Any, ...]:
    """Run ``beian ARGS`` as the console script does; what it printed and wrote, with the
    probe's report (``None``: the interpreter's own exit was taken)."""
    import os
    import shutil

    where = tmp / name.replace(" ", "-")  # the same paths for both exits (run keys hold them)
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    out = where / "out"
    argv = [a.replace("{out}", str(out)) for a in args]
    report = tmp / f"{where.name}.probe.json"
    report.unlink(missing_ok=True)
    env = {**os.environ, "PROBE_ARGS": json.dumps(argv), "PROBE_REPORT": str(report),
           "BEIAN_FULL_EXIT": "1" if full else ""}  # fmt: skip
    if argv[0] == "corpus":
        # the first run creates the store (a copy of the shipped empty store at head); the
        # run compared is the second, into a store that holds a run
        first = subprocess.run([sys.executable, "-c", _EXIT_PROBE], capture_output=True,
                               timeout=120, check=False, env=env)  # fmt: skip
        assert first.returncode == 0, first.stderr
        report.unlink(missing_ok=True)
        env["PROBE_ARGS"] = json.dumps([*argv, "--restart"])
    r = subprocess.run(
        [sys.executable, "-c", _EXIT_PROBE], capture_output=True, timeout=120, check=False, env=env
    )  # fmt: skip
    probe = json.loads(report.read_text()) if report.exists() else None
    written = sorted(f for f in where.rglob("*") if f.is_file())
    files = {
        str(f.relative_to(where)): _without_run_ids(f.read_text(encoding="utf-8", errors="replace"))
        for f in written
        # not compared: timings, the store's own bytes (its rows: see tests/store/test_quick.py),
        # the lock file's holder pid
        if f.parent.name != "timing" and f.suffix != ".db" and f.name != ".lock"
    }
    return (
        r.returncode,
        _without_run_ids(r.stdout.decode()),
        _without_run_ids(r.stderr.decode()),
        probe,
        files,
    )


def _without_run_ids(text: str) -> str:
    import re

    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "RUN", text)
    return re.sub(
        r'("elapsed_s"|"tasks_wall_s"|"tasks_cpu_s"|"wall_s"|"cpu_s"|in )[: ]*[0-9.]+s?',
        r"\1 T",
        text,
    )


def test_the_quick_exit_leaves_nothing_unwritten(tmp_path: Path) -> None:
    # The commands that end with os._exit: at that moment no file is open for writing and no
    # transaction is open (checked over every object, frozen ones too), and the exit code,
    # stdout, stderr and every output file are those of the interpreter's full exit.
    from beian.cli.main import QUICK_EXIT_COMMANDS

    (tmp_path / "c.jsonl").write_text(
        '{"text": "你好"}\n{"text": "加我薇信 日结兼职，身份证 110101199003077777"}\nnot json\n',
        encoding="utf-8",
    )
    (tmp_path / "m.yaml").write_text(
        "sources:\n  - {name: s, type: open-source, languages: [zh], modality: text,\n"
        "     origin: domestic, licence: 'https://opensource.org/license/mit', files: [c.jsonl]}\n",
        encoding="utf-8",
    )
    (tmp_path / "c2.jsonl").write_text('{"text": "加微信 刷单日结"}\n' * 50, encoding="utf-8")
    (tmp_path / "m2.yaml").write_text(
        (tmp_path / "m.yaml")
        .read_text(encoding="utf-8")
        .replace("[c.jsonl]", "[c.jsonl, c2.jsonl]"),
        encoding="utf-8",
    )
    corpus = ["-j", "1", "-d", "keyword,pii", "--out", "{out}"]
    pool = ["-j", "2", "--min-mb-per-process", "0", "--shard-size", "0.0001"]
    cases = {
        "text": ["detect", "加我薇信 日结兼职", "-d", "keyword"],
        "json": ["detect", "你好", "-d", "keyword,pii", "--json"],
        "file": ["detect", "-i", str(tmp_path / "c.jsonl"), "-o", "{out}", "-d", "keyword"],
        "assess": ["corpus", "assess", str(tmp_path / "m.yaml"), "--json", *corpus],
        "assess-screen": ["corpus", "assess", str(tmp_path / "m.yaml"), *corpus],
        "filter": ["corpus", "filter", str(tmp_path / "m.yaml"), *corpus],
        # a pool ran (forked from the run): shut down, it leaves nothing for the full exit
        "filter-pool": ["corpus", "filter", str(tmp_path / "m2.yaml"), *corpus[2:], *pool],
        "user error": ["detect", "-d", "keyword"],
        "usage error": ["detect", "--no-such-option"],
    }
    covered = set()
    for name, args in cases.items():
        quick = _exit_run(tmp_path, name, args, full=False)
        full = _exit_run(tmp_path, name, args, full=True)
        code, stdout, stderr, probe, files = quick
        assert probe is not None, (name, stderr)  # the quick exit was taken
        assert probe == {"code": code, "left": []}, name
        assert full[3] is None, name  # BEIAN_FULL_EXIT: the interpreter's own exit
        assert (code, stdout, stderr, files) == (full[0], full[1], full[2], full[4]), name
        covered.add(tuple(a for a in args if not a.startswith("-"))[:2])
    assert code == 2 and "no such option" in stderr.lower()
    assert all(any(c == k[: len(c)] for k in covered) for c in QUICK_EXIT_COMMANDS)


def test_the_quick_exit_is_not_taken_with_a_thread_a_child_or_a_profiler(tmp_path: Path) -> None:
    # another thread alive, a child process alive, a profiler (it writes its results after
    # the program returns): the interpreter's own exit
    import os

    child = (
        "import multiprocessing as mp, time; "
        "mp.get_context('spawn').Process(target=time.sleep, args=(0.5,)).start()"
    )
    for extra in ("import threading, time; threading.Thread(target=time.sleep, args=(0.5,)).start()",
                  child,
                  "import sys; sys.setprofile(lambda *a: None)"):  # fmt: skip
        report = tmp_path / "probe.json"
        env = {**os.environ, "PROBE_ARGS": json.dumps(["detect", "你好", "-d", "keyword"]),
               "PROBE_REPORT": str(report), "BEIAN_FULL_EXIT": ""}  # fmt: skip
        r = subprocess.run(
            [sys.executable, "-c", extra + "\n" + _EXIT_PROBE],
            capture_output=True, timeout=120, check=False, env=env,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert "verdict" in r.stdout.decode()
        assert not report.exists()


def test_a_plain_line_is_what_rich_writes() -> None:
    # say() writes without Rich only what Rich would write unchanged; each text in a fresh
    # interpreter (once Rich is loaded, say() hands every line to it), then Rich's own console
    # on the same stderr
    texts = ["1 items, 0.0 MB in 0.0s; run 4d7b0b2e", "error: 没有这个文件 ./语料/a.jsonl",
             "a :smile: b", "C:\\data\\a.jsonl: not found", "tab\there", "bell\x07 cr\r end",
             "two\nlines", "zero\u200bwidth", "[bold]not markup[/bold]", "ends with space ", ""]  # fmt: skip
    code = """
        import io, json, sys
        sys.stderr = io.StringIO()
        from beian.cli._common import say
        say(json.loads(sys.argv[1]))
        plain, rich_before = sys.stderr.getvalue(), "rich.console" in sys.modules
        sys.stderr = io.StringIO()
        from rich.console import Console
        Console(stderr=True, soft_wrap=True).print(json.loads(sys.argv[1]), markup=False,
                                                   highlight=False)
        sys.stdout.write(json.dumps([plain, sys.stderr.getvalue(), rich_before]))
    """
    plain_ones = 0
    for text in texts:
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), json.dumps(text)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        plain, rich, rich_used = json.loads(r.stdout)
        assert plain == rich, text
        plain_ones += not rich_used
        if text == "a :smile: b":
            assert rich != "a :smile: b\n"  # Rich does change some texts: not a vacuous check
    assert plain_ones >= 4  # the plain path itself was compared, not only Rich against Rich


def test_stderr_is_terminal_answers_as_rich_does() -> None:
    import os

    code = """
        import json, sys
        from beian.cli._common import stderr_is_terminal
        mine = stderr_is_terminal()
        from rich.console import Console
        print(json.dumps([mine, Console(stderr=True).is_terminal]))
    """
    base = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    for extra in ({}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}, {"TTY_COMPATIBLE": "1"},
                  {"TTY_COMPATIBLE": "0"}):  # fmt: skip
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True, text=True, timeout=120, check=False, env={**base, **extra},
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        mine, theirs = json.loads(r.stdout)
        assert mine == theirs, extra


def test_a_profiler_wrapping_the_cli_still_writes_its_results(tmp_path: Path) -> None:
    # python -m cProfile -o FILE -m beian …: the profile is written after the program returns
    out = tmp_path / "detect.prof"
    r = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "beian", "detect", "你好",
         "-d", "keyword"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "verdict" in r.stdout and out.stat().st_size > 0
