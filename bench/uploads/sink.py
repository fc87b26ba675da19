#!/usr/bin/python3
"""The floor peer of bench/uploads/run: the least a server can do with an upload.

  sink.py --port N --dir DIR

One thread per connection. `GET /` answers 200 (readiness). A WebSocket upgrade (any path) then
takes binary frames: each payload is read into one reused buffer, written to a file in DIR as it
is (no unmasking, no parsing: cheaper than any real server) and answered with one small text frame,
the ack the client waits for before its next chunk, as liveactor answers each chunk. `POST /raw`
copies the request body to a file until the client shuts its side down, then answers "done": the
bytes over plain TCP with no frames and no acks. Files are deleted when their connection ends.
"""
import argparse
import base64
import hashlib
import os
import socket
import struct
import tempfile
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC11B65"
ACK = b'["9","0","lvu:0","phx_reply",{"status":"ok","response":{}}]'
ACK_FRAME = bytes([0x81, len(ACK)]) + ACK


def read_exact(conn, view):
    got = 0
    while got < len(view):
        n = conn.recv_into(view[got:])
        if n == 0:
            raise ConnectionError("closed")
        got += n


def websocket(conn, head, out):
    key = next(line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
               if line.lower().startswith(b"sec-websocket-key:"))
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    buf = bytearray(1 << 20)
    small = bytearray(14)
    while True:
        read_exact(conn, memoryview(small)[:2])
        opcode, n = small[0] & 0x0F, small[1] & 0x7F
        extra = 2 if n == 126 else 8 if n == 127 else 0
        read_exact(conn, memoryview(small)[2:2 + extra + 4])  # length, then the mask key
        if extra:
            n = struct.unpack("!H" if extra == 2 else "!Q", bytes(small[2:2 + extra]))[0]
        if n > len(buf):
            buf = bytearray(n)
        view = memoryview(buf)[:n]
        read_exact(conn, view)
        if opcode == 8:
            return
        out.write(view)
        conn.sendall(ACK_FRAME)


def raw(conn, head, out):
    body = head.split(b"\r\n\r\n", 1)[1]
    out.write(body)
    buf = bytearray(1 << 20)
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        out.write(memoryview(buf)[:n])
    out.flush()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")


def serve(conn, directory):
    with conn:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        with tempfile.NamedTemporaryFile(dir=directory, prefix="sink-", suffix=".part") as out:
            try:
                if b"upgrade: websocket" in head.lower():
                    websocket(conn, head, out)
                elif head.startswith(b"POST /raw"):
                    raw(conn, head, out)
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nsink")
            except ConnectionError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    listener = socket.create_server(("127.0.0.1", args.port), backlog=128)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, args.dir), daemon=True).start()


if __name__ == "__main__":
    main()
