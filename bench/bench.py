#!/usr/bin/env python3
"""shenbao's benchmark: one command, numbers side by side.

Run with `bash bench/run.sh` (it builds shenbao --release and installs
typst-cli 0.15.1 into bench/tools first). Times are wall-clock medians over
repeated cold processes; peak RSS per process comes from wait4().
"""
import json, os, shutil, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
SHENBAO = ROOT / "target" / "release" / "shenbao"
TYPST = ROOT / "bench" / "tools" / "bin" / "typst"
EXAMPLE = ROOT / "examples" / "luoyang-bearing"
RUNS = int(os.environ.get("BENCH_RUNS", "10"))


def run(cmd, env=None):
    """Runs cmd once; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name, cmd, runs=RUNS, env=None):
    run(cmd, env)  # warm the page cache, not the process
    times, rss = [], []
    for _ in range(runs):
        t, m = run(cmd, env)
        times.append(t)
        rss.append(m)
    med = statistics.median(times)
    print(f"  {name:<46} median {med*1000:8.1f} ms   min {min(times)*1000:8.1f} ms   peak RSS {max(rss):6.1f} MB")
    return med, max(rss)


def make_batch(n):
    """n materials made from the example with small changes (names, a sentence)."""
    batch = WORK / "batch"
    shutil.rmtree(batch, ignore_errors=True)
    inputs = []
    for i in range(n):
        d = batch / f"m{i:03d}"
        shutil.copytree(EXAMPLE, d)
        y = d / "material.yaml"
        t = y.read_text(encoding="utf-8")
        t = t.replace("洛阳示例精密轴承股份有限公司", f"洛阳示例精密轴承{i:03d}号股份有限公司")
        t = t.replace("公司始建于", f"公司（第{i}号）始建于", 1)
        y.write_text(t, encoding="utf-8")
        inputs.append(str(y))
    return inputs


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / "out"
    emit = WORK / "emit"
    shutil.rmtree(emit, ignore_errors=True)
    material = str(EXAMPLE / "material.yaml")
    common = ["--no-system-fonts"]
    subprocess.run([SHENBAO, "build", material, "-o", out, "--emit-typst", emit, *common], check=True, stdout=subprocess.DEVNULL)
    print(f"machine: {os.cpu_count()} cores; {RUNS} runs each; example = {material}")

    print("\nwhole book, cold process (same engine, same sources):")
    s, s_rss = measure("shenbao build (cover+body+book, 3 PDFs, checks)", [SHENBAO, "build", material, "-o", out, *common])
    results = {"shenbao_build_s": s, "shenbao_build_rss_mb": s_rss}
    if TYPST.exists():
        typst_cmd = [TYPST, "compile", "--root", emit, "--font-path", ROOT / "fonts", "--ignore-system-fonts",
                     "--creation-timestamp", "0", emit / "shenbao" / "book" / "main.typ", WORK / "typst-book.pdf"]
        t, t_rss = measure("typst compile (book only, 1 PDF)", typst_cmd)
        print(f"  ratio shenbao / typst-cli: {s / t:.2f}x")
        results.update(typst_compile_s=t, typst_compile_rss_mb=t_rss, ratio=s / t)
    else:
        print("  (typst-cli not installed: run bench/run.sh to install it into bench/tools)")

    print("\nstartup:")
    v, _ = measure("shenbao --version", [SHENBAO, "--version"])
    c, _ = measure("shenbao check (example)", [SHENBAO, "check", material, *common])
    results.update(version_s=v, check_s=c)

    print("\nbatch of 100 materials:")
    inputs = make_batch(100)
    b1, r1 = measure("shenbao build x100, -j 1", [SHENBAO, "build", *inputs, "-o", WORK / "batch-out", "-j", "1", *common], runs=1)
    b2, r2 = measure("shenbao build x100, -j 2", [SHENBAO, "build", *inputs, "-o", WORK / "batch-out", "-j", "2", *common], runs=1)
    print(f"  {100 / b2:.1f} materials/s with 2 threads; speed-up 1→2 threads {b1 / b2:.2f}x")
    results.update(batch_j1_s=b1, batch_j2_s=b2, batch_rss_mb=max(r1, r2))

    print("\nwatch rebuild (in process):")
    r = subprocess.run(["cargo", "bench", "--quiet", "--bench", "rebuild"], cwd=ROOT, capture_output=True, text=True)
    print("  " + (r.stdout.strip().splitlines() or ["(no output)"])[-1])
    (WORK / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
