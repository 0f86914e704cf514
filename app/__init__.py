"""Backprop Explainer: backpropagation on a two-layer network, step by step, in the slides' notation."""

from .notebook import explain

__all__ = ["explain"]
