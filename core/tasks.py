"""Celery tasks owned by core. Tasks stay thin: they call a service."""

import socket

from celery import shared_task

from core.services import worker_heartbeat_record


@shared_task(name="core.worker_heartbeat", ignore_result=False)
def worker_heartbeat(hostname: str | None = None) -> dict:
    """Record this worker's heartbeat (run by beat every minute); shows in /readyz."""
    heartbeat = worker_heartbeat_record(hostname=hostname or socket.gethostname())
    return {"hostname": heartbeat.hostname, "beats": heartbeat.beats}
