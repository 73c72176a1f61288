"""`python -m tests.rig model|serve`: build the tiny model, or keep a test server running until Ctrl-C.

    python -m tests.rig model                 # print the model directory (generating it if needed)
    python -m tests.rig serve                 # the "main" server on a free port, prints the env line to reuse it
    python -m tests.rig serve bare --port 8001
    python -m tests.rig serve llamacpp --port 8002   # llama.cpp's server (llama-cpp-python) on the tiny model as GGUF
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from tests.rig.llamacpp import launch_llamacpp, missing_install
from tests.rig.pool import SPECS
from tests.rig.server import ServerStartError, launch
from tests.rig.tiny_gguf import ensure_gguf
from tests.rig.tiny_llama import default_cache_dir, ensure_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.rig", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("model", help="generate (or find) the tiny model and print its directory")
    sub.add_parser("gguf", help="convert (or find) the tiny model as GGUF, for llama.cpp, and print its path")
    serve = sub.add_parser("serve", help="run a test server in the foreground")
    serve.add_argument("spec", nargs="?", default="main", choices=sorted(SPECS))
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--log", default=None, help="log file (default: a temporary file)")
    args = parser.parse_args(argv)

    model_dir = ensure_model(default_cache_dir())
    if args.command == "model":
        print(model_dir)
        return 0
    if args.command == "gguf":
        print(ensure_gguf(model_dir))
        return 0
    spec = SPECS[args.spec]
    if spec.kind == "llamacpp":
        reason = missing_install()
        if reason:
            print(reason, file=sys.stderr)
            return 1
        server = launch_llamacpp(ensure_gguf(model_dir), served_names=spec.served_names, extra_args=spec.extra_args,
                                 port=args.port, log_path=args.log)
    else:
        server = launch(model_dir, served_names=spec.served_names, extra_args=spec.extra_args, port=args.port,
                        log_path=args.log, env=dict(spec.env))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"starting {args.spec} server ({spec.description}); log: {server.log_path}", flush=True)
        server.wait_ready()
        print(f"ready in {server.ready_after_s:.0f} s at {server.base_url} serving {', '.join(spec.served_names)}")
        print(f"reuse it in tests: export {spec.env_var}={server.base_url}", flush=True)
        while server.alive():
            time.sleep(1)
        print(f"server exited with code {server.process.returncode}; log: {server.log_path}", file=sys.stderr)
        return 1
    except ServerStartError as e:
        print(e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
