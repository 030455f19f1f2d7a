"""Run every gallery example (``examples/plot_*.py``) as written, and the demo.

The examples are what the documentation shows, and the documentation build
runs them as written; this keeps them working. Each script runs in this
process with ``runpy`` (so the suite's warning filters apply) and
matplotlib's non-interactive Agg backend. torch computes on one thread
meanwhile: the examples' networks are tiny, and on a busy machine (CI
runners, parallel test jobs) several intra-op threads make them many times
slower, not faster.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))

plt = pytest.importorskip("matplotlib.pyplot")
pytest.importorskip("pandas")


def test_examples_found():
    assert len(EXAMPLES) >= 7, [path.name for path in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    backend = plt.get_backend()
    plt.switch_backend("Agg")
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")
        plt.switch_backend(backend)


def test_examples_have_no_hidden_quick_mode():
    """What the gallery shows is what the code reads: no environment switch."""
    for path in [*EXAMPLES, EXAMPLES[0].parent / "demo_digits.py"]:
        source = path.read_text(encoding="utf-8")
        assert "sphinx_gallery_start_ignore" not in source, path.name
        assert "QUICK" not in source, path.name


def test_demo_prints_time_and_balanced_accuracy_for_each_way_to_train(
    monkeypatch, capsys
):
    demo = runpy.run_path(str(EXAMPLES[0].parent / "demo_digits.py"))
    main = demo["main"]
    monkeypatch.setitem(main.__globals__, "SEEDS", (0, 1))
    monkeypatch.setitem(main.__globals__, "EPOCHS", 1)
    main()
    lines = capsys.readouterr().out.splitlines()
    for name in ("none", "SMOTE", "DeepSMOTE", "MAMix", "DeepSMOTE + MAMix"):
        assert any(line.startswith(name + " ") for line in lines), name
    # the conclusions are computed from the runs, one per comparison
    assert any(line.startswith("Highest mean balanced accuracy: ") for line in lines)
    for name, reference in [("DeepSMOTE", "SMOTE"), ("DeepSMOTE + MAMix", "MAMix")]:
        verdicts = [f"{name} is {v} {reference}: " for v in ("ahead of", "behind")]
        verdicts.append(f"{name} is level with {reference}: ")
        assert any(line.startswith(tuple(verdicts)) for line in lines), name
