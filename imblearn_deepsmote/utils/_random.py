"""Seeds drawn from scikit-learn random states, in one place."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["SEED_BOUND", "draw_seed"]

#: Seeds are drawn below it, so that they fit any int32 ``random_state``.
SEED_BOUND = np.iinfo(np.int32).max


def draw_seed(random_state) -> int:
    """Draw a seed in ``[0, SEED_BOUND)`` from a random state.

    An int always gives the same seed; ``None`` draws from numpy's global
    random state, as scikit-learn estimators do (so ``np.random.seed``
    makes it repeatable); a :class:`numpy.random.RandomState` or
    :class:`numpy.random.Generator` is advanced by one draw. Every seed the
    package hands on (to torch generators, to a latent sampler, to a
    fallback sampler) is drawn here.

    Examples
    --------
    >>> from imblearn_deepsmote.utils import draw_seed
    >>> draw_seed(0) == draw_seed(0)
    True
    >>> import numpy as np
    >>> draw_seed(np.random.default_rng(0)) == draw_seed(np.random.default_rng(0))
    True
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(SEED_BOUND))
    return int(check_random_state(random_state).randint(SEED_BOUND))
