"""Open-loop, fixed-rate HTTP/1.1 load (standard library only).

Request i is due at t0 + i/rate and is sent then, whatever happened to the earlier ones: a slow answer never
delays the next request (wrk's closed loop would). Latency is measured from the request's due time to the last
byte of its answer, so time spent waiting for a free connection or behind a stalled server is counted (no
coordinated omission). Keep-alive connections are reused; a new one is opened when all are busy (up to
--max-connections, then requests wait, and that wait is in their latency). The first --warmup seconds are sent
but left out of the figures. Prints one JSON object.

    PYTHONPATH=scripts python3 -m seedgate_harness.fixedrate --port PORT --path /v1/jobs --body '{...}' --rate 200
"""

import argparse
import asyncio
import json
import time

from .figures import percentile


def rounded(value):
    return None if value is None else round(value, 2)


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


async def run(args):
    body = args.body.encode()
    head = f"{args.method} {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
    for header in args.header:
        head += header + "\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    request = (head + "\r\n").encode() + body
    idle = []
    slots = asyncio.Semaphore(args.max_connections)
    samples, statuses, errors, lags = [], {}, {}, []
    opened = 0

    async def one(due, measured):
        nonlocal opened
        async with slots:
            try:
                if idle:
                    reader, writer = idle.pop()
                else:
                    reader, writer = await asyncio.open_connection(args.host, args.port)
                    opened += 1
                sent = time.perf_counter()
                writer.write(request)
                status, keep = await read_response(reader)
                done = time.perf_counter()
                if keep:
                    idle.append((reader, writer))
                else:
                    writer.close()
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                if measured:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                return
        if measured:
            samples.append((done - due) * 1000)
            lags.append((sent - due) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    total = int(args.rate * (args.warmup + args.duration))
    warm = int(args.rate * args.warmup)
    tasks = []
    t0 = time.perf_counter() + 0.05
    for i in range(total):
        due = t0 + i / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, i >= warm)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    for _, writer in idle:
        writer.close()
    ordered = sorted(samples)
    lag = sorted(lags)
    return {
        "target": f"{args.method} http://{args.host}:{args.port}{args.path}",
        "rate_per_s": args.rate,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "measured": len(samples),
        "achieved_rate_per_s": round(total / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "connections_opened": opened,
        "latency_ms": {
            "p50": rounded(percentile(ordered, 0.5)),
            "p90": rounded(percentile(ordered, 0.9)),
            "p99": rounded(percentile(ordered, 0.99)),
            "p99.9": rounded(percentile(ordered, 0.999)),
            "max": rounded(ordered[-1] if ordered else None),
            "mean": rounded(sum(ordered) / len(ordered) if ordered else None),
        },
        "send_lag_ms": {
            "p50": rounded(percentile(lag, 0.5)),
            "p99": rounded(percentile(lag, 0.99)),
            "max": rounded(lag[-1] if lag else None),
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--body", default="")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2, help="seconds sent first and not measured")
    parser.add_argument("--max-connections", type=int, default=256)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
