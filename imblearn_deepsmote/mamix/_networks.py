"""Default networks of :class:`~imblearn_deepsmote.MAMixClassifier`.

Both take the flattened rows that scikit-learn pipelines pass around and
return logits (no softmax).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ..utils._images import resolve_image_shape


def _as_widths(hidden_units: int | Sequence[int], name: str) -> tuple[int, ...]:
    widths = (hidden_units,) if isinstance(hidden_units, int) else tuple(hidden_units)
    if not all(isinstance(w, int) and w > 0 for w in widths):
        raise ValueError(f"{name} must be positive integers; got {hidden_units!r}.")
    return widths


class MLP(nn.Module):
    """A multi-layer perceptron with ReLU activations.

    Parameters
    ----------
    n_features : int
        Input width.
    n_classes : int
        Number of logits.
    hidden_units : int or sequence of int, default=128
        Width of the hidden layer, or of each hidden layer.
    dropout : float, default=0.0
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.mamix import MLP
    >>> MLP(n_features=4, n_classes=3, hidden_units=(8, 8))(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        hidden_units: int | Sequence[int] = 128,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = n_features
        for hidden in _as_widths(hidden_units, "hidden_units"):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = hidden
        layers.append(nn.Linear(width, n_classes))
        self.layers = nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.layers(X)


class SmallCNN(nn.Module):
    """A small convolutional network for images given as flattened rows.

    Each entry of ``channels`` adds a 3x3 convolution (padding 1) with ReLU,
    followed by a 2x2 max-pooling while the feature map is at least 2x2; a
    hidden fully connected layer then feeds the logits. No batch
    normalisation, so any batch size (even 1) trains.

    Parameters
    ----------
    image_shape : tuple of int
        ``(channels, height, width)`` or ``(height, width)``; the rows of the
        input are reshaped to it (row-major, as ``numpy.reshape``).
    n_classes : int
        Number of logits.
    channels : sequence of int, default=(32, 64)
        Output channels of the convolutions.
    hidden_units : int, default=128
        Width of the fully connected hidden layer.
    dropout : float, default=0.0
        Dropout probability before the output layer.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.mamix import SmallCNN
    >>> SmallCNN(image_shape=(8, 8), n_classes=10)(torch.zeros(5, 64)).shape
    torch.Size([5, 10])
    """

    def __init__(
        self,
        image_shape: Sequence[int],
        n_classes: int,
        channels: Sequence[int] = (32, 64),
        hidden_units: int = 128,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_values = math.prod(image_shape) if len(image_shape) in (2, 3) else 0
        self.image_shape = resolve_image_shape(image_shape, n_values, min_side=1)
        (hidden,) = _as_widths(hidden_units, "hidden_units")
        in_channels, height, width = self.image_shape
        layers: list[nn.Module] = []
        for out_channels in _as_widths(tuple(channels), "channels"):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
            if min(height, width) >= 2:
                layers.append(nn.MaxPool2d(2))
                height, width = height // 2, width // 2
            in_channels = out_channels
        self.features = nn.Sequential(*layers, nn.Flatten())
        head: list[nn.Module] = [
            nn.Linear(in_channels * height * width, hidden),
            nn.ReLU(),
        ]
        if dropout:
            head.append(nn.Dropout(dropout))
        head.append(nn.Linear(hidden, n_classes))
        self.head = nn.Sequential(*head)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(X.reshape(len(X), *self.image_shape)))
