"""pytest-xdist's file scheduler, made to survive a crashed worker and to start slow files first.

The suite runs with `--dist loadfile` (each file on one worker: module-scoped servers). When a
worker dies in the middle of a file (a segfault in a native library, a test that times out),
pytest-xdist 3.8's scheduler puts the file's whole workload back on the queue, completed tests
included, and reschedules every node, even a replacement whose collection has not arrived yet:
the run then stops with `KeyError: <WorkerController …>` or waits for ever for a worker that was
sent nothing to do (pytest-xdist issues #784, #1323). Here the crashed test is reported failed
(as xdist already does) and not run again, only files with tests still to run go back on the
queue, a node is given work only once its collection is known, and a replacement is kept
fed until it is told to stop. Files that mark their tests slow are handed out before the
others (`_slow_files_first`)."""

from __future__ import annotations

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadFileScheduling
from xdist.workermanage import WorkerController


class CrashTolerantFileScheduling(LoadFileScheduling):
    _slow_first = False  # the queue is put in order once, when work is first sent

    def remove_node(self, node: WorkerController) -> str | None:
        workload = self.assigned_work.pop(node)
        if not self._pending_of(workload):
            return None
        crashitem = next(
            nodeid
            for work_unit in workload.values()
            for nodeid, completed in work_unit.items()
            if not completed
        )
        for scope, work_unit in workload.items():
            if crashitem in work_unit:
                work_unit[crashitem] = True  # reported as failed; running it again proves nothing
            if not all(work_unit.values()):
                self.workqueue[scope] = work_unit
        for other in self.assigned_work:
            if other in self.registered_collections:
                self._reschedule(other)
        return crashitem

    def _reschedule(self, node: WorkerController) -> None:
        """Keep the node at least three tests ahead (a worker holds back its last test until
        it knows the next one or is told to stop); tell it to stop once nothing is queued."""
        if node.shutting_down or node not in self.registered_collections:
            return  # a replacement gets work once its collection has arrived (`schedule`)
        while self.workqueue and self._pending_of(self.assigned_work[node]) <= 2:
            if not self._send_work_unit(node):
                return
        if not self.workqueue:
            node.shutdown()

    def _assign_work_unit(self, node: WorkerController) -> None:
        self._send_work_unit(node)

    def _slow_files_first(self) -> None:
        """Files that mark their tests slow (seconds each: real servers, consoles, installs)
        are handed out first, the rest after them in pytest-xdist's order (most tests first).
        In that order alone a file of one or two slow tests came last, and one worker spent
        minutes on the desktop stories after the others had finished. The controller has no
        markers (workers collect), so it reads the files for them."""
        self._slow_first = True
        root = self.config.rootpath

        def slow(scope: str) -> bool:
            try:
                return "pytest.mark.slow" in (root / scope).read_text(encoding="utf-8")
            except OSError:
                return False

        ordered = sorted(self.workqueue.items(), key=lambda item: not slow(item[0]))
        self.workqueue.clear()
        self.workqueue.update(ordered)

    def _send_work_unit(self, node: WorkerController) -> bool:
        """Send the next file with tests to run; False when the worker is gone. A worker can
        die between finishing one test and our hearing of it (the next one killed it): its
        channel is closed, the file stays first on the queue, and `remove_node` follows."""
        if not self._slow_first:
            self._slow_files_first()
        collection = self.registered_collections[node]
        while self.workqueue:
            scope, work_unit = self.workqueue.popitem(last=False)
            pending = [nodeid for nodeid, completed in work_unit.items() if not completed]
            if not pending:
                continue
            try:
                node.send_runtest_some([collection.index(nodeid) for nodeid in pending])
            except OSError:
                self.workqueue[scope] = work_unit
                self.workqueue.move_to_end(scope, last=False)
                return False
            self.assigned_work.setdefault(node, {})[scope] = work_unit
            return True
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadFileScheduling | None:
    if config.getvalue("dist") == "loadfile":
        return CrashTolerantFileScheduling(config, log)
    return None
