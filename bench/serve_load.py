#!/usr/bin/env python3
"""Load on `shenbao serve` (issue 20): N simulated writers edit their own
material for T seconds. Each round: change a sentence of the abstract, save
(PUT with If-Match), then ask for the preview of that version (the server
lays it out) and fetch the images of the pages that changed, as the page
does. Reports save and save→changed pages latencies (p50, p95), how many
page images were fetched, errors (must be 0), lost saves (each writer reads
its last acknowledged text back) and the peak RSS of the server with its
engine workers.

    cargo build --release && python3 bench/serve_load.py [--writers 20] [--seconds 60]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHENBAO = ROOT / "target" / "release" / "shenbao"
EXAMPLES = {
    # (folder, the file edited, the company's name in it)
    "md": (ROOT / "examples" / "luoyang-bearing-md", "material.md", "洛阳示例新材料科技有限公司"),
    "yaml": (ROOT / "examples" / "luoyang-bearing", "material.yaml", "洛阳示例精密轴承股份有限公司"),
}
PW = "load-test-password"


def call(base, method, path, body=None, cookie=None, headers=None, timeout=60):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    r = urllib.request.Request(base + path, data=data, method=method)
    if cookie:
        r.add_header("Cookie", cookie)
    if body is not None and not isinstance(body, bytes):
        r.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        r.add_header(k, v)
    try:
        res = urllib.request.urlopen(r, timeout=timeout)
    except urllib.error.HTTPError as e:
        res = e
    return res.status, res.headers, res.read()


def edit(text, n):
    """A one-sentence edit of the abstract (摘要): the first sentence after
    its heading (material.md) or key (material.yaml), not a comment."""
    at = max(text.find("\n# 摘要"), text.find("\nabstract:"))
    end = text.index("。", at)
    return text[:end] + f"（第{n}次修改）" + text[end:]


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--example", choices=sorted(EXAMPLES), default="md",
                    help="md: 4-page body; yaml: 13-page body")
    args = ap.parse_args()
    EXAMPLE, MAIN, COMPANY = EXAMPLES[args.example]
    data = Path(tempfile.mkdtemp(prefix="shenbao-load-"))
    for i in range(args.writers):
        subprocess.run([SHENBAO, "serve", "--data", data, "user", "add", f"w{i}", "--role", "enterprise",
                        "--county", "涧西区", "--company", f"洛阳示例负载测试{i}有限公司"],
                       input=PW + "\n", text=True, check=True, capture_output=True)
    server = subprocess.Popen([SHENBAO, "serve", "--data", data, "--listen", "127.0.0.1:0", "--no-system-fonts"],
                              stdout=subprocess.PIPE, stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), text=True)
    base = server.stdout.readline().strip().split("http://")[1].rstrip("/")
    base = "http://" + base
    md = (EXAMPLE / MAIN).read_text(encoding="utf-8-sig")
    files = [(str(p.relative_to(EXAMPLE)), p.read_bytes()) for p in sorted(EXAMPLE.rglob("*")) if p.is_file() and p.suffix != ".py"]
    saves, previews, errors, lost, fetched = [], [], [], [], []
    peak = [0]

    def vmrss(pid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
        except OSError:
            pass
        return 0

    def rss():
        # The server and its engine workers together, sampled.
        while server.poll() is None:
            kids = []
            for task in Path(f"/proc/{server.pid}/task").glob("*"):
                try:
                    kids += (task / "children").read_text().split()
                except OSError:
                    pass
            peak[0] = max(peak[0], vmrss(server.pid) + sum(vmrss(k) for k in kids))
            time.sleep(0.2)

    def writer(i):
        s, h, _ = call(base, "POST", "/api/session", {"user": f"w{i}", "password": PW})
        cookie = h["Set-Cookie"].split(";")[0]
        mid = json.loads(call(base, "GET", "/api/materials", cookie=cookie)[2])[0]["id"]
        version = 0
        name = f"洛阳示例负载测试{i}有限公司"
        for rel, b in files:
            if rel == MAIN:
                b = md.replace(COMPANY, name).encode()
            s, _, body = call(base, "PUT", f"/api/materials/{mid}/files/{urllib.parse.quote(rel)}", b, cookie, {"If-Match": str(version)})
            if s != 200:
                errors.append((i, "upload", s)); return
            version = json.loads(body)["version"]
        end = time.time() + args.seconds
        n, last, seen = 0, None, set()
        while time.time() < end:
            n += 1
            text = edit(md.replace(COMPANY, name), n).encode()
            t0 = time.time()
            s, _, body = call(base, "PUT", f"/api/materials/{mid}/files/{MAIN}", text, cookie, {"If-Match": str(version)})
            t1 = time.time()
            if s != 200:
                errors.append((i, "save", s)); continue
            version = json.loads(body)["version"]
            last = text
            saves.append(t1 - t0)
            s, _, body = call(base, "GET", f"/api/materials/{mid}/preview?version={version}", cookie=cookie)
            if s != 200 or not json.loads(body).get("documents"):
                errors.append((i, "preview", s)); continue
            pages = [p for d in json.loads(body)["documents"] for p in d["pages"]]
            new = [p for p in pages if p["sha256"] not in seen]
            for p in new:
                s, _, png = call(base, "GET", p["url"], cookie=cookie)
                if s != 200 or not png.startswith(b"\x89PNG"):
                    errors.append((i, "page", s)); break
            seen = {p["sha256"] for p in pages}
            previews.append(time.time() - t0)
            if n > 1:
                fetched.append(len(new))
            time.sleep(1.0)  # a pause in typing
        s, _, body = call(base, "GET", f"/api/materials/{mid}/files/{MAIN}", cookie=cookie)
        if last is not None and body != last:
            lost.append(i)

    threading.Thread(target=rss, daemon=True).start()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
    for t in threads: t.start()
    for t in threads: t.join()
    server.terminate(); server.wait()
    ms = lambda x: f"{x * 1000:.0f} ms"
    print(f"writers {args.writers}, {args.seconds:.0f} s, {os.cpu_count()} cores")
    print(f"saves {len(saves)}: p50 {ms(percentile(saves, 50))}, p95 {ms(percentile(saves, 95))}")
    print(f"save → changed page images {len(previews)}: p50 {ms(percentile(previews, 50))}, p95 {ms(percentile(previews, 95))}")
    if fetched:
        print(f"page images fetched per edit: mean {statistics.mean(fetched):.1f}")
    print(f"errors {len(errors)} {errors[:5]}; lost saves {len(lost)}; peak RSS (server + workers) {peak[0]} MB")


if __name__ == "__main__":
    main()
