"""The math: the slides' two-layer network, its step, its fast paths and TD mode's walk.

NumPy and the standard library only: no I/O, no globals that change, no hidden
randomness.  Each module is one idea:

    activations   f_A and f_B, each a value and its derivative, its TeX and its errata
    losses        L and dL/dy_hat, with their TeX
    vocabulary    the activations' and losses' words as one table, as the page receives it
    net           the network's settings, initial weights, the mean loss over D
    sums          every sum the model makes (u M, |d|^2), in an order that is the same on every CPU
    backprop      the slides' step: forward, backward, update
    fastforward   many steps per call: the checked loop and SGD's untraced loop
    optimizers    SGD and Adam
    gradcheck     finite differences
    walk          TD mode's random walk: moves, true values, features, targets
    mountain_car  control mode's car, its features and the agents' targets
    tiles         the course's tile coder (Sutton's tiles3, with its index hash table)
    control       the tile-coding agent: the slides' step with A frozen, one a transition
    datasets      the built-in data sets
"""

from .activations import ACTIVATIONS, F_A_NAMES, F_B_NAMES
from .backprop import forward, outer, step
from .datasets import DATASETS, Dataset
from .fastforward import Steps, is_finite_step, run, run_checked, traced_sgd, weights_ok
from .gradcheck import numerical_gradient, numerical_gradients, relative_error
from .losses import LOSS_NAMES, LOSS_SCALE, LOSSES
from .net import UPDATE_ORDERS, Net, dataset_loss, init_weights, with_bias
from .optimizers import OPTIMIZERS, adam, adam_moments, adam_step, traced_adam
from .sums import product, sum_of_squares
from .vocabulary import vocabulary

__all__ = [
    "ACTIVATIONS", "DATASETS", "F_A_NAMES", "F_B_NAMES", "LOSSES",
    "LOSS_NAMES", "LOSS_SCALE", "OPTIMIZERS", "UPDATE_ORDERS", "Dataset", "Net", "Steps", "adam",
    "adam_moments", "adam_step", "dataset_loss", "forward", "init_weights", "is_finite_step",
    "numerical_gradient", "numerical_gradients", "outer", "product", "relative_error", "run",
    "run_checked", "step", "sum_of_squares", "traced_adam", "traced_sgd", "vocabulary", "weights_ok",
    "with_bias",
]  # fmt: skip
