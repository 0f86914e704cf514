"""Backprop Explainer: backpropagation on a two-layer network, step by step, in the slides' notation."""
