"""The whole system on one machine: broker, database and the four services as
separate, supervised processes. Used by ``mitwirken up`` and by the end-to-end tests.

A service that dies is restarted (with a growing pause), so a crash is visible in the
output but does not stop the local system; ``stop`` ends the services first, then the
broker and the database.

With ``durable_broker`` the broker keeps its data in a local S3-compatible store, so it
can be killed and restarted; the fault methods (``kill_service``, ``restart_postgres``,
``pause_broker``, ``restart_broker``, ``drop_database_connections``) serve the
fault-injection tests.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mitwirken.infra import LocalBucket, Postgres, Tansu, _pg_bin, free_port, wait_for_port

SERVICES = ("registration", "lottery", "notifications", "reporting")
DEFAULT_PORTS = {"registration": 8001, "lottery": 8002, "notifications": 8003, "reporting": 8004}


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from {self.name}.main import run; run()"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait()

    def stop(self, timeout_s: float = 20) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class LocalStack:
    home: Path
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    kafka_port: int | None = None
    postgres_port: int | None = None
    smtp_port: int | None = None
    mailbox_port: int | None = None
    fsync: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    on_event: Callable[[str], None] = lambda _: None
    postgres: Postgres | None = None
    kafka: Tansu | None = None
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    mailbox: subprocess.Popen[bytes] | None = None
    durable_broker: bool = False
    bucket: LocalBucket | None = None
    _supervisor: threading.Thread | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> LocalStack:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "logs").mkdir(exist_ok=True)
        self.postgres = Postgres(
            self.home / "postgres", port=self.postgres_port or free_port(), fsync=self.fsync
        ).start()
        self.on_event(f"PostgreSQL on 127.0.0.1:{self.postgres.port}")
        self.kafka = Tansu(
            port=self.kafka_port or free_port(), log_path=self.home / "logs" / "broker.log"
        )
        if self.durable_broker:
            self.bucket = LocalBucket(
                self.home / "s3", log_path=self.home / "logs" / "s3.log"
            ).start()
            self.kafka.storage = self.bucket.storage
            self.kafka.env = self.bucket.tansu_env()
        self.kafka.start()
        self.on_event(f"Kafka-protocol broker (Tansu) on {self.kafka.bootstrap_servers}")
        self.smtp_port = self.smtp_port or free_port()
        self.mailbox_port = self.mailbox_port or free_port()
        self.mailbox = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mitwirken.mailbox",
                "--folder",
                str(self.home / "mail"),
                "--smtp-port",
                str(self.smtp_port),
                "--http-port",
                str(self.mailbox_port),
            ],
            stdout=open(self.home / "logs" / "mailbox.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.mailbox_port, timeout_s=30, process=self.mailbox, what="mailbox")
        self.on_event(f"SMTP server on 127.0.0.1:{self.smtp_port}, mailbox at {self.mailbox_url}")
        for name in SERVICES:
            self.services[name] = ServiceProcess(
                name, self.ports[name], self._env_for(name), self.home / "logs" / f"{name}.log"
            )
            self.services[name].start()
        for service in self.services.values():
            self.wait_ready(service)
            self.on_event(f"{service.name} ready on {service.base_url}")
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        return self

    @property
    def mailbox_url(self) -> str:
        return f"http://127.0.0.1:{self.mailbox_port}"

    def _env_for(self, name: str) -> dict[str, str]:
        assert self.postgres is not None and self.kafka is not None
        prefix = name.upper() + "_"
        env = dict(os.environ)
        env.update(
            {
                prefix + "DATABASE_URL": self.postgres.url_for(name),
                prefix + "KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap_servers,
                prefix + "HTTP_PORT": str(self.ports[name]),
                prefix + "HTTP_HOST": "127.0.0.1",
                "NOTIFICATIONS_SMTP_PORT": str(self.smtp_port),
                "REGISTRATION_PUBLIC_BASE_URL": f"http://127.0.0.1:{self.ports['registration']}",
            }
        )
        # The shipped rollout's dates lie in the past: locally the first workshop is a month out.
        env.setdefault("REGISTRATION_ROLLOUT_FIRST_WORKSHOP_IN_DAYS", "30")
        env.update({k.replace("{PREFIX}", prefix): v for k, v in self.extra_env.items()})
        return env

    def wait_ready(self, service: ServiceProcess, timeout_s: float = 90) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                wait_for_port(
                    service.port,
                    timeout_s=max(0.1, deadline - time.monotonic()),
                    process=service.process,
                    what=service.name,
                )
                break
            except RuntimeError:
                # Exited (killed, or failed to start): once supervised, the supervisor
                # starts it again, so wait for the new process instead of giving up.
                supervised = self._supervisor is not None and not self._stopping.is_set()
                if not supervised or time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(service.base_url + "/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{service.name} did not become ready; see {service.log_path}")

    def _supervise(self) -> None:
        while not self._stopping.wait(0.5):
            for service in self.services.values():
                if not service.alive() and not self._stopping.is_set():
                    service.restarts += 1
                    code = service.process.returncode if service.process else None
                    self.on_event(
                        f"{service.name} exited (code {code}); "
                        f"restarting (restart {service.restarts})"
                    )
                    time.sleep(min(5.0, 0.5 * service.restarts))
                    service.start()

    def kill_service(self, name: str) -> None:
        """SIGKILL one service process (its outbox relay and consumers die with it); the
        supervisor starts it again."""
        self.services[name].kill(signal.SIGKILL)

    def restart_postgres(self) -> None:
        """Stop the database server (fast shutdown) and start it again on the same data."""
        assert self.postgres is not None
        self.postgres.stop()
        self.postgres.start()

    def pause_broker(self, seconds: float) -> None:
        """SIGSTOP the broker for ``seconds``, then SIGCONT: an outage without data loss."""
        assert self.kafka is not None
        self.kafka.pause()
        try:
            time.sleep(seconds)
        finally:
            self.kafka.resume()

    def restart_broker(self) -> None:
        """SIGKILL the broker and start it again on the same port (needs ``durable_broker``:
        in memory, every topic would be gone)."""
        assert self.kafka is not None
        if not self.durable_broker:
            raise RuntimeError("a broker restart loses everything without durable storage")
        self.kafka.kill()
        self.kafka.start()

    def drop_database_connections(self) -> int:
        """Terminate every client connection of the services; returns how many."""
        assert self.postgres is not None
        done = subprocess.run(
            [
                str(_pg_bin() / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.postgres.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                " AND datname IS DISTINCT FROM 'postgres'",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(done.stdout.strip() or 0)

    def stop(self) -> None:
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(5)
        for service in self.services.values():
            service.stop()
        if self.mailbox is not None and self.mailbox.poll() is None:
            self.mailbox.terminate()
            self.mailbox.wait(10)
        if self.kafka is not None:
            self.kafka.stop()
        if self.bucket is not None:
            self.bucket.stop()
        if self.postgres is not None:
            self.postgres.stop()
