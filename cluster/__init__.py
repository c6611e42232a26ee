"""A loopback cluster of the helpdesk (nginx, three Daphne workers, the task worker) and faults to run against it.

`python -m cluster start|stop|status|clean` and `python -m cluster fault NAME`; see docs/operations.md.
"""
