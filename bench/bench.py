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
# BENCH_SHENBAO: another build to compare (an older commit's binary).
SHENBAO = Path(os.environ.get("BENCH_SHENBAO", ROOT / "target" / "release" / "shenbao"))
TYPST = ROOT / "bench" / "tools" / "bin" / "typst"
EXAMPLE = ROOT / "examples" / "luoyang-bearing"
RUNS = int(os.environ.get("BENCH_RUNS", "10"))


def run(cmd, env=None, ok_codes=(0,)):
    """Runs cmd once; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) not in ok_codes:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name, cmd, runs=RUNS, env=None, ok_codes=(0,)):
    run(cmd, env, ok_codes)  # warm the page cache, not the process
    times, rss = [], []
    for _ in range(runs):
        t, m = run(cmd, env, ok_codes)
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


def make_attachment_material(pages):
    """The example with a `pages`-page PDF attached (a downloaded report).
    The PDF is written by a separate Python process: a child forked from
    this one after importing PyMuPDF would report its memory as its own."""
    d = WORK / "attach"
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(EXAMPLE, d)
    script = (
        "import sys, pymupdf\n"
        "doc = pymupdf.open()\n"
        "for i in range(int(sys.argv[2])):\n"
        "    page = doc.new_page(width=595.28, height=841.89)\n"
        "    for k in range(40):\n"
        "        page.insert_text((60, 60 + 18 * k), f'Report page {i + 1}, line {k + 1}: 0123456789 abcdefghij', fontsize=10)\n"
        "doc.save(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", script, d / "report.pdf", str(pages)], check=True)
    y = d / "material.yaml"
    y.write_text(y.read_text(encoding="utf-8") + "\nattachments:\n  - {file: report.pdf, title: 信用中国查询报告}\n", encoding="utf-8")
    return str(y)


def measure_together(named_cmds, runs=RUNS):
    """Like `measure`, for several commands whose ratios matter: they take
    turns, run by run, so that a neighbour's load falls on all of them
    alike. Returns {name: (median seconds, peak RSS MB)}."""
    for _, cmd in named_cmds:
        run(cmd)  # warm the page cache, not the process
    times = {name: [] for name, _ in named_cmds}
    rss = {name: [] for name, _ in named_cmds}
    for _ in range(runs):
        for name, cmd in named_cmds:
            t, m = run(cmd)
            times[name].append(t)
            rss[name].append(m)
    out = {}
    for name, _ in named_cmds:
        ts = sorted(times[name])
        med = statistics.median(ts)
        p90 = ts[min(len(ts) - 1, round(0.9 * (len(ts) - 1)))]
        print(f"  {name:<46} median {med*1000:8.1f} ms   p90 {p90*1000:8.1f} ms   min {ts[0]*1000:8.1f} ms   peak RSS {max(rss[name]):6.1f} MB")
        out[name] = (med, max(rss[name]))
    return out


def book_vs_typst(name, material, results, common):
    """`shenbao build --outputs book` against typst-cli on the same material,
    two ways: the sources shenbao compiles (written by --emit-typst), and the
    minimal hand-written template in bench/anchor/ (cover, 申报表 and body as
    three documents, the user text read from the same data.json), which is
    what a writer who knows Typst would use instead and which does not slow
    down when shenbao's templates do."""
    out = WORK / "out"
    emit = WORK / f"emit-{name}"
    shutil.rmtree(emit, ignore_errors=True)
    subprocess.run([SHENBAO, "build", material, "-o", out, "--emit-typst", emit, *common], check=True, stdout=subprocess.DEVNULL)
    shutil.copytree(ROOT / "bench" / "anchor", emit / "anchor")
    print(f"\n{name}: whole book, cold processes, taking turns:")
    shenbao_cmd = [SHENBAO, "build", material, "-o", out, "--outputs", "book", *common]
    if not TYPST.exists():
        s, s_rss = measure("shenbao build --outputs book (3 PDFs, all checks)", shenbao_cmd)
        results.update({f"{name}_book_s": s, f"{name}_book_rss_mb": s_rss})
        print("  (typst-cli not installed: run bench/run.sh to install it into bench/tools)")
        return
    typst = [str(TYPST), "compile", "--root", str(emit), "--font-path", str(ROOT / "fonts"), "--ignore-system-fonts",
             "--creation-timestamp", "0"]
    book_cmd = [*typst, emit / "shenbao" / "book" / "main.typ", WORK / "typst-book.pdf"]
    # Three documents, one after another, as a writer's script would run them.
    anchor_cmd = ["sh", "-c", " && ".join(
        " ".join(f"'{a}'" for a in [*typst, emit / "anchor" / f"{doc}.typ", WORK / f"anchor-{doc}.pdf"])
        for doc in ("cover", "form", "body"))]
    r = measure_together([
        ("shenbao build --outputs book (3 PDFs, all checks)", shenbao_cmd),
        ("typst compile, shenbao's emitted book (1 PDF)", book_cmd),
        ("typst compile, bench/anchor (3 documents)", anchor_cmd),
    ])
    (s, s_rss), (t, t_rss), (a, a_rss) = r.values()
    print(f"  shenbao / typst-cli on the anchor:        {s / a:.2f}x   (target <= 0.8x)")
    print(f"  shenbao / typst-cli on its emitted book:  {s / t:.2f}x   (target <= 1.0x)")
    print(f"  emitted book / anchor, both typst-cli:    {t / a:.2f}x   (target <= 1.1x)")
    results.update({f"{name}_book_s": s, f"{name}_book_rss_mb": s_rss,
                    f"{name}_typst_s": t, f"{name}_typst_rss_mb": t_rss,
                    f"{name}_anchor_s": a, f"{name}_anchor_rss_mb": a_rss,
                    f"{name}_ratio": s / t, f"{name}_ratio_anchor": s / a, f"{name}_emitted_vs_anchor": t / a})


def import_bench(results, common):
    """`shenbao import` on the corpus's largest draft (tests/import-corpus/
    large.docx: 10 pictures, 9 tables, about 12 000 字), beside pandoc
    converting the same file to Markdown, and import followed by build."""
    draft = ROOT / "tests" / "import-corpus" / "large.docx"
    folder = WORK / "import-out"
    print("\nimport a Word draft (large.docx):")
    # import refuses to overwrite, so each run starts from no folder.
    imp, imp_rss = measure("shenbao import large.docx", ["sh", "-c", f'rm -rf "{folder}" && exec "{SHENBAO}" import "{draft}" -o "{folder}"'])
    results.update(import_s=imp, import_rss_mb=imp_rss)
    pandoc = shutil.which("pandoc")
    if pandoc:
        media = WORK / "pandoc-media"
        p, p_rss = measure("pandoc large.docx -t markdown (same file)", ["sh", "-c", f'rm -rf "{media}" && exec "{pandoc}" "{draft}" -t markdown --extract-media="{media}" -o /dev/null'])
        print(f"  ratio shenbao import / pandoc: {imp / p:.2f}x")
        results.update(pandoc_s=p, pandoc_rss_mb=p_rss)
    else:
        print("  (pandoc not installed: apt-get install pandoc to compare)")
    both, both_rss = measure("shenbao import + build --draft", ["sh", "-c", f'rm -rf "{folder}" "{WORK / "import-build"}" && "{SHENBAO}" import "{draft}" -o "{folder}" && exec "{SHENBAO}" build "{folder}/material.md" -o "{WORK / "import-build"}" --draft {" ".join(common)}'])
    results.update(import_build_s=both, import_build_rss_mb=both_rss)


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    if os.environ.get("BENCH_ONLY") == "book":
        results = {}
        print(f"machine: {os.cpu_count()} cores; {RUNS} runs each; load average {os.getloadavg()[0]:.2f} at the start")
        book_vs_typst("yaml-example", str(EXAMPLE / "material.yaml"), results, ["--no-system-fonts"])
        book_vs_typst("md-example", str(ROOT / "examples" / "luoyang-bearing-md" / "material.md"), results, ["--no-system-fonts"])
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
        (WORK / "results-book.json").write_text(json.dumps(results, indent=2))
        return
    if os.environ.get("BENCH_ONLY") == "import":
        results = {}
        print(f"machine: {os.cpu_count()} cores; {RUNS} runs each")
        import_bench(results, ["--no-system-fonts"])
        return
    out = WORK / "out"
    material = str(EXAMPLE / "material.yaml")
    common = ["--no-system-fonts"]
    print(f"machine: {os.cpu_count()} cores; {RUNS} runs each; load average {os.getloadavg()[0]:.2f} at the start")
    results = {}
    book_vs_typst("yaml-example", material, results, common)
    book_vs_typst("md-example", str(ROOT / "examples" / "luoyang-bearing-md" / "material.md"), results, common)

    print("\nother outputs, each on its own:")
    f, f_rss = measure("shenbao build --outputs form (申报表)", [SHENBAO, "build", material, "-o", out, "--outputs", "form", *common])
    a, a_rss = measure("shenbao build (all outputs)", [SHENBAO, "build", material, "-o", out, *common])
    county = ROOT / "examples" / "county"
    cs, cs_rss = measure("shenbao summary examples/county (汇总表 pdf+xlsx)", [SHENBAO, "summary", county, "-o", WORK / "county-out", *common], ok_codes=(0, 1))
    results.update(form_s=f, form_rss_mb=f_rss, all_s=a, all_rss_mb=a_rss, summary_s=cs, summary_rss_mb=cs_rss)
    d, d_rss = measure("shenbao slides (答辩.pdf + 答辩.pptx)", [SHENBAO, "slides", material, "-o", WORK / "slides-out", *common])
    results.update(slides_s=d, slides_rss_mb=d_rss)

    print("\n300-page attachment:")
    attach = make_attachment_material(300)
    t3, r3 = measure("shenbao build --outputs book, 300-page PDF attached", [SHENBAO, "build", attach, "-o", WORK / "attach-out", "--outputs", "book", *common], runs=3)
    results.update(attach300_s=t3, attach300_rss_mb=r3)

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

    import_bench(results, common)

    print("\nwatch rebuild (in process):")
    r = subprocess.run(["cargo", "bench", "--quiet", "--bench", "rebuild"], cwd=ROOT, capture_output=True, text=True)
    print("  " + (r.stdout.strip().splitlines() or ["(no output)"])[-1])
    (WORK / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
