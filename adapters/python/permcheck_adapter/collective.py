"""A small collective over TCP sockets for the ep tier's numpy ranks (docs/protocol.md 8).

Standard library only. Rank 0 listens on PERMCHECK_RENDEZVOUS (host:port); every other rank connects
to it and says its rank. `all_to_all_v` is a real exchange between the processes, relayed by rank 0
(a star: fine for the few ranks and few rows of CI, not a performance claim).
"""
import os
import socket
import struct
import time


def _send_frames(sock, frames):
    for f in frames:
        sock.sendall(struct.pack("<Q", len(f)))
        sock.sendall(f)


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(1 << 20, n - len(buf)))
        if not chunk:
            raise ConnectionError("a peer closed its socket during the exchange")
        buf.extend(chunk)
    return bytes(buf)


def _recv_frames(sock, count):
    return [_recv_exact(sock, struct.unpack("<Q", _recv_exact(sock, 8))[0]) for _ in range(count)]


class TcpCollective:
    def __init__(self, rank=None, world_size=None, rendezvous=None, connect_seconds=20.0):
        self.rank = int(os.environ["PERMCHECK_RANK"]) if rank is None else rank
        self.world_size = int(os.environ["PERMCHECK_WORLD_SIZE"]) if world_size is None else world_size
        host, port = (rendezvous or os.environ["PERMCHECK_RENDEZVOUS"]).rsplit(":", 1)
        self.peers = {}
        if self.world_size == 1:
            return
        if self.rank == 0:
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((host, int(port)))
            server.listen(self.world_size)
            server.settimeout(connect_seconds)
            while len(self.peers) < self.world_size - 1:
                conn, _ = server.accept()
                conn.settimeout(None)
                peer = struct.unpack("<I", _recv_exact(conn, 4))[0]
                self.peers[peer] = conn
            server.close()
        else:
            deadline = time.monotonic() + connect_seconds
            while True:
                try:
                    sock = socket.create_connection((host, int(port)), timeout=connect_seconds)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            sock.settimeout(None)
            sock.sendall(struct.pack("<I", self.rank))
            self.peers[0] = sock

    def all_to_all_v(self, slices):
        """`slices[j]` (bytes) goes to rank j; returns what every rank i sent to this one, by i."""
        assert len(slices) == self.world_size
        if self.world_size == 1:
            return list(slices)
        if self.rank != 0:
            _send_frames(self.peers[0], slices)
            return _recv_frames(self.peers[0], self.world_size)
        table = {0: list(slices)}
        for src in range(1, self.world_size):
            table[src] = _recv_frames(self.peers[src], self.world_size)
        for dst in range(1, self.world_size):
            _send_frames(self.peers[dst], [table[src][dst] for src in range(self.world_size)])
        return [table[src][0] for src in range(self.world_size)]

    def close(self):
        for s in self.peers.values():
            s.close()


class ThreadCollective:
    """The same all_to_all_v between S threads of one process (the single-controller form, docs/protocol.md 8.4):
    one shared table and a barrier, so a port's per-rank code runs unchanged, one thread per rank."""

    def __init__(self, world_size):
        import threading
        self.world_size = world_size
        self._table = [[None] * world_size for _ in range(world_size)]
        self._barrier = threading.Barrier(world_size)
        self._local = threading.local()

    def for_rank(self, rank):
        coll = self

        class _Rank:
            def __init__(self):
                self.rank = rank
                self.world_size = coll.world_size

            def all_to_all_v(self, slices):
                for j, s in enumerate(slices):
                    coll._table[rank][j] = s
                coll._barrier.wait()
                got = [coll._table[i][rank] for i in range(coll.world_size)]
                coll._barrier.wait()  # nobody writes the next exchange before every rank has read this one
                return got

        return _Rank()
