"""mitwirken on one machine: the local stack (broker, database, mail) and the CLI."""
