"""Issue 11: read-only commands never write, other files are refused untouched, a read-only
archive can still be read, and invalid arguments are one line and exit 2."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler import archive
from crawler.cli import main
from crawler.items import ArticleRecord, Byline

SITE = "https://baohoabinh.com.vn"


def hbdt(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_line_error(result: Result, needle: str = "") -> None:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("hbdt: error: "), result.stderr
    assert needle in lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def make_archive(path: Path) -> Path:
    db = archive.open_archive(path)
    with archive.ArchiveWriter(db) as writer:
        writer.add(ArticleRecord(url=f"{SITE}/11/140123/bai.htm", article_id=140123, category_id=11,
                                 title="Lạc Sơn chuẩn bị Đại hội Đảng bộ", lead="Đảng bộ huyện Lạc Sơn.",
                                 body="Đại hội Đảng bộ huyện Lạc Sơn.", published_at="2019-10-16T08:00:00+07:00",
                                 byline=Byline(raw="Việt Lâm", authors=["Việt Lâm"]), is_congress=True))
    db.close()
    return path


def other_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('sổ tay của tôi')")
    conn.close()
    return path


NOT_ARCHIVES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "other-sqlite": (other_sqlite, "not an hbdt archive"),
    "text-file": (lambda p: (p.write_text("xin chào\n", encoding="utf-8"), p)[1], "not an SQLite database"),
    "empty-file": (lambda p: (p.write_bytes(b""), p)[1], "empty"),
    "directory": (lambda p: (p.mkdir(), p)[1], "directory"),
    "missing": (lambda p: p, "no archive"),
}

READ_COMMANDS = {
    "stats": ["stats", "--json"],
    "search": ["search", "dang", "bo"],
    "show": ["show", "140123"],
    "export": ["export", "--out", "-"],
    "report": ["report", "--out", "{out}"],
}


def materialize(command: list[str], tmp: Path) -> list[str]:
    """The command with ``{out}`` pointing into a directory of its own (not beside the archive)."""
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    return [a.replace("{out}", str(out / "report.html")) for a in command]


@pytest.mark.parametrize("command", list(READ_COMMANDS.values()), ids=list(READ_COMMANDS))
@pytest.mark.parametrize("kind", list(NOT_ARCHIVES), ids=list(NOT_ARCHIVES))
def test_read_commands_refuse_what_is_not_an_archive_and_leave_it_untouched(tmp_path, command, kind):
    make, needle = NOT_ARCHIVES[kind]
    (tmp_path / "a").mkdir()
    target = make(tmp_path / "a" / "thing.db")
    before = digest(target) if target.is_file() else None
    names = siblings(target)
    result = hbdt(*materialize(command, tmp_path), "--db", str(target))
    one_line_error(result, needle)
    assert (digest(target) if target.is_file() else None) == before
    assert siblings(target) == names  # no -wal, -shm or new file beside it


@pytest.mark.parametrize("command", [["crawl", "--start-url", "http://127.0.0.1:9/11/page/1/X.htm"], ["demo"],
                                     ["reparse"]], ids=["crawl", "demo", "reparse"])
def test_writing_commands_refuse_another_sqlite_database(tmp_path, command):
    target = other_sqlite(tmp_path / "notes.db")
    before = digest(target)
    one_line_error(hbdt(*command, "--db", str(target)), "not an hbdt archive")
    assert digest(target) == before
    assert siblings(target) == {"notes.db"}


@pytest.mark.parametrize("command", list(READ_COMMANDS.values()), ids=list(READ_COMMANDS))
def test_read_commands_write_nothing_to_an_archive(tmp_path, command):
    (tmp_path / "a").mkdir()
    path = make_archive(tmp_path / "a" / "archive.db")
    before, names = digest(path), siblings(path)
    result = hbdt(*materialize(command, tmp_path), "--db", str(path))
    assert result.exit_code == 0, result.output
    assert digest(path) == before
    # a reader of a WAL database needs SQLite's shared-memory index: an empty -wal and the -shm
    # may appear beside it (nothing of the archive is in them); nothing else does
    new = siblings(path) - names
    assert new <= {"archive.db-wal", "archive.db-shm"}
    if "archive.db-wal" in new:
        assert (path.parent / "archive.db-wal").stat().st_size == 0


def test_an_old_archive_is_not_migrated_by_a_read_command(tmp_path):
    path = make_archive(tmp_path / "archive.db")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    before = digest(path)
    one_line_error(hbdt("stats", "--db", str(path)), "hbdt reparse")
    assert digest(path) == before
    assert hbdt("reparse", "--db", str(path)).exit_code == 0  # a writing command upgrades it
    assert hbdt("stats", "--db", str(path)).exit_code == 0


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory mounted read-only (a bind mount: root ignores chmod); skipped where mounting is
    not allowed."""
    source, view = tmp_path / "src", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    make_archive(source / "archive.db")
    mounted = subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True, check=False)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.decode(errors='replace').strip()}")
        probe = view / "probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            pytest.skip("the read-only mount is writable")
        yield view
    finally:
        gone = subprocess.run(["umount", str(view)], capture_output=True, check=False)
        if gone.returncode != 0:  # still busy (a file open in this process): detach it anyway
            subprocess.run(["umount", "--lazy", str(view)], capture_output=True, check=False)


@pytest.mark.parametrize("command", list(READ_COMMANDS.values()), ids=list(READ_COMMANDS))
def test_an_archive_in_a_read_only_directory_can_be_read(read_only_dir, tmp_path, command):
    result = hbdt(*materialize(command, tmp_path), "--db", str(read_only_dir / "archive.db"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() or (tmp_path / "out" / "report.html").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--db", "{dir}"], "directory"),
        (["--db", "/proc/hbdt-nowhere/archive.db"], "--db"),
        (["--start-url", "ftp://baohoabinh.com.vn/11/page/1/X.htm"], "--start-url"),
        (["--start-url", "baohoabinh.com.vn/11/page/1/X.htm"], "--start-url"),
        (["--start-url", "http://[::1"], "--start-url"),
        (["--start-url", ""], "--start-url"),
        (["-s", "DOWNLOAD_DELAY"], "NAME=VALUE"),
        (["-s", "DOWNLOAD_DELAY=slow"], "a number"),
        (["-s", "CONCURRENT_REQUESTS=many"], "an integer"),
        (["-s", "ROBOTSTXT_OBEY=maybe"], "a boolean"),
        (["-s", "HBDT_MIRRORS=[1]"], "HBDT_MIRRORS"),
        (["--since", "2020-01-01", "--until", "2019-01-01"], "after --until"),
    ],
    ids=["db-directory", "db-unwritable", "url-ftp", "url-no-scheme", "url-malformed", "url-empty", "s-no-equals",
         "s-float", "s-int", "s-bool", "s-mirrors", "inverted-window"],
)
def test_crawl_bad_arguments_are_one_line_and_exit_2(tmp_path, args, needle):
    (tmp_path / "d").mkdir()
    args = [a.replace("{dir}", str(tmp_path / "d")) for a in args]
    if "--db" not in args:
        args += ["--db", str(tmp_path / "archive.db")]
    if "--start-url" not in args:
        args += ["--start-url", "http://127.0.0.1:9/11/page/1/CHINH-TRI.htm"]
    one_line_error(hbdt("crawl", *args), needle)
    assert not (tmp_path / "archive.db").exists() or "--db" not in needle


def test_search_refuses_a_mistyped_option(tmp_path):
    path = make_archive(tmp_path / "archive.db")
    one_line_error(hbdt("search", "--limt", "3", "--db", str(path)), "no such option: --limt")
    ok = hbdt("search", "-lac", "dang", "--db", str(path), "--limit", "3")
    assert ok.exit_code == 0, ok.output


def test_scheduled_script_with_an_unwritable_log_says_so_in_one_line(tmp_path):
    script = Path(__file__).resolve().parents[1] / "scripts" / "hbdt-scheduled.sh"
    env = {"PATH": "/usr/bin:/bin", "HBDT_DB": str(tmp_path / "archive.db"), "HBDT_LOG": "/proc/hbdt-nowhere/x.log",
           "HBDT_BIN": "true"}
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, timeout=30, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "/proc/hbdt-nowhere" in lines[0], result.stderr


def test_serve_runs_datasette_immutable_on_a_read_only_archive(read_only_dir, tmp_path):
    from crawler.cli_archive import datasette_command

    argv = datasette_command(read_only_dir / "archive.db", host="127.0.0.1", port=8001, metadata_path=tmp_path / "m")
    assert argv[argv.index("serve") + 1:argv.index("serve") + 3] == ["-i", str(read_only_dir / "archive.db")]
    writable = datasette_command(tmp_path / "archive.db", host="127.0.0.1", port=8001, metadata_path=tmp_path / "m")
    assert "-i" not in writable
