"""Imported by the multiprocessing fork server only (as a preload module, see
``executors._preload``): ties the fork server to the run that started it (K1).

Nothing else imports this module; importing it is the whole point.
"""

from beian.scan.lifeline import tie_fork_server_to_run

tie_fork_server_to_run()
