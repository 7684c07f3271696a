"""Crash and concurrency trials on a model registry (kill -9, concurrent promotions, readers).

Three experiments, each against the plain alternative measured in the same run:

1. **kill -9**: a child process adds models to a registry and promotes them in a loop; it is
   killed with SIGKILL at a random moment (uniform over two save+promote cycles, so kills
   land in staging, rename, verification, pointer and history writes). After each kill the champion
   must verify and load, and every other model directory must be complete (its files match
   its manifest); staging leftovers are ignored. Alternative: the same loop writing one model
   directory in place (each file written to a temporary file and renamed; no staging
   directory, no lock).
2. **concurrent promotions**: pairs of processes add a model each and promote it through a
   gate (``A`` better than ``B`` better than the champion) at the same instant; a lost
   promotion is a final champion other than ``A`` or a history whose records do not chain.
   Alternative: the same pairs with the registry lock disabled.
3. **readers during replacement**: a reader reads and hash-checks a model directory in a loop
   while a writer replaces it (the exchange of ``save_model(replace=True)``); every transient
   error is counted. Alternative: the former two-rename replacement (move the old one aside,
   move the new one in) read the former way (each file opened by its path).

The model is the bundled default model (its weights only; no corpus row is read).

Usage::

    python experiments/kill9_registry.py [--trials 50] [--pairs 10] [--seconds 5] [--out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

from credscore import Registry, load_model, save_model
from credscore.artifacts import _registry as registry_module
from credscore.artifacts._save import artifact_files
from credscore.exceptions import ArtifactError

RESULTS = Path(__file__).resolve().parent / "results" / "kill9_registry.txt"


def _loop_registry(root: Path, model: Any, tag: str, rounds: int = 10**6) -> None:
    """Save (stage, flush, rename, record) and promote (verify, lock, pointer, record)."""
    reg = Registry(root)
    files = artifact_files(model)  # serialising is in memory: not what a crash can break
    for i in range(rounds):
        reg.promote(reg._add_files(files, f"{tag}-{i}", "trial").name, who="trial")


def _loop_in_place(root: Path, model: Any, tag: str, rounds: int = 10**6) -> None:
    """The plain alternative: one model directory rewritten file by file (each atomically)."""
    from credscore._io import atomic_write_bytes

    versions = [artifact_files(model, metrics={"version": v}) for v in range(2)]
    for i in range(rounds):
        for name, body in versions[i % 2].items():
            atomic_write_bytes(root / "model" / name, body)


def _check(root: Path) -> str | None:
    """None when the champion verifies and loads and every other model is complete."""
    from credscore.artifacts._files import read_artifact_dir
    from credscore.artifacts._manifest import check_manifest

    reg = Registry(root)
    try:
        champion = reg.champion()
        if champion is None:
            return "no champion"
        load_model(root)  # every check of verify, then the model itself
        for model_id in reg.ids():
            if model_id != champion:  # the same bytes as the champion: hashes suffice
                check_manifest(read_artifact_dir(root / model_id))
    except ArtifactError as exc:
        return str(exc)
    return None


def _fork(target: Any, *args: Any) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            target(*args)
        finally:
            os._exit(0)
    return pid


def kill_trials(model: Any, base: Path, work: Path, n: int, loop: Any, seed: int = 0) -> dict:
    """``n`` kill -9 trials of ``loop`` on copies of the registry ``base``."""
    rng = random.Random(seed)
    start = time.perf_counter()
    probe = work / f"{loop.__name__}-probe"
    shutil.copytree(base, probe)
    t0 = time.perf_counter()
    loop(probe, model, "probe", 3)
    cycle = (time.perf_counter() - t0) / 3
    failures, leftovers, recovered = [], 0, 0
    for t in range(n):
        root = work / f"trial{t}"
        shutil.copytree(base, root)
        pid = _fork(loop, root, model, f"t{t}")
        time.sleep(rng.uniform(0.0, 2 * cycle))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        problem = _check(root)
        if problem:
            failures.append(f"trial {t}: {problem[:300]}")
        leftovers += sum(1 for p in root.iterdir() if ".staging-" in p.name)
        records = Registry(root).history()
        last = next((r for r in reversed(records) if "champion_after" in r), None)
        recovered += last is not None and last["champion_after"] != Registry(root).champion()
        shutil.rmtree(root, ignore_errors=True)
    return {
        "trials": n,
        "failures": len(failures),
        "failure_examples": failures[:3],
        "cycle_seconds": round(cycle, 3),
        "killed_while_staging": leftovers,
        "killed_between_pointer_and_history": recovered,
        "seconds": round(time.perf_counter() - start, 1),
    }


def _promote_one(root: Path, model: Any, name: str, quality: dict, at: float) -> None:
    reg = Registry(root)
    reg.add(model, name, who=name)
    time.sleep(max(0.0, at - time.time()))

    def decide(champion: str | None) -> tuple[bool, dict]:
        time.sleep(0.05)  # widen the window between reading the champion and writing
        better = quality[name] > quality.get(champion or "", -1)
        return better, {"decision": "better" if better else "kept"}

    reg.promote(name, decide=decide, who=name, action="train")


def promotion_pairs(model: Any, base: Path, work: Path, n: int, *, lock: bool = True) -> dict:
    """``n`` pairs of concurrent gated promotions; counts lost promotions."""
    lost, examples = 0, []
    real_lock = registry_module.locked
    if not lock:
        registry_module.locked = lambda path: contextlib.nullcontext()  # type: ignore[assignment]
    try:
        for t in range(n):
            root = work / f"pair{t}"
            shutil.copytree(base, root)
            quality = {"c0": 0, "A": 2, "B": 1}
            at = time.time() + 0.6
            pids = [_fork(_promote_one, root, model, name, quality, at) for name in ("B", "A")]
            for pid in pids:
                os.waitpid(pid, 0)
            reg = Registry(root)
            gated = [r for r in reg.history() if r.get("action") == "train"]
            chained = len(gated) == 2 and gated[1]["champion_before"] == gated[0]["champion_after"]
            if reg.champion() != "A" or not chained:
                lost += 1
                examples.append(
                    {
                        "champion": reg.champion(),
                        "records": [(r["model"], r["champion_before"]) for r in gated],
                    }
                )
            shutil.rmtree(root, ignore_errors=True)
    finally:
        registry_module.locked = real_lock
    return {"pairs": n, "lost": lost, "examples": examples[:2]}


def _two_renames(target: Path, files: dict[str, bytes]) -> None:
    from credscore.artifacts._fs import stage_directory

    staging = stage_directory(target.parent, target.name, files)
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.replace(target, trash / "old")
    os.replace(staging, target)
    shutil.rmtree(trash, ignore_errors=True)


def readers_during_replace(model: Any, work: Path, seconds: float, *, atomic: bool) -> dict:
    """A reader reading and hash-checking ``target`` while a writer replaces it."""
    from credscore.artifacts._files import read_artifact_dir
    from credscore.artifacts._manifest import check_manifest
    from credscore.artifacts._save import replace_directory

    target = work / ("atomic" if atomic else "renames") / "m"
    target.parent.mkdir(parents=True)
    save_model(model, target)
    versions = [artifact_files(model, metrics={"version": v}) for v in range(2)]
    stop = target.parent / "stop"
    out = target.parent / "counts.json"

    def read_by_paths() -> None:  # the former reader: each file opened by its path
        from credscore.artifacts._files import RawArtifact

        names = ("manifest.json", "manifest.sha256", "model.skops", "MODEL_CARD.md", "NOTES.md")
        try:
            files = {n: (target / n).read_bytes() for n in names}
        except OSError as exc:
            raise ArtifactError(str(exc)) from None
        check_manifest(RawArtifact(target, files))

    def reader() -> None:
        checks = errors = 0
        while not stop.exists():
            try:
                if atomic:
                    check_manifest(read_artifact_dir(target))
                else:
                    read_by_paths()
            except ArtifactError:
                errors += 1
            checks += 1
        out.write_text(json.dumps({"checks": checks, "errors": errors}))

    pid = _fork(reader)
    end, replaced = time.time() + seconds, 0
    while time.time() < end:
        (replace_directory if atomic else _two_renames)(target, versions[replaced % 2])
        replaced += 1
    stop.write_text("")
    os.waitpid(pid, 0)
    return {"replacements": replaced, **json.loads(out.read_text())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=int(os.environ.get("CREDSCORE_KILL_TRIALS", 50)))
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--alternatives", action="store_true", help="also run the alternatives")
    ap.add_argument("--model", type=Path, default=None, help="model to use (default: bundled)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    model = load_model(args.model)
    work = Path(tempfile.mkdtemp(prefix="kill9-"))
    try:
        base = work / "base"
        Registry(base).promote(Registry(base).add(model, "c0").name)
        res: dict[str, Any] = {
            "kill9_registry": kill_trials(model, base, work, args.trials, _loop_registry),
            "pairs_locked": promotion_pairs(model, base, work, args.pairs),
            "readers_exchange": readers_during_replace(model, work, args.seconds, atomic=True),
        }
        if args.alternatives:
            plain = work / "plain"
            save_model(model, plain / "model")
            (plain / "CHAMPION").write_text("model\n")
            res["kill9_in_place"] = kill_trials(model, plain, work, args.trials, _loop_in_place)
            res["pairs_unlocked"] = promotion_pairs(model, base, work, args.pairs, lock=False)
            res["readers_two_renames"] = readers_during_replace(
                model, work, args.seconds, atomic=False
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(res, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# python experiments/kill9_registry.py {' '.join(argv or sys.argv[1:])}\n" + text + "\n"
    )
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
