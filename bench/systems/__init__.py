"""The systems under test. Each measures one run of a workload on a fresh store under `directory`.

Every function returns one figure: a rate (per second) or a latency (milliseconds), as the
workload's unit says. Setup work (filling a store before a read workload) is never timed.
"""
