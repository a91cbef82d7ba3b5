"""Request-scoped context the audit trail needs (the client's address) without threading
`request` through every service."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def audit_context(get_response):
    def middleware(request):
        from cases.audit import client_ip

        token = current_ip.set(client_ip(request))
        try:
            return get_response(request)
        finally:
            current_ip.reset(token)

    return middleware
