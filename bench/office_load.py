#!/usr/bin/env python3
"""Load on `shenbao serve` from a city's campaign (issue 21): 15 counties × 40
enterprises = 600 materials in the database (varied copies of the two
bundled examples, made through the API: the counties import their lists,
each enterprise uploads its material), some submitted, returned and
recommended. Then, for T seconds at once:

- W writers (spread over the counties) edit their own material: change a
  sentence, save (PUT, If-Match), ask for the preview of that version,
  pause 1 s;
- 5 officials (4 county offices and the city) list their materials, read
  the overview and the audit, and take the electronic submission
  (export.zip) of their county, pausing 2 s.

Reports, per kind of request, how many and p50/p95 latency; every request
answered (errors must be 0; a preview still being laid out, 503, is asked
again and counted apart); the server's peak RSS and its build workers'
largest; lost or mixed-up saves (each writer reads back its last
acknowledged text, which names its own company); and one county's export
taken twice after the load: complete (its 汇总表 and every recommended
enterprise's folder with its files) and byte-identical, also to the one
taken during the load.

    cargo build --release && python3 bench/office_load.py [--writers 30] [--seconds 120]
"""
import argparse, io, json, os, random, statistics, subprocess, sys, tempfile, threading, time, urllib.parse, urllib.request, urllib.error, zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serve_load  # noqa: E402  (the request helper, beside this file)

ROOT = Path(__file__).resolve().parent.parent
SHENBAO = ROOT / "target" / "release" / "shenbao"
EXAMPLES = [
    # (folder, the file edited, the company's name in it)
    (ROOT / "examples" / "luoyang-bearing-md", "material.md", "洛阳示例新材料科技有限公司"),
    (ROOT / "examples" / "luoyang-bearing", "material.yaml", "洛阳示例精密轴承股份有限公司"),
]
COUNTIES = ["涧西区", "西工区", "老城区", "瀍河区", "洛龙区", "偃师区", "孟津区", "新安县", "宜阳县", "洛宁县",
            "伊川县", "嵩县", "栾川县", "汝阳县", "高新区"]
PW = "office-load-password"
TRADES = ["轴承", "新材料", "机械", "电子", "化工", "食品", "纺织", "建材"]


def call(base, method, path, body=None, cookie=None, headers=None, timeout=120):
    # The same request helper as the writers' benchmark, with a longer wait
    # (an export of a whole county takes a while under load).
    return serve_load.call(base, method, path, body, cookie, headers, timeout)


def login(base, user, password):
    s, h, b = call(base, "POST", "/api/session", {"user": user, "password": password})
    assert s == 204, (user, s, b)
    return h["Set-Cookie"].split(";")[0]


percentile = serve_load.percentile


def company(county, k):
    # No longer than the examples' own names: the 标杆名称 that holds it
    # keeps within its 40 字.
    return f"洛阳{county}{TRADES[k % len(TRADES)]}{k:02d}有限公司"


def material_files(k, name):
    """The files of enterprise k's material: one of the two examples (by
    k), its company renamed everywhere."""
    folder, main, original = EXAMPLES[k % 2]
    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.suffix == ".py":
            continue
        rel = str(p.relative_to(folder))
        b = p.read_bytes()
        if rel == main:
            b = b.decode("utf-8-sig").replace(original, name).encode()
        out.append((rel, b))
    return main, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writers", type=int, default=30)
    ap.add_argument("--officials", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--per-county", type=int, default=40)
    ap.add_argument("--recommended", type=int, default=6, help="recommended materials per county")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="shenbao-office-load-"))
    t_setup = time.time()
    run = lambda *a: subprocess.run([SHENBAO, "serve", "--data", data, "user", "add", *a],
                                    input=PW + "\n", text=True, check=True, capture_output=True)
    run("city", "--role", "city")
    for i, c in enumerate(COUNTIES):
        run(f"county{i:02d}", "--role", "county", "--county", c)
    server = subprocess.Popen([SHENBAO, "serve", "--data", data, "--listen", "127.0.0.1:0", "--no-system-fonts"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = "http://" + server.stdout.readline().strip().split("http://")[1].rstrip("/")

    peak = {"server": 0, "worker": 0, "total": 0}

    def rss():
        def kb(pid, field):
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith(field):
                        return int(line.split()[1])
            except OSError:
                pass
            return 0
        while server.poll() is None:
            workers = []
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        if f"PPid:\t{server.pid}\n" in open(f"/proc/{d}/status").read():
                            workers.append(int(d))
                    except OSError:
                        pass
            srv = kb(server.pid, "VmHWM:")
            wk = [kb(w, "VmRSS:") for w in workers]
            peak["server"] = max(peak["server"], srv // 1024)
            peak["worker"] = max([peak["worker"]] + [w // 1024 for w in wk])
            peak["total"] = max(peak["total"], (kb(server.pid, "VmRSS:") + sum(wk)) // 1024)
            time.sleep(0.5)
    threading.Thread(target=rss, daemon=True).start()

    # The counties import their lists (CSV, as Excel saves it).
    offices = {}
    enterprises = []  # (county index, k, login, password, company)
    for i, c in enumerate(COUNTIES):
        cookie = login(base, f"county{i:02d}", PW)
        offices[i] = cookie
        csv = "企业名称,联系人,电话\r\n" + "".join(
            f"{company(c, k)},联系人{k},1380000{i:02d}{k:02d}\r\n" for k in range(args.per_county))
        s, _, b = call(base, "POST", "/api/enterprises.csv", csv.encode("gbk"), cookie)
        assert s == 200, (s, b[:300])
        for row, k in zip(json.loads(b), range(args.per_county)):
            enterprises.append((i, k, row["login"], row["password"], row["company"]))
    # Each enterprise uploads its material.
    materials = {}  # login -> (id, version, cookie, main, company, county index, k)

    def upload(e):
        i, k, user, one_time, name = e
        # A one-time password opens only the password page: the writer
        # chooses their own first.
        cookie = login(base, user, one_time)
        s, _, b = call(base, "POST", "/api/password", {"old": one_time, "new": PW}, cookie)
        assert s == 204, (user, s, b[:200])
        cookie = login(base, user, PW)
        mid = json.loads(call(base, "GET", "/api/materials", cookie=cookie)[2])[0]["id"]
        main, files = material_files(i * args.per_county + k, name)
        version = 0
        for rel, b in files:
            s, _, body = call(base, "PUT", f"/api/materials/{mid}/files/{urllib.parse.quote(rel)}", b, cookie,
                              {"If-Match": str(version)})
            assert s == 200, (user, rel, s, body[:200])
            version = json.loads(body)["version"]
        materials[user] = (mid, version, cookie, main, name, i, k)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(upload, enterprises))
    # Statuses: in each county, the first `recommended` submitted and
    # recommended, two more submitted, one of them returned. Writers are
    # chosen among the drafts.
    by_county = {}
    for user, m in materials.items():
        by_county.setdefault(m[5], []).append((m[6], user))

    def decide(i):
        rows = sorted(by_county[i])
        for n, (_, user) in enumerate(rows[: args.recommended + 2]):
            mid, _, cookie = materials[user][:3]
            s, _, b = call(base, "POST", f"/api/materials/{mid}/submit", {}, cookie)
            assert s == 200, (user, s, b[:300])
            if n < args.recommended:
                s, _, b = call(base, "POST", f"/api/materials/{mid}/recommend", {"text": "经初审和实地核查，同意推荐。"}, offices[i])
                assert s == 200, (s, b[:200])
            elif n == args.recommended:
                s, _, b = call(base, "POST", f"/api/materials/{mid}/return", {"reason": "请补充质量指标"}, offices[i])
                assert s == 200, (s, b[:200])
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(decide, range(len(COUNTIES))))
    drafts = [user for i in range(len(COUNTIES)) for _, user in sorted(by_county[i])[args.recommended + 2:]]
    writers = [drafts[(n * 7) % len(drafts)] for n in range(args.writers)]
    assert len(set(writers)) == len(writers)
    setup_s = time.time() - t_setup
    city = login(base, "city", PW)

    lat = {}  # kind -> [seconds]
    errors, lost, mixed, retried = [], [], [], [0]
    lock = threading.Lock()

    def timed(kind, *a, **kw):
        t0 = time.time()
        try:
            s, h, b = call(base, *a, **kw)
        except Exception as e:  # no answer at all
            with lock:
                errors.append((kind, repr(e)[:100]))
            return None, None, None
        with lock:
            lat.setdefault(kind, []).append(time.time() - t0)
        return s, h, b

    end = time.time() + args.seconds
    first_export = {}

    def writer(user):
        mid, version, cookie, main, name, _, _ = materials[user]
        s, _, cur = call(base, "GET", f"/api/materials/{mid}/files/{main}", cookie=cookie)
        cur = cur.decode()
        n, last = 0, None
        while time.time() < end:
            n += 1
            text = cur.replace("。", f"（第{n}次修改）。", 1).encode()
            t0 = time.time()
            s, _, body = timed("save", "PUT", f"/api/materials/{mid}/files/{main}", text, cookie, {"If-Match": str(version)})
            if s != 200:
                errors.append(("save", user, s)); continue
            version = json.loads(body)["version"]
            last = text
            while True:
                s, _, body = timed("preview request", "GET", f"/api/materials/{mid}/preview?version={version}", cookie=cookie)
                if s == 503:
                    retried[0] += 1
                    continue
                break
            if s != 200 or not json.loads(body).get("documents"):
                errors.append(("preview", user, s)); continue
            with lock:
                lat.setdefault("save → preview", []).append(time.time() - t0)
            time.sleep(1.0)  # a pause in typing
        s, _, body = call(base, "GET", f"/api/materials/{mid}/files/{main}", cookie=cookie)
        if last is not None and body != last:
            lost.append(user)
        if name not in body.decode():
            mixed.append(user)

    def official(n):
        if n == 0:
            cookie, q, who = city, "?county=" + urllib.parse.quote(COUNTIES[1]), "city"
        else:
            cookie, q, who = offices[n - 1], "", f"county{n - 1:02d}"
        while time.time() < end:
            for kind, path in [("list", "/api/materials"), ("overview", "/api/overview"), ("audit", "/api/audit"),
                               ("export.zip", "/api/export.zip" + q)]:
                s, _, b = timed(kind, "GET", path, cookie=cookie)
                if s != 200:
                    errors.append((kind, who, s)); continue
                if kind == "export.zip" and who == "county00" and "zip" not in first_export:
                    first_export["zip"] = b
            time.sleep(2.0)

    threads = [threading.Thread(target=writer, args=(u,)) for u in writers]
    threads += [threading.Thread(target=official, args=(n,)) for n in range(args.officials)]
    t_load = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    load_s = time.time() - t_load
    # One county's export, twice after the load: complete and the same bytes.
    zips = [call(base, "GET", "/api/export.zip", cookie=offices[0])[2] for _ in range(2)]
    z = zipfile.ZipFile(io.BytesIO(zips[0]))
    names = z.namelist()
    top = f"{COUNTIES[0]}-申报材料/"
    recommended = [materials[u][4] for _, u in sorted(by_county[0])[: args.recommended]]
    want = [top + "汇总表.pdf", top + "汇总表.xlsx"] + [f"{top}{c}/{f}" for c in recommended
                                                       for f in ("申报表.pdf", "正文.pdf", "封面.pdf", "申报材料.pdf")]
    missing = [w for w in want if w not in names]
    same = zips[0] == zips[1] and first_export.get("zip", zips[0]) == zips[0]
    s, _, b = call(base, "GET", "/api/overview", cookie=city)
    total = json.loads(b)["total"]
    server.terminate(); server.wait()

    ms = lambda x: f"{x * 1000:.0f} ms"
    print(f"setup: {total} materials ({len(COUNTIES)} counties × {args.per_county}), {args.recommended} recommended per county, "
          f"{setup_s:.0f} s; load {load_s:.0f} s on {os.cpu_count()} cores: {args.writers} writers, {args.officials} officials")
    for kind in ["save", "save → preview", "preview request", "list", "overview", "audit", "export.zip"]:
        xs = lat.get(kind, [])
        print(f"  {kind:16} {len(xs):5}  p50 {ms(percentile(xs, 50)):>9}  p95 {ms(percentile(xs, 95)):>9}  max {ms(max(xs) if xs else float('nan')):>9}")
    print(f"errors {len(errors)} {errors[:5]}; previews asked again after 503: {retried[0]}")
    print(f"lost saves {len(lost)}, mixed-up {len(mixed)}")
    print(f"export of {COUNTIES[0]}: {len(names)} files, {len(zips[0]) // 1024} KB, missing {missing[:3]}, "
          f"byte-identical (twice after, and the one during the load): {same}")
    print(f"peak RSS: server {peak['server']} MB, largest build worker {peak['worker']} MB, server + workers {peak['total']} MB")
    ok = not errors and not lost and not mixed and not missing and same and total == len(COUNTIES) * args.per_county
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
