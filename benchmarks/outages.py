"""Servers that go away and come back, for benchmarks/failures.py: a TCP proxy on
loopback in front of each server that the application reaches only through it, or
commands that stop and start the real server.

Cutting the proxy is what the application sees when its server restarts: every open
connection is reset, with whatever transaction it was in, and new connections are
refused until it returns. The server itself is untouched, so the benchmark's own
checks keep their direct connection throughout.
"""

from __future__ import annotations

import shlex
import socket
import struct
import subprocess
import threading
from contextlib import suppress

from benchmarks.harness import free_port

CHUNK = 65536


class Proxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        """The server is back: connections are taken again."""
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._acceptor = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        """The server is gone: open connections are reset and new ones refused."""
        with self._lock:
            listener, self._listener = self._listener, None
            doomed, self._open = self._open, set()
        if listener is not None:
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); its thread closes it
            self._acceptor.join()
        for sock in doomed:
            # Shut down here, closed by its pump thread: closing a socket that another
            # thread is blocked reading does not wake that thread, and the number of
            # the closed socket goes to the next connection, whose data it would read.
            with suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                listener.close()
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    for sock in (client, upstream):
                        sock.close()
                    continue
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                sink.sendall(data)
        for sock in (source, sink):  # wakes the pump that reads the other way
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._open.discard(source)
            self._open.discard(sink)
        source.close()  # only the socket this thread reads: no other thread waits on it


class Outage:
    """One server's outage: the proxy cut, or the real server stopped by a command."""

    def __init__(self, proxy: Proxy, stop: str = "", start: str = "") -> None:
        self.proxy, self.stop_command, self.start_command = proxy, stop, start

    @property
    def real(self) -> bool:
        return bool(self.stop_command)

    def begin(self) -> None:
        if self.real:
            subprocess.run(shlex.split(self.stop_command), check=True)
        else:
            self.proxy.cut()

    def end(self) -> None:
        if self.real:
            subprocess.run(shlex.split(self.start_command), check=True)
        else:
            self.proxy.restore()
