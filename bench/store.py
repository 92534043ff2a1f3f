"""Store benchmark: load ~10,000 synthetic documents, then time the queries.

The sample corpus (corpora/seeds) is parsed and extracted once; its documents and facts are
then copied across all 63 pre-2025 provinces and 15 years (2011-2025), each copy with its own
sha256, number, province, dates and target periods. Loading measures only the store's work
(``save_parsed_and_extracted``, one transaction per document) on already-extracted facts.

    .venv/bin/python bench/store.py                    # SQLite and PostgreSQL, 10,000 documents
    .venv/bin/python bench/store.py --docs 2000 --db sqlite
    .venv/bin/python bench/store.py --pg-url postgresql+psycopg://user@host/db

Prints documents/s, the database size and p50/p95 latency of each query. PostgreSQL is a
throw-away local server (tests/pg.py) unless --pg-url is given.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kehoach.extract.document import Document  # noqa: E402
from kehoach.extract.model import Extraction  # noqa: E402
from kehoach.store import query  # noqa: E402
from kehoach.store.db import Store, open_store  # noqa: E402
from kehoach.store.load import RunInfo, save_many, save_parsed_and_extracted  # noqa: E402
from kehoach.store.provinces import load_provinces  # noqa: E402

YEARS = list(range(2011, 2026))
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def seeds() -> list[tuple[Document, Extraction]]:
    from store_fixtures import seed_pairs  # the test helper: real pipeline, gold as fallback

    return seed_pairs()


def synthesize(pairs, n: int):
    """n (Document, Extraction) pairs spread over 63 provinces x 15 years; texts are shared."""
    provinces = [p.name for p in load_provinces().old]
    for i in range(n):
        province = provinces[i % len(provinces)]
        year = YEARS[(i // len(provinces)) % len(YEARS)]
        doc, ext = pairs[(i % len(provinces) + i // len(provinces)) % len(pairs)]  # a mix per province
        sha = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
        source = dataclasses.replace(doc.source, sha256=sha, path=f"/bench/{province}/{year}/{i}.txt",
                                     name=f"{i}.txt")
        meta = dataclasses.replace(
            ext.metadata, province=province, number=f"{i}/KH-UBND", issued_date=f"{year}-03-15",
            issued_year=year, plan_period=dataclasses.replace(ext.metadata.plan_period, start=year, end=year),
            issuer=f"Ủy ban nhân dân tỉnh {province}")
        targets = [dataclasses.replace(t, period=_YEAR.sub(str(year), t.period) if t.period else None)
                   for t in ext.targets]
        yield (dataclasses.replace(doc, source=source),
               dataclasses.replace(ext, metadata=meta, targets=targets))


def load(store: Store, pairs, n: int, batch: int = 1) -> tuple[float, float]:
    """(seconds in the store, documents/s). ``batch`` > 1: that many documents per transaction
    (``save_many``); 1: one transaction per document, as ``kehoach ingest`` does."""
    info = RunInfo(extractor_version="bench", models_hash="bench")
    spent = 0.0
    done = 0
    chunk = []
    for doc, ext in synthesize(pairs, n):
        chunk.append((doc, ext, info))
        if len(chunk) < batch and done + len(chunk) < n:
            continue
        t = time.perf_counter()
        if batch == 1:
            save_parsed_and_extracted(store, *chunk[0])
        else:
            failed = [r for r in save_many(store, chunk) if isinstance(r, Exception)]
            assert not failed, failed[0]
        spent += time.perf_counter() - t
        done += len(chunk)
        chunk = []
        if done % 1000 < batch:
            print(f"  {done} documents, {done / spent:.0f}/s", file=sys.stderr, flush=True)
    return spent, n / spent


def size_bytes(store: Store) -> int:
    with store.read() as conn:
        if store.dialect == "postgresql":
            return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    with store.engine.connect() as conn:  # fold the WAL into the file first
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = store.url.split("///", 1)[1]
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def queries(rng: random.Random):
    """(label, function producing one call's kwargs) for each query measured."""
    old = [p.name for p in load_provinces().old]
    new = [p.name for p in load_provinces().current]
    topics = ["ma_tuy", "mai_dam", "hiv_aids", "mua_ban_nguoi"]
    words = ["cai nghien", "ma túy", "tuyên truyền", "mại dâm", "hỗ trợ"]
    agencies = ["Sở Y tế", "Công an tỉnh", "Sở Lao động - Thương binh và Xã hội", "Sở Tài chính"]
    keys = ["qd:361/qd-ttg:2016", "nd:116/2021/nd-cp:2021", "ct:36-ct/tw:2019", "luat:phong-chong-ma-tuy:"]
    pick = rng.choice
    return [
        ("targets --province", query.targets, lambda: {"province": pick(old)}),
        ("targets --province NEW (as of 2025)", query.targets,
         lambda: {"province": pick(new), "as_of_2025": True}),
        ("targets --province --year", query.targets, lambda: {"province": pick(old), "year": pick(YEARS)}),
        ("targets --province --topic", query.targets, lambda: {"province": pick(old), "topic": pick(topics)}),
        ("targets --topic --year", query.targets, lambda: {"topic": pick(topics), "year": pick(YEARS)}),
        ("targets --agency --province", query.targets,
         lambda: {"agency": pick(agencies), "province": pick(old)}),
        ("targets --text --province", query.targets, lambda: {"text": pick(words), "province": pick(old)}),
        ("targets --text (first 100)", query.targets, lambda: {"text": pick(words), "limit": 100}),
        ("docs --province", query.docs, lambda: {"province": pick(old)}),
        ("docs --year", query.docs, lambda: {"year": pick(YEARS)}),
        ("docs --text --province", query.docs, lambda: {"text": pick(words), "province": pick(old)}),
        ("agencies --province", query.agencies, lambda: {"province": pick(old)}),
        ("citations --cited --province", query.citations,
         lambda: {"cited": pick(keys), "province": pick(old)}),
        ("citations --cited", query.citations, lambda: {"cited": pick(keys)}),
    ]


def time_queries(store: Store, repeat: int) -> list[tuple[str, float, float, float]]:
    # The bench process holds spaCy, underthesea and 10,000 synthetic documents; a query
    # process (kehoach targets ...) does not. Freezing them keeps the garbage collector from
    # re-scanning that heap in the middle of a timed query.
    gc.collect()
    gc.freeze()
    rng = random.Random(7)
    out = []
    for label, fn, args in queries(rng):
        fn(store, **args())  # warm the caches once
        times, rows = [], []
        for _ in range(repeat):
            kw = args()
            t = time.perf_counter()
            rows.append(len(fn(store, **kw)))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        out.append((label, statistics.median(times), p95, statistics.mean(rows)))
    return out


def run(name: str, url: str, pairs, n: int, repeat: int, batch: int) -> None:
    print(f"\n== {name}: {n} documents ({url.split('@')[-1]})", flush=True)
    store = open_store(url)
    spent, rate = load(store, pairs, n, batch)
    t = time.perf_counter()
    store.optimize()  # planner statistics, as after any bulk load
    print(f"optimize (ANALYZE): {time.perf_counter() - t:.1f} s")
    size = size_bytes(store)
    how = "one transaction per document" if batch == 1 else f"{batch} documents per transaction"
    print(f"load ({how}): {spent:.1f} s in the store, {rate:.0f} documents/s; database "
          f"{size / 2**20:.0f} MiB ({size / n / 1024:.1f} KiB/document)", flush=True)
    print(f"{'query':42} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8}")
    for label, p50, p95, rows in time_queries(store, repeat):
        print(f"{label:42} {p50:8.1f} {p95:8.1f} {rows:8.0f}", flush=True)
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", help="an existing PostgreSQL database (default: a throw-away server)")
    ap.add_argument("--repeat", type=int, default=40, help="calls per query")
    ap.add_argument("--batch", type=int, default=1,
                    help="documents per transaction (default 1: one per document, like ingest)")
    args = ap.parse_args()

    pairs = seeds()
    facts = sum(len(e.targets) + len(e.agencies) + len(e.citations) + len(e.deadlines) for _, e in pairs)
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"seeds: {len(pairs)} documents, {facts} facts; copied to {args.docs} documents "
          f"(~{facts * args.docs // len(pairs)} facts)")
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.db", pairs, args.docs, args.repeat, args.batch)
    if args.db in ("postgresql", "both"):
        if args.pg_url:
            run("PostgreSQL", args.pg_url, pairs, args.docs, args.repeat, args.batch)
        else:
            import pg

            with pg.TempPostgres() as server:
                run("PostgreSQL (local, fsync off)", server.create_database("bench"), pairs, args.docs,
                    args.repeat, args.batch)


if __name__ == "__main__":
    main()
