"""Keep Gradio's temp folder small: uploads, partial uploads and stray files are deleted.

What Gradio leaves behind (issue 8): every upload stays until the server restarts; an
aborted upload leaves its partial file (``tmpXXXX`` at the top of the folder); every file
reference passed to a ``gr.File`` input leaves an *empty* temp file (a ``NamedTemporaryFile``
that Gradio 6 opens and forgets). Gradio's own ``delete_cache`` only knows the files it
recorded, by age.

- ``private_temp_dir()`` gives the app its own folder (``<tmp>/embedding-lab/<pid>``, unless
  ``GRADIO_TEMP_DIR`` is set), removes the folders of app processes that are gone, and the
  folder itself at exit; it must run before ``import gradio``.
- ``Janitor`` sweeps the folder every ``interval_s``: partial uploads and empty files after
  ``stray_age_s`` (no upload sits still that long), everything after ``max_age_s``, and the
  oldest files first while the folder is over ``max_bytes`` or ``max_files``. Files Gradio
  must keep (``keep_in_cache``, files made while the page was built) are left alone. The
  upload route asks ``make_room`` before accepting a body, so the folder stays under its cap
  between sweeps too.
- ``stop_empty_temp_files()`` removes the empty-file leak at its source.
"""
from __future__ import annotations

import atexit
import inspect
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

log = logging.getLogger("embedding_lab")

PARENT = "embedding-lab"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def private_temp_dir() -> str:
    """Set ``GRADIO_TEMP_DIR`` to a folder of this process (unless already set) and return the folder."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return os.environ["GRADIO_TEMP_DIR"]
    parent = os.path.join(tempfile.gettempdir(), PARENT)
    os.makedirs(parent, exist_ok=True)
    for name in os.listdir(parent):  # folders of app processes that are gone
        pid = name.split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=parent)
    os.environ["GRADIO_TEMP_DIR"] = folder
    atexit.register(shutil.rmtree, folder, True)
    return folder


@dataclass
class SweepReport:
    files: int = 0
    bytes: int = 0
    deleted: int = 0
    deleted_bytes: int = 0
    reasons: dict = field(default_factory=dict)


class Janitor:
    def __init__(self, root: str, max_age_s: float = 1800.0, stray_age_s: float = 120.0,
                 max_bytes: int = 2 * 1024 ** 3, max_files: int = 5000, interval_s: float = 10.0,
                 keep: Callable[[], Iterable[str]] | None = None,
                 forget: Callable[[set[str]], None] | None = None) -> None:
        self.root = os.path.realpath(root)
        self.max_age_s, self.stray_age_s = max_age_s, stray_age_s
        self.max_bytes, self.max_files = max_bytes, max_files
        self.interval_s = interval_s
        self.keep = keep or (lambda: ())
        self.forget = forget  # told which paths were deleted (Gradio's own file sets)
        self._lock = threading.Lock()
        self._protected: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.bytes = 0  # folder size at the last sweep + uploads accepted since
        self.files = 0
        self.last = SweepReport()
        self.totals = {"sweeps": 0, "deleted": 0, "deleted_bytes": 0, "peak_bytes": 0, "peak_files": 0}

    # -- what is there ---------------------------------------------------------------
    def _scan(self) -> list[tuple[str, int, float, bool]]:
        """(path, size, mtime, is_top_level) of every regular file under the root."""
        out = []
        for folder, dirs, names in os.walk(self.root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                out.append((path, st.st_size, st.st_mtime, folder == self.root))
        return out

    def protect_existing(self) -> int:
        """Never age out the files that exist now (made while the page was built: examples, static files)."""
        files = self._scan()
        self._protected.update(p for p, *_ in files)
        return len(files)

    def is_kept(self, path: str) -> bool:
        """True for a file the app must keep (an example's cached copy, a file made while building the page).

        Gradio stores uploads by content hash, so a user's upload of the same bytes as an example *is* the
        example's file: whoever deletes an upload after reading it must ask this first."""
        keep = self._kept_paths()
        return keep is None or os.path.realpath(path) in keep  # when in doubt, keep it: a sweep deletes it later

    def _kept_paths(self) -> set[str] | None:
        """The protected files and the ones Gradio must keep; None when Gradio's list cannot be read."""
        try:
            return self._protected | {os.path.realpath(p) for p in self.keep()}
        except Exception:  # a Gradio internal changed
            return None

    # -- one sweep ---------------------------------------------------------------------
    def sweep(self, now: float | None = None, need_bytes: int = 0) -> SweepReport:
        with self._lock:
            return self._sweep(time.time() if now is None else now, need_bytes)

    def _sweep(self, now: float, need_bytes: int) -> SweepReport:
        keep = self._kept_paths()
        if keep is None:  # keep working without Gradio's list
            keep = set(self._protected)
        files = self._scan()
        rep = SweepReport(files=len(files), bytes=sum(f[1] for f in files))
        self.totals["peak_bytes"] = max(self.totals["peak_bytes"], rep.bytes)
        self.totals["peak_files"] = max(self.totals["peak_files"], rep.files)
        doomed: dict[str, str] = {}
        for path, size, mtime, top in files:
            if path in keep:
                continue
            age = now - mtime
            if top and os.path.basename(path).startswith("tmp") and age > self.stray_age_s:
                doomed[path] = "partial upload"
            elif size == 0 and age > self.stray_age_s:
                doomed[path] = "empty"
            elif age > self.max_age_s:
                doomed[path] = "old"
        left = [f for f in files if f[0] not in doomed and f[0] not in keep]
        n_left = rep.files - len(doomed)
        b_left = rep.bytes - sum(f[1] for f in files if f[0] in doomed)
        # Over a cap: the oldest go first, down to 80 % of it (so one sweep buys some room).
        for path, size, mtime, top in sorted(left, key=lambda f: f[2]):
            if n_left <= 0.8 * self.max_files and b_left + need_bytes <= 0.8 * self.max_bytes:
                break
            doomed[path] = "over cap"
            n_left -= 1
            b_left -= size
        removed = set()
        for path, why in doomed.items():
            try:
                size = os.lstat(path).st_size
                os.remove(path)
            except OSError:
                continue
            removed.add(path)
            rep.deleted += 1
            rep.deleted_bytes += size
            rep.reasons[why] = rep.reasons.get(why, 0) + 1
        self._remove_empty_dirs(now, {os.path.dirname(p) for p in removed})
        if removed and self.forget is not None:
            try:
                self.forget(removed)
            except Exception:
                pass
        self.bytes, self.files = rep.bytes - rep.deleted_bytes, rep.files - rep.deleted
        self.totals["sweeps"] += 1
        self.totals["deleted"] += rep.deleted
        self.totals["deleted_bytes"] += rep.deleted_bytes
        self.last = rep
        if rep.deleted:
            log.info("temp janitor: deleted %d files (%.1f MB): %s; %d files (%.1f MB) left", rep.deleted,
                     rep.deleted_bytes / 1e6, rep.reasons, self.files, self.bytes / 1e6)
        return rep

    def _remove_empty_dirs(self, now: float, emptied: set[str]) -> None:
        """Empty folders: the ones this sweep emptied, and stale ones (Gradio makes one per upload)."""
        for folder, dirs, names in os.walk(self.root, topdown=False):
            if folder == self.root or names or dirs:
                continue
            try:
                if folder in emptied or now - os.lstat(folder).st_mtime > self.stray_age_s:
                    os.rmdir(folder)
            except OSError:
                pass

    # -- the upload route asks before accepting a body -------------------------------
    def make_room(self, nbytes: int) -> bool:
        """True if ``nbytes`` more fit under the caps (sweeping now if needed); the bytes are then counted."""
        if self.bytes + nbytes > self.max_bytes or self.files + 1 > self.max_files:
            self.sweep(need_bytes=nbytes)
        if self.bytes + nbytes > self.max_bytes or self.files + 1 > self.max_files:
            return False
        self.bytes += nbytes
        self.files += 1
        return True

    # -- in the background -------------------------------------------------------------
    def start(self) -> "Janitor":
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True, name="temp-janitor")
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sweep()
            except Exception:  # never let the janitor die
                log.exception("temp janitor sweep failed")


def gradio_keep(blocks) -> Callable[[], set[str]]:
    """The files a Blocks app must keep (what Gradio's own delete_cache skips)."""
    def keep() -> set[str]:
        out: set[str] = set()
        for block in list(blocks.blocks.values()):
            out.update(getattr(block, "keep_in_cache", ()) or ())
        return out
    return keep


def gradio_forget(blocks) -> Callable[[set[str]], None]:
    """Drop deleted paths from Gradio's records of temp files (they grow with every upload otherwise)."""
    def forget(paths: set[str]) -> None:
        for temp_set in list(getattr(blocks, "temp_file_sets", [])):
            temp_set.difference_update(paths)
    return forget


# -- the empty temp file per file reference ----------------------------------------------
def stop_empty_temp_files() -> list[str]:
    """Gradio 6's ``File._process_single_file`` (and ``UploadButton``'s) opens a ``NamedTemporaryFile``
    in the cache for every file passed in, renames the Python object and forgets it: an empty file
    (and an open descriptor until garbage collection) per reference. Replace the method by the same
    code without that line, only where the installed Gradio still has it. Returns what was patched."""
    import gradio as gr
    import gradio_client.utils as client_utils
    from gradio.utils import NamedString

    patched = []
    for cls in (gr.File, gr.UploadButton):
        original = cls._process_single_file
        if getattr(original, "_embedding_lab_patched", False):
            continue
        try:
            source = inspect.getsource(original)
        except (OSError, TypeError):
            continue
        if "NamedTemporaryFile(delete=False" not in source:
            continue  # fixed upstream: nothing to do

        def _process_single_file(self, f, _original=original):
            if self.type != "filepath":
                return _original(self, f)
            file_name = f.path
            if self.file_types and not client_utils.is_valid_file(file_name, self.file_types):
                raise gr.Error(
                    f"Invalid file type. Please upload a file that is one of these formats: {self.file_types}"
                )
            return NamedString(file_name)

        _process_single_file._embedding_lab_patched = True
        cls._process_single_file = _process_single_file
        patched.append(cls.__name__)
    return patched
