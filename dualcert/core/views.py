from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dualcert.core.models import AuditEntry
from dualcert.core.navigation import LANDING
from dualcert.core.scoping import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.role is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(LANDING[scope.role])


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log is the bureau's: other roles get 403."""
    if not scope_for(request.user).is_bureau:
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor", "content_type")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})


PRIVATE = "private, no-store"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def private_download(path: Path, *, filename: str, content_type: str,
                     ready: bool = True) -> FileResponse:
    """A job's file as a download that no cache keeps (it holds personal data); 404 while
    the job is not `ready` or once the file has been cleared away."""
    if not ready or not path.is_file():
        raise Http404("no file")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename,
                            content_type=content_type)
    response["Cache-Control"] = PRIVATE
    return response
