"""Kernels: Triton kernels, each beside its pure-torch twin, and the NF4 primitives.

Nothing here knows about models or training.
"""
