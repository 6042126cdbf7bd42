"""Private files (applications, reports, exports, personal data archives) leave the
platform through views that checked the permission, always answered the same way."""

from django.http import FileResponse


def private_file_response(field_file, *, filename, content_type, inline=False):
    """Downloaded (or shown ``inline``), never sniffed by the browser, never kept by a
    shared cache."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
