"""Tests of the safety domain."""
