"""Schematic of DeepSMOTE for the user guide (drawn by the plot directive).

It shows the defaults: SMOTE's interpolation in the latent space, the latent
noise (the deviation of a random real code from its class mean, moved onto
the new code) and residual decoding (the decoded code plus the interpolated
reconstruction residuals of its two sources).

The figure is 9 inches wide and shown at the width of the text (about 800
pixels), so its labels need 11 to 14 points to read like the text around it.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon
from sklearn.datasets import load_digits

images, labels = load_digits(return_X_y=True)
W, H = 9, 5.6  # inches, and the canvas's data units
fig = plt.figure(figsize=(W, H))
canvas = fig.add_axes((0, 0, 1, 1))
canvas.set_xlim(0, W)
canvas.set_ylim(0, H)
canvas.set_axis_off()

BLUE, ORANGE, GREY = "#4c72b0", "#dd8452", "#555555"
TEXT, SMALL, TITLE = 12.5, 11, 14  # font sizes, points


def box(x, y, w, h, text, color="#eeeeee", **kw):
    canvas.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.04", fc=color, ec=GREY, lw=0.8
        )
    )
    kw.setdefault("fontsize", TEXT)
    canvas.text(x + w / 2, y + h / 2, text, ha="center", va="center", **kw)


def trapezoid(x, y, w, h, text, narrowing):
    """A layer block that narrows (encoder) or widens (decoder) to the right."""
    left, right = (h, h * 0.45) if narrowing else (h * 0.45, h)
    mid = y + h / 2
    points = [
        (x, mid - left / 2),
        (x + w, mid - right / 2),
        (x + w, mid + right / 2),
        (x, mid + left / 2),
    ]
    canvas.add_patch(Polygon(points, closed=True, fc="#dde5f0", ec=GREY, lw=0.8))
    canvas.text(x + w / 2, mid, text, ha="center", va="center", fontsize=TEXT)


def arrow(x0, y0, x1, y1, **kw):
    canvas.add_patch(
        FancyArrowPatch(
            (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=10, color=GREY, **kw
        )
    )


def thumbnails(x, y, digits, size=0.36):
    for i, index in enumerate(digits):
        ax = fig.add_axes((x / W, (y - i * (size + 0.04)) / H, size / W, size / H))
        ax.imshow(images[index].reshape(8, 8), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])


# --- 1. training -----------------------------------------------------------
T = 2.55  # the training panel sits this much higher than the generation panel
canvas.text(
    0.1,
    T + 2.83,
    "1. Train the autoencoder on all classes",
    weight="bold",
    fontsize=TITLE,
)
thumbnails(0.25, T + 2.05, [0, 11, 25])
canvas.text(0.43, T + 0.93, "batch x", ha="center", fontsize=TEXT)
arrow(0.7, T + 1.75, 1.1, T + 1.75)
trapezoid(1.15, T + 1.3, 1.0, 0.9, "encoder", narrowing=True)
arrow(2.2, T + 1.75, 2.6, T + 1.75)
box(2.65, T + 1.55, 0.45, 0.4, "z")
arrow(3.15, T + 1.75, 3.55, T + 1.75)
trapezoid(3.6, T + 1.3, 1.0, 0.9, "decoder", narrowing=False)
arrow(4.65, T + 1.75, 5.05, T + 1.75)
box(5.1, T + 1.55, 0.45, 0.4, "x̂")
box(
    5.9,
    T + 1.0,
    3.0,
    1.5,
    "loss = MSE(x̂, x)\n\nat most 20 epochs by default;\noptional: the paper's penalty",
    color="#f5f5f5",
    fontsize=SMALL,
)
arrow(5.6, T + 1.75, 5.85, T + 1.75)

# --- 2. generation ---------------------------------------------------------
canvas.text(
    0.1,
    2.82,
    "2. Generate, one minority class at a time",
    weight="bold",
    fontsize=TITLE,
)
G = 0.5  # the generation row sits this much above the residual path
nines = np.flatnonzero(labels == 9)[:3]
thumbnails(0.25, G + 1.35, nines)
canvas.text(0.43, G + 0.23, "class c", ha="center", fontsize=TEXT)
arrow(0.7, G + 1.05, 1.1, G + 1.05)
trapezoid(1.15, G + 0.6, 1.0, 0.9, "encoder", narrowing=True)
arrow(2.2, G + 1.05, 2.55, G + 1.05)

# the latent space: SMOTE's interpolation, then noise
latent = fig.add_axes((2.6 / W, (G + 0.12) / H, 2.3 / W, 1.85 / H))
rng = np.random.default_rng(3)
majority = rng.normal((0.3, 0.65), 0.13, size=(40, 2))
minority = np.array(
    [[0.55, 0.42], [0.82, 0.22], [0.74, 0.45], [0.62, 0.25], [0.86, 0.38], [0.9, 0.1]]
)
latent.scatter(*majority.T, s=10, color=BLUE, alpha=0.35, label="other classes")
latent.scatter(*minority.T, s=18, color=ORANGE, label="class c")
base, neighbour = minority[0], minority[1]  # a point and one of its neighbours
between = base + 0.6 * (neighbour - base)
# the latent noise: a real code's deviation from its class mean, moved over
centre = majority.mean(axis=0)
real = majority[np.argmin(np.linalg.norm(majority - centre - (-0.16, 0.14), axis=1))]
deviation = real - centre
new = between + deviation
latent.plot(*np.c_[base, neighbour], color=ORANGE, lw=1, ls="--")
latent.scatter(*centre, marker="+", s=60, color="black", zorder=3)
for start, end in ((centre, centre + deviation), (between, new)):
    latent.annotate(
        "",
        end,
        start,
        arrowprops={"arrowstyle": "-|>", "color": "#c44e52", "lw": 0.9},
    )
latent.scatter(*new, marker="*", s=110, color="#c44e52", zorder=3, label="new code")
latent.text(
    0.03,
    0.05,
    "z̃ = z + g (z_nn − z) + s (z_r − μ_r)",
    fontsize=SMALL - 1,
    transform=latent.transAxes,
)
latent.set_xticks([])
latent.set_yticks([])
latent.set_xlim(0, 1)
latent.set_ylim(0, 1)
latent.set_title("latent space: SMOTE + noise", fontsize=TEXT, pad=3)
latent.legend(
    fontsize=SMALL - 1.5,
    loc="upper right",
    handletextpad=0.1,
    borderpad=0.25,
    labelspacing=0.2,
    borderaxespad=0.2,
)

arrow(4.95, G + 1.05, 5.35, G + 1.05)
trapezoid(5.4, G + 0.6, 1.0, 0.9, "decoder", narrowing=False)
arrow(6.45, G + 1.05, 6.7, G + 1.05)
# the sum: decoded code plus interpolated residuals
canvas.add_patch(plt.Circle((6.85, G + 1.05), 0.13, fc="white", ec=GREY, lw=0.8))
canvas.text(6.85, G + 1.05, "+", ha="center", va="center", fontsize=TITLE)
arrow(7.0, G + 1.05, 7.2, G + 1.05)
box(
    7.25,
    G + 0.45,
    1.65,
    1.2,
    "new rows of\nclass c, after\nthe original X",
    color="#f5f5f5",
)
# the residual path, below the row: from the real rows to the sum
canvas.plot([0.43, 0.43, 6.85], [G + 0.1, 0.22, 0.22], color=GREY, lw=0.9)
arrow(6.85, 0.22, 6.85, G + 0.9)
canvas.text(
    3.6,
    0.3,
    "residuals x − D(E(x)) of the two source rows, mixed with the same g",
    ha="center",
    va="bottom",
    fontsize=SMALL,
    color=GREY,
)
