"""Byte access to an export's files, whichever form it comes in (a .zip or
an unpacked folder), with every read bounded.

An export may be hostile. Every read is bounded (`ExportLimits`: bytes per
file, declared and actually read, and in all); symbolic links, devices and
pipes, and paths that would leave the export are never read, only reported.
Only SlackExport (export.py) uses this module.
"""
from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExportLimits:
    """How much of an export is read: per file (as declared by the zip or
    the file system, and as actually read) and in all. `modbot audit`
    --max-file-mb and --max-total-mb set them."""

    max_file_bytes: int = 50 * MB
    max_total_bytes: int = 8 * 1024 * MB


class RefusedFile(OSError):
    """A file the export may not make us read; str() says why."""


class ExportError(Exception):
    """The path is not a Slack export at all (one clear line for the user)."""


class _Source:
    """Byte access to the export's regular files, whichever form it comes in.

    `skipped` lists (name, reason) for entries that are not plain files
    inside the export; they are never read."""

    skipped: list[tuple[str, str]]

    def names(self) -> Iterator[str]:
        raise NotImplementedError

    def read(self, name: str, limit: int) -> bytes:
        """At most `limit` bytes; RefusedFile if the file holds more."""
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _amount(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= MB // 10 else f"{n:,} bytes"


def _too_large(size: int, limit: int) -> RefusedFile:
    return RefusedFile(f"{_amount(size)}, over the limit of {_amount(limit)} per file (--max-file-mb); not read")


def _bounded_read(f, limit: int) -> bytes:
    data = f.read(limit + 1)
    if len(data) > limit:
        raise RefusedFile(f"more than the limit of {_amount(limit)} per file (--max-file-mb); not read")
    return data


class _FolderSource(_Source):
    def __init__(self, root: Path):
        self.root = root
        self._real_root = root.resolve()
        self.skipped = []

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def names(self) -> Iterator[str]:
        for dirpath, dirs, files in os.walk(self.root):  # never follows a linked folder
            here = Path(dirpath)
            for d in dirs:
                if (here / d).is_symlink():
                    self.skipped.append((self._rel(here / d) + "/", "a symbolic link to a folder; not followed"))
            for f in files:
                path = here / f
                why = self._refusal(path)
                if why:
                    self.skipped.append((self._rel(path), why))
                else:
                    yield self._rel(path)

    def _refusal(self, path: Path) -> str | None:
        try:
            st = path.lstat()
        except OSError as exc:
            return f"unreadable ({exc.strerror}); skipped"
        if stat.S_ISLNK(st.st_mode):
            return "a symbolic link; not followed, skipped"
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file (a device, pipe or socket); skipped"
        if not path.resolve().is_relative_to(self._real_root):
            return "outside the export; skipped"
        return None

    def read(self, name: str, limit: int) -> bytes:
        path = self.root / name
        # O_NOFOLLOW and a check of what was opened: the file may have been
        # swapped for a link or a device since it was listed.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise RefusedFile("not a regular file; not read")
            if st.st_size > limit:
                raise _too_large(st.st_size, limit)
            return _bounded_read(f, limit)

    def size(self, name: str) -> int:
        try:
            return (self.root / name).lstat().st_size
        except OSError:
            return 0


class _ZipSource(_Source):
    def __init__(self, path: Path):
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExportError(f"{path}: not a readable zip file ({exc})") from None
        self.skipped = []

    def names(self) -> Iterator[str]:
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            why = self._refusal(info)
            if why:
                self.skipped.append((info.filename, why))
            else:
                yield info.filename

    @staticmethod
    def _refusal(info: zipfile.ZipInfo) -> str | None:
        mode = info.external_attr >> 16  # Unix mode, when a Unix zip tool wrote it
        if stat.S_ISLNK(mode):
            return "a symbolic link; not followed, skipped"
        if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            return "not a regular file (a device, pipe or socket); skipped"
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            return "a path that leaves the export; skipped"
        return None

    def read(self, name: str, limit: int) -> bytes:
        info = self.zf.getinfo(name)
        if info.file_size > limit:
            raise _too_large(info.file_size, limit)
        # zipfile also stops at the declared size; the bound holds either way.
        with self.zf.open(info) as f:
            return _bounded_read(f, limit)

    def size(self, name: str) -> int:
        return self.zf.getinfo(name).file_size

    def close(self) -> None:
        self.zf.close()


def _open_source(path: Path) -> _Source:
    if path.is_dir():
        return _FolderSource(path)
    if path.is_file():
        return _ZipSource(path)
    raise ExportError(f"{path}: no such file or folder")
