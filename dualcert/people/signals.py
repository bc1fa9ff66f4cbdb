"""Signals of the people stage."""

from django.dispatch import Signal

# Sent with `worker_ids` after writes of workers that send no post_save (bulk registration,
# a consent change made as a conditional update); derived data of workers listens here.
workers_written = Signal()
