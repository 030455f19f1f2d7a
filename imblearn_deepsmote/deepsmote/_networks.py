"""Autoencoder networks: convolutional for images, MLP for tabular rows.

Every network is an :class:`EncoderDecoder`: a :class:`torch.nn.Module` with
two sub-modules, ``encoder`` (inputs of shape ``input_shape`` to latent
vectors of size ``latent_dim``) and ``decoder`` (back again).
:func:`build_network` turns the ``module`` parameter of
:class:`~imblearn_deepsmote.Autoencoder` into such a network; a user-supplied
factory or module must follow the same contract.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

AutoencoderFactory = Callable[[tuple[int, ...], int], tuple[nn.Module, nn.Module]]


class EncoderDecoder(nn.Module):
    """An encoder and a decoder, applied one after the other by ``forward``.

    Parameters
    ----------
    encoder : torch.nn.Module
        Maps a batch of inputs to latent vectors of shape ``(n, latent_dim)``.
    decoder : torch.nn.Module
        Maps latent vectors back to inputs.
    """

    def __init__(self, encoder: nn.Module, decoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class MLPAutoencoder(EncoderDecoder):
    """A fully connected autoencoder for tabular rows.

    Parameters
    ----------
    n_features : int
        Width of the input rows.
    latent_dim : int
        Size of the latent code.
    hidden_units : sequence of int, default=(64, 32)
        Widths of the encoder's hidden layers; the decoder mirrors them.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.deepsmote import MLPAutoencoder
    >>> autoencoder = MLPAutoencoder(n_features=10, latent_dim=3)
    >>> autoencoder.encoder(torch.zeros(4, 10)).shape
    torch.Size([4, 3])
    >>> autoencoder(torch.zeros(4, 10)).shape
    torch.Size([4, 10])
    """

    def __init__(
        self, n_features: int, latent_dim: int, hidden_units: Sequence[int] = (64, 32)
    ) -> None:
        widths = [n_features, *hidden_units, latent_dim]
        super().__init__(_mlp(widths), _mlp(widths[::-1]))


def _mlp(widths: Sequence[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=False)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(widths) - 2:
            layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


class ConvAutoencoder(EncoderDecoder):
    """A compact DCGAN-style convolutional autoencoder sized from the image shape.

    The encoder halves the resolution with stride-2 convolutions (batch norm,
    LeakyReLU), flattens and projects to the latent code; the decoder mirrors
    it with transposed convolutions and ends with ``tanh`` (inputs are scaled
    to ``[-1, 1]``). Any height and width of at least 8 work: the transposed
    convolutions restore odd sizes exactly through ``output_padding``.

    Parameters
    ----------
    image_shape : tuple of int
        ``(channels, height, width)``.
    latent_dim : int
        Size of the latent code.
    base_channels : int, default=32
        Channels of the first convolution; each further stage doubles them.
    n_stages : int or None, default=None
        Number of stride-2 stages; by default 2 for images smaller than 32
        pixels, 3 up to 63 and 4 beyond.

    Examples
    --------
    >>> import torch
    >>> from imblearn_deepsmote.deepsmote import ConvAutoencoder
    >>> autoencoder = ConvAutoencoder((3, 9, 13), latent_dim=8)
    >>> autoencoder.encoder(torch.zeros(2, 3, 9, 13)).shape
    torch.Size([2, 8])
    >>> autoencoder(torch.zeros(2, 3, 9, 13)).shape
    torch.Size([2, 3, 9, 13])
    """

    def __init__(
        self,
        image_shape: tuple[int, int, int],
        latent_dim: int,
        base_channels: int = 32,
        n_stages: int | None = None,
    ) -> None:
        channels, height, width = image_shape
        if n_stages is None:
            n_stages = 2 + (min(height, width) >= 32) + (min(height, width) >= 64)
        sizes = [(height, width)]
        for _ in range(n_stages):
            h, w = sizes[-1]
            sizes.append((h // 2, w // 2))
        widths = [channels] + [base_channels * 2**i for i in range(n_stages)]
        encoder: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:], strict=False)):
            encoder.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=i == 0))
            if i > 0:
                encoder.append(nn.BatchNorm2d(c_out))
            encoder.append(nn.LeakyReLU(0.2))
        bottom = (widths[-1], *sizes[-1])
        encoder += [nn.Flatten(), nn.Linear(math.prod(bottom), latent_dim)]
        decoder: list[nn.Module] = [
            nn.Linear(latent_dim, math.prod(bottom)),
            nn.ReLU(),
            nn.Unflatten(1, bottom),
        ]
        for stage in range(n_stages, 0, -1):
            (h_out, w_out), (h_in, w_in) = sizes[stage - 1], sizes[stage]
            padding = (h_out - 2 * h_in, w_out - 2 * w_in)
            last = stage == 1
            c_in, c_out = widths[stage], widths[stage - 1]
            decoder.append(
                nn.ConvTranspose2d(
                    c_in, c_out, 4, 2, 1, output_padding=padding, bias=last
                )
            )
            decoder += [nn.Tanh()] if last else [nn.BatchNorm2d(c_out), nn.ReLU()]
        super().__init__(nn.Sequential(*encoder), nn.Sequential(*decoder))


class PaperAutoencoder(EncoderDecoder):
    """The 28 x 28 autoencoder of the DeepSMOTE paper's released code (13.1M weights).

    Encoder: four 4 x 4 stride-2 convolutions with 64, 128, 256 and 512
    channels (batch norm from the second, LeakyReLU 0.2), then a dense layer to
    the latent code. Decoder: a dense layer to 512 x 7 x 7 with ReLU, then
    transposed convolutions growing 7 -> 10 -> 13 -> 28 and ``tanh``. It exists
    to reproduce the paper; it only accepts 28 x 28 images.

    Parameters
    ----------
    image_shape : tuple of int
        ``(channels, 28, 28)``.
    latent_dim : int, default=300
        The paper uses 300 for MNIST and Fashion-MNIST.

    Examples
    --------
    >>> from imblearn_deepsmote.deepsmote import PaperAutoencoder
    >>> autoencoder = PaperAutoencoder((1, 28, 28))
    >>> sum(p.numel() for p in autoencoder.parameters())
    13085357
    """

    def __init__(
        self, image_shape: tuple[int, int, int], latent_dim: int = 300
    ) -> None:
        channels, height, width = image_shape
        if (height, width) != (28, 28):
            raise ValueError(
                "autoencoder='paper' is the paper's 28x28 architecture; got "
                f"image_shape={image_shape}. Use autoencoder='conv' for other sizes."
            )
        widths = [channels, 64, 128, 256, 512]
        encoder: list[nn.Module] = []
        for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:], strict=False)):
            encoder.append(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False))
            if i > 0:
                encoder.append(nn.BatchNorm2d(c_out))
            encoder.append(nn.LeakyReLU(0.2))
        encoder += [nn.Flatten(), nn.Linear(512, latent_dim)]
        decoder = [
            nn.Linear(latent_dim, 512 * 7 * 7),
            nn.ReLU(),
            nn.Unflatten(1, (512, 7, 7)),
            nn.ConvTranspose2d(512, 256, 4, 1, 0),
            nn.BatchNorm2d(256),
            nn.ReLU(),
            nn.ConvTranspose2d(256, 128, 4, 1, 0),
            nn.BatchNorm2d(128),
            nn.ReLU(),
            nn.ConvTranspose2d(128, channels, 4, 2, 0),
            nn.Tanh(),
        ]
        super().__init__(nn.Sequential(*encoder), nn.Sequential(*decoder))


NETWORKS = ("auto", "conv", "mlp", "paper")


def build_network(
    module: str | AutoencoderFactory | type[nn.Module] | nn.Module,
    input_shape: tuple[int, ...],
    latent_dim: int | None,
    **kwargs,
) -> tuple[nn.Module, int]:
    """Build the network named by :class:`~imblearn_deepsmote.Autoencoder`'s ``module``.

    Parameters
    ----------
    module : {"auto", "conv", "mlp", "paper"}, callable, module class or instance
        ``"auto"`` is ``"conv"`` for images and ``"mlp"`` for tabular rows;
        ``"conv"``, ``"mlp"`` and ``"paper"`` are :class:`ConvAutoencoder`,
        :class:`MLPAutoencoder` and :class:`PaperAutoencoder`, built with
        ``kwargs``. A function is called as ``module(input_shape,
        latent_dim)`` and must return ``(encoder, decoder)``: two
        :class:`torch.nn.Module` where the encoder maps a float tensor of
        shape ``(n, *input_shape)`` to ``(n, latent_dim)`` and the decoder
        maps that back to ``(n, *input_shape)``. A module class is
        instantiated with ``kwargs``, and a module instance used as it is;
        either must have ``encoder`` and ``decoder`` sub-modules. Inputs are
        scaled to ``[-1, 1]`` for images and standardised for tabular rows
        (by default), so a ``tanh`` output suits images and a linear output
        suits tabular rows.
    input_shape : tuple of int
        ``(channels, height, width)`` for images, ``(n_features,)`` otherwise.
    latent_dim : int or None
        Size of the latent code; ignored by module classes and instances
        (whose encoder decides it).
    **kwargs
        Keyword arguments of the network class (``module__*`` parameters).

    Returns
    -------
    network : EncoderDecoder or torch.nn.Module
        A module with ``encoder`` and ``decoder`` sub-modules, checked on a
        dummy batch.
    latent_dim : int
        The size of its latent code.

    Examples
    --------
    >>> from torch import nn
    >>> from imblearn_deepsmote.deepsmote import build_network
    >>> def linear(input_shape, latent_dim):
    ...     n_features = input_shape[0]
    ...     return nn.Linear(n_features, latent_dim), nn.Linear(latent_dim, n_features)
    >>> network, latent_dim = build_network(linear, (5,), 2)
    >>> type(network).__name__, latent_dim
    ('EncoderDecoder', 2)
    >>> type(build_network("auto", (1, 8, 8), 2)[0]).__name__
    'ConvAutoencoder'
    """
    is_image = len(input_shape) == 3
    if isinstance(module, str):
        network = _named_network(module, input_shape, latent_dim, is_image, kwargs)
    elif isinstance(module, nn.Module) or isinstance(module, type):
        network = module if isinstance(module, nn.Module) else module(**kwargs)
        if not all(
            isinstance(getattr(network, name, None), nn.Module)
            for name in ("encoder", "decoder")
        ):
            raise TypeError(
                "A module given to Autoencoder must have 'encoder' and 'decoder' "
                f"sub-modules; {type(network).__name__} does not."
            )
    elif callable(module):
        modules = module(tuple(input_shape), latent_dim)
        if not (
            isinstance(modules, tuple)
            and len(modules) == 2
            and all(isinstance(m, nn.Module) for m in modules)
        ):
            raise TypeError(
                "An autoencoder factory must return a tuple (encoder, decoder) of "
                f"torch.nn.Module; got {type(modules).__name__}."
            )
        network = EncoderDecoder(*modules)
        measured = _check_shapes(network, input_shape)
        if measured != latent_dim:
            raise ValueError(
                f"The encoder must return shape (n, {latent_dim}) (latent_dim) for "
                f"inputs of shape (n, {', '.join(map(str, input_shape))}); got "
                f"({measured},) per sample."
            )
        return network, measured
    else:
        raise TypeError(
            f"module must be one of {NETWORKS}, a factory function, or a torch "
            f"module class or instance; got {module!r}."
        )
    return network, _check_shapes(network, input_shape)


def _named_network(
    name: str,
    input_shape: tuple[int, ...],
    latent_dim: int,
    is_image: bool,
    kwargs: dict,
) -> EncoderDecoder:
    if name not in NETWORKS:
        raise ValueError(
            f"Unknown autoencoder network {name!r}; expected one of {NETWORKS}, a "
            "factory (input_shape, latent_dim) -> (encoder, decoder), or a torch "
            "module with encoder and decoder sub-modules."
        )
    if name in ("conv", "paper") and not is_image:
        raise ValueError(
            f"The {name!r} autoencoder is convolutional and needs images: pass "
            "image_shape=(channels, height, width) (or (height, width)), or image "
            "arrays of shape (n, height, width) or (n, channels, height, width)."
        )
    if name == "paper":
        return PaperAutoencoder(input_shape, latent_dim, **kwargs)
    if name == "conv" or (name == "auto" and is_image):
        return ConvAutoencoder(input_shape, latent_dim, **kwargs)
    network = MLPAutoencoder(math.prod(input_shape), latent_dim, **kwargs)
    if is_image:  # an MLP on images: flatten in, unflatten out
        network = EncoderDecoder(
            nn.Sequential(nn.Flatten(), network.encoder),
            nn.Sequential(network.decoder, nn.Unflatten(1, input_shape)),
        )
    return network


def _check_shapes(network: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Run a dummy batch through ``network``; return the latent size."""
    shape = ", ".join(map(str, input_shape))
    training = network.training
    network.eval()
    with torch.no_grad():
        latent = network.encoder(torch.zeros(2, *input_shape))
        if latent.dim() != 2 or len(latent) != 2:
            raise ValueError(
                f"The encoder must return shape (n, latent_dim) for inputs of shape "
                f"(n, {shape}); got {tuple(latent.shape)[1:]} per sample."
            )
        decoded = network.decoder(latent)
        if tuple(decoded.shape) != (2, *input_shape):
            raise ValueError(
                f"The decoder must return shape (n, {shape}); "
                f"got {tuple(decoded.shape)[1:]} per sample."
            )
    network.train(training)
    return int(latent.shape[1])
