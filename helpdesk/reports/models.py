from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """No table: only carries the permission to read the managers' reports (`reports.view_reports`)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("Can read the managers' reports"))]
        verbose_name = _("report access")

    def __str__(self):
        return str(self._meta.verbose_name)
