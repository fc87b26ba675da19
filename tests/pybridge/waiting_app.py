"""Served by test_waiting_server.py: views whose handlers wait."""

from views import Waiter

routes = {"/waiter": Waiter}
