"""Loaded by Python at start-up when tools/clock is on PYTHONPATH: see shifted_clock.py."""

import shifted_clock

shifted_clock.start_from_environment()
