"""``python -m index.collections list | copy NAME | drop NAME`` — versions of the index on a Chroma server.

Replicas that share one server each read one named collection (``BUDGETQA_COLLECTION``), and
the figure store shipped with them must be built from the same corpus (docs/deploy.md). The
build job keeps its own collection (``BUDGETQA_COLLECTION`` as it runs ``python -m ingest``) and
publishes a version by copying it under a new name — vectors and all, nothing is embedded — so
the collection a replica reads is never changed under it; an old version is dropped once no
replica reads it. The server's address comes from the settings (``BUDGETQA_CHROMA_HOST`` / ``_PORT``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.errors import BudgetQAError
from core.settings import Settings


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m index.collections", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the collections on the server, with their chunk counts")
    copy = sub.add_parser("copy", help="copy BUDGETQA_COLLECTION to NAME (replacing an earlier NAME)")
    copy.add_argument("name")
    drop = sub.add_parser("drop", help="delete collection NAME")
    drop.add_argument("name")
    args = p.parse_args(argv)
    settings = settings or Settings()
    if settings.chroma_mode != "server":
        print("错误：只用于 Chroma 服务（BUDGETQA_CHROMA_MODE=server）。", file=sys.stderr)
        return 2
    from index.vector import collection_counts, copy_collection, drop_collection

    try:
        if args.command == "list":
            for name, count in sorted(collection_counts(settings).items()):
                print(f"{name}\t{count}")
        elif args.command == "copy":
            if args.name == settings.collection or settings.collection not in collection_counts(settings):
                print(f"错误：不能把 {settings.collection} 复制为 {args.name}（同名，或服务上没有它）。", file=sys.stderr)
                return 2
            copy_collection(settings, args.name)
            print(f"{settings.collection} → {args.name}")
        else:
            drop_collection(settings, args.name)
            print(f"已删除 {args.name}")
    except BudgetQAError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
