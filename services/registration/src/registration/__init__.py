"""The registration service: where residents enter the process.

It owns applications and ideas and is the only service that decides whether an
application counts.
"""
