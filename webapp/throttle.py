"""Throttling repeated bad resume links from one client (429 Too Many Requests).

Guessing a 256-bit token is hopeless anyway; the throttle stops a client from
hammering the lookup and makes scanning visible in the logs.

Deliberately simple: counts live in memory, per server process (each gunicorn
worker has its own), keyed by the client address as the app sees it (set
TRUSTED_PROXIES behind a reverse proxy so that this is the real client). So
the effective limit is at most ``limit × workers`` per window, and it resets on
a restart. A shared store (a database table, Redis) would make it global; it
needs a schema change, left for later. Memory is bounded: at most
``max_clients`` addresses are tracked, the oldest forgotten first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Callable


class Throttle:
    def __init__(self, limit: int, window: float, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        stamps = self._failures.get(client)
        if stamps is None:
            return None
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if not stamps:
            del self._failures[client]
            return None
        return stamps

    def blocked(self, client: str) -> bool:
        """True if the client used up its bad attempts in the current window."""
        with self._lock:
            stamps = self._recent(client, self.clock())
            return stamps is not None and len(stamps) >= self.limit

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            stamps = self._recent(client, now)
            if stamps is None:
                stamps = self._failures[client] = deque(maxlen=self.limit)
                while len(self._failures) > self.max_clients:
                    self._failures.popitem(last=False)
            else:
                self._failures.move_to_end(client)
            stamps.append(now)
