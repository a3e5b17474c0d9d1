"""Whether storage is known to be down: while it is, records go straight to the spool, and one probe
write every ARCHIVE_SPOOL_RETRY_INTERVAL seconds finds out whether it answers again
(pipelines.write.delivery)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Outage:
    """Whether storage is known to be down, and when to probe it again.

    ``retry_interval`` 0 keeps no memory: every record tries storage itself.
    """

    def __init__(self, retry_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.retry_interval = retry_interval
        self.clock = clock
        self._lock = threading.Lock()
        self._down_until: float | None = None
        self._probing = False

    @property
    def down(self) -> bool:
        return self._down_until is not None

    def started(self) -> None:
        with self._lock:
            if self.retry_interval > 0:
                self._down_until = self.clock() + self.retry_interval
            self._probing = False

    def ended(self) -> None:
        with self._lock:
            self._down_until = None
            self._probing = False

    def may_try(self) -> bool | None:
        """True: storage is not known to be down. None: down, but this caller is the one probe due now.
        False: down, spool without trying."""
        with self._lock:
            if self._down_until is None:
                return True
            if self._probing or self.clock() < self._down_until:
                return False
            self._probing = True
            return None
