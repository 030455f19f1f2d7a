"""The order of the example gallery (imported by conf.py as a sort key)."""

from __future__ import annotations

# From a first run to the details; examples not listed follow, by file name.
ORDER = (
    "plot_quick_start.py",
    "plot_pipeline.py",
    "plot_grid_search.py",
    "plot_reuse_autoencoder.py",
    "plot_torch_dataset.py",
    "plot_tabular_to_image.py",
    "plot_real_vs_synthetic.py",
    "plot_judging_samples.py",
    "plot_training_history.py",
    "plot_mamix_classifier.py",
    "plot_own_networks.py",
)


class ExampleOrder:
    """Sort key of sphinx-gallery's ``within_subsection_order``.

    Parameters
    ----------
    src_dir : str
        The gallery's source folder (unused).
    """

    def __init__(self, src_dir: str) -> None:
        self.src_dir = src_dir

    def __call__(self, filename: str) -> tuple[int, str]:
        rank = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return rank, filename

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
