"""Object permissions on nominals, with direct foreign keys so access is decided by an indexed join
(django-guardian's generic tables would compare text keys)."""

from __future__ import annotations

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.nominal import Nominal


class NominalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Nominal, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "user"], name="nominal_uperm_obj_user")]


class NominalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Nominal, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "group"], name="nominal_gperm_obj_group")]
