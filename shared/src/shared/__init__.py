"""mitwirken's shared package: the event contract and the messaging backbone.

Services import from here and never from each other.
"""
