#!/usr/bin/env python3
"""User-space link emulation: a TCP proxy that delays every chunk by a fixed one-way delay in
each direction (so the round trip gains 2 x --delay-ms), preserving order and keeping the
chunks' timing relative to each other. For machines without the netem qdisc
(scripts/netem_commander.sh needs it). Python 3 standard library only.

    scripts/delay_proxy.py --listen 127.0.0.1:9081 --to 127.0.0.1:8081 --delay-ms 25

Bandwidth is not limited; the delay is applied when a chunk is read, so a chunk is written
`delay` after it arrived (plus scheduling jitter, typically < 1 ms).
"""
import argparse
import asyncio
import signal
import socket
import sys


def host_port(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, not {text!r}")
    return host, int(port)


def no_delay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def pump(reader, writer, delay_s):
    """Copies reader -> writer, each chunk written delay_s after it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read_side():
        try:
            while True:
                data = await reader.read(65536)
                queue.put_nowait((loop.time() + delay_s, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            queue.put_nowait((loop.time() + delay_s, b""))

    async def write_side():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    await asyncio.gather(read_side(), write_side())


async def handle(client_reader, client_writer, target, delay_s):
    try:
        up_reader, up_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.close()
        return
    no_delay(client_writer)
    no_delay(up_writer)
    try:
        await asyncio.gather(pump(client_reader, up_writer, delay_s),
                             pump(up_reader, client_writer, delay_s))
    except asyncio.CancelledError:
        pass  # shutting down
    finally:
        for w in (client_writer, up_writer):
            w.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", type=host_port, required=True, help="HOST:PORT to accept on")
    ap.add_argument("--to", type=host_port, required=True, help="HOST:PORT to forward to")
    ap.add_argument("--delay-ms", type=float, default=0.0,
                    help="one-way delay added in each direction (RTT + 2x this)")
    ap.add_argument("--seconds", type=float, default=0.0,
                    help="exit after this long (0: until SIGINT/SIGTERM)")
    args = ap.parse_args()
    if args.delay_ms < 0:
        ap.error("--delay-ms must be >= 0")
    delay_s = args.delay_ms / 1000.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args.to, delay_s), *args.listen, reuse_address=True)
    print(f"delay_proxy: {args.listen[0]}:{args.listen[1]} -> {args.to[0]}:{args.to[1]}, "
          f"{args.delay_ms:g} ms each way", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.seconds > 0:
        loop.call_later(args.seconds, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
