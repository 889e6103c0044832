#!/usr/bin/env python3
"""Runs the scan benchmark (see bench/run.sh) and writes bench/results.md.

Per catalogue (embedded, the 2,522 public records, 20,000 generated from
them) and log size: every engine's MB/s (median of 5), compile/start-up time,
peak RSS, the ratio errlens / each peer, and whether each engine reported the
same diagnoses (id, first line, count) as the reference matcher.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / sys.argv[1] if len(sys.argv) > 1 else ROOT / "build-bench"
BENCH = BUILD / "bench/errlens_bench"
ERRLENS = BUILD / "errlens"
PUBLIC = ROOT.parent / "shared/datasets/deadends/canons"
WORK = pathlib.Path(os.environ.get("BENCH_DIR", tempfile.gettempdir())) / "errlens-bench"
QUICK = bool(os.environ.get("BENCH_QUICK"))


def bench(*args, stdout=None):
    return subprocess.run([str(BENCH), *map(str, args)], check=True, stdout=stdout or subprocess.PIPE,
                          text=stdout is None).stdout


def scan(engine, log, catalog_args, repeat=5):
    out = subprocess.run([str(BENCH), "scan", engine, str(log), "--repeat", str(repeat), *catalog_args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"engine": engine, "error": out.stderr.strip()}
    return json.loads(out.stdout)


def timed(cmd, log):
    """MB/s (median of 5) of a shell command reading the log, and its peak RSS;
    None when the command fails (ripgrep rejects a pattern set it cannot parse)."""
    runs, rss = [], 0
    for _ in range(5):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c", cmd + ' < "$0" > /dev/null', str(log)],
                              capture_output=True, text=True)
        if proc.returncode not in (0, 1):  # grep-style: 1 is "no line selected"
            return None, proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else "failed"
        runs.append(log.stat().st_size / 1e6 / (time.perf_counter() - start))
        try:
            rss = max(rss, int(proc.stderr.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
    return sorted(runs)[2], rss


def cli(args, log, jobs):
    """One run of the product binary over the log, start-up included: MB/s,
    seconds, peak RSS, and its diagnoses as (id, first line, count)."""
    cmd = ["/usr/bin/time", "-f", "%e %M", str(ERRLENS), *args, "--no-cache", "scan", "-j", str(jobs),
           "--format", "json", str(log)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    rss_kb = int(proc.stderr.strip().splitlines()[-1].split()[1])
    found = sorted([m["id"], m["line"], m["count"]] for m in json.loads(proc.stdout)["matches"])
    return {"mbps_median": log.stat().st_size / 1e6 / secs, "compile_ms": None, "peak_rss_kb": rss_kb,
            "diagnoses": found, "seconds": secs}


def ids(result):
    return sorted(map(list, result.get("diagnoses", [])))


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    catalogues = [("embedded", [])]
    if PUBLIC.is_dir():
        catalogues.append(("public 2,522", ["--no-builtin", "--catalog", str(PUBLIC)]))
        if not os.environ.get("BENCH_NO_SCALING"):
            generated = WORK / "generated-20000.json"
            if not generated.exists():
                bench("make-catalog", 20000, generated, "--no-builtin", "--catalog", PUBLIC)
            catalogues.append(("generated 20,000", ["--no-builtin", "--catalog", str(generated)]))
    else:
        print(f"bench: {PUBLIC} is absent: only the embedded catalogue is measured", file=sys.stderr)
    sizes = ["10M"] if QUICK else ["10M", "100M"]
    rows = []
    for size in sizes:
        log = WORK / f"log-{size}.txt"
        if not log.exists():
            with open(log, "wb") as f:
                subprocess.run([str(BENCH), "generate", size], check=True, stdout=f)
        cat_mbps, _ = timed("cat", log)
        for name, args in catalogues:
            # The naive engines (every regex per line, one RE2::Set) are checked
            # on a sample: 1 MB, or 100 KB for the 20,000-record catalogue.
            sample_size = "100K" if name.startswith("generated") else "1M"
            sample = WORK / f"log-{sample_size}.txt"
            if not sample.exists():
                with open(sample, "wb") as f:
                    subprocess.run([str(BENCH), "generate", sample_size, "--seed", "7"], check=True,
                                   stdout=f)
            ref = scan("reference", sample, args, repeat=1)
            results = {}
            for engine in ("errlens", "hs-lines", "hs-buffer"):
                results[engine] = scan(engine, log, args)
            for engine in ("errlens", "re2set"):
                results[f"{engine} ({sample_size}B sample)"] = scan(engine, sample, args, repeat=1)
            patterns = WORK / f"patterns-{name.split()[0]}.txt"
            if shutil.which("rg"):
                export = subprocess.run([str(ERRLENS), *args, "export", "--to", "json"],
                                        capture_output=True, text=True).stdout
                records = json.loads(export) if export.strip().startswith("[") else [json.loads(export)]
                patterns.write_text("\n".join(r["regex"] or "" for r in records if r.get("regex")) + "\n")
                mbps, rss = timed(f'rg -i -c -f "{patterns}"', log)
                if mbps is None:
                    results["ripgrep -f"] = {"error": f"ripgrep rejects this pattern set ({rss[:40]})"}
                else:
                    results["ripgrep -f"] = {"mbps_median": mbps, "peak_rss_kb": rss, "compile_ms": None}
            # The product itself, one run each (lazy compilation and start-up
            # included), with one and two threads; their diagnoses must equal
            # the in-process engine's on the same log, and the reference's on the sample.
            results["errlens CLI -j1 (one run)"] = cli(args, log, 1)
            results["errlens CLI -j2 (one run)"] = cli(args, log, 2)
            cli_sample = cli(args, sample, 2)
            base = results["errlens"]
            for engine, r in results.items():
                same = None
                if "diagnoses" in r and engine.endswith("sample)"):
                    same = r["diagnoses"] == ref.get("diagnoses")
                elif "diagnoses" in r and engine.startswith("errlens CLI"):
                    same = ids(r) == ids(base) and ids(cli_sample) == ids(ref)
                ratio = (base.get("mbps_median", 0) / r["mbps_median"]) if r.get("mbps_median") else None
                rows.append((size, name, engine, r, ratio, same))
            rows.append((size, name, "cat > /dev/null", {"mbps_median": cat_mbps},
                         base.get("mbps_median", 0) / cat_mbps if cat_mbps else None, None))
            on_sample = results[f"errlens ({sample_size}B sample)"]
            if "diagnoses" in on_sample:
                print(f"{size} {name}: errlens on the {sample_size}B sample matches the reference: "
                      f"{on_sample['diagnoses'] == ref.get('diagnoses')}", file=sys.stderr, flush=True)
    lines = ["# Scan benchmark", "",
             "`bench/run.sh` on this machine (2 cores). Generated log: healthy lines from `tests/healthy`, "
             "an error line from the catalogue's examples about 1 in 1,000, runner timestamps.", "",
             "- In-process engines (errlens = the library's LogScanner, reference, re2set, hs-lines, "
             "hs-buffer) get the log in memory and the same patterns; MB/s is the median of 5 passes; "
             "their peak RSS includes the log itself, and their start-up includes compiling every "
             "regex (the harness hands the compiled set to every engine).",
             "- `errlens CLI` rows are the product binary, one run over the file: start-up, reading, "
             "compiling regexes on first use, all included (`--no-cache`); `-j2` uses both cores.",
             "- `same as reference`: for samples, the engine's diagnoses (id, first line, count) equal "
             "the reference matcher's (every RE2 on every cleaned line); for CLI rows, the CLI's equal the "
             "in-process errlens engine's on the full log and the reference's on the sample.", "",
             "| log | catalogue | engine | MB/s | start-up ms | peak RSS MB | errlens ÷ engine | same as reference |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for size, name, engine, r, ratio, same in rows:
        if "error" in r:
            lines.append(f"| {size} | {name} | {engine} | — | — | — | — | {r['error'][:70] or 'failed'} |")
            continue
        mbps = f"{r['mbps_median']:.1f}" if r.get("mbps_median") else "—"
        ms = f"{r['compile_ms']:.0f}" if r.get("compile_ms") else "—"
        rss = f"{r['peak_rss_kb'] / 1024:.0f}" if r.get("peak_rss_kb") else "—"
        rat = f"{ratio:.2f}" if ratio else "—"
        lines.append(f"| {size} | {name} | {engine} | {mbps} | {ms} | {rss} | {rat} | "
                     f"{'' if same is None else ('yes' if same else 'NO')} |")
    # Memory does not grow with the input: one 200 MB line (a minified bundle,
    # a base64 blob), streamed through a pipe.
    cmd = ("{ head -c 209715200 /dev/zero | tr '\\0' x; printf ' CrashLoopBackOff\\n'; } | "
           f'/usr/bin/time -f "%e s, peak RSS %M KB" "{ERRLENS}" scan --format json - > /dev/null')
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    lines += ["", f"One 200 MB line through `errlens scan -` (embedded catalogue): {out.stderr.strip().splitlines()[-1]}"]
    if os.environ.get("BENCH_GB"):
        for jobs, how in ((1, "streamed through a pipe"), (2, "as a file, -j 2")):
            if jobs == 1:
                cmd = (f'"{BENCH}" generate 1G | /usr/bin/time -f "%e s, peak RSS %M KB" "{ERRLENS}" '
                       f'scan --format json - > /dev/null')
            else:
                big = WORK / "log-1G.txt"
                if not big.exists():
                    subprocess.run(["bash", "-c", f'"{BENCH}" generate 1G > "{big}"'], check=True)
                cmd = f'/usr/bin/time -f "%e s, peak RSS %M KB" "{ERRLENS}" scan -j 2 --format json "{big}" > /dev/null'
            out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
            lines += ["", f"1 GB log {how} (embedded catalogue): {out.stderr.strip().splitlines()[-1]}"]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench/results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
