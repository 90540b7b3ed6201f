"""How many processes batch generation uses: worker processes only where they were measured to pay (see
PARALLEL_MIN_ROWS and tests/benchmarks/bench_batch.py), the same files either way."""
import numpy as np
import pandas as pd

import ictco2_xl.batch as batch
from ictco2_xl.core.models import get_model
from ictco2_xl.core.sampling import random_inputs


def _chunks(sizes):
    for n in sizes:
        yield pd.DataFrame({"scenario": [f"s{i}" for i in range(n)]})


def test_jobs_as_given_reads_nothing_ahead():
    plan = batch._JobPlan(3)
    read = []
    chunks = plan.chunks(read.append(n) or c for n, c in enumerate(_chunks([10, 10])))
    assert plan.jobs == 3 and read == []
    assert len(list(chunks)) == 2


def test_auto_is_one_process_for_small_tables(monkeypatch):
    monkeypatch.setattr(batch, "_available_cpus", lambda: 8)
    plan = batch._JobPlan(None)
    assert [len(c) for c in plan.chunks(_chunks([500, 500, 500, 500]))] == [500] * 4
    assert plan.jobs == 1 and plan.pool is None


def test_auto_uses_workers_above_the_measured_size_reading_ahead_only_that_far(monkeypatch):
    monkeypatch.setattr(batch, "_available_cpus", lambda: 8)
    plan = batch._JobPlan(None)
    read = []

    def source():
        for k, c in enumerate(_chunks([500] * 10)):
            read.append(k)
            yield c
    chunks = plan.chunks(source())
    first = next(chunks)
    assert len(first) == 500 and plan.jobs == batch.MAX_AUTO_WORKERS
    assert len(read) == batch.PARALLEL_MIN_ROWS // 500 + 1  # read ahead just past the threshold
    assert sum(len(c) for c in chunks) == 4500
    for cpus in (1, 2):  # measured on 2 cores: workers did not pay
        monkeypatch.setattr(batch, "_available_cpus", lambda: cpus)
        single = batch._JobPlan(None)
        list(single.chunks(_chunks([500] * 10)))
        assert single.jobs == 1


def test_auto_and_workers_write_the_same_workbooks(tmp_path, monkeypatch):
    model = get_model("fleet_management")
    table = pd.DataFrame({"scenario": [f"row {i}" for i in range(30)],
                          **random_inputs(model, 30, np.random.default_rng(4))})
    monkeypatch.setattr(batch, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(batch, "_available_cpus", lambda: 3)
    auto = batch.generate(table, model.id, tmp_path / "auto", chunk_rows=8)
    one = batch.generate(table, model.id, tmp_path / "one", jobs=1, chunk_rows=8)
    assert auto.written == one.written == 30
    files = sorted(p.name for p in (tmp_path / "one").glob("row *.xlsx"))
    assert len(files) == 30
    for name in files:
        assert (tmp_path / "auto" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
