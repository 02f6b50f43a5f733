"""`tools/call` round trips over stdio: `kickstart mcp` next to a reference Python MCP server
(tests/mcp/bench_reference_server.py, the SDK's FastMCP/MCPServer on SQLite), in one run.

    .venv/bin/python scripts/bench-mcp.py [--app target/release/kickstart] [--calls 1000]

For each server, in turn (ours first): a new process over stdio with the official Python SDK's
client; 1 000 open tasks seeded through the server itself (`add_task`, 50 to a call); a warm-up
of 50 calls of each tool; then 1 000 timed `list_tasks` (`limit` 50, so 50 tasks in each result)
and 1 000 timed `add_task` (one task each). Each round trip is timed on the client with
time.perf_counter_ns around `Client.call_tool` — the SDK writes the request to the server's stdin,
reads the reply from its stdout and checks the structured result against the tool's output schema,
the same client work for both servers. Then the same calls again (new process, same data) from
a raw client — one JSON-RPC line written, one read, `json.loads` — to tell the servers apart from
the SDK client. Prints p50, p99 and mean per tool, server and client, the ratios, and the
environment. Data and logs go to a temp folder; dates are in UTC. Method and figures in
docs/BENCHMARKS.md ("MCP tools/call over stdio"); `scripts/bench-mcp.sh` builds and runs this.
"""

import argparse
import asyncio
import importlib.metadata
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "mcp" / "bench_reference_server.py"
PASSWORD = "correct horse battery"
BATCH = 50  # add_task's maximum, for seeding
TIMEOUT = 60


@dataclass
class Server:
    label: str
    params: StdioServerParameters
    errlog: Path


@dataclass
class Result:
    label: str
    protocol: str = ""
    connect_ms: float = 0.0
    seed_s: float = 0.0
    samples: dict[str, list[int]] = field(default_factory=dict)  # tool -> round trips in ns (SDK client)
    raw_samples: dict[str, list[int]] = field(default_factory=dict)  # tool -> round trips in ns (raw pipe)
    result_bytes: dict[str, float] = field(default_factory=dict)  # tool -> mean JSON size of structuredContent
    validate_us: dict[str, float] = field(default_factory=dict)  # tool -> client-side schema check, mean µs
    wire_bytes: dict[str, float] = field(default_factory=dict)  # tool -> mean size of the reply line


def base_env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KICKSTART_")}
    env.update(
        TZ="UTC",
        KICKSTART_TZ="UTC",
        KICKSTART_LOG_DIR=str(scratch / "logs"),
        KICKSTART_LOG_STDERR="0",
        RUST_LOG="warn",
        XDG_DATA_HOME=str(scratch / "xdg-data"),
        XDG_CONFIG_HOME=str(scratch / "xdg-config"),
        XDG_CACHE_HOME=str(scratch / "xdg-cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def ours(app: Path, scratch: Path) -> Server:
    """A profile and an MCP token made headlessly, then `kickstart mcp` with the token."""
    data = scratch / "kickstart-data"
    data.mkdir()
    env = base_env(scratch) | {"KICKSTART_PASSWORD": PASSWORD}

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(app), *args, "--data-dir", str(data)], capture_output=True, text=True, env=env, timeout=TIMEOUT
        )
        if done.returncode != 0:
            sys.exit(f"kickstart {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    run("profile", "create", "--username", "bench")
    token = run("mcp-token", "create", "--username", "bench", "--name", "bench").strip()
    assert token.startswith("ksm_"), token
    params = StdioServerParameters(
        command=str(app),
        args=["mcp", "--data-dir", str(data)],
        env=base_env(scratch) | {"KICKSTART_MCP_TOKEN": token},
    )
    return Server("kickstart (Rust, rmcp)", params, scratch / "logs" / "kickstart-mcp.stderr")


def reference(scratch: Path) -> Server:
    params = StdioServerParameters(
        command=sys.executable,
        args=[str(REFERENCE), "--db", str(scratch / "reference.db")],
        env=base_env(scratch),
    )
    return Server("reference (Python, FastMCP)", params, scratch / "logs" / "reference.stderr")


def seed_tasks(count: int) -> list[dict]:
    """The same tasks for both servers: 70 % with a due date between 60 days ago and a year ahead
    (30 % of those with a time), ISO only, since the reference reads nothing else."""
    rng = random.Random(1123)
    today = datetime.now(timezone.utc).date()
    tasks = []
    for i in range(count):
        task: dict = {"title": f"seeded task {i} {rng.choice(['call', 'buy', 'write', 'fix', 'plan'])} something"}
        if rng.random() < 0.7:
            day = today + timedelta(days=rng.randint(-60, 365))
            task["due"] = f"{day}T{rng.randint(7, 20):02d}:{rng.choice([0, 15, 30, 45]):02d}" if rng.random() < 0.3 else str(day)
        tasks.append(task)
    return tasks


def new_task(i: int) -> dict:
    day = datetime.now(timezone.utc).date() + timedelta(days=1 + i % 90)
    return {"title": f"timed task {i}", "due": f"{day}T09:30" if i % 3 == 0 else str(day)}


def structured(result, tool: str) -> dict:
    if result.is_error or not isinstance(result.structured_content, dict):
        text = " ".join(getattr(block, "text", "") for block in result.content)
        raise SystemExit(f"{tool} failed: {text}")
    return result.structured_content


async def bench_server(server: Server, args) -> Result:
    out = Result(server.label)
    calls = {
        "list_tasks": lambda i: ("list_tasks", {"limit": 50}),
        "add_task": lambda i: ("add_task", {"tasks": [new_task(i)]}),
    }
    with open(server.errlog, "w") as errlog:
        started = time.perf_counter_ns()
        async with Client(
            stdio_client(server.params, errlog=errlog), mode=args.mode, read_timeout_seconds=TIMEOUT
        ) as client:
            out.connect_ms = (time.perf_counter_ns() - started) / 1e6
            out.protocol = str(client.protocol_version)

            # Seed through the server itself.
            started = time.perf_counter_ns()
            tasks = seed_tasks(args.seed)
            for start in range(0, len(tasks), BATCH):
                created = structured(await client.call_tool("add_task", {"tasks": tasks[start : start + BATCH]}), "add_task")
                if created["failed"] or len(created["created"]) != len(tasks[start : start + BATCH]):
                    raise SystemExit(f"{server.label}: seeding failed: {created['failed']}")
            out.seed_s = (time.perf_counter_ns() - started) / 1e9

            # Warm-up: every code path once, caches (the client's compiled output-schema validators,
            # SQLite's page cache, the allocators) filled.
            for i in range(args.warmup):
                for tool, make in calls.items():
                    name, arguments = make(-1 - i)
                    structured(await client.call_tool(name, arguments), tool)

            for tool, make in calls.items():
                samples, sizes, last = [], 0, None
                for i in range(args.calls):
                    name, arguments = make(i)
                    t0 = time.perf_counter_ns()
                    result = await client.call_tool(name, arguments)
                    t1 = time.perf_counter_ns()
                    samples.append(t1 - t0)
                    body = structured(result, tool)
                    sizes += len(json.dumps(body, separators=(",", ":")))
                    last = result
                if tool == "list_tasks":
                    assert len(last.structured_content["tasks"]) == 50 and last.structured_content["next_cursor"]
                else:
                    assert len(last.structured_content["created"]) == 1
                out.samples[tool] = samples
                out.result_bytes[tool] = sizes / args.calls
                # What the client's own output-schema check costs (it is inside every round trip).
                reps = 200
                t0 = time.perf_counter_ns()
                for _ in range(reps):
                    await client.session.validate_tool_result(tool, last)
                out.validate_us[tool] = (time.perf_counter_ns() - t0) / reps / 1e3
    return out


def bench_raw(server: Server, args, out: Result) -> None:
    """The same timed calls from the thinnest client Python allows: blocking writes of one JSON-RPC
    line to the server's stdin and reads of one line from its stdout, `json.loads` of the reply and
    nothing else (no SDK, no schema check). The same data folder, a new server process."""
    p = server.params
    with open(server.errlog, "a") as errlog:
        proc = subprocess.Popen(
            [p.command, *p.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog, env=p.env
        )
        reader = proc.stdout
        next_id = iter(range(1, 10**9))
        last_size = [0]

        def request(method: str, params: dict) -> dict:
            rid = next(next_id)
            proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params}).encode() + b"\n")
            proc.stdin.flush()
            while True:
                line = reader.readline()
                if not line:
                    raise SystemExit(f"{server.label}: the server closed stdout (see {server.errlog})")
                message = json.loads(line)
                last_size[0] = len(line)
                if message.get("id") == rid:
                    if "error" in message:
                        raise SystemExit(f"{server.label}: {method}: {message['error']}")
                    return message["result"]

        try:
            request("initialize", {
                "protocolVersion": out.protocol,
                "capabilities": {},
                "clientInfo": {"name": "bench-raw", "version": "1"},
            })
            proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
            proc.stdin.flush()
            calls = {
                "list_tasks": lambda i: {"name": "list_tasks", "arguments": {"limit": 50}},
                "add_task": lambda i: {"name": "add_task", "arguments": {"tasks": [new_task(i)]}},
            }
            for i in range(args.warmup):
                for make in calls.values():
                    assert not request("tools/call", make(-1 - i)).get("isError")
            for tool, make in calls.items():
                samples, size = [], 0
                for i in range(args.calls):
                    t0 = time.perf_counter_ns()
                    result = request("tools/call", make(i))
                    samples.append(time.perf_counter_ns() - t0)
                    size += last_size[0]
                    if result.get("isError"):
                        raise SystemExit(f"{server.label}: {tool}: {result}")
                out.raw_samples[tool] = samples
                out.wire_bytes[tool] = size / args.calls
        finally:
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def pct(sorted_ns: list[int], p: float) -> float:
    """Nearest-rank percentile, in µs."""
    return sorted_ns[max(0, math.ceil(p / 100 * len(sorted_ns)) - 1)] / 1e3


def summary(samples: list[int]) -> tuple[float, float, float]:
    s = sorted(samples)
    return pct(s, 50), pct(s, 99), statistics.fmean(s) / 1e3


def environment(app: Path, profile: str, mode: str, protocols: list[str]) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def cmd(*c: str) -> str:
        try:
            return subprocess.run(c, capture_output=True, text=True, cwd=ROOT, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    dirty = " (+ uncommitted changes)" if cmd("git", "status", "--porcelain", "--untracked-files=no") else ""
    return [
        f"date        {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"commit      {cmd('git', 'rev-parse', '--short', 'HEAD')}{dirty}",
        f"machine     {os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}",
        f"load        {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min, at the end)",
        f"nice        {os.nice(0)}",
        f"kickstart   {app} ({profile} build; {cmd(str(app), '--version')})",
        f"python      {platform.python_version()} ({platform.python_implementation()})",
        f"mcp         {importlib.metadata.version('mcp')} (client mode {mode!r}; protocol {', '.join(protocols)})",
        f"sqlite      {sqlite3.sqlite_version} (Python's, for the reference)",
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description="tools/call round trips over stdio, ours vs a FastMCP reference")
    parser.add_argument("--app", type=Path, default=ROOT / "target" / "release" / "kickstart")
    parser.add_argument("--profile", default=None, help="build profile to report (default: from the path)")
    parser.add_argument("--calls", type=int, default=1000, help="timed calls per tool (default 1000)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up calls per tool (default 50)")
    parser.add_argument("--seed", type=int, default=1000, help="open tasks seeded first (default 1000)")
    parser.add_argument("--mode", default="legacy", choices=["legacy", "auto"], help="the SDK client's mode")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (data and logs)")
    parser.add_argument("--dump", type=Path, help="write every round trip (ns, in call order) to this JSON file")
    args = parser.parse_args()
    app = args.app.resolve()
    if not app.is_file():
        sys.exit(f"{app} does not exist: build it (scripts/bench-mcp.sh does)")
    profile = args.profile or ("release" if "release" in app.parts else "debug" if "debug" in app.parts else "?")

    scratch = Path(tempfile.mkdtemp(prefix="kickstart-bench-mcp-"))
    (scratch / "logs").mkdir()
    try:
        servers = [ours(app, scratch), reference(scratch)]
        results = []
        for server in servers:
            print(f"… {server.label}: seeding {args.seed} tasks, {args.warmup} warm-up and {args.calls} timed calls "
                  "per tool", flush=True)
            result = await bench_server(server, args)
            bench_raw(server, args, result)
            results.append(result)
    except BaseException:
        print(f"(data and logs kept in {scratch})", file=sys.stderr)
        raise
    else:
        if args.keep:
            print(f"(data and logs kept in {scratch})")
        else:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)

    mine, ref = results
    if args.dump:
        args.dump.write_text(json.dumps({r.label: {"sdk": r.samples, "raw": r.raw_samples} for r in results}))
    print()
    print(f"tools/call round trip over stdio, {args.calls} calls per tool after {args.warmup} warm-up, "
          f"{args.seed} open tasks seeded; µs, timed on the client")
    print()
    header = (f"{'tool':<11} {'server':<28} {'SDK p50':>8} {'p99':>7} {'mean':>7}   "
              f"{'raw p50':>8} {'p99':>7} {'mean':>7}   {'reply':>7} {'check':>6}")
    print(header)
    print("-" * len(header))
    for tool in ("list_tasks", "add_task"):
        for r in results:
            sdk, raw = summary(r.samples[tool]), summary(r.raw_samples[tool])
            print(f"{tool:<11} {r.label:<28} {sdk[0]:8.0f} {sdk[1]:7.0f} {sdk[2]:7.0f}   "
                  f"{raw[0]:8.0f} {raw[1]:7.0f} {raw[2]:7.0f}   {r.wire_bytes[tool]:6.0f}B {r.validate_us[tool]:6.0f}")
        ratios = []
        for attr in ("samples", "raw_samples"):
            m, f = summary(getattr(mine, attr)[tool]), summary(getattr(ref, attr)[tool])
            ratios.append(" ".join(f"{b / a:6.2f}×" for a, b in zip(m, f)))
        print(f"{tool:<11} {'ratio (reference / ours)':<28}  {ratios[0]}    {ratios[1]}")
        print()
    print("SDK = the official Python SDK's Client.call_tool (what the issue asks for); raw = one JSON line")
    print("written and one read on the pipes, json.loads only. reply = mean size of the reply line (the")
    print("JSON-RPC response: structuredContent and the same JSON as text); check = the SDK client's")
    print("output-schema validation of one result (µs), inside every SDK round trip. Ratio > 1: ours is faster.")
    for tool in ("list_tasks", "add_task"):
        sizes = ", ".join(f"{r.label.split()[0]} {r.result_bytes[tool]:.0f} B" for r in results)
        print(f"structuredContent of {tool} as compact JSON: {sizes}")
    print()
    for r in results:
        print(f"{r.label}: start + handshake {r.connect_ms:.0f} ms; seeding {args.seed} tasks "
              f"({math.ceil(args.seed / BATCH)} add_task calls) {r.seed_s:.2f} s")
    print()
    for line in environment(app, profile, args.mode, [r.protocol for r in results]):
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
