"""The pinned real-code corpus: source distributions of OpenAI-using apps and libraries from PyPI.

The list lives in tests/corpus/packages.toml (name, version, file, sha256, why). `fetch` downloads each file
with pip (no dependencies, exactly the pinned file), checks its sha256, and unpacks it into
.cache/corpus/<name>-<version>/; a package already unpacked from a file with the right hash is left alone, so
a second run does nothing. The tests and benchmarks/rewrite_corpus.py --pinned read only the cache.

    python benchmarks/corpus.py fetch        # what scripts/fetch-corpus runs
    python benchmarks/corpus.py list         # the pinned packages and whether each is in the cache

Standard library only (it runs before anything else is installed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = REPO / "tests" / "corpus" / "packages.toml"
CACHE = Path(os.environ.get("MIGRATE_CORPUS_CACHE", REPO / ".cache" / "corpus"))
STAMP = ".corpus-sha256"  # inside each unpacked tree: the hash of the file it came from


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    file: str
    sha256: str
    sdk: str
    shapes: tuple[str, ...]
    why: str

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    def tree(self, cache: Path = CACHE) -> Path:
        """Where the unpacked distribution lies (its top folder is stripped)."""
        return cache / self.key

    def is_cached(self, cache: Path = CACHE) -> bool:
        stamp = self.tree(cache) / STAMP
        return stamp.is_file() and stamp.read_text().strip() == self.sha256


def load(path: Path = PACKAGES) -> list[Package]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    packages = []
    for entry in data["package"]:
        packages.append(Package(name=entry["name"], version=entry["version"], file=entry["file"],
                                sha256=entry["sha256"].lower(), sdk=entry["sdk"],
                                shapes=tuple(entry.get("shapes", ())), why=entry["why"]))
    keys = [p.key for p in packages]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path}: a package is listed twice")
    return packages


def missing(packages: list[Package], cache: Path = CACHE) -> list[Package]:
    return [p for p in packages if not p.is_cached(cache)]


class FetchError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(package: Package, into: Path) -> Path:
    """pip downloads the pinned file and checks its hash (--require-hashes); we check it again."""
    binary = ["--only-binary", ":all:"] if package.file.endswith(".whl") else ["--no-binary", ":all:"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write(f"{package.name}=={package.version} --hash=sha256:{package.sha256}\n")
    try:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               *binary, "--require-hashes", "-r", req.name, "-d", str(into)],
                              capture_output=True, text=True, check=False)
    finally:
        os.unlink(req.name)
    path = into / package.file
    if done.returncode != 0 or not path.is_file():
        raise FetchError(f"{package.key}: pip download failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    got = sha256_of(path)
    if got != package.sha256:
        raise FetchError(f"{package.key}: {package.file} has sha256 {got}, pinned {package.sha256}")
    return path


def unpack(archive: Path, dest: Path) -> None:
    """Unpack an sdist (tar.gz / zip) or a wheel into `dest`, dropping an sdist's single top folder."""
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest.parent))
    try:
        if archive.name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar")):
            with tarfile.open(archive) as tar:
                tar.extractall(staging, filter="data")
        else:
            with zipfile.ZipFile(archive) as z:
                for info in z.infolist():
                    target = (staging / info.filename).resolve()
                    if not target.is_relative_to(staging.resolve()):
                        raise FetchError(f"{archive.name}: {info.filename} points outside the archive")
                z.extractall(staging)
        top = list(staging.iterdir())
        root = top[0] if len(top) == 1 and top[0].is_dir() and not archive.name.endswith(".whl") else staging
        if dest.exists():
            shutil.rmtree(dest)
        root.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(packages: list[Package], cache: Path = CACHE, log=print) -> list[Package]:
    """Bring every package into the cache; returns those fetched now. Raises FetchError on the first failure."""
    cache.mkdir(parents=True, exist_ok=True)
    downloads = cache / "downloads"
    downloads.mkdir(exist_ok=True)
    fetched = []
    for package in packages:
        if package.is_cached(cache):
            continue
        archive = downloads / package.file
        if not (archive.is_file() and sha256_of(archive) == package.sha256):
            log(f"fetch-corpus: downloading {package.key}")
            archive = download(package, downloads)
        unpack(archive, package.tree(cache))
        (package.tree(cache) / STAMP).write_text(package.sha256 + "\n")
        fetched.append(package)
    return fetched


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["fetch", "list"])
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where to unpack (default {CACHE})")
    args = parser.parse_args(argv)
    packages = load()
    if args.command == "list":
        for p in packages:
            print(f"{p.key:<36} {p.sdk:<4} {'cached' if p.is_cached(args.cache) else 'missing':<8} {p.why}")
        return 0
    try:
        fetched = fetch(packages, args.cache)
    except FetchError as e:
        print(f"fetch-corpus: {e}", file=sys.stderr)
        return 1
    print(f"fetch-corpus: {len(packages)} packages in {args.cache} ({len(fetched)} fetched now)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
