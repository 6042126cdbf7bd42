def unread(request):
    """The unread count shown in the header, for logged-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": None}
    from notifications.selectors import unread_count

    return {"notifications_unread": unread_count(user)}
