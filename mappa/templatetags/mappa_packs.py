"""The meeting pack panel on the meeting page ({% pack_panel meeting %})."""

from __future__ import annotations

from django import template

from mappa.views.packs import panel_context

register = template.Library()


@register.inclusion_tag("mappa/pack_panel.html", takes_context=True)
def pack_panel(context, meeting):
    return {**panel_context(meeting), "csrf_token": context.get("csrf_token")}
