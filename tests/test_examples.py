"""Run every gallery example (``examples/plot_*.py``) in quick mode, and the demo.

The examples are what the documentation shows; this keeps them working. Each
script runs in this process with ``runpy`` (so the suite's warning filters
apply), with ``IMBLEARN_DEEPSMOTE_QUICK=1`` (few epochs) and matplotlib's
non-interactive Agg backend; ``plot_judging_samples.py`` has no quick mode
and runs as written, in about a minute. torch computes on one thread
meanwhile: the examples' networks are tiny, and on a busy machine (CI
runners, parallel test jobs) several intra-op threads make them many times
slower, not faster.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))

plt = pytest.importorskip("matplotlib.pyplot")
pytest.importorskip("pandas")


def test_examples_found():
    assert len(EXAMPLES) >= 7, [path.name for path in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(path, monkeypatch):
    monkeypatch.setenv("IMBLEARN_DEEPSMOTE_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    backend = plt.get_backend()
    plt.switch_backend("Agg")
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
        plt.switch_backend(backend)


def test_demo_prints_time_and_balanced_accuracy_for_each_way_to_train(
    monkeypatch, capsys
):
    demo = runpy.run_path(str(EXAMPLES[0].parent / "demo_digits.py"))
    main = demo["main"]
    monkeypatch.setitem(main.__globals__, "SEEDS", (0,))
    monkeypatch.setitem(main.__globals__, "EPOCHS", 1)
    main()
    out = capsys.readouterr().out
    for name in ("none", "SMOTE", "DeepSMOTE", "MAMix", "DeepSMOTE + MAMix"):
        assert any(line.startswith(name + " ") for line in out.splitlines()), name
