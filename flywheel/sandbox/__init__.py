"""Sandbox: the hardened runner for untrusted code (hardened.py, jail.py, static_check.py).

The warm worker pool that runs tasks is flywheel.run.pool: it sits in a higher layer, so it is
imported from there, not re-exported here.
"""
